/*
 * Meetings, support for vulnerable schools, and the area and authority
 * reports, with figures checked against a fixture worked out by hand. The
 * fixture's area is left for the browser check of the HTML page
 * (tests/contract/report-browser.mjs), named in REPORT_FIXTURE.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static void
action_ok(const char *tok, const char *path, const char *body)
{
	struct resp *r = http_json("POST", path, tok, body, "*");
	cr_assert_eq(r->status, 200, "POST %s: %s", path, r->body);
	resp_free(r);
}

static long long
n(const json_t *o, const char *a, const char *b)
{
	return json_integer_value(json_object_get(b ? json_object_get(o, a) : o, b ? b : a));
}

Test(meetings, attendance_is_of_members_and_terms_follow_the_date)
{
	int la = unused_la_code(), member, outsider;
	long long g, m;
	char body[512], path[64];
	struct resp *r;

	make_la(la, "Meetshire");
	member = make_school(la, 1, "Meeting Primary", "primary");
	outsider = make_school(la, 2, "Absent Primary", "primary");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Meeters\"}", la);
	g = post_created(token("officer"), "/v1/consortia", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}", g, member);
	post_created(token("officer"), "/v1/memberships", body);

	snprintf(body, sizeof body, "{\"group_id\": %lld, \"held_on\": \"2020-10-05\", \"attended_urns\": [%d]}",
	         g, outsider);
	r = http_json("POST", "/v1/meetings", token("officer"), body, NULL);
	assert_problem(r, 422, "validation", "attended_urns");
	resp_free(r);
	snprintf(body, sizeof body,
	         "{\"group_id\": %lld, \"held_on\": \"2021-01-12\", \"attended_urns\": [%d], "
	         "\"agreements\": [\"Share phonics leads\"], "
	         "\"actions\": [{\"description\": \"Book training\", \"owner\": \"Chair\", \"due_date\": \"2021-02-01\"}], "
	         "\"funds_note\": \"500.00 delegated to the phonics work\"}", g, member);
	m = post_created(token_group("chair", 0, 0, g), "/v1/meetings", body);
	snprintf(path, sizeof path, "/v1/meetings/%lld", m);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "term")), "spring");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "academic_year")), "2020/21");
	cr_assert_eq(n(r->json, "members", NULL), 1);
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"actions\": [{\"description\": \"x\"}]}", "*");
	assert_problem(r, 422, "validation", "actions");
	resp_free(r);
	r = http_json("PATCH", path, token("officer"),
	              "{\"actions\": [{\"description\": \"a\\u0000b\", \"owner\": \"Chair\", \"due_date\": \"2021-02-01\"}]}",
	              "*");
	assert_problem(r, 400, "malformed", "body");   /* no NUL reaches the database */
	resp_free(r);
	r = http("GET", "/v1/meetings?academic_year=2020/21&term=spring&limit=5", token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = http_json("DELETE", path, token("officer"), NULL, "\"1\"");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
}

