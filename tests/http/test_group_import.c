/*
 * An LA's groups from the list it keeps, over HTTP: one row per member
 * school naming its group, the school (URN or DfE number), its dates and
 * whether its head chairs the group or deputises; a dry run that keeps
 * nothing; every bad row named by line and column and a file with any
 * applied not at all; the same file applied again changing nothing; only
 * the LA's officers and admins import.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static long long
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static struct resp *
import(const char *tok, long long la_id, const char *query, const char *csv)
{
	static const char *const headers[] = {"Content-Type: text/csv; charset=utf-8", NULL};
	char path[160];

	snprintf(path, sizeof path, "/v1/local-authorities/%lld/groups/import%s", la_id, query);
	return http("POST", path, tok, csv, headers);
}

/* The report of an import that must answer 200 (the caller decrefs). */
static json_t *
report_of(const char *tok, long long la_id, const char *query, const char *csv)
{
	struct resp *r = import(tok, la_id, query, csv);
	json_t *o;

	cr_assert_eq(r->status, 200, "%s", r->body);
	o = json_loads(r->body, 0, NULL);
	resp_free(r);
	cr_assert_not_null(o);
	return o;
}

struct list_world {
	int la;
	long long la_id;
	int urn[4];
	char csv[2048];
};

/* An LA of four schools and its list: a consortium of three (a chair and a deputy), a network of one. */
static struct list_world
list_world(void)
{
	struct list_world w = {.la = unused_la_code()};

	w.la_id = make_la(w.la, "Listshire");
	for (int i = 0; i < 3; i++)
		w.urn[i] = make_school(w.la, 2001 + i, "Primary", "primary");
	w.urn[3] = make_school(w.la, 4001, "High", "secondary");
	snprintf(w.csv, sizeof w.csv,
	         "group,kind,school,from,to,chair,deputy,email,head_since,led_school_grades,governing_body_support_on,"
	         "group_backing_on,time_commitment,improvement_note\n"
	         "North Consortium,consortium,%d,2024-09-01,,Ann Chair,,ann.chair@example.org,2015-09-01,good,"
	         "2024-06-01,2024-07-01,yes,Rising results\n"
	         "North Consortium,Consortium,%d/2002,2024-09-01,,,Bob Deputy,bob.deputy@example.org,2019-01-01,,,,,\n"
	         "north consortium,consortium,%d2003,2024-09-01,2025-08-31,,,,,,,,,\n"
	         "North Network,area network,%d,2024-09-01,,,,,,,,,,\n",
	         w.urn[0], w.la, w.la, w.urn[3]);
	return w;
}

Test(group_import, an_lists_groups_are_imported_after_a_dry_run_and_again_change_nothing)
{
	struct list_world w = list_world();
	const char *officer = token_scoped("officer", w.la, 0);
	char path[160], *before;
	json_t *o, *list, *chairs;

	/* a dry run says what would be made, and keeps nothing */
	before = db_fingerprint();
	o = report_of(officer, w.la_id, "?dry_run=true", w.csv);
	assert_unchanged(before);
	cr_assert(json_is_true(json_object_get(o, "dry_run")));
	cr_assert(json_is_false(json_object_get(o, "applied")));
	cr_assert_eq(num(o, "rows"), 4);
	cr_assert_eq(num(o, "groups"), 2);
	cr_assert_eq(num(o, "memberships"), 4);
	cr_assert_eq(num(o, "chairs"), 1);
	cr_assert_eq(num(o, "deputies"), 1);
	cr_assert_eq(json_array_size(json_object_get(o, "faults")), 0);
	json_decref(o);

	/* then for real: the groups, their members (by URN and by DfE number, with or without the slash), chairs */
	o = report_of(officer, w.la_id, "", w.csv);
	cr_assert(json_is_true(json_object_get(o, "applied")));
	cr_assert_eq(num(o, "groups"), 2);
	cr_assert_eq(num(o, "memberships"), 4);
	cr_assert_eq(num(o, "unchanged"), 0);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/consortia?la=%d", w.la);
	list = http_get_json(officer, path);
	cr_assert_eq(json_array_size(json_object_get(list, "items")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(list, "items"), 0), "name")),
	                 "North Consortium");
	json_decref(list);
	snprintf(path, sizeof path, "/v1/memberships?la=%d&kind=consortium", w.la);
	list = http_get_json(officer, path);
	cr_assert_eq(json_array_size(json_object_get(list, "items")), 3);
	json_decref(list);
	snprintf(path, sizeof path, "%d", w.urn[2]);
	cr_assert_eq(db_scalar("SELECT count(*) FROM membership WHERE school_urn = $1::integer AND "
	                       "start_date = '2024-09-01' AND end_date = '2025-08-31'", path), 1);
	snprintf(path, sizeof path, "/v1/chairs?la=%d", w.la);
	chairs = http_get_json(officer, path);
	cr_assert_eq(json_array_size(json_object_get(chairs, "items")), 2);
	json_decref(chairs);
	snprintf(path, sizeof path, "%lld", w.la_id);
	cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event WHERE action = 'import-groups' AND resource_id = $1",
	                       path), 1);

	/* the same file again changes nothing at all */
	before = db_fingerprint();
	o = report_of(officer, w.la_id, "", w.csv);
	assert_unchanged(before);
	cr_assert_eq(num(o, "unchanged"), 4);
	cr_assert_eq(num(o, "groups") + num(o, "memberships") + num(o, "chairs") + num(o, "deputies"), 0);
	json_decref(o);
}

