/*
 * A region's pooled fund over HTTP (seed 004): contributions from member
 * LAs and grants, in Part 1 and Part 2; money drawn against the plan's
 * actions from the part each depends on; the pot reconciling to the penny
 * (contributions = pot = drawn + unallocated, in all and per part), nothing
 * drawn that was not received, money recorded never edited nor deleted but
 * corrected; the region's callers keep it and its member LAs read it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "region_world.h"

static long long
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The sum of `amount_pence` over a list. */
static long long
sum_of(const char *tok, const char *path)
{
	json_t *o = http_get_json(tok, path), *it;
	long long total = 0;
	size_t i;

	json_array_foreach(json_object_get(o, "items"), i, it)
		total += num(it, "amount_pence");
	json_decref(o);
	return total;
}

struct money {
	long long plan, part1_action, part2_action, no_part_action, fund;
};

static struct money
make_money(const struct region_world *w)
{
	struct money m;
	char body[512];
	long long strand, area;

	snprintf(body, sizeof body, "{\"region_id\": %lld, \"title\": \"Funded plan\", \"period_start\": \"2007-09-01\", "
	         "\"period_end\": \"2008-08-31\"}", w->region);
	m.plan = post_created(w->region_tok, "/v1/strategic-plans", body);
	snprintf(body, sizeof body, "{\"plan_id\": %lld, \"number\": 1, \"name\": \"Workforce Development\"}", m.plan);
	strand = post_created(w->region_tok, "/v1/plan-strands", body);
	snprintf(body, sizeof body, "{\"strand_id\": %lld, \"name\": \"Middle leaders\"}", strand);
	area = post_created(w->region_tok, "/v1/plan-work-areas", body);
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"number\": \"6\", \"text\": \"Develop a programme\", "
	         "\"level\": \"full_integration\", \"responsible\": \"Task & Finish group\", \"completion\": [\"2007-12\"], "
	         "\"funding_part\": \"part_1\"}", area);
	m.part1_action = post_created(w->region_tok, "/v1/plan-actions", body);
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"number\": \"7\", \"text\": \"Pilot a module\", "
	         "\"level\": \"full_integration\", \"responsible\": \"Commissioned\", \"completion\": [\"2008-07\"], "
	         "\"funding_part\": \"part_2\"}", area);
	m.part2_action = post_created(w->region_tok, "/v1/plan-actions", body);
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"number\": \"8\", \"text\": \"Unfunded\", "
	         "\"level\": \"networking\", \"responsible\": \"Officers\", \"completion\": [\"2008-07\"]}", area);
	m.no_part_action = post_created(w->region_tok, "/v1/plan-actions", body);
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"plan_id\": %lld, \"name\": \"Consortium pooled budget\", "
	         "\"name_cy\": \"Cyllideb gyfun y Consortiwm\", \"period_start\": \"2007-04-01\", "
	         "\"period_end\": \"2008-03-31\"}", w->region, m.plan);
	m.fund = post_created(w->region_tok, "/v1/regional-funds", body);
	return m;
}

/* The fund's figures, in all and for a part, as its record says. */
static void
assert_pot(const char *tok, long long fund, long long pot, long long drawn, long long p1_in, long long p1_out,
           long long p2_in, long long p2_out)
{
	char path[160];
	json_t *o, *p1, *p2;

	snprintf(path, sizeof path, "/v1/regional-funds/%lld", fund);
	o = http_get_json(tok, path);
	p1 = json_object_get(json_object_get(o, "parts"), "part_1");
	p2 = json_object_get(json_object_get(o, "parts"), "part_2");
	cr_assert_eq(num(o, "pot_pence"), pot);
	cr_assert_eq(num(o, "drawn_pence"), drawn);
	cr_assert_eq(num(o, "unallocated_pence"), pot - drawn);
	cr_assert_eq(num(p1, "contributed_pence"), p1_in);
	cr_assert_eq(num(p1, "drawn_pence"), p1_out);
	cr_assert_eq(num(p1, "unallocated_pence"), p1_in - p1_out);
	cr_assert_eq(num(p2, "contributed_pence"), p2_in);
	cr_assert_eq(num(p2, "drawn_pence"), p2_out);
	cr_assert_eq(num(p2, "unallocated_pence"), p2_in - p2_out);
	cr_assert_eq(p1_in + p2_in, pot, "the parts make the pot");
	json_decref(o);
	/* and the records it is made of add up to it */
	snprintf(path, sizeof path, "/v1/fund-contributions?regional_fund_id=%lld&limit=500", fund);
	cr_assert_eq(sum_of(tok, path), pot);
	snprintf(path, sizeof path, "/v1/fund-draws?regional_fund_id=%lld&limit=500", fund);
	cr_assert_eq(sum_of(tok, path), drawn);
}

