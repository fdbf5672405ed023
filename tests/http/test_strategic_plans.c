/*
 * Strategic plans over HTTP (seed 004): a region's plan built by the
 * region's own callers, part by part, with the rules that hold its shape
 * (objectives under their strand's number, one level of sub-actions,
 * numbers unique in the plan, months as completion dates, reviews only of
 * measurable criteria, a plan agreed is kept); its progress as its reviews
 * say; and who reaches it: the region's callers write it, its member LAs
 * read it, an LA outside it and another region see none of it; its report
 * in English and Welsh (JSON, CSV, the page). A region's bodies likewise,
 * seating people of any member LA. The plan's CSV import is
 * test_plan_import.c.
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

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void
patched(const char *path, const char *tok, const char *body)
{
	struct resp *r = http_json("PATCH", path, tok, body, "*");

	cr_assert_eq(r->status, 200, "PATCH %s: %ld %s", path, r->status, r->body);
	resp_free(r);
}

/* The region's plan: two strands, an objective, a work area with two criteria and actions. */
struct plan {
	long long id, strand1, strand2, objective, work_area, measurable, plain, action38, action28, sub, benchmark;
};

static struct plan
make_plan(const struct region_world *w)
{
	struct plan p;
	char body[1024];
	const char *tok = w->region_tok;

	snprintf(body, sizeof body, "{\"region_id\": %lld, \"title\": \"Interim Consortium Strategic Plan\", "
	         "\"title_cy\": \"Cynllun Strategol Interim y Consortiwm\", \"period_start\": \"2007-09-01\", "
	         "\"period_end\": \"2008-08-31\"}", w->region);
	p.id = post_created(tok, "/v1/strategic-plans", body);
	snprintf(body, sizeof body, "{\"plan_id\": %lld, \"number\": 1, \"name\": \"Workforce Development\", "
	         "\"name_cy\": \"Datblygu'r Gweithlu\", \"aim\": \"To develop the workforce across the Consortium\"}", p.id);
	p.strand1 = post_created(tok, "/v1/plan-strands", body);
	snprintf(body, sizeof body, "{\"plan_id\": %lld, \"number\": 2, \"name\": \"Advice, Support and Challenge\"}", p.id);
	p.strand2 = post_created(tok, "/v1/plan-strands", body);
	snprintf(body, sizeof body, "{\"strand_id\": %lld, \"number\": \"1.1\", \"text\": \"We will develop professional "
	         "development opportunities for teachers\"}", p.strand1);
	p.objective = post_created(tok, "/v1/plan-objectives", body);
	snprintf(body, sizeof body, "{\"strand_id\": %lld, \"name\": \"Short courses and network events for teachers\"}",
	         p.strand1);
	p.work_area = post_created(tok, "/v1/plan-work-areas", body);
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"text\": \"Minimum ten teachers complete the module\", "
	         "\"target\": 10, \"unit\": \"teachers\"}", p.work_area);
	p.measurable = post_created(tok, "/v1/plan-criteria", body);
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"text\": \"Positive evaluations from participants\"}",
	         p.work_area);
	p.plain = post_created(tok, "/v1/plan-criteria", body);
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"number\": \"38\", \"text\": \"Develop a programme of short "
	         "courses\", \"level\": \"full_integration\", \"responsible\": \"Development Team\", \"resources\": "
	         "\"Facilitation\", \"resources_pence\": 250000, \"completion\": [\"2007-12\", \"2008-07\"], "
	         "\"funding_part\": \"part_1\"}", p.work_area);
	p.action38 = post_created(tok, "/v1/plan-actions", body);
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"number\": \"28\", \"text\": \"Network events\", "
	         "\"level\": \"networking\", \"responsible\": \"Task & Finish group\", \"completion\": [\"2007-12\"]}",
	         p.work_area);
	p.action28 = post_created(tok, "/v1/plan-actions", body);
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"parent_action_id\": %lld, \"text\": \"Use analysis to "
	         "inform development of Framework\", \"level\": \"collaboration\", \"responsible\": \"Commissioned\", "
	         "\"completion\": [\"2007-12-14\"]}", p.work_area, p.action38);
	p.sub = post_created(tok, "/v1/plan-actions", body);
	snprintf(body, sizeof body, "{\"plan_id\": %lld, \"strand_id\": %lld, \"text\": \"Attendance at headteacher "
	         "forum\", \"target\": 80, \"unit\": \"percent\", \"set_on\": \"2007-12-01\", \"review_by\": "
	         "\"2008-07-31\"}", p.id, p.strand1);
	p.benchmark = post_created(tok, "/v1/plan-benchmarks", body);
	return p;
}