/* Does the report's faults name line and column with code? */
static bool
has_fault(const json_t *faults, long long line, const char *column, const char *code)
{
	const json_t *f;
	size_t i;

	json_array_foreach(faults, i, f)
		if (num(f, "line") == line && strcmp(json_string_value(json_object_get(f, "column")), column) == 0 &&
		    strcmp(json_string_value(json_object_get(f, "code")), code) == 0)
			return true;
	return false;
}

/* The lines the faults name, as "2 3 4 ..." (each once, in order). */
static void
fault_lines(const json_t *faults, char *out, size_t size)
{
	const json_t *f;
	long long last = 0;
	size_t i, used = 0;

	out[0] = '\0';
	json_array_foreach(faults, i, f)
		if (num(f, "line") != last && used < size) {
			last = num(f, "line");
			used += (size_t)snprintf(out + used, size - used, "%s%lld", used ? " " : "", last);
		}
}

Test(group_import, every_bad_row_is_named_by_line_and_column_and_nothing_is_imported)
{
	struct list_world w = list_world();
	const char *officer = token_scoped("officer", w.la, 0);
	char csv[2048], lines[64], *before;
	struct resp *r;
	json_t *o, *faults;

	snprintf(csv, sizeof csv,
	         "group,kind,school,from,to,chair,deputy,email\n"
	         "North,federation,%d,2024-09-01,,,,\n"           /* 2: no such kind */
	         "North,consortium,999999,2024-09-01,,,,\n"       /* 3: no such school */
	         "North,consortium,12345,2024-09-01,,,,\n"        /* 4: neither a URN nor a DfE number */
	         "North,consortium,%d,2024-09-01,2023-01-01,,,\n" /* 5: ends before it starts */
	         "North,consortium,%d,2024-09-01,,Cy Chair,,cy@example.org\n" /* 6: a chair the rules refuse */
	         "North,consortium,%d,2024-09-01,,A,B,\n"        /* 7: chair and deputy both */
	         "North,consortium,%d,,,,,\n"                     /* 8: no start */
	         "South,area_network,%d,2024-09-01,,,,\n"         /* 9: good, but the file is not */
	         "South,area_network,%d,2024-09-01,2025-02-30,,,\n", /* 10: no such day, in a group there */
	         w.urn[0], w.urn[0], w.urn[1], w.urn[2], w.urn[2], w.urn[3], w.urn[3]);

	/* the dry run answers 200 with every fault, and keeps nothing */
	before = db_fingerprint();
	o = report_of(officer, w.la_id, "?dry_run=true", csv);
	assert_unchanged(before);
	faults = json_object_get(o, "faults");
	fault_lines(faults, lines, sizeof lines);
	cr_assert_str_eq(lines, "2 3 4 5 6 7 8 10", "the rows at fault, each once in order");
	cr_assert(has_fault(faults, 2, "kind", "enum"));
	cr_assert(has_fault(faults, 3, "school", "reference"));
	cr_assert(has_fault(faults, 4, "school", "format"));
	cr_assert(has_fault(faults, 5, "to", "rule"));
	cr_assert(has_fault(faults, 6, "head_since", "required"));
	cr_assert(has_fault(faults, 6, "time_commitment", "eligibility"));
	cr_assert(has_fault(faults, 7, "deputy", "rule"));
	cr_assert(has_fault(faults, 8, "from", "required"));
	cr_assert(has_fault(faults, 10, "to", "format"));
	json_decref(o);

	/* for real it is 422, each fault an error naming its column, and nothing is kept */
	before = db_fingerprint();
	r = import(officer, w.la_id, "", csv);
	assert_problem(r, 422, "validation", "school");
	cr_assert(strstr(r->body, "line 3: names no school of the register"), "%s", r->body);
	resp_free(r);
	assert_unchanged(before);
}