Test(regional_funds, the_pot_reconciles_to_the_penny_and_nothing_is_drawn_that_was_not_received)
{
	struct region_world w = region_world();
	struct money m = make_money(&w);
	const char *tok = w.region_tok;
	char body[512], path[160];
	long long contribution, draw;

	assert_pot(tok, m.fund, 0, 0, 0, 0, 0, 0);

	/* the pot: each authority's contribution and a grant, each received on a day */
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"la_code\": %d, \"part\": \"part_1\", "
	         "\"amount_pence\": 5000000, \"received_on\": \"2007-09-03\"}", m.fund, w.lead);
	contribution = post_created(tok, "/v1/fund-contributions", body);
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"la_code\": %d, \"part\": \"part_1\", "
	         "\"amount_pence\": 3333333, \"received_on\": \"2007-09-10\"}", m.fund, w.member);
	post_created(tok, "/v1/fund-contributions", body);
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"grantor\": \"Welsh Assembly Government\", "
	         "\"part\": \"part_2\", \"amount_pence\": 1000001, \"received_on\": \"2007-10-01\"}", m.fund);
	post_created(tok, "/v1/fund-contributions", body);
	assert_pot(tok, m.fund, 9333334, 0, 8333333, 0, 1000001, 0);

	/* an LA outside the region, or before it joined, gives nothing; a contribution has one source */
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"la_code\": %d, \"part\": \"part_1\", "
	         "\"amount_pence\": 100, \"received_on\": \"2007-09-03\"}", m.fund, w.stranger);
	assert_refused("POST", "/v1/fund-contributions", tok, body, 422, "validation", "la_code");
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"la_code\": %d, \"part\": \"part_1\", "
	         "\"amount_pence\": 100, \"received_on\": \"2007-08-31\"}", m.fund, w.member);
	assert_refused("POST", "/v1/fund-contributions", tok, body, 422, "validation", "la_code");
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"la_code\": %d, \"grantor\": \"WAG\", \"part\": "
	         "\"part_1\", \"amount_pence\": 100, \"received_on\": \"2007-09-03\"}", m.fund, w.lead);
	assert_refused("POST", "/v1/fund-contributions", tok, body, 422, "validation", "grantor");
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"grantor\": \"WAG\", \"part\": \"part_1\", "
	         "\"amount_pence\": 0, \"received_on\": \"2007-09-03\"}", m.fund);
	assert_refused("POST", "/v1/fund-contributions", tok, body, 422, "validation", "amount_pence");

	/* drawn against the plan's actions, from the part each depends on */
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"action_id\": %lld, \"part\": \"part_1\", "
	         "\"amount_pence\": 2500000, \"drawn_on\": \"2007-11-01\"}", m.fund, m.part1_action);
	draw = post_created(tok, "/v1/fund-draws", body);
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"action_id\": %lld, \"part\": \"part_1\", "
	         "\"amount_pence\": 100, \"drawn_on\": \"2007-11-01\"}", m.fund, m.part2_action);
	assert_refused("POST", "/v1/fund-draws", tok, body, 422, "validation", "part");
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"action_id\": %lld, \"part\": \"part_1\", "
	         "\"amount_pence\": 100, \"drawn_on\": \"2007-11-01\"}", m.fund, m.no_part_action);
	assert_refused("POST", "/v1/fund-draws", tok, body, 422, "validation", "part");
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"action_id\": %lld, \"part\": \"part_2\", "
	         "\"amount_pence\": 1000001, \"drawn_on\": \"2007-11-02\"}", m.fund, m.part2_action);
	post_created(tok, "/v1/fund-draws", body);
	assert_pot(tok, m.fund, 9333334, 3500001, 8333333, 2500000, 1000001, 1000001);

	/* Part 2 holds nothing more: one penny more is refused */
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"action_id\": %lld, \"part\": \"part_2\", "
	         "\"amount_pence\": 1, \"drawn_on\": \"2007-11-02\"}", m.fund, m.part2_action);
	assert_refused("POST", "/v1/fund-draws", tok, body, 422, "validation", "amount_pence");

	/* a mistake is corrected by another entry, with its reason, never below what is drawn */
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"la_code\": %d, \"part\": \"part_1\", "
	         "\"amount_pence\": -333333, \"received_on\": \"2007-09-10\"}", m.fund, w.member);
	assert_refused("POST", "/v1/fund-contributions", tok, body, 422, "validation", "note");
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"la_code\": %d, \"part\": \"part_1\", "
	         "\"amount_pence\": -333333, \"received_on\": \"2007-09-10\", \"note\": \"Recorded 333,333 too much\"}",
	         m.fund, w.member);
	post_created(tok, "/v1/fund-contributions", body);
	assert_pot(tok, m.fund, 9000001, 3500001, 8000000, 2500000, 1000001, 1000001);
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"la_code\": %d, \"part\": \"part_1\", "
	         "\"amount_pence\": -5500001, \"received_on\": \"2007-09-10\", \"note\": \"Too far\"}", m.fund, w.lead);
	assert_refused("POST", "/v1/fund-contributions", tok, body, 422, "validation", "amount_pence");
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"action_id\": %lld, \"part\": \"part_1\", "
	         "\"amount_pence\": -2500001, \"drawn_on\": \"2007-11-03\", \"note\": \"Too far\"}", m.fund, m.part1_action);
	assert_refused("POST", "/v1/fund-draws", tok, body, 422, "validation", "amount_pence");
	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"action_id\": %lld, \"part\": \"part_1\", "
	         "\"amount_pence\": -500000, \"drawn_on\": \"2007-11-03\", \"note\": \"Venue refunded\"}", m.fund,
	         m.part1_action);
	post_created(tok, "/v1/fund-draws", body);
	assert_pot(tok, m.fund, 9000001, 3000001, 8000000, 2000000, 1000001, 1000001);

	/* money recorded stays as it was: its note alone changes, and it is never deleted */
	snprintf(path, sizeof path, "/v1/fund-contributions/%lld", contribution);
	{
		json_t *o = http_get_json(w.member_tok, path);

		cr_assert_eq(num(o, "amount_pence"), 5000000);
		cr_assert_eq(num(o, "la_code"), w.lead);
		json_decref(o);
	}
	assert_refused("PATCH", path, tok, "{\"amount_pence\": 1}", 422, "validation", "amount_pence");
	{
		struct resp *r = http_json("PATCH", path, tok, "{\"note\": \"First instalment\"}", "*");
		cr_assert_eq(r->status, 200, "%s", r->body);
		resp_free(r);
		r = http("DELETE", path, tok, NULL, (const char *[]){"If-Match: *", NULL});
		cr_assert_eq(r->status, 405, "no route deletes money recorded");
		resp_free(r);
	}
	snprintf(path, sizeof path, "/v1/fund-draws/%lld", draw);
	{
		json_t *o = http_get_json(w.member_tok, path);

		cr_assert_eq(num(o, "action_id"), m.part1_action);
		cr_assert_str_eq(json_string_value(json_object_get(o, "action_number")), "6");
		json_decref(o);
		{
			struct resp *r = http("GET", path, w.other_tok, NULL, NULL);
			assert_problem(r, 404, "not-found", NULL);
			resp_free(r);
		}
	}
	assert_refused("PATCH", path, tok, "{\"drawn_on\": \"2007-11-05\"}", 422, "validation", "drawn_on");
	{
		struct resp *r = http_json("PATCH", path, tok, "{\"note\": \"Programme design\"}", "*");
		cr_assert_eq(r->status, 200, "%s", r->body);
		resp_free(r);
	}
	snprintf(path, sizeof path, "/v1/regional-funds/%lld", m.fund);
	assert_refused("DELETE", path, tok, NULL, 409, "conflict", NULL);
	assert_refused("PATCH", path, tok, "{\"plan_id\": null}", 422, "validation", "plan_id");
	assert_pot(tok, m.fund, 9000001, 3000001, 8000000, 2000000, 1000001, 1000001);
}