Test(strategic_plans, a_regions_plan_is_built_part_by_part_and_keeps_its_shape)
{
	struct region_world w = region_world();
	struct plan p = make_plan(&w);
	const char *tok = w.region_tok;
	char path[160], body[512];
	long long review;
	json_t *o;

	snprintf(path, sizeof path, "/v1/strategic-plans/%lld", p.id);
	o = http_get_json(tok, path);
	cr_assert_eq(num(o, "region_id"), w.region);
	cr_assert(json_is_null(json_object_get(o, "la_code")));
	cr_assert_str_eq(str(o, "status"), "draft");
	cr_assert_eq(num(o, "strands"), 2);
	cr_assert_eq(num(o, "actions"), 3);
	json_decref(o);

	/* an objective is numbered under its strand; numbers are unique */
	snprintf(body, sizeof body, "{\"strand_id\": %lld, \"number\": \"2.1\", \"text\": \"Misplaced\"}", p.strand1);
	assert_refused("POST", "/v1/plan-objectives", tok, body, 422, "validation", "number");
	snprintf(body, sizeof body, "{\"strand_id\": %lld, \"number\": \"1.1\", \"text\": \"Again\"}", p.strand1);
	assert_refused("POST", "/v1/plan-objectives", tok, body, 409, "conflict", "number");
	snprintf(body, sizeof body, "{\"strand_id\": %lld, \"number\": \"1\", \"text\": \"No dot\"}", p.strand1);
	assert_refused("POST", "/v1/plan-objectives", tok, body, 422, "validation", "number");
	snprintf(body, sizeof body, "{\"plan_id\": %lld, \"number\": 1, \"name\": \"Again\"}", p.id);
	assert_refused("POST", "/v1/plan-strands", tok, body, 409, "conflict", "number");
	assert_refused("POST", "/v1/plan-objectives", tok, "{\"strand_id\": 999999999, \"number\": \"1.2\", \"text\": \"x\"}",
	        422, "validation", "strand_id");

	/* actions: numbered in the plan, sub-actions one level deep, months or days to complete */
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"number\": \"38\", \"text\": \"Again\", \"level\": "
	         "\"networking\", \"responsible\": \"x\", \"completion\": [\"2008-01\"]}", p.work_area);
	assert_refused("POST", "/v1/plan-actions", tok, body, 409, "conflict", "number");
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"parent_action_id\": %lld, \"text\": \"Too deep\", "
	         "\"level\": \"networking\", \"responsible\": \"x\", \"completion\": [\"2008-01\"]}", p.work_area, p.sub);
	assert_refused("POST", "/v1/plan-actions", tok, body, 422, "validation", "parent_action_id");
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"number\": \"39\", \"text\": \"Bad month\", \"level\": "
	         "\"networking\", \"responsible\": \"x\", \"completion\": [\"2007-13\"]}", p.work_area);
	assert_refused("POST", "/v1/plan-actions", tok, body, 422, "validation", "completion[0]");
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"number\": \"39\", \"text\": \"No one\", \"level\": "
	         "\"networking\", \"completion\": [\"2008-01\"]}", p.work_area);
	assert_refused("POST", "/v1/plan-actions", tok, body, 422, "validation", "responsible");
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"number\": \"39\", \"text\": \"No level\", \"level\": "
	         "\"merger\", \"responsible\": \"x\", \"completion\": [\"2008-01\"]}", p.work_area);
	assert_refused("POST", "/v1/plan-actions", tok, body, 422, "validation", "level");

	/* a target goes with its unit; only a measurable criterion is reviewed */
	snprintf(body, sizeof body, "{\"work_area_id\": %lld, \"text\": \"Half\", \"target\": 10}", p.work_area);
	assert_refused("POST", "/v1/plan-criteria", tok, body, 422, "validation", "unit");
	snprintf(body, sizeof body, "{\"criterion_id\": %lld, \"reviewed_on\": \"2008-03-01\", \"value_reached\": 3}", p.plain);
	assert_refused("POST", "/v1/plan-criterion-reviews", tok, body, 422, "validation", "criterion_id");
	snprintf(body, sizeof body, "{\"criterion_id\": %lld, \"reviewed_on\": \"2008-03-01\", \"value_reached\": 9}",
	         p.measurable);
	review = post_created(tok, "/v1/plan-criterion-reviews", body);
	snprintf(path, sizeof path, "/v1/plan-criterion-reviews/%lld", review);
	patched(path, tok, "{\"value_reached\": 12, \"note\": \"Twelve completed by March\"}");
	o = http_get_json(tok, path);
	cr_assert_eq(num(o, "value_reached"), 12);
	cr_assert(json_is_true(json_object_get(o, "met")));
	json_decref(o);
	snprintf(path, sizeof path, "/v1/plan-criterion-reviews?criterion_id=%lld", p.measurable);
	o = http_get_json(w.member_tok, path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1, "a member LA reads the review");
	json_decref(o);
	snprintf(path, sizeof path, "/v1/plan-criteria/%lld", p.measurable);
	o = http_get_json(tok, path);
	cr_assert_eq(num(json_object_get(o, "last_review"), "value_reached"), 12);
	cr_assert(json_is_true(json_object_get(json_object_get(o, "last_review"), "met")));
	json_decref(o);

	/* progress: the latest review; overdue past the last completion month unless complete or dropped */
	snprintf(path, sizeof path, "/v1/plan-actions/%lld?as_of=2008-08-01", p.action28);
	o = http_get_json(tok, path);
	cr_assert_str_eq(str(o, "progress"), "not_started");
	cr_assert_str_eq(str(o, "due_on"), "2007-12-31");
	cr_assert(json_is_true(json_object_get(o, "overdue")));
	json_decref(o);
	snprintf(path, sizeof path, "/v1/plan-actions/%lld?as_of=2007-12-31", p.action28);
	o = http_get_json(tok, path);
	cr_assert(json_is_false(json_object_get(o, "overdue")), "due on the month's last day, not before");
	json_decref(o);
	snprintf(body, sizeof body, "{\"action_id\": %lld, \"reviewed_on\": \"2007-11-01\", \"status\": \"on_track\"}",
	         p.action28);
	review = post_created(tok, "/v1/plan-action-reviews", body);
	snprintf(path, sizeof path, "/v1/plan-action-reviews/%lld", review);
	patched(path, tok, "{\"status\": \"at_risk\", \"note\": \"No venue yet\"}");
	o = http_get_json(tok, path);
	cr_assert_str_eq(str(o, "status"), "at_risk");
	cr_assert_str_eq(str(o, "action_number"), "28");
	json_decref(o);
	snprintf(path, sizeof path, "/v1/plan-actions/%lld?as_of=2007-11-30", p.action28);
	o = http_get_json(tok, path);
	cr_assert_str_eq(str(o, "progress"), "at_risk");
	json_decref(o);
	snprintf(body, sizeof body, "{\"action_id\": %lld, \"reviewed_on\": \"2008-01-10\", \"status\": \"complete\", "
	         "\"note\": \"Held in January\"}", p.action28);
	post_created(tok, "/v1/plan-action-reviews", body);
	snprintf(path, sizeof path, "/v1/plan-actions/%lld?as_of=2008-08-01", p.action28);
	o = http_get_json(tok, path);
	cr_assert_str_eq(str(o, "progress"), "complete");
	cr_assert(json_is_false(json_object_get(o, "overdue")));
	json_decref(o);
	snprintf(path, sizeof path, "/v1/plan-action-reviews?action_id=%lld&sort=reviewed_on", p.action28);
	o = http_get_json(tok, path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 2);
	cr_assert_str_eq(str(json_array_get(json_object_get(o, "items"), 0), "status"), "at_risk");
	json_decref(o);

	/* a benchmark's review gives its day and value together */
	snprintf(path, sizeof path, "/v1/plan-benchmarks/%lld", p.benchmark);
	assert_refused("PATCH", path, tok, "{\"reviewed_on\": \"2008-07-01\"}", 422, "validation", "value_reached");
	patched(path, tok, "{\"reviewed_on\": \"2008-07-01\", \"value_reached\": 85}");
	o = http_get_json(tok, path);
	cr_assert(json_is_true(json_object_get(o, "met")));
	json_decref(o);

	/* agreed: kept, and never a draft again */
	snprintf(path, sizeof path, "/v1/strategic-plans/%lld", p.id);
	patched(path, tok, "{\"status\": \"agreed\"}");
	o = http_get_json(tok, path);
	cr_assert_str_eq(str(o, "status"), "agreed");
	cr_assert(json_is_string(json_object_get(o, "agreed_on")));
	json_decref(o);
	assert_refused("PATCH", path, tok, "{\"status\": \"draft\"}", 422, "validation", "status");
	assert_refused("DELETE", path, tok, NULL, 409, "conflict", NULL);
	snprintf(path, sizeof path, "/v1/plan-strands/%lld", p.strand2);
	assert_refused("DELETE", path, tok, NULL, 409, "conflict", NULL);
	snprintf(path, sizeof path, "/v1/plan-actions/%lld", p.sub);
	assert_refused("DELETE", path, tok, NULL, 409, "conflict", NULL);
}

