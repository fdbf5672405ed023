/*
 * Action plans and evaluations: their states, the deadline and overdue
 * rules on both sides of the date, the fund rule that waits for a plan,
 * and what a chair may do for its own group and not for another.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

struct setting {
	int la, urn[2];
	long long group[2], fund;
};

static const char *action =
	"{\"description\": \"Reading recovery across the family\", "
	"\"success_criteria\": \"Year 2 phonics check back to 2019 levels\", "
	"\"responsible\": \"Consortium chair\", \"resources\": \"Supply cover\", "
	"\"cost_pence\": 250000, \"completion_date\": \"2021-07-16\", \"level\": \"collaboration\"}";

static struct setting
setting(const char *deadline, const char *evaluation_due, bool requires_plan)
{
	struct setting s;
	char body[512];

	s.la = unused_la_code();
	make_la(s.la, "Planshire");
	for (int i = 0; i < 2; i++) {
		char name[32];
		snprintf(name, sizeof name, "Plan %d Primary", i);
		s.urn[i] = make_school(s.la, i + 1, name, "primary");
		snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Planned %d\"}", s.la, i);
		s.group[i] = post_created(token("officer"), "/v1/consortia", body);
		snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2019-09-01\"}",
		         s.group[i], s.urn[i]);
		post_created(token("officer"), "/v1/memberships", body);
	}
	snprintf(body, sizeof body,
	         "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Planned fund\", \"academic_year\": \"2020/21\", "
	         "\"pot_pence\": 1000000, \"plan_deadline\": \"%s\", \"evaluation_due\": \"%s\", "
	         "\"requires_plan\": %s}", s.la, deadline, evaluation_due, requires_plan ? "true" : "false");
	s.fund = post_created(token("officer"), "/v1/funds", body);
	return s;
}

static struct resp *
act(const char *tok, const char *path, const char *body)
{
	return http_json("POST", path, tok, body, "*");
}

Test(plans, a_chair_writes_submits_and_the_la_decides)
{
	struct setting s = setting("2099-10-02", "2099-06-30", false);
	const char *chair = token_group("chair", 0, 0, s.group[0]);
	const char *other_chair = token_group("chair", 0, 0, s.group[1]);
	char body[1024], path[96], *before;
	long long plan;
	struct resp *r;

	/* an empty plan can be written but not submitted */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"fund_id\": %lld, \"priorities\": [\"Reading\"]}",
	         s.group[0], s.fund);
	plan = post_created(chair, "/v1/action-plans", body);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/submit", plan);
	r = act(chair, path, NULL);
	assert_problem(r, 422, "validation", "actions");
	resp_free(r);

	/* another group's chair does not see the draft; an unscoped chair writes nothing */
	before = db_fingerprint();
	snprintf(path, sizeof path, "/v1/action-plans/%lld", plan);
	r = http("GET", path, other_chair, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"fund_id\": %lld}", s.group[0], s.fund);
	r = http_json("POST", "/v1/action-plans", other_chair, body, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	r = http_json("POST", "/v1/action-plans", token("chair"), body, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	snprintf(body, sizeof body, "{\"actions\": [{\"description\": \"x\", \"level\": \"merger\", \"colour\": 1}]}");
	r = http_json("PATCH", path, chair, body, "*");
	assert_problem(r, 422, "validation", "actions[0]");
	resp_free(r);
	assert_unchanged(before);

	snprintf(body, sizeof body, "{\"actions\": [%s]}", action);
	r = http_json("PATCH", path, chair, body, "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "total_cost_pence")), 250000);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/submit", plan);
	r = act(chair, path, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "submitted");
	cr_assert(json_is_false(json_object_get(r->json, "late")), "before the deadline");
	resp_free(r);

	/* submitted: no more edits; the chair cannot accept its own plan */
	snprintf(path, sizeof path, "/v1/action-plans/%lld", plan);
	r = http_json("PATCH", path, chair, "{\"priorities\": []}", "*");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/accept", plan);
	r = act(chair, path, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);

	/* returned with comments, submitted again, accepted: then read-only */
	snprintf(path, sizeof path, "/v1/action-plans/%lld/return", plan);
	r = act(token("officer"), path, "{}");
	assert_problem(r, 422, "validation", "comments");
	resp_free(r);
	r = act(token("officer"), path, "{\"comments\": \"Say how progress will be measured\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "returned");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/submit", plan);
	r = act(chair, path, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/accept", plan);
	r = act(token("officer"), path, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "accepted");
	resp_free(r);
	r = act(token("officer"), path, NULL);
	assert_problem(r, 409, "conflict", NULL);
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), "accepted"));
	resp_free(r);
	snprintf(path, sizeof path, "/v1/action-plans/%lld", plan);
	r = http_json("PATCH", path, token("officer"), "{\"priorities\": [\"Maths\"]}", "*");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	r = http_json("DELETE", path, token("officer"), NULL, "*");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
}

