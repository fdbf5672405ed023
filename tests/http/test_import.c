/*
 * The GIAS import over HTTP: counts, the line and reason of each rejected
 * row, the skipped out-of-scope rows, idempotent re-imports, and files that
 * are not extracts at all.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static char *
slurp(const char *name)
{
	char path[1024], *data;
	long n;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", getenv("CONSORTIA_DATA"), name);
	f = fopen(path, "rb");
	cr_assert(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	cr_assert(fread(data, 1, (size_t)n, f) == (size_t)n);
	data[n] = '\0';
	fclose(f);
	return data;
}

static const char *csv_headers[] = {"Content-Type: text/csv", NULL};

static long long
count(const struct resp *r, const char *key)
{
	return json_integer_value(json_object_get(r->json, key));
}

/* The fixture uses LA 937 and 938; keep them to this test's own schools. */
static void
clear_fixture(void)
{
	db_scalar("WITH c AS (DELETE FROM school_census WHERE urn BETWEEN 900001 AND 900099), "
	          "d AS (DELETE FROM school WHERE urn BETWEEN 900001 AND 900099 RETURNING 1) "
	          "SELECT count(*) FROM d", NULL);
}

Test(import, mixed_file_reports_every_row, .init = clear_fixture)
{
	char *csv = slurp("gias-mixed.csv");
	struct resp *r = http("POST", "/v1/schools/import", token("officer"), csv, csv_headers);
	json_t *rej = json_object_get(r->json, "rejections");
	static const struct {
		int line;
		const char *urn, *reason_part;
	} want[] = {
		{4, "12345", "URN must be 6 digits"},
		{7, "900011", "EstablishmentName"},
		{10, "900012", "EstablishmentNumber"},
		{14, "900013", "OfstedLastInsp"},
		{16, "900003", "earlier in the file, on line 5"},
	};

	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(count(r, "rows"), 15);
	cr_assert_eq(count(r, "created"), 9);
	cr_assert_eq(count(r, "skipped"), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(r->json, "skipped_by_reason"),
	                                                "independent school")), 1, "%s", r->body);
	cr_assert_eq(json_object_size(json_object_get(r->json, "skipped_by_reason")), 1);
	cr_assert_eq(count(r, "rejected"), 5, "%s", r->body);
	cr_assert_eq(json_array_size(rej), 5);
	for (size_t i = 0; i < 5; i++) {
		json_t *e = json_array_get(rej, i);
		cr_assert_eq(json_integer_value(json_object_get(e, "line")), want[i].line);
		cr_assert_str_eq(json_string_value(json_object_get(e, "urn")), want[i].urn);
		cr_assert(strstr(json_string_value(json_object_get(e, "reason")), want[i].reason_part),
		          "line %d: %s", want[i].line, json_string_value(json_object_get(e, "reason")));
	}
	resp_free(r);

	/* Windows-1252 decoded: 0x92 is a right single quotation mark. */
	cr_assert_eq(db_scalar("SELECT count(*) FROM school WHERE urn = 900008 AND "
	                       "name = 'St Mary’s CofE Primary School, Southam'", NULL), 1);
	/* The LA the file names is created; the independent school is not imported. */
	cr_assert_eq(db_scalar("SELECT count(*) FROM local_authority WHERE code = 938", NULL), 1);
	cr_assert_eq(db_scalar("SELECT count(*) FROM school WHERE urn = 900010", NULL), 0);
	cr_assert_eq(db_scalar("SELECT count(*) FROM school WHERE phase = 'special' AND urn = 900005", NULL), 1);
	/* the pupils on roll are kept as of the extract's census date, for funds */
	cr_assert_eq(db_scalar("SELECT pupils FROM school_census WHERE urn = 900001 AND census_date = '2020-01-16'",
	                       NULL), db_scalar("SELECT pupils FROM school WHERE urn = 900001", NULL));

	/* Again: nothing new, nothing changed. */
	r = http("POST", "/v1/schools/import", token("officer"), csv, csv_headers);
	cr_assert_eq(count(r, "created"), 0);
	cr_assert_eq(count(r, "updated"), 0);
	cr_assert_eq(count(r, "unchanged"), 9);
	resp_free(r);
	free(csv);
}

Test(import, la_filter_skips_other_authorities, .init = clear_fixture)
{
	char *csv = slurp("gias-mixed.csv");
	struct resp *r = http("POST", "/v1/schools/import?la=938", token("admin"), csv, csv_headers);

	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(count(r, "created"), 1);
	cr_assert_eq(count(r, "skipped"), 14, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(r->json, "skipped_by_reason"),
	                                                "another local authority")), 14, "%s", r->body);
	cr_assert_eq(count(r, "rejected"), 0);
	resp_free(r);
	free(csv);
}

Test(import, a_changed_row_is_an_update, .init = clear_fixture)
{
	char *csv = slurp("gias-mixed.csv"), *at;
	struct resp *r = http("POST", "/v1/schools/import", token("officer"), csv, csv_headers);

	resp_free(r);
	at = strstr(csv, "Bulkington Community Primary School");
	cr_assert(at != NULL);
	memcpy(at, "Bulkington Renamed Primary School  ", 35);
	r = http("POST", "/v1/schools/import", token("officer"), csv, csv_headers);
	cr_assert_eq(count(r, "updated"), 1, "%s", r->body);
	cr_assert_eq(count(r, "unchanged"), 8);
	resp_free(r);
	cr_assert_eq(db_scalar("SELECT version FROM school WHERE urn = 900001", NULL), 2);
	free(csv);
}