Test(reports, an_area_year_worked_out_by_hand)
{
	int la = unused_la_code(), urn[3], sec, vulnerable;
	long long area, a, b, fund, alloc_a, plan, ev, support;
	char body[1024], path[160], *before;
	const char *off = token("officer");
	json_t *rep, *ga = NULL, *gb = NULL, *it;
	size_t i;
	struct resp *r;

	make_la(la, "Reportingshire");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"north\", \"name\": \"North\"}", la);
	area = post_created(off, "/v1/areas", body);
	for (int k = 0; k < 3; k++) {
		char name[32];
		snprintf(name, sizeof name, "Report %d Primary", k);
		urn[k] = make_school(la, k + 1, name, "primary");
	}
	sec = make_school(la, 9, "Report Secondary", "secondary");
	vulnerable = make_school(la, 8, "Struggling Primary", "primary");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"North A\", \"area_id\": %lld}", la, area);
	a = post_created(off, "/v1/consortia", body);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"North B\", \"area_id\": %lld}", la, area);
	b = post_created(off, "/v1/area-networks", body);
	for (int k = 0; k < 3; k++) {
		snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}", a, urn[k]);
		post_created(off, "/v1/memberships", body);
	}
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}", b, sec);
	post_created(off, "/v1/memberships", body);
	for (int k = 0; k < 4; k++) {
		char p2[64];
		snprintf(p2, sizeof p2, "/v1/schools/%d", k < 3 ? urn[k] : vulnerable);
		r = http_json("PATCH", p2, off, "{\"area_id\": null}", "*");
		resp_free(r);
		snprintf(body, sizeof body, "{\"area_id\": %lld}", area);
		r = http_json("PATCH", p2, off, body, "*");
		cr_assert_eq(r->status, 200, "%s", r->body);
		resp_free(r);
	}
	/* vulnerable from January 2018 to the end of 2020/21: no longer, today */
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"start_date\": \"2018-01-01\", "
	         "\"end_date\": \"2021-08-31\", \"reason\": \"new head, falling roll\"}", vulnerable);
	post_created(off, "/v1/vulnerabilities", body);
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"brokered_by\": \"Challenge Board\", "
	         "\"support\": \"Leadership mentoring from a National Leader of Education\", \"started_on\": \"2020-09-14\", "
	         "\"progress_notes\": [{\"on\": \"2020-12-01\", \"note\": \"New SLT structure in place\"}]}", vulnerable);
	support = post_created(off, "/v1/support-records", body);
	/* an earlier spell of support, ended before the year: not in its report */
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"brokered_by\": \"Diocese\", \"support\": \"Governor training\", "
	         "\"started_on\": \"2018-01-08\", \"ended_on\": \"2019-07-19\"}", vulnerable);
	post_created(off, "/v1/support-records", body);
	/* progress notes are added by a patch; a bad note changes nothing */
	snprintf(path, sizeof path, "/v1/support-records/%lld", support);
	before = db_fingerprint();
	r = http_json("PATCH", path, off, "{\"progress_notes\": [{\"on\": \"2020-12-01\"}]}", "*");
	assert_problem(r, 422, "validation", "progress_notes");
	resp_free(r);
	assert_unchanged(before);
	r = http_json("PATCH", path, off,
	              "{\"progress_notes\": [{\"on\": \"2020-12-01\", \"note\": \"New SLT structure in place\"}, "
	              "{\"on\": \"2021-03-10\", \"note\": \"Monitoring visit: leadership now good\"}]}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "progress_notes")), 2);
	resp_free(r);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(n(r->json, "school_urn", NULL), vulnerable);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/support-records?school_urn=%d&current=true", vulnerable);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1, "%s", r->body);
	resp_free(r);
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"brokered_by\": \"x\", \"support\": \"y\", "
	         "\"started_on\": \"2020-09-14\"}", urn[0]);
	r = http_json("POST", "/v1/support-records", off, body, NULL);
	assert_problem(r, 422, "validation", "school_urn");
	resp_free(r);

	/* money: A 3,000.00 approved and paid, spent 2,800.00; B 1,000.00 proposed */
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Report fund\", "
	         "\"academic_year\": \"2020/21\", \"pot_pence\": 1000000, \"plan_deadline\": \"2020-10-02\", "
	         "\"evaluation_due\": \"2021-06-30\"}", la);
	fund = post_created(off, "/v1/funds", body);
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 300000, \"payee_urn\": %d}",
	         fund, a, urn[0]);
	alloc_a = post_created(off, "/v1/fund-allocations", body);
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 100000, \"payee_urn\": %d}",
	         fund, b, sec);
	post_created(off, "/v1/fund-allocations", body);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", alloc_a);
	action_ok(off, path, NULL);
	r = http("GET", path + 0, off, NULL, NULL);   /* the approve route takes POST only */
	resp_free(r);
	{
		char get[64];
		long long pay;
		snprintf(get, sizeof get, "/v1/fund-allocations/%lld", alloc_a);
		r = http("GET", get, off, NULL, NULL);
		pay = n(r->json, "payment_id", NULL);
		resp_free(r);
		snprintf(get, sizeof get, "/v1/payments/%lld/paid", pay);
		r = http_json("POST", get, token("finance"), "{\"remittance_reference\": \"R1\", \"paid_on\": \"2020-11-02\"}", NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		resp_free(r);
	}
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"fund_id\": %lld, \"actions\": [{\"description\": \"d\", "
	         "\"success_criteria\": \"s\", \"responsible\": \"r\", \"completion_date\": \"2021-07-01\", "
	         "\"level\": \"networking\"}]}", a, fund);
	plan = post_created(off, "/v1/action-plans", body);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/submit", plan);
	action_ok(off, path, NULL);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/accept", plan);
	action_ok(off, path, NULL);
	snprintf(body, sizeof body, "{\"allocation_id\": %lld, \"what_done\": \"w\", \"rating\": \"met\", "
	         "\"spent_pence\": 280000, \"impacts\": [{\"criterion\": \"c\", \"impact\": \"i\"}]}", alloc_a);
	ev = post_created(off, "/v1/evaluations", body);
	snprintf(path, sizeof path, "/v1/evaluations/%lld/submit", ev);
	action_ok(off, path, NULL);
	snprintf(path, sizeof path, "/v1/evaluations/%lld/report", ev);
	action_ok(off, path, "{\"reported_on\": \"2021-06-24\"}");

	/* meetings: autumn twice (3 of 3, 2 of 3 attending), spring once (1 of 3) */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"held_on\": \"2020-09-21\", \"attended_urns\": [%d, %d, %d]}",
	         a, urn[0], urn[1], urn[2]);
	post_created(off, "/v1/meetings", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"held_on\": \"2020-11-30\", \"attended_urns\": [%d, %d]}",
	         a, urn[0], urn[1]);
	post_created(off, "/v1/meetings", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"held_on\": \"2021-02-08\", \"attended_urns\": [%d]}", a, urn[2]);
	post_created(off, "/v1/meetings", body);

	snprintf(path, sizeof path, "/v1/areas/%lld/report?academic_year=2020/21", area);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	rep = json_incref(r->json);
	resp_free(r);
	json_array_foreach(json_object_get(rep, "groups"), i, it) {
		if (n(it, "id", NULL) == a)
			ga = it;
		if (n(it, "id", NULL) == b)
			gb = it;
	}
	cr_assert(ga && gb);
	cr_assert_eq(n(ga, "school_count", NULL), 3);
	cr_assert_eq(n(ga, "money", "allocated_pence"), 300000);
	cr_assert_eq(n(ga, "money", "paid_pence"), 300000);
	cr_assert_eq(n(ga, "money", "spent_pence"), 280000);
	cr_assert_eq(n(ga, "plans", "accepted"), 1);
	cr_assert_eq(n(ga, "plans", "late"), 1, "submitted after 2 October 2020");
	cr_assert_eq(n(ga, "evaluations", "reported"), 1);
	cr_assert_eq(n(ga, "evaluations", "overdue"), 0);
	{
		json_t *terms = json_object_get(ga, "meetings");
		cr_assert_str_eq(json_string_value(json_object_get(json_array_get(terms, 0), "term")), "autumn");
		cr_assert_eq(n(json_array_get(terms, 0), "held", NULL), 2);
		cr_assert(json_is_true(json_object_get(json_array_get(terms, 0), "met_expectation")));
		cr_assert_float_eq(json_number_value(json_object_get(json_array_get(terms, 0), "attendance_rate")), 0.83, 1e-9);
		cr_assert_eq(n(json_array_get(terms, 1), "held", NULL), 1);
		cr_assert(json_is_false(json_object_get(json_array_get(terms, 1), "met_expectation")));
		cr_assert_float_eq(json_number_value(json_object_get(json_array_get(terms, 1), "attendance_rate")), 0.33, 1e-9);
		cr_assert_eq(n(json_array_get(terms, 2), "held", NULL), 0);
		cr_assert(json_is_null(json_object_get(json_array_get(terms, 2), "attendance_rate")));
	}
	cr_assert_eq(n(gb, "money", "allocated_pence"), 100000);
	cr_assert_eq(n(gb, "money", "paid_pence"), 0);
	cr_assert_eq(json_array_size(json_object_get(rep, "vulnerable_schools")), 1);
	cr_assert_eq(json_array_size(json_object_get(json_array_get(json_object_get(rep, "vulnerable_schools"), 0),
	                                             "support")), 1, "only the support of the year");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(
	                     json_array_get(json_object_get(rep, "vulnerable_schools"), 0), "support"), 0), "brokered_by")),
	                 "Challenge Board");
	json_decref(rep);

	/* the same, as a page */
	{
		const char *h[] = {"Accept: text/html", NULL};
		char *ct, needle[64];
		r = http("GET", path, token("viewer"), NULL, h);
		ct = resp_header(r, "Content-Type");
		cr_assert_str_eq(ct, "text/html; charset=utf-8");
		cr_assert(strstr(r->body, "<svg") != NULL && strstr(r->body, "<script") == NULL);
		snprintf(needle, sizeof needle, "data-field=\"allocated_pence\" data-value=\"300000\"");
		cr_assert(strstr(r->body, needle), "%s", r->body);
		free(ct);
		resp_free(r);
	}
	/* the authority's, across its areas */
	snprintf(path, sizeof path, "/v1/reports/authority?academic_year=2020/21&la=%d", la);
	r = http("GET", path, token("officer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "areas")), 1);
	resp_free(r);
	r = http("GET", "/v1/reports/authority?academic_year=2020/21", token("officer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "la");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/areas/%lld/report", area);
	r = http("GET", path, token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "academic_year");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/areas/%lld/report?academic_year=2020/21", area);
	r = http("GET", path, token_scoped("viewer", unused_la_code(), 0), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	/* every group's money and the vulnerable schools are the LA's to read */
	r = http("GET", path, token_scoped("viewer", 0, urn[0]), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	r = http("GET", path, token_group("chair", 0, 0, a), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	{
		const char *h[] = {"Accept: image/png", NULL};
		r = http("GET", "/v1/areas/999999999/report?academic_year=2020/21", token("viewer"), NULL, h);
		assert_problem(r, 406, "not-acceptable", NULL);
		resp_free(r);
	}

	/* leave the fixture for the browser */
	if (getenv("REPORT_FIXTURE")) {
		FILE *f = fopen(getenv("REPORT_FIXTURE"), "w");
		cr_assert(f != NULL);
		fprintf(f, "%lld 2020/21\n", area);
		fclose(f);
	}
}

/* The area report's vulnerable school with this URN for a year, or NULL (caller decrefs). */
static json_t *
vulnerable_in_report(long long area, const char *year, int urn)
{
	char path[96];
	struct resp *r;
	size_t i;
	json_t *it, *found = NULL;

	snprintf(path, sizeof path, "/v1/areas/%lld/report?academic_year=%s", area, year);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	json_array_foreach(json_object_get(r->json, "vulnerable_schools"), i, it)
		if (json_integer_value(json_object_get(it, "urn")) == urn)
			found = json_incref(it);
	resp_free(r);
	return found;
}

Test(vulnerability, dated_records_keep_last_years_report_as_it_was)
{
	int la = unused_la_code(), urn;
	long long area, first;
	char body[512], path[128], *before;
	const char *off = token("officer");
	struct resp *r;
	json_t *o;

	make_la(la, "Vulnershire");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"vuln\", \"name\": \"Vulnerable area\"}", la);
	area = post_created(off, "/v1/areas", body);
	urn = make_school(la, 1, "Dated Primary", "primary");
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	snprintf(body, sizeof body, "{\"area_id\": %lld}", area);
	r = http_json("PATCH", path, off, body, "*");
	resp_free(r);

	/* 2019/20 and 2020/21; refused: an overlap, an end before the start */
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"start_date\": \"2019-09-01\", \"end_date\": \"2021-08-31\", "
	         "\"reason\": \"falling roll\"}", urn);
	first = post_created(off, "/v1/vulnerabilities", body);
	before = db_fingerprint();
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"start_date\": \"2021-08-31\", \"reason\": \"again\"}", urn);
	r = http_json("POST", "/v1/vulnerabilities", off, body, NULL);
	assert_problem(r, 409, "conflict", "start_date");
	resp_free(r);
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"start_date\": \"2022-09-01\", \"end_date\": \"2022-08-31\", "
	         "\"reason\": \"x\"}", urn);
	r = http_json("POST", "/v1/vulnerabilities", off, body, NULL);
	assert_problem(r, 422, "validation", "end_date");
	resp_free(r);
	r = http_json("POST", "/v1/vulnerabilities", token_scoped("officer", la == 999 ? 998 : la + 1, 0), body, NULL);
	cr_assert(r->status == 422 || r->status == 403, "%s", r->body);
	resp_free(r);
	assert_unchanged(before);

	/* the school as of a day in 2020, and today */
	snprintf(path, sizeof path, "/v1/schools/%d?as_of=2020-10-01", urn);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert(json_is_true(json_object_get(r->json, "vulnerable")), "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "vulnerable_reason")), "falling roll");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert(json_is_false(json_object_get(r->json, "vulnerable")), "%s", r->body);
	cr_assert(json_is_null(json_object_get(r->json, "vulnerable_reason")));
	resp_free(r);

	/* the 2020/21 report shows it; flagging it anew today changes that report in nothing */
	o = vulnerable_in_report(area, "2020/21", urn);
	cr_assert_not_null(o);
	cr_assert_str_eq(json_string_value(json_object_get(o, "vulnerable_from")), "2019-09-01");
	cr_assert_str_eq(json_string_value(json_object_get(o, "reason")), "falling roll");
	json_decref(o);
	cr_assert_null(vulnerable_in_report(area, "2022/23", urn));
	r = http_json("PATCH", path, off, "{\"vulnerable\": true, \"vulnerable_reason\": \"new concerns\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_true(json_object_get(r->json, "vulnerable")));
	resp_free(r);
	snprintf(path, sizeof path, "/v1/vulnerabilities?school_urn=%d&current=true", urn);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r->json, "items"), 0),
	                                                   "reason")), "new concerns");
	resp_free(r);
	o = vulnerable_in_report(area, "2020/21", urn);
	cr_assert_str_eq(json_string_value(json_object_get(o, "reason")), "falling roll");
	json_decref(o);
	/* unflagged through the school the same day: today's record goes, 2019's stays */
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	r = http_json("PATCH", path, off, "{\"vulnerable\": false}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_false(json_object_get(r->json, "vulnerable")));
	resp_free(r);
	snprintf(path, sizeof path, "%d", urn);
	cr_assert_eq(db_scalar("SELECT count(*) FROM vulnerability WHERE school_urn = $1::integer", path), 1);

	/* support is brokered while the school is recorded vulnerable */
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"brokered_by\": \"Board\", \"support\": \"mentoring\", "
	         "\"started_on\": \"2023-01-09\"}", urn);
	r = http_json("POST", "/v1/support-records", off, body, NULL);
	assert_problem(r, 422, "validation", "school_urn");
	resp_free(r);
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"brokered_by\": \"Board\", \"support\": \"mentoring\", "
	         "\"started_on\": \"2021-06-07\", \"ended_on\": \"2021-12-17\"}", urn);
	post_created(off, "/v1/support-records", body);

	/* the record read, corrected, and removed */
	snprintf(path, sizeof path, "/v1/vulnerabilities/%lld", first);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_false(json_object_get(r->json, "current")));
	resp_free(r);
	r = http_json("PATCH", path, off, "{\"reason\": \"falling roll and a poor inspection\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = http("DELETE", path, off, NULL, (const char *const[]){"If-Match: *", NULL});
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
}