Test(plans, after_the_deadline_a_plan_is_late_and_the_fund_rule_waits_for_it)
{
	struct setting s = setting("2020-10-02", "2021-06-30", true);
	char body[1024], path[96];
	long long plan, alloc;
	struct resp *r;

	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 500000, "
	         "\"payee_urn\": %d}", s.fund, s.group[0], s.urn[0]);
	alloc = post_created(token("officer"), "/v1/fund-allocations", body);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", alloc);
	r = act(token("officer"), path, NULL);
	assert_problem(r, 409, "conflict", NULL);
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), "missing"));
	resp_free(r);

	snprintf(body, sizeof body, "{\"group_id\": %lld, \"fund_id\": %lld, \"actions\": [%s]}", s.group[0],
	         s.fund, action);
	plan = post_created(token_group("chair", 0, 0, s.group[0]), "/v1/action-plans", body);
	r = act(token("officer"), path, NULL);
	assert_problem(r, 409, "conflict", NULL);
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), "draft"));
	resp_free(r);
	{
		char sp[96];
		snprintf(sp, sizeof sp, "/v1/action-plans/%lld/submit", plan);
		r = act(token("officer"), sp, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert(json_is_true(json_object_get(r->json, "late")), "after 2 October 2020");
		resp_free(r);
	}
	r = act(token("officer"), path, NULL);
	cr_assert_eq(r->status, 200, "once the plan is submitted: %s", r->body);
	resp_free(r);
	{
		char q[128];
		snprintf(q, sizeof q, "/v1/action-plans?fund_id=%lld&late=true", s.fund);
		r = http("GET", q, token("viewer"), NULL, NULL);
		cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1);
		resp_free(r);
	}
}

Test(evaluations, draft_submitted_reported_and_overdue)
{
	struct setting s = setting("2020-10-02", "2021-06-30", false), later;
	char body[1024], path[96], q[160];
	long long alloc, alloc2, ev;
	struct resp *r;

	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 500000, "
	         "\"payee_urn\": %d}", s.fund, s.group[0], s.urn[0]);
	alloc = post_created(token("officer"), "/v1/fund-allocations", body);
	snprintf(body, sizeof body, "{\"allocation_id\": %lld}", alloc);
	r = http_json("POST", "/v1/evaluations", token("officer"), body, NULL);
	assert_problem(r, 422, "validation", "allocation_id");   /* not approved yet */
	resp_free(r);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", alloc);
	r = act(token("officer"), path, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	/* overdue: the fund's evaluation date has passed with nothing submitted */
	snprintf(q, sizeof q, "/v1/reports/overdue-evaluations?as_of=2021-07-01");
	r = http("GET", q, token("viewer"), NULL, NULL);
	cr_assert(strstr(r->body, "\"evaluation_status\":\"missing\""), "%s", r->body);
	resp_free(r);
	snprintf(q, sizeof q, "/v1/reports/overdue-evaluations?as_of=2021-06-30");
	r = http("GET", q, token("viewer"), NULL, NULL);
	{
		char needle[64];
		snprintf(needle, sizeof needle, "\"allocation_id\":%lld,", alloc);
		cr_assert(strstr(r->body, needle) == NULL, "due that day: not overdue yet");
	}
	resp_free(r);

	ev = post_created(token_group("chair", 0, 0, s.group[0]), "/v1/evaluations", body);
	snprintf(path, sizeof path, "/v1/evaluations/%lld/submit", ev);
	r = act(token("officer"), path, NULL);
	assert_problem(r, 422, "validation", "what_done");
	assert_problem(r, 422, "validation", "rating");
	assert_problem(r, 422, "validation", "spent_pence");
	assert_problem(r, 422, "validation", "impacts");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/evaluations/%lld", ev);
	r = http_json("PATCH", path, token("officer"),
	              "{\"what_done\": \"Phonics catch-up in 6 schools\", \"rating\": \"met\", \"spent_pence\": 510000, "
	              "\"impacts\": [{\"criterion\": \"Phonics check\", \"impact\": \"82% passed, up from 71%\"}]}", "*");
	assert_problem(r, 422, "validation", "overspend_reason");
	resp_free(r);
	r = http_json("PATCH", path, token("officer"),
	              "{\"what_done\": \"Phonics catch-up in 6 schools\", \"rating\": \"met\", \"spent_pence\": 510000, "
	              "\"overspend_reason\": \"one more school joined\", "
	              "\"impacts\": [{\"criterion\": \"Phonics check\", \"impact\": \"82% passed, up from 71%\"}]}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/evaluations/%lld/submit", ev);
	r = act(token("officer"), path, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/evaluations/%lld/report", ev);
	r = act(token("officer"), path, "{\"reported_on\": \"2021-06-24\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "reported");
	resp_free(r);
	r = act(token("officer"), path, "{\"reported_on\": \"2021-06-25\"}");
	assert_problem(r, 409, "conflict", NULL);
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), "the evaluation is reported") != NULL,
	          "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/evaluations/%lld", ev);
	r = http("GET", path, token_group("viewer", 0, 0, s.group[1]), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	resp_free(r);

	/* a second allocation in another LA's fund: a listing by status */
	later = setting("2020-10-02", "2099-06-30", false);
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 1, "
	         "\"payee_urn\": %d}", later.fund, later.group[1], later.urn[1]);
	alloc2 = post_created(token("officer"), "/v1/fund-allocations", body);
	(void)alloc2;
	r = http("GET", "/v1/evaluations?status=reported&limit=5", token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	resp_free(r);
}