Test(strategic_plans, a_regions_plan_is_the_regions_to_write_and_its_members_to_read)
{
	struct region_world w = region_world();
	struct plan p = make_plan(&w);
	static const char *const parts[] = {"strategic-plans", "plan-strands", "plan-objectives", "plan-work-areas",
	                                    "plan-criteria", "plan-actions", "plan-benchmarks"};
	long long ids[] = {p.id, p.strand1, p.objective, p.work_area, p.measurable, p.action38, p.benchmark};
	char path[160], body[512];
	long long own;

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		const char *outsiders[] = {w.other_tok, w.stranger_tok};
		json_t *list, *it;
		size_t k;
		bool seen = false;

		/* a member LA reads it, and may not change it */
		snprintf(path, sizeof path, "/v1/%s/%lld", parts[i], ids[i]);
		json_decref(http_get_json(w.member_tok, path));
		assert_refused("PATCH", path, w.member_tok, "{}", 404, "not-found", NULL);
		assert_refused("DELETE", path, w.member_tok, NULL, 404, "not-found", NULL);
		snprintf(path, sizeof path, "/v1/%s?plan_id=%lld", parts[i], p.id);
		if (i == 0)
			snprintf(path, sizeof path, "/v1/strategic-plans?region_id=%lld", w.region);
		list = http_get_json(w.member_tok, path);
		json_array_foreach(json_object_get(list, "items"), k, it)
			seen |= num(it, "id") == ids[i];
		json_decref(list);
		cr_assert(seen, "%s: the member LA lists it", parts[i]);

		/* another region, and an LA outside the region: none of it */
		for (size_t o = 0; o < 2; o++) {
			struct resp *r;

			snprintf(path, sizeof path, "/v1/%s/%lld", parts[i], ids[i]);
			r = http("GET", path, outsiders[o], NULL, NULL);
			assert_problem(r, 404, "not-found", NULL);
			resp_free(r);
			assert_refused("PATCH", path, outsiders[o], "{}", 404, "not-found", NULL);
			snprintf(path, sizeof path, "/v1/%s", parts[i]);
			list = http_get_json(outsiders[o], path);
			json_array_foreach(json_object_get(list, "items"), k, it)
				cr_assert_neq(num(it, "id"), ids[i], "%s: listed to an outsider", parts[i]);
			json_decref(list);
		}
	}

	/* a part of its plan is made by the region's callers: to others it is not theirs */
	snprintf(body, sizeof body, "{\"plan_id\": %lld, \"number\": 3, \"name\": \"Governance\"}", p.id);
	assert_refused("POST", "/v1/plan-strands", w.member_tok, body, 403, "forbidden", NULL);
	assert_refused("POST", "/v1/plan-strands", w.other_tok, body, 422, "validation", "plan_id");
	assert_refused("POST", "/v1/plan-strands", w.stranger_tok, body, 403, "forbidden", NULL);
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"title\": \"Theirs\", \"period_start\": \"2008-09-01\", "
	         "\"period_end\": \"2009-08-31\"}", w.region);
	assert_refused("POST", "/v1/strategic-plans", w.other_tok, body, 422, "validation", "region_id");
	assert_refused("POST", "/v1/strategic-plans", w.member_tok, body, 403, "forbidden", NULL);

	/* a plan is one owner's */
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"la_code\": %d, \"title\": \"Both\", \"period_start\": "
	         "\"2008-09-01\", \"period_end\": \"2009-08-31\"}", w.region, w.lead);
	assert_refused("POST", "/v1/strategic-plans", token("admin"), body, 422, "validation", "la_code");
	assert_refused("POST", "/v1/strategic-plans", token("admin"), "{\"title\": \"No one's\", \"period_start\": "
	        "\"2008-09-01\", \"period_end\": \"2009-08-31\"}", 422, "validation", "region_id");

	/* an LA's own plan stays its own: the region does not see it */
	snprintf(body, sizeof body, "{\"la_code\": %d, \"title\": \"Member's own plan\", \"period_start\": "
	         "\"2008-09-01\", \"period_end\": \"2009-08-31\"}", w.member);
	own = post_created(w.member_tok, "/v1/strategic-plans", body);
	snprintf(path, sizeof path, "/v1/strategic-plans/%lld", own);
	{
		struct resp *r = http("GET", path, w.region_tok, NULL, NULL);
		assert_problem(r, 404, "not-found", NULL);
		resp_free(r);
	}
	patched(path, w.member_tok, "{\"title_cy\": \"Cynllun yr aelod\"}");
	assert_refused("DELETE", path, token_scoped("officer", w.lead, 0), NULL, 404, "not-found", NULL);
}

