/*
 * A strategic plan's import from CSV over HTTP: one row per action, its
 * strand and work area named in columns; a dry run that keeps nothing and
 * says what would be made; every bad row named by line and column, and a
 * file with any applied not at all; the report's own CSV imported again;
 * only who may change the plan imports into it.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
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

static struct resp *
import(const char *tok, long long plan, bool dry, const char *csv)
{
	static const char *const headers[] = {"Content-Type: text/csv; charset=utf-8", NULL};
	char path[160];

	snprintf(path, sizeof path, "/v1/strategic-plans/%lld/import%s", plan, dry ? "?dry_run=true" : "");
	return http("POST", path, tok, csv, headers);
}

static const char GOOD_CSV[] =
	"strand_number,strand_name,strand_name_cy,work_area,action_number,parent_action_number,text,level,"
	"responsible,resources,resources_pence,completion,funding_part\n"
	"1,Workforce Development,Datblygu'r Gweithlu,Short courses,6,,Develop a leadership programme,full_integration,"
	"Task & Finish group,Facilitation,,December 2007 December 2008,part_1\n"
	"1,,,Short courses,,6,Audit the training available,collaboration,Commissioned,SLA with WAG,150000,Rhagfyr 2007,\n"
	"2,\"Advice, Support and Challenge\",,Benchmarking,38,,Set benchmarking targets,full_integration,"
	"Development Team,Development team time,,2007-12 2008-07,part_2\n";

Test(strategic_plans, a_plan_is_imported_from_csv_after_a_dry_run_and_every_bad_row_is_named)
{
	struct region_world w = region_world();
	char body[512], path[160], *before;
	long long plan, again;
	struct resp *r;
	json_t *o;

	snprintf(body, sizeof body, "{\"la_code\": %d, \"title\": \"Imported plan\", \"period_start\": \"2007-09-01\", "
	         "\"period_end\": \"2008-08-31\"}", w.member);
	plan = post_created(w.member_tok, "/v1/strategic-plans", body);

	/* a dry run says what would be made, and keeps nothing */
	before = db_fingerprint();
	r = import(w.member_tok, plan, true, GOOD_CSV);
	cr_assert_eq(r->status, 200, "%s", r->body);
	o = json_loads(r->body, 0, NULL);
	resp_free(r);
	assert_unchanged(before);
	cr_assert(json_is_true(json_object_get(o, "dry_run")));
	cr_assert(json_is_false(json_object_get(o, "applied")));
	cr_assert_eq(num(o, "rows"), 3);
	cr_assert_eq(num(o, "strands"), 2);
	cr_assert_eq(num(o, "work_areas"), 2);
	cr_assert_eq(num(o, "actions"), 2);
	cr_assert_eq(num(o, "sub_actions"), 1);
	cr_assert_eq(json_array_size(json_object_get(o, "faults")), 0);
	json_decref(o);

	/* then for real */
	r = import(w.member_tok, plan, false, GOOD_CSV);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/strategic-plans/%lld", plan);
	o = http_get_json(w.member_tok, path);
	cr_assert_eq(num(o, "strands"), 2);
	cr_assert_eq(num(o, "actions"), 3);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/plan-actions?plan_id=%lld&sub_action=true", plan);
	o = http_get_json(w.member_tok, path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(json_array_get(json_object_get(o, "items"), 0),
	                                                                  "completion"), 0)), "2007-12");
	json_decref(o);

	/* the report's CSV imports again, into another plan, whole */
	snprintf(body, sizeof body, "{\"la_code\": %d, \"title\": \"Copied plan\", \"period_start\": \"2008-09-01\", "
	         "\"period_end\": \"2009-08-31\"}", w.member);
	again = post_created(w.member_tok, "/v1/strategic-plans", body);
	{
		static const char *const csv[] = {"Accept: text/csv", NULL};
		snprintf(path, sizeof path, "/v1/strategic-plans/%lld/report", plan);
		r = http("GET", path, w.member_tok, NULL, csv);
		cr_assert_eq(r->status, 200);
		{
			struct resp *i = import(w.member_tok, again, false, r->body);
			cr_assert_eq(i->status, 200, "%s", i->body);
			resp_free(i);
		}
		resp_free(r);
	}
	snprintf(path, sizeof path, "/v1/strategic-plans/%lld", again);
	o = http_get_json(w.member_tok, path);
	cr_assert_eq(num(o, "strands"), 2);
	cr_assert_eq(num(o, "actions"), 3);
	json_decref(o);

	/* a file with bad rows changes nothing, and names each fault's column and line */
	{
		static const char bad[] =
			"strand_number,strand_name,work_area,action_number,parent_action_number,text,level,responsible,completion\n"
			"3,Governance,Meetings,40,,Hold meetings,merger,Officers,2008-01\n"
			"3,Governance,Meetings,,99,Minutes,networking,Officers,2008-01\n"
			"3,Governance,Meetings,41,,Agenda,networking,Officers,Smarch 2008\n"
			"x,Governance,Meetings,42,,Other,networking,Officers,2008-01\n";
		before = db_fingerprint();
		r = import(w.member_tok, plan, false, bad);
		assert_problem(r, 422, "validation", "level");
		cr_assert(strstr(r->body, "\"field\":\"parent_action_number\"") != NULL, "%s", r->body);
		cr_assert(strstr(r->body, "\"field\":\"completion\"") != NULL, "%s", r->body);
		cr_assert(strstr(r->body, "\"field\":\"strand_number\"") != NULL, "%s", r->body);
		cr_assert(strstr(r->body, "line 2: ") != NULL, "%s", r->body);
		resp_free(r);
		assert_unchanged(before);

		before = db_fingerprint();
		r = import(w.member_tok, plan, true, bad);
		cr_assert_eq(r->status, 200, "%s", r->body);
		o = json_loads(r->body, 0, NULL);
		resp_free(r);
		assert_unchanged(before);
		{
			/* every bad row, by its line: a level, a parent, two dates that are no dates, a strand's number */
			static const long lines[] = {2, 3, 4, 4, 5};
			static const char *const cols[] = {"level", "parent_action_number", "completion", "completion",
			                                   "strand_number"};
			const json_t *faults = json_object_get(o, "faults");

			cr_assert_eq(json_array_size(faults), 5);
			for (size_t i = 0; i < 5; i++) {
				cr_assert_eq(num(json_array_get(faults, i), "line"), lines[i]);
				cr_assert_str_eq(str(json_array_get(faults, i), "column"), cols[i]);
			}
		}
		json_decref(o);
	}

	/* a header it does not read, or none at all, is refused whole */
	before = db_fingerprint();
	r = import(w.member_tok, plan, false, "strand_number,work_area,text,level,completion,colour\n");
	assert_problem(r, 422, "validation", "file");
	resp_free(r);
	r = import(w.member_tok, plan, false, "strand_number,work_area\n");
	assert_problem(r, 422, "validation", "file");
	resp_free(r);
	assert_unchanged(before);

	/* only who may change the plan imports into it */
	before = db_fingerprint();
	r = import(w.stranger_tok, plan, false, GOOD_CSV);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = import(w.region_tok, plan, false, GOOD_CSV);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = import(token("viewer"), plan, false, GOOD_CSV);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	assert_unchanged(before);
}
