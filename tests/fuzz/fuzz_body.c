/*
 * fuzz_body.c
 *    libFuzzer target: a request body (JSON) through the validation of
 *    every resource that takes one, as api/server.c's read_body and
 *    resource.c's create and patch do it, without a database.
 *
 * Input: byte 0 chooses what is validated, the rest is the body.
 *   byte0 % 32 = 2 * resource + mode: resource in the order of `targets`
 *     below (0 la ... 14 support, 15 POST /v1/chairs/eligibility),
 *     mode 0 a create, 1 a merge patch of a stored record (made from the
 *     resource's `base` body below, as record_load would hold it).
 *     In ASCII: '@' la create, 'A' la patch, 'B' area create, ...
 *   byte0 & 32: parse with JSON_ALLOW_NUL (the server does not, but the
 *     validators claim to refuse NUL characters themselves).
 *
 * After the validation the record must keep the field table's promises:
 * every value valid UTF-8 without NUL, integers and dates in range, enums
 * from their list, every field the body set non-null holding the value it
 * gave, and an ERR_VALIDATION always naming at least one fault.
 */
#include <jansson.h>
#include <stdbool.h>

#include "account.h"
#include "config.h"
#include "date.h"
#include "fields.h"
#include "fund.h"
#include "fuzz.h"
#include "group.h"
#include "plan.h"
#include "problem.h"
#include "register.h"

/* What each slot validates; base: a valid create, the stored record a patch starts from. */
static const struct {
	const struct resource_def *def;   /* NULL: chair_eligibility */
	const char *base;
} targets[16] = {
	{&la_def, "{\"code\": 937, \"name\": \"Warwickshire\"}"},
	{&area_def, "{\"la_code\": 937, \"code\": \"rugby\", \"name\": \"Rugby\", "
	            "\"district_codes\": [\"E07000220\"]}"},
	{&school_def, "{\"urn\": 125678, \"la_code\": 937, \"establishment_number\": 2001, "
	              "\"name\": \"Bulkington Primary\", \"phase\": \"primary\", \"type\": \"academy\", "
	              "\"vulnerable\": true, \"vulnerable_reason\": \"falling roll\", "
	              "\"opened_on\": \"1990-09-01\"}"},
	{&account_def, "{\"name\": \"finance-bot\", \"role\": \"finance\", \"la_code\": 937}"},
	{&consortium_def, "{\"la_code\": 937, \"name\": \"Rugby Rural\", \"created_on\": \"2019-09-01\"}"},
	{&network_def, "{\"la_code\": 937, \"area_id\": 3, \"name\": \"North Secondary\"}"},
	{&membership_def, "{\"group_id\": 1, \"school_urn\": 125678, \"start_date\": \"2019-09-01\", "
	                  "\"end_date\": \"2021-08-31\"}"},
	{&chair_def, "{\"group_id\": 1, \"role\": \"chair\", \"person_name\": \"Pat Chair\", "
	             "\"email\": \"pat@school.example\", \"school_urn\": 125678, "
	             "\"head_since\": \"2016-02-29\", \"led_school_grades\": [\"good\"], "
	             "\"governing_body_support_on\": \"2019-07-01\", \"group_backing\": \"vote\", "
	             "\"time_commitment\": true, \"improvement_note\": \"steady\", "
	             "\"start_date\": \"2019-09-01\", \"elected_on\": \"2019-07-10\"}"},
	{&nomination_def, "{\"group_id\": 1, \"role\": \"remote_learning_lead\", \"person_name\": \"Lee\", "
	                  "\"school_urn\": 125678, \"start_date\": \"2020-09-01\"}"},
	{&fund_def, "{\"la_code\": 937, \"kind\": \"recovery\", \"name\": \"Recovery\", "
	            "\"academic_year\": \"2026/27\", \"pot_pence\": 1000000, \"school_weighting\": \"0.25\"}"},
	{&allocation_def, "{\"fund_id\": 1, \"group_id\": 1, \"amount_pence\": 100000, \"payee_urn\": 125678}"},
	{&plan_def, "{\"group_id\": 1, \"fund_id\": 1, \"priorities\": [\"Reading\"], \"actions\": "
	            "[{\"description\": \"d\", \"success_criteria\": \"s\", \"responsible\": \"r\", "
	            "\"cost_pence\": 100, \"completion_date\": \"2027-07-01\", \"level\": \"cooperation\"}]}"},
	{&evaluation_def, "{\"allocation_id\": 1, \"what_done\": \"w\", \"impacts\": "
	                  "[{\"criterion\": \"c\", \"impact\": \"i\"}], \"rating\": \"met\", \"spent_pence\": 1}"},
	{&meeting_def, "{\"group_id\": 1, \"held_on\": \"2020-09-21\", \"attended_urns\": [125678], "
	               "\"agreements\": [\"a\"], \"actions\": [{\"description\": \"d\", \"owner\": \"o\", "
	               "\"due_date\": \"2020-10-01\"}]}"},
	{&support_def, "{\"school_urn\": 125678, \"brokered_by\": \"LA\", \"support\": \"Maths\", "
	               "\"started_on\": \"2020-09-01\", \"progress_notes\": [{\"on\": \"2020-10-01\", "
	               "\"note\": \"n\"}]}"},
	{NULL, NULL},
};

