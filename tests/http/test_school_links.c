/*
 * GIAS's links file over HTTP: a school closed for an academy conversion
 * has its membership, its head's chair appointment, its vulnerability and
 * the support brokered for it carried to its successor from the day the
 * successor opened, each record of the closed school ended the day before;
 * a dry run keeps nothing; a second run carries nothing more; other links
 * and other LAs' schools are counted by reason; a bad row is named.
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
import_links(const char *tok, const char *query, const char *csv)
{
	static const char *const headers[] = {"Content-Type: text/csv; charset=windows-1252", NULL};
	char path[128];

	snprintf(path, sizeof path, "/v1/schools/import-links%s", query);
	return http("POST", path, tok, csv, headers);
}

static json_t *
links_report(const char *tok, const char *query, const char *csv)
{
	struct resp *r = import_links(tok, query, csv);
	json_t *o;

	cr_assert_eq(r->status, 200, "%s", r->body);
	o = json_loads(r->body, 0, NULL);
	resp_free(r);
	cr_assert_not_null(o);
	return o;
}

static void
patch_school(int urn, const char *body)
{
	char path[64];
	struct resp *r;

	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	r = http_json("PATCH", path, token("admin"), body, "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
}

struct links_world {
	int la, pred, succ, other;
	long long la_id;
	char csv[512];
};

/* A consortium of two schools whose first, chaired and vulnerable with support, closed for an academy. */
static struct links_world
links_world(void)
{
	struct links_world w = {.la = unused_la_code()};
	char body[1024], path[96];
	struct resp *r;
	static const char *const csv_headers[] = {"Content-Type: text/csv", NULL};

	w.la_id = make_la(w.la, "Linkshire");
	w.pred = make_school(w.la, 2001, "Old Primary", "primary");
	w.other = make_school(w.la, 2002, "Next Primary", "primary");
	w.succ = make_school(w.la, 2003, "New Academy", "primary");
	snprintf(body, sizeof body,
	         "group,kind,school,from,chair,email,head_since,override_justification\n"
	         "Link Consortium,consortium,%d,2020-09-01,Pat Head,pat.head@example.org,2012-01-01,Only candidate\n"
	         "Link Consortium,consortium,%d,2020-09-01,,,,\n", w.pred, w.other);
	snprintf(path, sizeof path, "/v1/local-authorities/%lld/groups/import", w.la_id);
	r = http("POST", path, token("admin"), body, csv_headers);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"start_date\": \"2024-01-10\", \"reason\": \"falling roll\"}",
	         w.pred);
	post_created(token("officer"), "/v1/vulnerabilities", body);
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"brokered_by\": \"Pat Head\", \"support\": \"Coaching\", "
	         "\"started_on\": \"2024-02-01\"}", w.pred);
	post_created(token("officer"), "/v1/support-records", body);
	patch_school(w.pred, "{\"status\": \"closed\", \"closed_on\": \"2025-08-31\"}");
	patch_school(w.succ, "{\"opened_on\": \"2025-09-01\"}");
	snprintf(w.csv, sizeof w.csv,
	         "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n"
	         "%d,%d,New Academy,Successor,01-09-2025\n"
	         "%d,%d,Old Primary,Predecessor,01-09-2025\n",
	         w.pred, w.succ, w.succ, w.pred);
	return w;
}

static long long
count_for(const char *sql, int urn)
{
	char key[16];

	snprintf(key, sizeof key, "%d", urn);
	return db_scalar(sql, key);
}

