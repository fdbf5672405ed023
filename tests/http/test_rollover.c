/*
 * An LA's academic-year rollover over HTTP: the recurring funds copied a
 * year on as drafts (nothing allocated from a draft until it is opened),
 * the actions of a plan not marked done carried into a draft plan against
 * the copy, the year's confirmations and reviews listed; a dry run keeps
 * nothing, the year that closes never changes, and rolling over again
 * makes nothing.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

struct year_world {
	int la, urn[2];
	long long la_id, chair_fund, other_fund, plan, group;
};

static struct year_world
year_world(void)
{
	static const char *const csv_headers[] = {"Content-Type: text/csv", NULL};
	struct year_world w = {.la = unused_la_code()};
	char body[1024], path[128], key[24];
	struct resp *r;

	w.la_id = make_la(w.la, "Yearshire");
	w.urn[0] = make_school(w.la, 2001, "First Primary", "primary");
	w.urn[1] = make_school(w.la, 2002, "Second Primary", "primary");
	snprintf(body, sizeof body,
	         "group,kind,school,from,chair,email,head_since,override_justification\n"
	         "Year Consortium,consortium,%d,2024-09-01,Ann Chair,ann@example.org,2015-01-01,Only candidate\n"
	         "Year Consortium,consortium,%d,2024-09-01,,,,\n", w.urn[0], w.urn[1]);
	snprintf(path, sizeof path, "/v1/local-authorities/%lld/groups/import", w.la_id);
	r = http("POST", path, token("admin"), body, csv_headers);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(key, sizeof key, "%lld", w.la_id);
	w.group = db_scalar("SELECT id FROM school_group WHERE la_id = $1::bigint", key);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"chair_funding\", \"name\": \"Chairs\", "
	         "\"academic_year\": \"2026/27\", \"pot_pence\": 1000000, \"census_date\": \"2026-10-01\", "
	         "\"plan_deadline\": \"2026-10-31\", \"evaluation_due\": \"2027-06-30\", \"requires_plan\": true}", w.la);
	w.chair_fund = post_created(token("officer"), "/v1/funds", body);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"recovery\", \"name\": \"Recovery\", "
	         "\"academic_year\": \"2026/27\", \"pot_pence\": 500000}", w.la);
	w.other_fund = post_created(token("officer"), "/v1/funds", body);
	snprintf(body, sizeof body,
	         "{\"group_id\": %lld, \"fund_id\": %lld, \"priorities\": [\"Reading\"], \"actions\": ["
	         "{\"description\": \"Phonics training\", \"success_criteria\": \"All staff trained\", "
	         "\"responsible\": \"Chair\", \"completion_date\": \"2026-12-18\", \"level\": \"collaboration\"}, "
	         "{\"description\": \"Reading audit\", \"success_criteria\": \"Audit shared\", "
	         "\"responsible\": \"Deputy\", \"completion_date\": \"2027-03-31\", \"level\": \"cooperation\"}]}",
	         w.group, w.chair_fund);
	w.plan = post_created(token("officer"), "/v1/action-plans", body);
	return w;
}

static json_t *
roll(const char *tok, long long la_id, const char *query)
{
	char path[160];
	struct resp *r;
	json_t *o;

	snprintf(path, sizeof path, "/v1/local-authorities/%lld/rollover?%s", la_id, query);
	r = http("POST", path, tok, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	o = json_loads(r->body, 0, NULL);
	resp_free(r);
	cr_assert_not_null(o);
	return o;
}

Test(rollover, the_next_year_is_drafted_from_the_recurring_funds_and_the_unfinished_actions)
{
	struct year_world w = year_world();
	const char *officer = token_scoped("officer", w.la, 0);
	char path[128], body[512], *before, *old_fund;
	json_t *o, *fund, *plan, *actions, *conf;
	struct resp *r;

	/* the first action is done: marked so on the submitted plan (progress, not an edit) */
	snprintf(path, sizeof path, "/v1/action-plans/%lld/submit", w.plan);
	r = http("POST", path, officer, NULL, (const char *[]){"If-Match: *", NULL});
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/action-plans/%lld", w.plan);
	snprintf(body, sizeof body,
	         "{\"actions\": [{\"description\": \"Phonics training\", \"success_criteria\": \"All staff trained\", "
	         "\"responsible\": \"Chair\", \"completion_date\": \"2026-12-18\", \"level\": \"collaboration\", "
	         "\"done\": true}, {\"description\": \"Reading audit\", \"success_criteria\": \"Audit shared\", "
	         "\"responsible\": \"Deputy\", \"completion_date\": \"2027-03-31\", \"level\": \"cooperation\"}]}");
	r = http_json("PATCH", path, officer, body, "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	assert_refused("PATCH", path, officer, "{\"actions\": []}", 409, "conflict", "actions");

	snprintf(path, sizeof path, "/v1/funds/%lld", w.chair_fund);
	{
		json_t *f = http_get_json(officer, path);

		old_fund = json_dumps(f, JSON_SORT_KEYS);
		json_decref(f);
	}

	/* the dry run says what the year would be, and keeps nothing */
	before = db_fingerprint();
	o = roll(officer, w.la_id, "academic_year=2027/28&dry_run=true");
	assert_unchanged(before);
	cr_assert_str_eq(str(o, "closing_year"), "2026/27");
	cr_assert_eq(json_array_size(json_object_get(o, "funds")), 1, "the recovery fund does not recur");
	cr_assert_eq(json_array_size(json_object_get(o, "plans")), 1);
	json_decref(o);

	o = roll(officer, w.la_id, "academic_year=2027/28");
	fund = json_array_get(json_object_get(o, "funds"), 0);
	cr_assert_str_eq(str(fund, "academic_year"), "2027/28");
	cr_assert_str_eq(str(fund, "status"), "draft");
	cr_assert_str_eq(str(fund, "census_date"), "2027-10-01");
	cr_assert_str_eq(str(fund, "plan_deadline"), "2027-10-31");
	cr_assert_str_eq(str(fund, "evaluation_due"), "2028-06-30");
	cr_assert_eq(json_integer_value(json_object_get(fund, "copied_from_id")), w.chair_fund);
	cr_assert_eq(json_integer_value(json_object_get(fund, "pot_pence")), 1000000);
	plan = json_array_get(json_object_get(o, "plans"), 0);
	cr_assert_str_eq(str(plan, "status"), "draft");
	cr_assert_eq(json_integer_value(json_object_get(plan, "fund_id")), json_integer_value(json_object_get(fund, "id")));
	actions = json_object_get(plan, "actions");
	cr_assert_eq(json_array_size(actions), 1, "only the action not done goes on");
	cr_assert_str_eq(str(json_array_get(actions, 0), "description"), "Reading audit");
	conf = json_array_get(json_object_get(o, "confirmations"), 0);
	cr_assert_eq(json_integer_value(json_object_get(conf, "group_id")), w.group);
	cr_assert_str_eq(str(conf, "deadline"), "2027-09-11");
	cr_assert_str_eq(str(conf, "chair_name"), "Ann Chair");
	json_decref(o);

	/* the year that closes is as it was */
	{
		json_t *f = http_get_json(officer, path);
		char *now = json_dumps(f, JSON_SORT_KEYS);

		cr_assert_str_eq(now, old_fund, "the closing year's fund did not change");
		free(now);
		json_decref(f);
	}
	free(old_fund);

	/* again: nothing is made, nothing changes */
	before = db_fingerprint();
	o = roll(officer, w.la_id, "academic_year=2027/28");
	assert_unchanged(before);
	cr_assert_eq(json_array_size(json_object_get(o, "funds")), 0);
	cr_assert_eq(json_array_size(json_object_get(o, "plans")), 0);
	json_decref(o);
}