/* Is a plan sent at instant `at` late for `deadline`, as the database judges it? */
static long long
late_at(const char *at, const char *deadline)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT plan_late('%s'::timestamptz, $1::date)::integer", at);
	return db_scalar(sql, deadline);
}

Test(plans, lateness_is_judged_on_the_day_in_england_on_both_sides_of_the_clock_change)
{
	/* British Summer Time (UTC+1): 23:30 UTC on the deadline is 00:30 the next day */
	cr_assert_eq(late_at("2026-10-02 22:30:00+00", "2026-10-02"), 0, "23:30 BST on the day");
	cr_assert_eq(late_at("2026-10-02 23:30:00+00", "2026-10-02"), 1, "00:30 BST the day after");
	/* Greenwich Mean Time: the day is the UTC day */
	cr_assert_eq(late_at("2026-12-01 23:30:00+00", "2026-12-01"), 0, "23:30 GMT on the day");
	cr_assert_eq(late_at("2026-12-02 00:30:00+00", "2026-12-01"), 1, "00:30 GMT the day after");
	/* the night the clocks go back (25 October 2026, 02:00 BST = 01:00 GMT) */
	cr_assert_eq(late_at("2026-10-24 23:30:00+00", "2026-10-24"), 1, "00:30 BST on the 25th");
	cr_assert_eq(late_at("2026-10-25 00:30:00+00", "2026-10-25"), 0, "01:30 BST on the 25th");
	cr_assert_eq(late_at("2026-10-25 23:30:00+00", "2026-10-25"), 0, "23:30 GMT on the 25th");
	/* the night they go forward (29 March 2026, 01:00 GMT = 02:00 BST) */
	cr_assert_eq(late_at("2026-03-28 23:30:00+00", "2026-03-28"), 0, "23:30 GMT on the 28th");
	cr_assert_eq(late_at("2026-03-29 23:30:00+00", "2026-03-29"), 1, "00:30 BST on the 30th");
	cr_assert_eq(late_at("2026-03-29 00:30:00+00", "2026-03-29"), 0, "00:30 GMT on the 29th");
	cr_assert_eq(late_at("2026-03-29 01:30:00+00", "2026-03-29"), 0, "02:30 BST on the 29th");
	/* no deadline: never late */
	cr_assert_eq(db_scalar("SELECT plan_late(now(), NULL::date)::integer", NULL), 0);
}