Test(school_links, a_closed_schools_records_go_on_at_its_successor_once)
{
	struct links_world w = links_world();
	const char *officer = token_scoped("officer", w.la, 0);
	char *before;
	json_t *o, *link;

	/* the dry run says what would be carried, and keeps nothing */
	before = db_fingerprint();
	o = links_report(officer, "?dry_run=true", w.csv);
	assert_unchanged(before);
	cr_assert_eq(num(o, "rows"), 2);
	cr_assert_eq(num(o, "successor_links"), 1);
	cr_assert_eq(num(o, "carried"), 1);
	cr_assert(json_is_false(json_object_get(o, "applied")));
	json_decref(o);

	o = links_report(officer, "", w.csv);
	cr_assert(json_is_true(json_object_get(o, "applied")));
	cr_assert_eq(num(o, "carried"), 1);
	cr_assert_eq(num(o, "memberships"), 1);
	cr_assert_eq(num(o, "appointments"), 1);
	cr_assert_eq(num(o, "vulnerabilities"), 1);
	cr_assert_eq(num(o, "support"), 1);
	cr_assert_eq(num(json_object_get(o, "skipped_by_reason"), "not a successor link"), 1);
	link = json_array_get(json_object_get(o, "links"), 0);
	cr_assert_eq(num(link, "predecessor"), w.pred);
	cr_assert_eq(num(link, "successor"), w.succ);
	cr_assert_str_eq(json_string_value(json_object_get(link, "on")), "2025-09-01");
	json_decref(o);

	/* the closed school's records end the day before; the successor's begin that day */
	cr_assert_eq(count_for("SELECT count(*) FROM membership WHERE school_urn = $1::integer AND end_date = '2025-08-31'",
	                       w.pred), 1);
	cr_assert_eq(count_for("SELECT count(*) FROM membership WHERE school_urn = $1::integer AND start_date = '2025-09-01' "
	                       "AND end_date IS NULL", w.succ), 1);
	cr_assert_eq(count_for("SELECT count(*) FROM chair_appointment WHERE school_urn = $1::integer AND role = 'chair' "
	                       "AND person_name = 'Pat Head' AND start_date = '2025-09-01' AND end_date IS NULL", w.succ), 1);
	cr_assert_eq(count_for("SELECT count(*) FROM chair_appointment WHERE school_urn = $1::integer "
	                       "AND end_date = '2025-08-31'", w.pred), 1);
	cr_assert_eq(count_for("SELECT count(*) FROM vulnerability WHERE school_urn = $1::integer "
	                       "AND start_date = '2025-09-01' AND reason = 'falling roll'", w.succ), 1);
	cr_assert_eq(count_for("SELECT count(*) FROM support_record WHERE school_urn = $1::integer "
	                       "AND started_on = '2025-09-01' AND ended_on IS NULL AND support = 'Coaching'", w.succ), 1);
	cr_assert_eq(count_for("SELECT count(*) FROM support_record WHERE school_urn = $1::integer "
	                       "AND ended_on = '2025-08-31'", w.pred), 1);
	/* on the LA's audit trail, as the successor's */
	cr_assert_eq(count_for("SELECT count(*) FROM audit_event WHERE resource = 'school' AND action = 'succeed' "
	                       "AND resource_id = $1 AND la_code = (SELECT l.code FROM school s JOIN local_authority l "
	                       "ON l.id = s.la_id WHERE s.urn = $1::integer)", w.succ), 1);

	/* the same file again carries nothing more */
	before = db_fingerprint();
	o = links_report(officer, "", w.csv);
	assert_unchanged(before);
	cr_assert_eq(num(o, "carried"), 0);
	cr_assert_eq(num(json_object_get(o, "skipped_by_reason"), "nothing left to carry"), 1);
	json_decref(o);
}

Test(school_links, links_it_cannot_carry_are_counted_by_reason_and_bad_rows_named)
{
	struct links_world w = links_world();
	int elsewhere = unused_la_code();
	char csv[768], *before;
	struct resp *r;
	json_t *o, *reasons;

	make_la(elsewhere, "Elsewhere");
	/* another LA's officer: this LA's closed school is not theirs to carry */
	before = db_fingerprint();
	o = links_report(token_scoped("officer", elsewhere, 0), "", w.csv);
	assert_unchanged(before);
	cr_assert_eq(num(json_object_get(o, "skipped_by_reason"), "another LA's school"), 1);
	json_decref(o);

	/* a school still open, a successor the register lacks */
	snprintf(csv, sizeof csv,
	         "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n"
	         "%d,%d,New Academy,Successor - amalgamated,\n"
	         "%d,999998,Gone,Successor,01-09-2025\n",
	         w.other, w.succ, w.pred);
	before = db_fingerprint();
	o = links_report(token("admin"), "", csv);
	assert_unchanged(before);
	reasons = json_object_get(o, "skipped_by_reason");
	cr_assert_eq(num(reasons, "predecessor still open"), 1);
	cr_assert_eq(num(reasons, "successor not in the register"), 1);
	json_decref(o);

	/* a URN that is not one, a date that is not one: 422 naming them, nothing carried */
	snprintf(csv, sizeof csv,
	         "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n"
	         "%d,%d,New Academy,Successor,01-09-2025\n"
	         "abc,%d,Bad,Successor,01-09-2025\n"
	         "%d,%d,Bad,Successor,31-02-2025\n",
	         w.pred, w.succ, w.succ, w.pred, w.succ);
	before = db_fingerprint();
	r = import_links(token("admin"), "", csv);
	assert_problem(r, 422, "validation", "URN");
	cr_assert(strstr(r->body, "line 3: must be the school's URN"), "%s", r->body);
	cr_assert(strstr(r->body, "\"field\":\"LinkEstablishedDate\""), "%s", r->body);
	resp_free(r);
	/* not a links file at all, a school's head */
	r = import_links(token("admin"), "", "URN,Name\n100000,x\n");
	assert_problem(r, 422, "validation", "file");
	resp_free(r);
	r = import_links(token_scoped("chair", w.la, w.other), "", w.csv);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	assert_unchanged(before);
}
