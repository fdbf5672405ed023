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