/* The stored record a patch applies to: the base create, as record_load leaves it. */
static void
stored(const struct resource_def *def, const char *base, struct record *rec)
{
	json_t *o = json_loads(base, JSON_REJECT_DUPLICATES, NULL);
	struct problem p = {0};
	enum err e;

	FUZZ_CHECK(o != NULL, "base body of %s is not JSON", def->noun);
	e = resource_validate(NULL, def, o, RECORD_CREATE, rec, &p);
	FUZZ_CHECK(e == ERR_OK, "base body of %s is refused: %s", def->noun, p.detail);
	memset(rec->set, 0, sizeof rec->set);
	problem_clear(&p);
	json_decref(o);
}

static bool
in_list(const char *const *values, const char *s)
{
	for (; values && *values; values++)
		if (strcmp(*values, s) == 0)
			return true;
	return false;
}

/* Is v, a valid value of f, the canonical text of the body's value given? */
static bool
reflects(const struct field *f, const char *v, const json_t *given)
{
	json_t *j;
	bool same;

	switch (f->type) {
	case FT_INT:
		return json_is_integer(given) && strtoll(v, NULL, 10) == json_integer_value(given);
	case FT_BOOL:
		return json_is_boolean(given) && (strcmp(v, "true") == 0) == json_is_true(given);
	case FT_TEXT:
		if (json_is_string(given) && (f->flags & F_NAME)) {
			/* a name is stored in its canonical form, which is its own canonical form */
			const char *why;
			char *want = fields_name(json_string_value(given), &why);
			char *again = fields_name(v, &why);
			same = want && again && strcmp(v, want) == 0 && strcmp(again, v) == 0;
			free(want);
			free(again);
			return same;
		}
		return json_is_string(given) && strcmp(v, json_string_value(given)) == 0;
	case FT_DATE: case FT_ENUM:
		return json_is_string(given) && strcmp(v, json_string_value(given)) == 0;
	case FT_JSON:
		j = json_loads(v, JSON_DECODE_ANY, NULL);
		same = j && json_equal(j, given);
		json_decref(j);
		return same;
	case FT_TEXT_ARRAY:
		return json_is_array(given);
	}
	return false;
}