Test(strategic_plans, a_regions_bodies_seat_its_members_people)
{
	struct region_world w = region_world();
	char body[512], path[160];
	long long strategic, member_person, stranger_person, lead_body;
	json_t *o;

	snprintf(body, sizeof body, "{\"region_id\": %lld, \"kind\": \"strategic_group\", \"name\": \"Strategic Group\", "
	         "\"name_cy\": \"Grŵp Strategol\", \"meetings_per_year\": 12, \"attendance_target_percent\": 100}",
	         w.region);
	strategic = post_created(w.region_tok, "/v1/bodies", body);
	snprintf(path, sizeof path, "/v1/bodies/%lld", strategic);
	o = http_get_json(w.member_tok, path);
	cr_assert_eq(num(o, "la_code"), w.lead, "hosted by the lead");
	cr_assert_eq(num(o, "region_id"), w.region);
	cr_assert_str_eq(str(o, "name_cy"), "Grŵp Strategol");
	json_decref(o);

	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Member Officer\"}", w.member);
	member_person = post_created(token("admin"), "/v1/people", body);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Stranger Officer\"}", w.stranger);
	stranger_person = post_created(token("admin"), "/v1/people", body);
	snprintf(body, sizeof body, "{\"body_id\": %lld, \"person_id\": %lld, \"role\": \"member\", \"start_date\": "
	         "\"2007-09-01\"}", strategic, member_person);
	post_created(w.region_tok, "/v1/body-members", body);
	snprintf(body, sizeof body, "{\"body_id\": %lld, \"person_id\": %lld, \"role\": \"member\", \"start_date\": "
	         "\"2007-09-01\"}", strategic, stranger_person);
	assert_refused("POST", "/v1/body-members", w.region_tok, body, 422, "validation", "person_id");

	/* the host LA's officers read the region's body and do not keep it */
	assert_refused("PATCH", path, token_scoped("officer", w.lead, 0), "{\"name\": \"Ours now\"}", 404, "not-found", NULL);
	assert_refused("PATCH", path, w.other_tok, "{\"name\": \"Ours now\"}", 404, "not-found", NULL);
	{
		struct resp *r = http("GET", path, w.stranger_tok, NULL, NULL);
		assert_problem(r, 404, "not-found", NULL);
		resp_free(r);
	}
	patched(path, w.region_tok, "{\"meetings_per_year\": 10}");

	/* an LA's own body is not the region's */
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"headteacher_forum\", \"name\": \"Lead forum\"}", w.lead);
	lead_body = post_created(token("admin"), "/v1/bodies", body);
	snprintf(path, sizeof path, "/v1/bodies/%lld", lead_body);
	{
		struct resp *r = http("GET", path, w.region_tok, NULL, NULL);
		assert_problem(r, 404, "not-found", NULL);
		resp_free(r);
	}
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"headteacher_forum\", \"name\": \"Not ours\"}", w.lead);
	assert_refused("POST", "/v1/bodies", w.region_tok, body, 403, "forbidden", NULL);
	/* a member LA's officer does not make the region's bodies, even hosted by its own LA */
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"la_code\": %d, \"kind\": \"task_and_finish_group\", "
	         "\"name\": \"Ours for the region\"}", w.region, w.member);
	assert_refused("POST", "/v1/bodies", w.member_tok, body, 403, "forbidden", NULL);
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"la_code\": %d, \"kind\": \"task_and_finish_group\", "
	         "\"name\": \"Hosted away\"}", w.region, w.stranger);
	assert_refused("POST", "/v1/bodies", w.region_tok, body, 422, "validation", "la_code");
}

