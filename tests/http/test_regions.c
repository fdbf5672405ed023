/*
 * Regions over HTTP: a consortium of LAs with a lead and members over
 * dates; the lead joins with the region and stays while it leads; a
 * region's token reads the region, its memberships and its members'
 * registers (LAs, areas, schools), nothing else of theirs and nothing of
 * an LA outside it, and writes only the region's own records (its plans
 * and bodies: test_strategic_plans.c); an LA's callers read the regions
 * their LA belongs to.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static long long
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* How many items of GET path (as tok) have `key` equal to v. */
static size_t
count(const char *tok, const char *path, const char *key, long long v)
{
	json_t *o = http_get_json(tok, path), *it;
	size_t i, n = 0;

	json_array_foreach(json_object_get(o, "items"), i, it)
		n += num(it, key) == v;
	json_decref(o);
	return n;
}

struct three {
	int lead, member, stranger;
	int lead_school, member_school, stranger_school;
	long long region, member_ship, stranger_area, lead_group;
};

static struct three
build(void)
{
	struct three w;
	char body[256];

	w.lead = unused_la_code();
	make_la(w.lead, "Lead Borough");
	w.member = unused_la_code();
	make_la(w.member, "Member Borough");
	w.stranger = unused_la_code();
	make_la(w.stranger, "Stranger Borough");
	w.lead_school = make_school(w.lead, 1, "Lead Primary", "primary");
	w.member_school = make_school(w.member, 1, "Member Primary", "primary");
	w.stranger_school = make_school(w.stranger, 1, "Stranger Primary", "primary");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"away\", \"name\": \"Away\"}", w.stranger);
	w.stranger_area = post_created(token("admin"), "/v1/areas", body);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Lead One\"}", w.lead);
	w.lead_group = post_created(token("admin"), "/v1/consortia", body);
	snprintf(body, sizeof body, "{\"name\": \"Region of %d\", \"name_cy\": \"Rhanbarth %d\", \"lead_la_code\": %d, "
	         "\"established_on\": \"2020-09-01\"}", w.lead, w.lead, w.lead);
	w.region = post_created(token("admin"), "/v1/regions", body);
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"la_code\": %d, \"start_date\": \"2021-04-01\"}", w.region,
	         w.member);
	w.member_ship = post_created(token("admin"), "/v1/region-members", body);
	return w;
}