Test(regional_funds, a_regions_money_is_the_regions_to_keep_and_its_members_to_read)
{
	struct region_world w = region_world();
	struct money m = make_money(&w);
	char body[512], path[160];
	long long empty, other_plan;
	json_t *o;

	snprintf(body, sizeof body, "{\"regional_fund_id\": %lld, \"la_code\": %d, \"part\": \"part_1\", "
	         "\"amount_pence\": 100000, \"received_on\": \"2007-09-03\"}", m.fund, w.member);
	post_created(w.region_tok, "/v1/fund-contributions", body);

	/* a member LA reads the fund and what it is made of, and changes none of it */
	snprintf(path, sizeof path, "/v1/regional-funds/%lld", m.fund);
	o = http_get_json(w.member_tok, path);
	cr_assert_eq(num(o, "pot_pence"), 100000);
	json_decref(o);
	assert_refused("PATCH", path, w.member_tok, "{\"name\": \"Ours\"}", 404, "not-found", NULL);
	assert_refused("POST", "/v1/fund-contributions", w.member_tok, body, 403, "forbidden", NULL);
	snprintf(path, sizeof path, "/v1/fund-contributions?regional_fund_id=%lld", m.fund);
	o = http_get_json(w.member_tok, path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
	json_decref(o);

	/* another region and an LA outside see none of it, and cannot add to it */
	snprintf(path, sizeof path, "/v1/regional-funds/%lld", m.fund);
	for (int i = 0; i < 2; i++) {
		const char *tok = i ? w.stranger_tok : w.other_tok;
		struct resp *r = http("GET", path, tok, NULL, NULL);

		assert_problem(r, 404, "not-found", NULL);
		resp_free(r);
		o = http_get_json(tok, "/v1/fund-contributions?limit=500");
		{
			json_t *it;
			size_t k;
			json_array_foreach(json_object_get(o, "items"), k, it)
				cr_assert_neq(num(it, "regional_fund_id"), m.fund);
		}
		json_decref(o);
	}
	assert_refused("POST", "/v1/fund-contributions", w.other_tok, body, 422, "validation", "regional_fund_id");
	assert_refused("POST", "/v1/fund-contributions", w.stranger_tok, body, 403, "forbidden", NULL);
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"name\": \"Not theirs\", \"period_start\": \"2008-04-01\", "
	         "\"period_end\": \"2009-03-31\"}", w.region);
	assert_refused("POST", "/v1/regional-funds", w.other_tok, body, 422, "validation", "region_id");
	assert_refused("POST", "/v1/regional-funds", w.member_tok, body, 403, "forbidden", NULL);

	/* a fund draws against its own region's plan only */
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"title\": \"Other plan\", \"period_start\": \"2007-09-01\", "
	         "\"period_end\": \"2008-08-31\"}", w.other_region);
	other_plan = post_created(w.other_tok, "/v1/strategic-plans", body);
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"plan_id\": %lld, \"name\": \"Mixed\", \"period_start\": "
	         "\"2008-04-01\", \"period_end\": \"2009-03-31\"}", w.region, other_plan);
	assert_refused("POST", "/v1/regional-funds", w.region_tok, body, 422, "validation", "plan_id");

	/* a fund with no money yet is the region's to change and to delete */
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"name\": \"Next year\", \"period_start\": \"2008-04-01\", "
	         "\"period_end\": \"2009-03-31\"}", w.region);
	empty = post_created(w.region_tok, "/v1/regional-funds", body);
	snprintf(path, sizeof path, "/v1/regional-funds?region_id=%lld", w.region);
	o = http_get_json(w.member_tok, path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 2);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/regional-funds/%lld", empty);
	{
		struct resp *r = http_json("PATCH", path, w.region_tok, "{\"name_cy\": \"Y flwyddyn nesaf\"}", "*");
		cr_assert_eq(r->status, 200, "%s", r->body);
		resp_free(r);
		r = http("DELETE", path, w.region_tok, NULL, (const char *[]){"If-Match: *", NULL});
		cr_assert_eq(r->status, 204, "%s", r->body);
		resp_free(r);
	}
}