Test(group_import, only_the_las_officers_import_and_a_file_must_be_a_list_of_groups)
{
	struct list_world w = list_world();
	int other = unused_la_code();
	char *before;
	struct resp *r;

	make_la(other, "Elsewhere");
	before = db_fingerprint();
	/* another LA's officer does not see this LA; a school's head does not import */
	r = import(token_scoped("officer", other, 0), w.la_id, "", w.csv);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = import(token_scoped("chair", w.la, w.urn[0]), w.la_id, "", w.csv);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	/* a header without the needed columns, an unknown column, a bad dry_run, another charset */
	r = import(token("admin"), w.la_id, "", "group,school,colour\nNorth,100000,red\n");
	assert_problem(r, 422, "validation", "file");
	cr_assert(strstr(r->body, "has no column kind"), "%s", r->body);
	cr_assert(strstr(r->body, "does not read: colour"), "%s", r->body);
	resp_free(r);
	r = import(token("admin"), w.la_id, "?dry_run=maybe", w.csv);
	assert_problem(r, 400, "malformed", "dry_run");
	resp_free(r);
	{
		static const char *const latin1[] = {"Content-Type: text/csv; charset=iso-8859-1", NULL};
		char path[96];

		snprintf(path, sizeof path, "/v1/local-authorities/%lld/groups/import", w.la_id);
		r = http("POST", path, token("admin"), w.csv, latin1);
		assert_problem(r, 415, "unsupported-media-type", NULL);
		resp_free(r);
	}
	assert_unchanged(before);
}

Test(group_import, a_later_list_ends_a_membership_and_appoints_a_new_chair)
{
	struct list_world w = list_world();
	const char *officer = token_scoped("officer", w.la, 0);
	char csv[1024], urn[16];
	json_t *o;

	json_decref(report_of(officer, w.la_id, "", w.csv));
	/* a year on, the LA's list says school 2 left, and its first school's new head followed Ann as chair */
	snprintf(csv, sizeof csv,
	         "group,kind,school,from,to,chair,deputy,email,appointed_from,appointed_to,head_since,"
	         "override_justification\n"
	         "North Consortium,consortium,%d,2024-09-01,2025-08-31,,,,,,,\n"
	         "North Consortium,consortium,%d,2024-09-01,,Ann Chair,,,,2026-08-31,,\n"
	         "North Consortium,consortium,%d,2024-09-01,,Dee New,,dee@example.org,2026-09-01,,2010-01-01,"
	         "Elected unopposed by the group\n",
	         w.urn[1], w.urn[0], w.urn[0]);
	o = report_of(officer, w.la_id, "", csv);
	cr_assert_eq(num(o, "memberships_ended"), 1);
	cr_assert_eq(num(o, "appointments_ended"), 1);
	cr_assert_eq(num(o, "chairs"), 1);
	cr_assert_eq(num(o, "unchanged"), 0);
	json_decref(o);
	snprintf(urn, sizeof urn, "%d", w.urn[1]);
	cr_assert_eq(db_scalar("SELECT count(*) FROM membership WHERE school_urn = $1::integer AND end_date = '2025-08-31'",
	                       urn), 1);
	snprintf(urn, sizeof urn, "%d", w.urn[0]);
	cr_assert_eq(db_scalar("SELECT count(*) FROM chair_appointment WHERE school_urn = $1::integer AND role = 'chair' "
	                       "AND (person_name, start_date, end_date) = ('Ann Chair', '2024-09-01', '2026-08-31')",
	                       urn), 1);
	cr_assert_eq(db_scalar("SELECT count(*) FROM chair_appointment WHERE school_urn = $1::integer AND role = 'chair' "
	                       "AND person_name = 'Dee New' AND start_date = '2026-09-01' AND end_date IS NULL", urn), 1);
}