Test(plans, a_returned_plan_keeps_the_verdict_of_its_first_submission)
{
	long long today = db_scalar("SELECT to_char(london_today(), 'YYYYMMDD')::bigint", NULL);
	char deadline[32], body[1024], path[96], fpath[96];
	struct setting s;
	long long plan;
	struct resp *r;

	/* due today in England: sent today, on time */
	snprintf(deadline, sizeof deadline, "%04d-%02d-%02d", (int)(today / 10000), (int)(today / 100 % 100),
	         (int)(today % 100));
	s = setting(deadline, "2099-06-30", false);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"fund_id\": %lld, \"actions\": [%s]}", s.group[0], s.fund,
	         action);
	plan = post_created(token("officer"), "/v1/action-plans", body);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/submit", plan);
	r = act(token("officer"), path, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_false(json_object_get(r->json, "late")), "due today, sent today: %s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "first_submitted_at")),
	                 json_string_value(json_object_get(r->json, "submitted_at")));
	resp_free(r);
	/* returned; the deadline has since passed; sent again: still on time */
	snprintf(path, sizeof path, "/v1/action-plans/%lld/return", plan);
	r = act(token("officer"), path, "{\"comments\": \"name the schools\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(fpath, sizeof fpath, "/v1/funds/%lld", s.fund);
	r = http_json("PATCH", fpath, token("officer"), "{\"plan_deadline\": \"2020-10-02\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/submit", plan);
	r = act(token("officer"), path, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_false(json_object_get(r->json, "late")), "lateness is the first submission's: %s", r->body);
	resp_free(r);

	/* and the other way: first sent late, returned, the deadline moved on: still late */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"fund_id\": %lld, \"actions\": [%s]}", s.group[1], s.fund,
	         action);
	plan = post_created(token("officer"), "/v1/action-plans", body);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/submit", plan);
	r = act(token("officer"), path, NULL);
	cr_assert(json_is_true(json_object_get(r->json, "late")), "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/return", plan);
	r = act(token("officer"), path, "{\"comments\": \"cost it\"}");
	resp_free(r);
	r = http_json("PATCH", fpath, token("officer"), "{\"plan_deadline\": \"2099-10-02\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/submit", plan);
	r = act(token("officer"), path, NULL);
	cr_assert(json_is_true(json_object_get(r->json, "late")), "%s", r->body);
	resp_free(r);
}

/* The overdue report's row for allocation id as of a day, or NULL (caller decrefs). */
static json_t *
overdue_row(long long id, const char *as_of)
{
	char q[96];
	struct resp *r;
	size_t i;
	json_t *it, *found = NULL;

	snprintf(q, sizeof q, "/v1/reports/overdue-evaluations?as_of=%s", as_of);
	r = http("GET", q, token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	json_array_foreach(json_object_get(r->json, "items"), i, it)
		if (json_integer_value(json_object_get(it, "allocation_id")) == id)
			found = json_incref(it);
	resp_free(r);
	return found;
}

Test(evaluations, overdue_until_reported_to_the_aag)
{
	struct setting s = setting("2020-10-02", "2021-06-30", false);
	char body[1024], path[96];
	long long alloc, ev;
	struct resp *r;
	json_t *row;

	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 500000, "
	         "\"payee_urn\": %d}", s.fund, s.group[0], s.urn[0]);
	alloc = post_created(token("officer"), "/v1/fund-allocations", body);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", alloc);
	r = act(token("officer"), path, NULL);
	resp_free(r);
	snprintf(body, sizeof body, "{\"allocation_id\": %lld, \"what_done\": \"Phonics\", \"rating\": \"met\", "
	         "\"spent_pence\": 400000, \"impacts\": [{\"criterion\": \"Phonics\", \"impact\": \"up\"}]}", alloc);
	ev = post_created(token("officer"), "/v1/evaluations", body);
	snprintf(path, sizeof path, "/v1/evaluations/%lld/submit", ev);
	r = act(token("officer"), path, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	/* submitted in time, not yet reported: overdue all the same */
	row = overdue_row(alloc, "2021-07-01");
	cr_assert_not_null(row, "a submitted evaluation not reported to the AAG is overdue");
	cr_assert_str_eq(json_string_value(json_object_get(row, "evaluation_status")), "submitted");
	cr_assert(!json_is_null(json_object_get(row, "submitted_at")));
	cr_assert(json_is_null(json_object_get(row, "reported_on")));
	json_decref(row);
	snprintf(path, sizeof path, "/v1/evaluations/%lld", ev);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert(json_is_true(json_object_get(r->json, "overdue")), "%s", r->body);
	resp_free(r);

	/* reported on 5 July: overdue on 1 July (with both dates), not on 6 July */
	snprintf(path, sizeof path, "/v1/evaluations/%lld/report", ev);
	r = act(token("officer"), path, "{\"reported_on\": \"2021-07-05\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_false(json_object_get(r->json, "overdue")));
	resp_free(r);
	row = overdue_row(alloc, "2021-07-01");
	cr_assert_not_null(row);
	cr_assert_str_eq(json_string_value(json_object_get(row, "reported_on")), "2021-07-05");
	cr_assert_str_eq(json_string_value(json_object_get(row, "due_on")), "2021-06-30");
	json_decref(row);
	cr_assert_null(overdue_row(alloc, "2021-07-06"));
}