static json_t *
get_as(const char *tok, const char *path, const char *const *headers, long status, char **language)
{
	struct resp *r = http("GET", path, tok, NULL, headers);
	json_t *o;

	cr_assert_eq(r->status, status, "GET %s: %ld %s", path, r->status, r->body);
	if (language)
		*language = resp_header(r, "Content-Language");
	o = json_loads(r->body, 0, NULL);
	resp_free(r);
	return o;
}

Test(strategic_plans, its_report_shows_where_each_action_stands_in_english_or_welsh)
{
	struct region_world w = region_world();
	struct plan p = make_plan(&w);
	static const char *const welsh[] = {"Accept-Language: cy, en;q=0.5", NULL};
	static const char *const csv[] = {"Accept: text/csv", NULL};
	static const char *const page[] = {"Accept: text/html", "Accept-Language: cy", NULL};
	static const char *const xml[] = {"Accept: application/xml", NULL};
	const json_t *strand, *area, *actions, *attention, *profile;
	char path[160], body[256], *language = NULL;
	struct resp *r;
	json_t *o;

	snprintf(body, sizeof body, "{\"action_id\": %lld, \"reviewed_on\": \"2007-11-01\", \"status\": \"at_risk\"}",
	         p.action28);
	post_created(w.region_tok, "/v1/plan-action-reviews", body);

	/* a member LA reads the region's plan as seed 004 lays it out */
	snprintf(path, sizeof path, "/v1/strategic-plans/%lld/report?as_of=2008-01-31", p.id);
	o = get_as(w.member_tok, path, NULL, 200, &language);
	cr_assert_str_eq(language, "en");
	free(language);
	cr_assert_str_eq(str(json_object_get(o, "plan"), "title"), "Interim Consortium Strategic Plan");
	cr_assert_eq(json_array_size(json_object_get(o, "strands")), 2);
	strand = json_array_get(json_object_get(o, "strands"), 0);
	cr_assert_str_eq(str(strand, "name"), "Workforce Development");
	cr_assert_eq(json_array_size(json_object_get(strand, "objectives")), 1);
	area = json_array_get(json_object_get(strand, "work_areas"), 0);
	cr_assert_eq(json_array_size(json_object_get(area, "criteria")), 2);
	actions = json_object_get(area, "actions");
	cr_assert_eq(json_array_size(actions), 2, "the numbered actions; the sub-action under its own");
	cr_assert_str_eq(str(json_array_get(actions, 0), "number"), "38");
	cr_assert_eq(json_array_size(json_object_get(json_array_get(actions, 0), "sub_actions")), 1);
	cr_assert_str_eq(str(json_array_get(actions, 1), "progress"), "at_risk");

	/* the continuum profile: per strand, the actions and sub-actions at each level */
	profile = json_object_get(o, "profile");
	cr_assert_eq(num(json_array_get(profile, 0), "full_integration"), 1);
	cr_assert_eq(num(json_array_get(profile, 0), "networking"), 1);
	cr_assert_eq(num(json_array_get(profile, 0), "collaboration"), 1);
	cr_assert_eq(num(json_array_get(profile, 0), "total"), 3);
	cr_assert_eq(num(json_array_get(profile, 1), "total"), 0);

	/* at risk or overdue on the day: the sub-action (due 14 December) and 28 (December, at risk) */
	attention = json_object_get(o, "attention");
	cr_assert_eq(json_array_size(attention), 2);
	cr_assert_eq(num(json_array_get(attention, 0), "id"), p.sub);
	cr_assert_eq(num(json_array_get(attention, 1), "id"), p.action28);
	cr_assert(json_is_true(json_object_get(json_array_get(attention, 1), "overdue")));
	cr_assert_eq(num(json_object_get(o, "resources_pence"), "part_1"), 250000);
	json_decref(o);

	/* before the review, 28 stood not started and was not yet due */
	snprintf(path, sizeof path, "/v1/strategic-plans/%lld/report?as_of=2007-10-01", p.id);
	o = get_as(w.region_tok, path, NULL, 200, NULL);
	cr_assert_eq(json_array_size(json_object_get(o, "attention")), 0);
	json_decref(o);

	/* in Welsh where the plan gives its Welsh, English elsewhere */
	snprintf(path, sizeof path, "/v1/strategic-plans/%lld/report?as_of=2008-01-31", p.id);
	o = get_as(w.region_tok, path, welsh, 200, &language);
	cr_assert_str_eq(language, "cy");
	free(language);
	cr_assert_str_eq(str(json_object_get(o, "plan"), "title"), "Cynllun Strategol Interim y Consortiwm");
	strand = json_array_get(json_object_get(o, "strands"), 0);
	cr_assert_str_eq(str(strand, "name"), "Datblygu'r Gweithlu");
	cr_assert_str_eq(str(json_array_get(json_object_get(o, "strands"), 1), "name"), "Advice, Support and Challenge");
	json_decref(o);

	/* its actions one row each, in the columns the import reads */
	r = http("GET", path, w.region_tok, NULL, csv);
	cr_assert_eq(r->status, 200);
	cr_assert(strncmp(r->body, "strand_number,strand_name,strand_name_cy,strand_aim,work_area,", 62) == 0, "%s", r->body);
	{
		size_t lines = 0;
		for (const char *c = r->body; *c; c++)
			lines += *c == '\n';
		cr_assert_eq(lines, 4, "a header and three actions: %s", r->body);
	}
	cr_assert(strstr(r->body, "2007-12 2008-07") != NULL);
	resp_free(r);

	/* the printable page, its own words in Welsh */
	r = http("GET", path, w.member_tok, NULL, page);
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "<html lang=\"cy\"") != NULL);
	cr_assert(strstr(r->body, "Llinyn 1: Datblygu&#39;r Gweithlu") != NULL || strstr(r->body, "Llinyn 1: Datblygu") != NULL,
	          "%.400s", r->body);
	cr_assert(strstr(r->body, "Integreiddio llawn") != NULL);
	cr_assert(strstr(r->body, "Rhagfyr 2007") != NULL);
	resp_free(r);

	r = http("GET", path, w.region_tok, NULL, xml);
	assert_problem(r, 406, "not-acceptable", NULL);
	resp_free(r);
	r = http("GET", path, w.stranger_tok, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = http("GET", path, w.other_tok, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);

	if (getenv("PLAN_FIXTURE")) {
		FILE *f = fopen(getenv("PLAN_FIXTURE"), "w");
		if (f) {
			fprintf(f, "%lld %lld 2008-01-31\n", p.id, w.region);
			fclose(f);
		}
	}
}