Test(regions, a_region_reads_its_own_and_its_members_registers_and_nothing_else)
{
	struct three w = build();
	const char *tok = token_region("officer", "region-officer", w.region);
	char path[160];
	json_t *o;
	struct resp *r;

	/* the region and its members: the lead joined with it */
	snprintf(path, sizeof path, "/v1/regions/%lld", w.region);
	o = http_get_json(tok, path);
	cr_assert_eq(json_array_size(json_object_get(o, "members")), 2);
	cr_assert_eq(num(o, "lead_la_code"), w.lead);
	cr_assert_str_eq(json_string_value(json_object_get(o, "name_cy")), (snprintf(path, sizeof path, "Rhanbarth %d", w.lead), path));
	json_decref(o);
	snprintf(path, sizeof path, "/v1/region-members?region_id=%lld", w.region);
	cr_assert_eq(count(tok, path, "region_id", w.region), 2);
	snprintf(path, sizeof path, "/v1/region-members/%lld", w.member_ship);
	o = http_get_json(tok, path);
	cr_assert_eq(num(o, "la_code"), w.member);
	cr_assert(json_is_false(json_object_get(o, "lead")));
	cr_assert(json_is_true(json_object_get(o, "current")));
	json_decref(o);
	cr_assert_eq(count(tok, "/v1/regions?limit=500", "id", w.region), 1);

	/* what the members share: their LAs and schools; an LA outside it is as none */
	cr_assert_eq(count(tok, "/v1/local-authorities?limit=500", "code", w.lead), 1);
	cr_assert_eq(count(tok, "/v1/local-authorities?limit=500", "code", w.member), 1);
	cr_assert_eq(count(tok, "/v1/local-authorities?limit=500", "code", w.stranger), 0);
	snprintf(path, sizeof path, "/v1/schools?la=%d", w.member);
	cr_assert_eq(count(tok, path, "urn", w.member_school), 1);
	snprintf(path, sizeof path, "/v1/schools/%d", w.stranger_school);
	r = http("GET", path, tok, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/areas/%lld", w.stranger_area);
	r = http("GET", path, tok, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);

	/* nothing else of an LA is the region's: every other kind of record is refused at the door */
	{
		static const char *const others[] = {
			"/v1/consortia", "/v1/area-networks", "/v1/memberships", "/v1/chairs", "/v1/nominations",
			"/v1/chair-confirmations", "/v1/funds", "/v1/fund-allocations", "/v1/payments", "/v1/action-plans",
			"/v1/evaluations", "/v1/meetings", "/v1/support-records", "/v1/vulnerabilities", "/v1/people",
			"/v1/person-roles", "/v1/audit-events", "/v1/head-support",
			"/v1/references", "/v1/inspections", "/v1/system-leaders", "/v1/reports/authority",
			"/v1/reports/chair-reviews"};
		for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
			r = http("GET", others[i], tok, NULL, NULL);
			cr_assert_eq(r->status, 403, "GET %s as a region: %ld", others[i], r->status);
			assert_problem(r, 403, "forbidden", NULL);
			resp_free(r);
		}
		snprintf(path, sizeof path, "/v1/consortia/%lld", w.lead_group);
		r = http("GET", path, tok, NULL, NULL);
		assert_problem(r, 403, "forbidden", NULL);
		resp_free(r);
	}
	/* and it writes nothing */
	snprintf(path, sizeof path, "/v1/schools/%d", w.member_school);
	assert_refused("PATCH", path, tok, "{\"pupils\": 12}", 403, "forbidden", NULL);
	assert_refused("POST", "/v1/areas", tok, "{}", 403, "forbidden", NULL);

	/* a member that leaves takes its register with it */
	snprintf(path, sizeof path, "/v1/region-members/%lld", w.member_ship);
	r = http_json("PATCH", path, token("admin"), "{\"end_date\": \"2021-08-31\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/schools/%d", w.member_school);
	r = http("GET", path, tok, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
}

Test(regions, an_las_callers_read_the_regions_it_belongs_to)
{
	struct three w = build();
	char path[96];
	struct resp *r;

	cr_assert_eq(count(token_scoped("officer", w.member, 0), "/v1/regions?limit=500", "id", w.region), 1);
	cr_assert_eq(count(token_scoped("viewer", w.lead, 0), "/v1/region-members?limit=500", "region_id", w.region), 2);
	cr_assert_eq(count(token_scoped("officer", w.stranger, 0), "/v1/regions?limit=500", "id", w.region), 0);
	snprintf(path, sizeof path, "/v1/regions/%lld", w.region);
	r = http("GET", path, token_scoped("officer", w.stranger, 0), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	/* only admins keep regions */
	assert_refused("PATCH", path, token_scoped("officer", w.lead, 0), "{\"name\": \"Mine\"}", 403, "forbidden", NULL);
}

Test(regions, the_lead_joins_with_the_region_and_stays_while_it_leads)
{
	struct three w = build();
	char path[96], body[256];
	long long lead_ship;
	struct resp *r;

	snprintf(path, sizeof path, "%lld", w.region);
	lead_ship = db_scalar("SELECT m.id FROM region_member m JOIN region r ON r.id = m.region_id "
	                      "WHERE m.region_id = $1::bigint AND m.la_id = r.lead_la_id", path);
	cr_assert_gt(lead_ship, 0);
	/* the lead's membership cannot end, nor go, while it leads */
	snprintf(path, sizeof path, "/v1/region-members/%lld", lead_ship);
	assert_refused("PATCH", path, token("admin"), "{\"end_date\": \"2021-08-31\"}", 422, "validation", "end_date");
	assert_refused("DELETE", path, token("admin"), NULL, 422, "validation", "end_date");
	/* a lead is a member today; an LA is a member once at a time */
	snprintf(path, sizeof path, "/v1/regions/%lld", w.region);
	snprintf(body, sizeof body, "{\"lead_la_code\": %d}", w.stranger);
	assert_refused("PATCH", path, token("admin"), body, 422, "validation", "lead_la_code");
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"la_code\": %d, \"start_date\": \"2022-01-01\"}", w.region,
	         w.member);
	assert_refused("POST", "/v1/region-members", token("admin"), body, 409, "conflict", "start_date");
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"la_code\": 99, \"start_date\": \"2022-01-01\"}", w.region);
	assert_refused("POST", "/v1/region-members", token("admin"), body, 422, "validation", "la_code");
	/* a new lead, then the old one may leave */
	snprintf(body, sizeof body, "{\"lead_la_code\": %d}", w.member);
	r = http_json("PATCH", path, token("admin"), body, "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(num(r->json, "lead_la_code"), w.member);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/region-members/%lld", lead_ship);
	r = http_json("PATCH", path, token("admin"), "{\"end_date\": \"2021-08-31\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_false(json_object_get(r->json, "current")));
	resp_free(r);
	/* a region's name is its own */
	snprintf(body, sizeof body, "{\"name\": \"REGION OF %d\", \"lead_la_code\": %d}", w.lead, w.lead);
	assert_refused("POST", "/v1/regions", token("admin"), body, 409, "conflict", "name");

	/* a region recorded by mistake goes, with its memberships */
	snprintf(body, sizeof body, "{\"name\": \"Mistaken %d\", \"lead_la_code\": %d}", w.lead, w.stranger);
	snprintf(path, sizeof path, "/v1/regions/%lld", post_created(token("admin"), "/v1/regions", body));
	r = http_json("DELETE", path, token("admin"), NULL, "*");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	r = http("GET", path, token("admin"), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
}

Test(regions, a_welsh_school_with_no_urn_is_known_by_its_la_and_establishment_number)
{
	int welsh = (int)db_scalar("SELECT min(c) FROM generate_series(660, 682) c "
	                           "WHERE c NOT IN (SELECT code FROM local_authority)", NULL);
	int english = unused_la_code();
	char body[512], path[64], *location;
	long long id;
	struct resp *r;
	json_t *o;

	cr_assert(welsh >= 660, "a Welsh authority's code is free");
	make_la(welsh, "Welsh Authority");
	make_la(english, "English Authority");
	id = (long long)welsh * 10000 + 2001;

	snprintf(body, sizeof body, "{\"la_code\": %d, \"establishment_number\": 2001, \"name\": \"Ysgol Gymraeg\", "
	         "\"phase\": \"primary\", \"type\": \"maintained\", \"language_category\": \"welsh_medium\", "
	         "\"estyn_judgement\": \"good\", \"estyn_date\": \"2019-05-14\"}", welsh);
	r = http_json("POST", "/v1/schools", token("admin"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	location = resp_header(r, "Location");
	snprintf(path, sizeof path, "/v1/schools/%lld", id);
	cr_assert(location && strstr(location, path) != NULL, "Location %s", location);
	free(location);
	resp_free(r);

	o = http_get_json(token_scoped("officer", welsh, 0), path);
	cr_assert_eq(num(o, "id"), id);
	cr_assert(json_is_null(json_object_get(o, "urn")), "it has no URN");
	cr_assert_str_eq(json_string_value(json_object_get(o, "language_category")), "welsh_medium");
	cr_assert_str_eq(json_string_value(json_object_get(o, "estyn_judgement")), "good");
	json_decref(o);
	r = http_json("PATCH", path, token("admin"), "{\"name\": \"Ysgol Gymraeg y Dref\", \"estyn_judgement\": \"none\"}",
	              "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/schools?la=%d", welsh);
	cr_assert_eq(count(token("admin"), path, "id", id), 1);

	/* its id is its LA and establishment number: the number does not change under it */
	snprintf(path, sizeof path, "/v1/schools/%lld", id);
	assert_refused("PATCH", path, token("admin"), "{\"establishment_number\": 2002}", 422, "validation",
	        "establishment_number");
	/* Estyn gave no summary judgement after August 2022, and one goes with its day */
	assert_refused("PATCH", path, token("admin"), "{\"estyn_judgement\": \"excellent\", \"estyn_date\": \"2023-01-10\"}",
	        422, "validation", "estyn_date");
	assert_refused("PATCH", path, token("admin"), "{\"estyn_judgement\": \"adequate\", \"estyn_date\": null}", 422,
	        "validation", "estyn_date");
	assert_refused("PATCH", path, token("admin"), "{\"language_category\": \"french_medium\"}", 422, "validation",
	        "language_category");

	/* an English school gives its URN; a Welsh school with one keeps URN addressing */
	snprintf(body, sizeof body, "{\"la_code\": %d, \"establishment_number\": 2001, \"name\": \"No URN Primary\", "
	         "\"phase\": \"primary\", \"type\": \"maintained\"}", english);
	assert_refused("POST", "/v1/schools", token("admin"), body, 422, "validation", "urn");
	{
		int urn = unused_urn();

		snprintf(body, sizeof body, "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": 3001, \"name\": "
		         "\"Ysgol Uwchradd\", \"phase\": \"secondary\", \"type\": \"maintained\", \"language_category\": "
		         "\"bilingual\"}", urn, welsh);
		cr_assert_eq(post_created(token("admin"), "/v1/schools", body), urn);
	}
}