Test(import, a_file_that_is_not_an_extract_changes_nothing)
{
	char *csv = slurp("not-gias.csv"), *before = db_fingerprint();
	struct resp *r = http("POST", "/v1/schools/import", token("officer"), csv, csv_headers);

	assert_problem(r, 422, "validation", "URN");
	assert_problem(r, 422, "validation", "EstablishmentName");
	assert_problem(r, 422, "validation", "PhaseOfEducation (code)");
	resp_free(r);
	r = http("POST", "/v1/schools/import", token("officer"), "", csv_headers);
	assert_problem(r, 422, "validation", "file");
	resp_free(r);
	assert_unchanged(before);
	free(csv);
}

Test(import, wrong_media_type_bad_la_and_role)
{
	char *before = db_fingerprint();
	struct resp *r = http_json("POST", "/v1/schools/import", token("officer"), "{}", NULL);

	assert_problem(r, 415, "unsupported-media-type", NULL);
	resp_free(r);
	r = http("POST", "/v1/schools/import?la=9370", token("officer"), "URN\n", csv_headers);
	assert_problem(r, 400, "malformed", "la");
	resp_free(r);
	r = http("POST", "/v1/schools/import", token("viewer"), "URN\n", csv_headers);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	assert_unchanged(before);
}

/* A head GIAS names for a school is a person; a new name starts a new headship from the day it is read. */
Test(import, a_new_head_named_by_gias_starts_a_headship_once, .init = clear_fixture)
{
	char *csv = slurp("gias-mixed.csv"), *at;
	struct resp *r = http("POST", "/v1/schools/import", token("officer"), csv, csv_headers);
	long long first, second;

	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	first = db_scalar("SELECT headteacher_person_id FROM school WHERE urn = 900001", NULL);
	cr_assert_eq(db_scalar("SELECT count(*) FROM person p JOIN school s ON s.headteacher_person_id = p.id "
	                       "WHERE s.urn = 900001 AND p.name = 'Mrs Sarah Taylor'", NULL), 1);
	cr_assert_eq(db_scalar("SELECT count(*) FROM person_role WHERE school_urn = 900001 AND role = 'headteacher' "
	                       "AND start_date IS NULL AND end_date IS NULL", NULL), 1,
	             "the first head read: a headship whose start is not known");

	at = strstr(csv, "\"Sarah\",\"Taylor\"");
	cr_assert(at != NULL);
	memcpy(at, "\"Sarah\",\"Tailor\"", 16);
	r = http("POST", "/v1/schools/import", token("officer"), csv, csv_headers);
	cr_assert_eq(count(r, "updated"), 1, "%s", r->body);
	resp_free(r);
	second = db_scalar("SELECT headteacher_person_id FROM school WHERE urn = 900001", NULL);
	cr_assert_neq(second, first);
	cr_assert_eq(db_scalar("SELECT (headteacher_appointed_on = london_today())::int FROM school WHERE urn = 900001", NULL), 1);
	cr_assert_eq(db_scalar("SELECT count(*) FROM person_role WHERE school_urn = 900001 AND role = 'headteacher' "
	                       "AND start_date = london_today() AND end_date IS NULL", NULL), 1);
	cr_assert_eq(db_scalar("SELECT count(*) FROM person_role WHERE school_urn = 900001 AND role = 'headteacher' "
	                       "AND end_date = london_today() - 1", NULL), 1, "the last headship ended the day before");

	/* the same file again changes nothing: the headship keeps its start */
	r = http("POST", "/v1/schools/import", token("officer"), csv, csv_headers);
	cr_assert_eq(count(r, "updated"), 0, "%s", r->body);
	resp_free(r);
	cr_assert_eq(db_scalar("SELECT count(*) FROM person_role WHERE school_urn = 900001", NULL), 2);
	free(csv);
}

Test(import, a_type_is_told_by_its_name_when_its_group_code_is_empty, .init = clear_fixture)
{
	static const char csv[] =
		"URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (name),"
		"EstablishmentTypeGroup (code),EstablishmentStatus (name),PhaseOfEducation (code)\r\n"
		"900031,937,Warwickshire,4031,Named Academy,Academy converter,,Open,2\r\n"
		"900032,937,Warwickshire,4032,Named Independent,Other independent school,,Open,2\r\n"
		"900033,937,Warwickshire,4033,Nameless Type,Something new,,Open,2\r\n";
	static const char *utf8[] = {"Content-Type: text/csv; charset=utf-8", NULL};
	struct resp *r = http("POST", "/v1/schools/import", token("admin"), csv, utf8);
	json_t *rej;

	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(count(r, "created"), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(r->json, "skipped_by_reason"),
	                                                "independent school")), 1, "%s", r->body);
	cr_assert_eq(count(r, "rejected"), 1);
	rej = json_array_get(json_object_get(r->json, "rejections"), 0);
	cr_assert_eq(json_integer_value(json_object_get(rej, "line")), 4);
	cr_assert(strstr(json_string_value(json_object_get(rej, "reason")), "TypeOfEstablishment (name)") != NULL,
	          "%s", r->body);
	resp_free(r);
	cr_assert_eq(db_scalar("SELECT count(*) FROM school WHERE urn = 900031 AND type = 'academy'", NULL), 1);
}