Test(rollover, nothing_is_allocated_from_a_draft_until_it_is_opened)
{
	struct year_world w = year_world();
	const char *officer = token_scoped("officer", w.la, 0);
	char path[128], key[24], body[256];
	long long draft;
	struct resp *r;
	json_t *o;

	o = roll(officer, w.la_id, "academic_year=2027/28");
	draft = json_integer_value(json_object_get(json_array_get(json_object_get(o, "funds"), 0), "id"));
	json_decref(o);
	snprintf(path, sizeof path, "/v1/funds/%lld/allocate", draft);
	assert_refused("POST", path, officer, NULL, 409, "conflict", "status");
	/* nor one by one */
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 100}", draft, w.group);
	assert_refused("POST", "/v1/fund-allocations", officer, body, 422, "validation", "fund_id");
	/* opened, with the chair confirmed for the year, it allocates */
	snprintf(key, sizeof key, "%lld", w.group);
	snprintf(body, sizeof body,
	         "{\"group_id\": %lld, \"academic_year\": \"2027/28\", \"chair_id\": %lld, "
	         "\"confirmed_by\": \"Ann Chair\", \"confirmed_on\": \"2026-11-30\"}", w.group,
	         db_scalar("SELECT id FROM chair_appointment WHERE group_id = $1::bigint AND role = 'chair'", key));
	post_created(officer, "/v1/chair-confirmations", body);
	snprintf(path, sizeof path, "/v1/funds/%lld", draft);
	r = http_json("PATCH", path, officer, "{\"status\": \"open\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/funds/%lld/allocate", draft);
	r = http("POST", path, officer, NULL, (const char *[]){"If-Match: *", NULL});
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	snprintf(key, sizeof key, "%lld", draft);
	cr_assert_gt(db_scalar("SELECT count(*) FROM fund_allocation WHERE fund_id = $1::bigint", key), 0);
	/* with allocations, the fund stays open */
	snprintf(path, sizeof path, "/v1/funds/%lld", draft);
	assert_refused("PATCH", path, officer, "{\"status\": \"draft\"}", 409, "conflict", "status");
}

Test(rollover, only_the_las_officers_roll_it_over)
{
	struct year_world w = year_world();
	int other = unused_la_code();
	char path[160], *before;
	struct resp *r;

	make_la(other, "Elsewhere");
	before = db_fingerprint();
	snprintf(path, sizeof path, "/v1/local-authorities/%lld/rollover?academic_year=2027/28", w.la_id);
	r = http("POST", path, token_scoped("officer", other, 0), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = http("POST", path, token_scoped("chair", w.la, w.urn[0]), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/local-authorities/%lld/rollover?academic_year=2027/29", w.la_id);
	r = http("POST", path, token("admin"), NULL, NULL);
	assert_problem(r, 400, "malformed", "academic_year");
	resp_free(r);
	assert_unchanged(before);
}