/* Does the record keep the field table's promises? */
static void
check_record(const struct field_set *fs, const json_t *body, enum record_mode mode,
             const struct record *rec)
{
	for (size_t i = 0; i < fs->n; i++) {
		const struct field *f = &fs->fields[i];
		const char *v = rec->val[i];
		const json_t *given = json_object_get(body, f->name);
		bool set = given && !json_is_null(given) && !(f->flags & F_DERIVED);
		long long n;
		int y, m, d;

		if (v == NULL) {
			FUZZ_CHECK(!set, "%s was given a value but the valid record has none", f->name);
			FUZZ_CHECK(mode == RECORD_PATCH || (f->flags & (F_NULLABLE | F_DERIVED | F_OPTIONAL)),
			           "%s is not nullable yet a valid create leaves it null", f->name);
			continue;
		}
		FUZZ_CHECK(utf8_valid(v, strlen(v)), "%s is not valid UTF-8", f->name);
		FUZZ_CHECK(!set || reflects(f, v, given), "%s = %s is not the value the body gave", f->name, v);
		switch (f->type) {
		case FT_INT:
			FUZZ_CHECK(parse_int(v, f->min, f->max, &n), "%s = %s out of range", f->name, v);
			break;
		case FT_DATE:
			FUZZ_CHECK(date_parse_iso(v, &y, &m, &d), "%s = %s is not a date", f->name, v);
			FUZZ_CHECK(date_within(v, DATE_LAST_YEAR), "%s = %s is outside the window", f->name, v);
			break;
		case FT_BOOL:
			FUZZ_CHECK(strcmp(v, "true") == 0 || strcmp(v, "false") == 0, "%s = %s", f->name, v);
			break;
		case FT_ENUM:
			FUZZ_CHECK(in_list(f->values, v), "%s = %s is not in its list", f->name, v);
			break;
		case FT_TEXT:
			FUZZ_CHECK((f->flags & F_DERIVED) ||
			           ((long long)utf8_length(v) >= f->min && (long long)utf8_length(v) <= f->max),
			           "%s has %zu characters", f->name, utf8_length(v));
			break;
		case FT_JSON: {
			json_t *j = json_loads(v, JSON_DECODE_ANY, NULL);
			FUZZ_CHECK(j != NULL, "%s = %s is not JSON", f->name, v);
			json_decref(j);
			break;
		}
		case FT_TEXT_ARRAY:
			FUZZ_CHECK(v[0] == '{' && v[strlen(v) - 1] == '}', "%s = %s", f->name, v);
			break;
		}
	}
}

static void
check_problem(const struct problem *p, enum err e)
{
	json_t *o = problem_to_json(p, "/v1/fuzz", "req-1", NULL);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	FUZZ_CHECK(e == ERR_OK || e == ERR_VALIDATION, "unexpected error %d: %s", e, p->detail);
	FUZZ_CHECK(e != ERR_VALIDATION || problem_count(p) > 0, "ERR_VALIDATION names no fault: %s",
	           p->detail);
	FUZZ_CHECK(text != NULL, "the problem cannot be written as JSON");
	free(text);
	json_decref(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record rec = {0};
	struct problem p = {0};
	json_t *body;
	unsigned slot;
	enum record_mode mode;
	enum err e;

	if (size < 1)
		return 0;
	slot = data[0] % 32;
	mode = slot % 2 ? RECORD_PATCH : RECORD_CREATE;
	body = json_loadb((const char *)data + 1, size - 1,
	                  JSON_REJECT_DUPLICATES | ((data[0] & 32) ? JSON_ALLOW_NUL : 0), NULL);
	if (body == NULL || !json_is_object(body))   /* read_body answers 400 */
		goto out;
	if (targets[slot / 2].def == NULL) {
		char *verdict = NULL;
		json_t *v;

		e = chair_eligibility(NULL, body, &verdict, &p);
		check_problem(&p, e);
		FUZZ_CHECK((e == ERR_OK) == (verdict != NULL), "verdict and result disagree");
		if (verdict) {
			FUZZ_CHECK((v = json_loads(verdict, 0, NULL)) != NULL, "verdict is not JSON");
			json_decref(v);
		}
		free(verdict);
		goto out;
	}
	if (mode == RECORD_PATCH)
		stored(targets[slot / 2].def, targets[slot / 2].base, &rec);
	e = resource_validate(NULL, targets[slot / 2].def, body, mode, &rec, &p);
	check_problem(&p, e);
	if (e == ERR_OK)
		check_record(targets[slot / 2].def->fields, body, mode, &rec);
out:
	record_clear(&rec);
	problem_clear(&p);
	json_decref(body);
	return 0;
}
