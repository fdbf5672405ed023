/*
 * Unit tests of the field tables: what a create and a merge patch accept,
 * refuse, and report.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "fields.h"
#include "register.h"

static json_t *
parse(const char *text)
{
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
	cr_assert_not_null(o, "fixture JSON: %s", text);
	return o;
}

Test(fields, a_minimal_school_gets_its_defaults)
{
	json_t *o = parse("{\"urn\": 125678, \"la_code\": 937, \"establishment_number\": 2001, "
	                  "\"name\": \"A\", \"phase\": \"primary\", \"type\": \"academy\"}");
	struct record rec = {0};
	struct problem p = {0};

	cr_assert(eq(int, record_from_json(school_def.fields, o, RECORD_CREATE, &rec, &p), ERR_OK));
	cr_assert(eq(str, rec.val[SF_URN], "125678"));
	cr_assert(eq(str, rec.val[SF_STATUS], "open"));
	cr_assert(eq(str, rec.val[SF_OFSTED_GRADE], "none"));
	cr_assert(eq(str, rec.val[SF_VULNERABLE], "false"));
	cr_assert_null(rec.val[SF_PUPILS]);
	record_clear(&rec);
	json_decref(o);
}

Test(fields, every_fault_is_reported_once)
{
	json_t *o = parse("{\"urn\": 99999, \"la_code\": 937.0, \"name\": 5, \"phase\": \"uni\", "
	                  "\"type\": null, \"ofsted_date\": \"2021-02-29\", \"id\": 1, \"shoe\": 2}");
	struct record rec = {0};
	struct problem p = {0};

	cr_assert(eq(int, record_from_json(school_def.fields, o, RECORD_CREATE, &rec, &p), ERR_VALIDATION));
	cr_assert(problem_names(&p, "urn", "range"));
	cr_assert(problem_names(&p, "la_code", "type"));
	cr_assert(problem_names(&p, "name", "type"));
	cr_assert(problem_names(&p, "phase", "enum"));
	cr_assert(problem_names(&p, "type", "null"));
	cr_assert(problem_names(&p, "ofsted_date", "format"));
	cr_assert(problem_names(&p, "id", "read_only"));
	cr_assert(problem_names(&p, "shoe", "unknown"));
	cr_assert(problem_names(&p, "establishment_number", "required"));
	cr_assert_not(problem_names(&p, "urn", "required"), "a field given badly is not also missing");
	cr_assert(eq(sz, problem_count(&p), 9));
	record_clear(&rec);
	problem_clear(&p);
	json_decref(o);
}

Test(fields, text_length_counts_characters_not_bytes)
{
	char name[420] = "{\"urn\": 125678, \"la_code\": 937, \"establishment_number\": 1, "
	                 "\"phase\": \"primary\", \"type\": \"other\", \"name\": \"";
	struct record rec = {0};
	struct problem p = {0};
	json_t *o;

	for (int i = 0; i < 100; i++)
		strcat(name, "é");   /* 100 characters, 200 bytes: within 200 characters */
	strcat(name, "\"}");
	o = parse(name);
	cr_assert(eq(int, record_from_json(school_def.fields, o, RECORD_CREATE, &rec, &p), ERR_OK));
	record_clear(&rec);
	json_decref(o);
	o = parse("{\"name\": \"a\\u0000b\"}");
	cr_assert(eq(int, record_from_json(school_def.fields, o, RECORD_PATCH, &rec, &p), ERR_VALIDATION));
	cr_assert(problem_names(&p, "name", "format"));
	problem_clear(&p);
	record_clear(&rec);
	json_decref(o);
}

Test(fields, merge_patch_changes_only_what_differs)
{
	struct record rec = {0};
	struct problem p = {0};
	json_t *o = parse("{\"pupils\": 210, \"name\": \"Same\", \"headteacher_name\": null}");

	record_put(&rec, SF_NAME, "Same");
	record_put(&rec, SF_PUPILS, "200");
	record_put(&rec, SF_HEADTEACHER_NAME, "Mr X");
	cr_assert(eq(int, record_from_json(school_def.fields, o, RECORD_PATCH, &rec, &p), ERR_OK));
	cr_assert(rec.set[SF_PUPILS]);
	cr_assert(eq(str, rec.val[SF_PUPILS], "210"));
	cr_assert_not(rec.set[SF_NAME], "same value: no change");
	cr_assert(rec.set[SF_HEADTEACHER_NAME]);
	cr_assert_null(rec.val[SF_HEADTEACHER_NAME], "null clears a nullable field");
	record_clear(&rec);
	json_decref(o);

	o = parse("{\"urn\": 100000, \"la_code\": 938}");
	cr_assert(eq(int, record_from_json(school_def.fields, o, RECORD_PATCH, &rec, &p), ERR_VALIDATION));
	cr_assert(problem_names(&p, "urn", "read_only"));
	cr_assert(problem_names(&p, "la_code", "read_only"));
	problem_clear(&p);
	record_clear(&rec);
	json_decref(o);
}

Test(fields, school_cross_field_rules)
{
	struct record rec = {0};
	struct problem p = {0};

	record_put(&rec, SF_VULNERABLE, "true");
	record_put(&rec, SF_OPENED_ON, "2020-09-01");
	record_put(&rec, SF_CLOSED_ON, "2020-08-31");
	school_check(&rec, &p);
	cr_assert(problem_names(&p, "vulnerable_reason", "required"));
	cr_assert(problem_names(&p, "closed_on", "rule"));
	problem_clear(&p);
	record_put(&rec, SF_VULNERABLE_REASON, "new head, falling roll");
	record_put(&rec, SF_CLOSED_ON, "2020-09-01");
	school_check(&rec, &p);
	cr_assert(eq(sz, problem_count(&p), 0), "closing the day it opened is allowed");
	record_clear(&rec);
}

Test(fields, area_district_codes_become_an_array_literal)
{
	struct record rec = {0};
	struct problem p = {0};
	json_t *o = parse("{\"la_code\": 937, \"code\": \"south\", \"name\": \"South\", "
	                  "\"district_codes\": [\"E07000221\", \"W06000001\"]}");

	cr_assert(eq(int, record_from_json(area_def.fields, o, RECORD_CREATE, &rec, &p), ERR_OK));
	cr_assert(eq(str, rec.val[3], "{\"E07000221\",\"W06000001\"}"));
	record_clear(&rec);
	json_decref(o);
}

Test(fields, utf8_validation)
{
	cr_assert(utf8_valid("abc", 3));
	cr_assert(utf8_valid("\xC3\xA9", 2));
	cr_assert(utf8_valid("\xE2\x80\x99", 3));
	cr_assert(utf8_valid("\xF0\x9F\x8F\xAB", 4));
	cr_assert_not(utf8_valid("\xC3", 1), "truncated");
	cr_assert_not(utf8_valid("\xC0\xAF", 2), "overlong");
	cr_assert_not(utf8_valid("\xED\xA0\x80", 3), "surrogate");
	cr_assert_not(utf8_valid("\xFF", 1));
	cr_assert_not(utf8_valid("a\0b", 3), "NUL");
	cr_assert(eq(sz, utf8_length("é’a"), 3));
}
