/*
 * Consortia, area networks, memberships over time, moves, chairs and
 * deputies with their eligibility, nominated leads, the chair reports, and
 * what a group-scoped caller sees.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"

static long long
create(const char *path, const char *body)
{
	struct resp *r = http_json("POST", path, token("officer"), body, NULL);
	long long id;

	cr_assert_eq(r->status, 201, "POST %s: %s", path, r->body);
	id = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);
	return id;
}

static long long
group(const char *kind_path, int la, const char *name)
{
	char body[256];
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"%s\", \"created_on\": \"2019-09-01\"}",
	         la, name);
	return create(kind_path, body);
}

static long long
join(long long group_id, int urn, const char *start, const char *end)
{
	char body[256];
	snprintf(body, sizeof body,
	         "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"%s\", \"end_date\": %s%s%s}",
	         group_id, urn, start, end ? "\"" : "", end ? end : "null", end ? "\"" : "");
	return create("/v1/memberships", body);
}

static struct resp *
try_join(long long group_id, int urn, const char *start)
{
	char body[256];
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"%s\"}",
	         group_id, urn, start);
	return http_json("POST", "/v1/memberships", token("officer"), body, NULL);
}

static json_t *
get_json(const char *path)
{
	return http_get_json(token("viewer"), path);
}

Test(groups, a_consortium_with_members_over_time)
{
	int la = unused_la_code(), urns[3];
	long long c;
	char path[96];
	json_t *o;

	make_la(la, "Groupshire");
	for (int i = 0; i < 3; i++)
		urns[i] = make_school(la, i + 1, i == 2 ? "Late Primary" : "Early Primary", "primary");
	c = group("/v1/consortia", la, "Groupshire North");
	join(c, urns[0], "2019-09-01", NULL);
	join(c, urns[1], "2019-09-01", "2020-08-31");
	join(c, urns[2], "2020-09-01", NULL);

	snprintf(path, sizeof path, "/v1/consortia/%lld?as_of=2020-03-01", c);
	o = get_json(path);
	cr_assert_str_eq(json_string_value(json_object_get(o, "kind")), "consortium");
	cr_assert_eq(json_integer_value(json_object_get(o, "school_count")), 2);
	cr_assert_eq(json_integer_value(json_object_get(o, "pupil_count")), 400);
	cr_assert_eq(json_array_size(json_object_get(o, "members")), 2);
	cr_assert_eq(json_array_size(json_object_get(o, "warnings")), 1, "fewer than 8 members");
	cr_assert(strstr(json_string_value(json_array_get(json_object_get(o, "warnings"), 0)), "8 to 22"));
	json_decref(o);
	snprintf(path, sizeof path, "/v1/consortia/%lld?as_of=2020-10-02", c);
	o = get_json(path);
	cr_assert_eq(json_integer_value(json_object_get(o, "school_count")), 2, "one left, one joined");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(o, "members"), 0), "name")),
	                 "Early Primary");
	json_decref(o);

	snprintf(path, sizeof path, "/v1/schools/%d?as_of=2020-03-01", urns[1]);
	o = get_json(path);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(o, "consortium"), "id")), c);
	cr_assert(json_is_null(json_object_get(o, "area_network")));
	json_decref(o);
	snprintf(path, sizeof path, "/v1/schools/%d", urns[1]);
	o = get_json(path);
	cr_assert(json_is_null(json_object_get(o, "consortium")), "it left on 2020-08-31");
	json_decref(o);

	snprintf(path, sizeof path, "/v1/consortia?la=%d&as_of=2020-03-01", la);
	o = get_json(path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/area-networks?la=%d", la);
	o = get_json(path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 0, "a consortium is not a network");
	json_decref(o);
}

Test(groups, group_refusals)
{
	int la = unused_la_code(), other;
	long long c, area;
	char body[256], path[64], *before;
	struct resp *r;

	make_la(la, "Refusalshire");
	other = unused_la_code();
	make_la(other, "Elsewhereshire");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"far\", \"name\": \"Far\"}", other);
	area = create("/v1/areas", body);
	c = group("/v1/consortia", la, "Only One");
	join(c, make_school(la, 1, "Member Primary", "primary"), "2020-09-01", NULL);
	before = db_fingerprint();

	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Only One\"}", la);
	r = http_json("POST", "/v1/consortia", token("officer"), body, NULL);
	assert_problem(r, 409, "conflict", "name");
	resp_free(r);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Elsewhere\", \"area_id\": %lld}", la, area);
	r = http_json("POST", "/v1/consortia", token("officer"), body, NULL);
	assert_problem(r, 422, "validation", "area_id");
	resp_free(r);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Odd\", \"created_on\": \"2020-01-01\", "
	         "\"closed_on\": \"2019-01-01\", \"kind\": \"area_network\"}", la);
	r = http_json("POST", "/v1/consortia", token("officer"), body, NULL);
	assert_problem(r, 422, "validation", "closed_on");
	assert_problem(r, 422, "validation", "kind");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/consortia/%lld", c);
	r = http_json("DELETE", path, token("officer"), NULL, "\"1\"");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/area-networks/%lld", c);
	r = http("GET", path, token("viewer"), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	assert_unchanged(before);
}

Test(memberships, phase_and_overlap_rules)
{
	int la = unused_la_code(), primary, secondary, special;
	long long c1, c2, n1;
	char *before;
	struct resp *r;

	make_la(la, "Phaseshire");
	primary = make_school(la, 1, "A Primary", "primary");
	secondary = make_school(la, 2, "A Secondary", "secondary");
	special = make_school(la, 3, "A Special", "special");
	c1 = group("/v1/consortia", la, "Phase C1");
	c2 = group("/v1/consortia", la, "Phase C2");
	n1 = group("/v1/area-networks", la, "Phase N1");
	join(c1, primary, "2020-09-01", "2021-08-31");
	join(c1, special, "2020-09-01", NULL);
	join(n1, special, "2020-09-01", NULL);   /* a special school may be in one of each */
	before = db_fingerprint();

	r = try_join(c1, secondary, "2020-09-01");
	assert_problem(r, 422, "validation", "school_urn");
	resp_free(r);
	r = try_join(n1, primary, "2020-09-01");
	assert_problem(r, 422, "validation", "school_urn");
	resp_free(r);
	r = try_join(c2, primary, "2021-08-31");   /* the last day of the first membership */
	assert_problem(r, 409, "conflict", "school_urn");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r->json, "errors"), 0), "code")),
	                 "overlap");
	resp_free(r);
	assert_unchanged(before);
	join(c2, primary, "2021-09-01", NULL);      /* the day after is fine */
}

Test(memberships, a_move_is_one_request)
{
	int la = unused_la_code(), urn;
	long long from, to, m;
	char path[96], body[128];
	struct resp *r;
	json_t *o;

	make_la(la, "Moveshire");
	urn = make_school(la, 1, "Moving Primary", "primary");
	from = group("/v1/consortia", la, "From");
	to = group("/v1/consortia", la, "To");
	m = join(from, urn, "2019-09-01", NULL);
	snprintf(path, sizeof path, "/v1/memberships/%lld/move", m);
	snprintf(body, sizeof body, "{\"to_group_id\": %lld, \"on\": \"2019-09-01\"}", to);
	r = http_json("POST", path, token("officer"), body, "\"1\"");
	assert_problem(r, 422, "validation", "on");
	resp_free(r);
	snprintf(body, sizeof body, "{\"to_group_id\": %lld, \"on\": \"2021-01-04\"}", to);
	r = http_json("POST", path, token("officer"), body, NULL);
	assert_problem(r, 428, "precondition-required", NULL);
	resp_free(r);
	r = http_json("POST", path, token("officer"), body, "\"1\"");
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "group_id")), to);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "start_date")), "2021-01-04");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/memberships/%lld", m);
	o = get_json(path);
	cr_assert_str_eq(json_string_value(json_object_get(o, "end_date")), "2021-01-03");
	json_decref(o);
	snprintf(path, sizeof path, "/v1/schools/%d?as_of=2021-01-03", urn);
	o = get_json(path);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(o, "consortium"), "id")), from);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/schools/%d?as_of=2021-01-04", urn);
	o = get_json(path);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(o, "consortium"), "id")), to);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/memberships?school_urn=%d&on=2021-01-04", urn);
	o = get_json(path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
	json_decref(o);
}

/* ---- concurrency: the database, not C, keeps the rules --------------- */

struct racer {
	const char *path;
	char body[512];
	long status;
};

static void *
race(void *arg)
{
	struct racer *x = arg;
	struct resp *r = http_json("POST", x->path, token("officer"), x->body, NULL);

	x->status = r->status;
	resp_free(r);
	return NULL;
}

static void
run_race(struct racer *x, int n)
{
	pthread_t t[16];
	int ok = 0, conflict = 0;

	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, race, &x[i]);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < n; i++) {
		ok += x[i].status == 201;
		conflict += x[i].status == 409;
	}
	cr_assert_eq(ok, 1, "exactly one wins");
	cr_assert_eq(conflict, n - 1, "the rest are 409");
}

Test(concurrency, one_school_into_two_consortia_at_once)
{
	int la = unused_la_code(), urn;
	long long g[2];
	struct racer x[12];

	make_la(la, "Raceshire");
	urn = make_school(la, 1, "Raced Primary", "primary");
	g[0] = group("/v1/consortia", la, "Race A");
	g[1] = group("/v1/consortia", la, "Race B");
	for (int i = 0; i < 12; i++) {
		x[i].path = "/v1/memberships";
		snprintf(x[i].body, sizeof x[i].body,
		         "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-0%d\"}", g[i % 2],
		         urn, 1 + i % 5);
	}
	run_race(x, 12);
	{
		char q[16];
		snprintf(q, sizeof q, "%d", urn);
		cr_assert_eq(db_scalar("SELECT count(*) FROM membership a JOIN membership b ON a.id < b.id "
		                       "AND a.school_urn = b.school_urn AND a.kind = b.kind AND a.valid && b.valid "
		                       "WHERE a.school_urn = $1::integer", q), 0);
	}
}

static const char *eligible =
	"\"head_since\": \"2010-09-01\", \"led_school_grades\": [\"good\"], "
	"\"governing_body_support_on\": \"2020-06-01\", \"group_backing\": \"elected 11 to 3\", "
	"\"time_commitment\": true, \"improvement_note\": \"three years of rising results\"";

Test(concurrency, two_chairs_for_one_group_at_once)
{
	int la = unused_la_code(), urn;
	long long g;
	struct racer x[10];

	make_la(la, "Chairraceshire");
	urn = make_school(la, 1, "Chair Primary", "primary");
	g = group("/v1/consortia", la, "Chair Race");
	join(g, urn, "2020-09-01", NULL);
	for (int i = 0; i < 10; i++) {
		x[i].path = "/v1/chairs";
		snprintf(x[i].body, sizeof x[i].body,
		         "{\"group_id\": %lld, \"role\": \"chair\", \"person_name\": \"Racer %d\", "
		         "\"email\": \"r%d@school.example\", \"school_urn\": %d, \"start_date\": \"2020-09-01\", "
		         "\"elected_on\": \"2020-07-01\", %s}", g, i, i, urn, eligible);
	}
	run_race(x, 10);
	{
		char q[24];
		snprintf(q, sizeof q, "%lld", g);
		cr_assert_eq(db_scalar("SELECT count(*) FROM chair_appointment WHERE group_id = $1::bigint", q), 1);
	}
}

/* ---- chairs ------------------------------------------------------------ */

static char *
chair_body(long long g, const char *role, int urn, const char *start, const char *end,
           const char *extra)
{
	char *b;
	cr_assert(asprintf(&b,
	                   "{\"group_id\": %lld, \"role\": \"%s\", \"person_name\": \"Pat Chair\", "
	                   "\"email\": \"pat@school.example\", \"school_urn\": %d, \"start_date\": \"%s\", "
	                   "\"end_date\": %s%s%s, \"elected_on\": \"2020-01-31\"%s}",
	                   g, role, urn, start, end ? "\"" : "", end ? end : "null", end ? "\"" : "",
	                   extra) > 0);
	return b;
}

Test(chairs, eligibility_refusal_override_and_review_date)
{
	int la = unused_la_code(), urn;
	long long g, la_id;
	char path[96], *body, *before, extra[600];
	struct resp *r;

	la_id = make_la(la, "Chairshire");
	snprintf(path, sizeof path, "/v1/local-authorities/%lld", la_id);
	r = http_json("PATCH", path, token("officer"), "{\"review_interval_months\": 1}", "\"1\"");
	cr_assert_eq(r->status, 200);
	resp_free(r);
	urn = make_school(la, 1, "Chairing Primary", "primary");
	g = group("/v1/consortia", la, "Chaired");
	join(g, urn, "2020-01-01", NULL);
	before = db_fingerprint();

	/* a new head, nothing recorded: every rule but none is named */
	body = chair_body(g, "chair", urn, "2020-09-01", NULL, ", \"head_since\": \"2019-01-01\"");
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	assert_problem(r, 422, "validation", "head_since");
	assert_problem(r, 422, "validation", "led_school_grades");
	assert_problem(r, 422, "validation", "governing_body_support_on");
	assert_problem(r, 422, "validation", "group_backing");
	assert_problem(r, 422, "validation", "time_commitment");
	assert_problem(r, 422, "validation", "improvement_note");
	cr_assert_eq(json_array_size(json_object_get(r->json, "errors")), 6);
	resp_free(r);
	assert_unchanged(before);

	/* the dry run says the same and stores nothing */
	r = http_json("POST", "/v1/chairs/eligibility", token("chair"), body, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_false(json_object_get(r->json, "eligible")));
	cr_assert_eq(json_array_size(json_object_get(r->json, "rules")), 6);
	resp_free(r);
	free(body);

	/* an officer overrides, with a justification that is kept */
	body = chair_body(g, "chair", urn, "2020-09-01", NULL,
	                  ", \"head_since\": \"2019-01-01\", \"override_justification\": "
	                  "\"interim arrangement agreed by the Challenge Board\"");
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert(json_is_false(json_object_get(json_object_get(r->json, "eligibility"), "eligible")));
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "override_justification")),
	                 "interim arrangement agreed by the Challenge Board");
	/* elected 31 January, reviewed a month later: the end of February */
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "review_due_on")), "2020-02-29");
	resp_free(r);
	free(body);

	/* a deputy alongside is fine; a second chair on the same dates is not */
	snprintf(extra, sizeof extra, ", %s", eligible);
	body = chair_body(g, "deputy", urn, "2020-09-01", NULL, extra);
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert(json_is_true(json_object_get(json_object_get(r->json, "eligibility"), "eligible")));
	resp_free(r);
	free(body);
	body = chair_body(g, "chair", urn, "2021-03-01", NULL, extra);
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	assert_problem(r, 409, "conflict", "start_date");
	resp_free(r);
	free(body);

	snprintf(path, sizeof path, "/v1/consortia/%lld?as_of=2020-10-01", g);
	{
		json_t *o = get_json(path);
		cr_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "chair"), "person_name")),
		                 "Pat Chair");
		cr_assert(!json_is_null(json_object_get(o, "deputy")));
		json_decref(o);
	}
}

Test(chairs, the_register_knows_better_than_the_form_and_deputies_are_not_held_to_the_rules)
{
	int la = unused_la_code(), urn;
	long long g;
	char path[96], *body, *before, extra[700];
	struct resp *r;
	const json_t *rules;

	make_la(la, "Registershire");
	urn = make_school(la, 1, "Registered Primary", "primary");
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	r = http_json("PATCH", path, token("officer"),
	              "{\"headteacher_appointed_on\": \"2019-04-01\", \"ofsted_grade\": \"requires_improvement\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	g = group("/v1/consortia", la, "Registered");
	join(g, urn, "2019-09-01", NULL);
	snprintf(extra, sizeof extra, ", %s", eligible);

	/* the form says head since 2010 and a good school; the register says otherwise */
	body = chair_body(g, "chair", urn, "2020-09-01", NULL, extra);
	before = db_fingerprint();
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	assert_problem(r, 422, "validation", "head_since");
	assert_problem(r, 422, "validation", "led_school_grades");
	cr_assert(strstr(r->body, "declared a headteacher since 2010-09-01, but the register has the head of school") &&
	          strstr(r->body, "appointed on 2019-04-01"), "%s", r->body);
	cr_assert(strstr(r->body, "but the register grades school") && strstr(r->body, "requires_improvement"), "%s",
	          r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "errors")), 2);
	resp_free(r);
	assert_unchanged(before);
	r = http_json("POST", "/v1/chairs/eligibility", token("officer"), body, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_false(json_object_get(r->json, "eligible")));
	cr_assert(json_is_true(json_object_get(r->json, "applies")));
	rules = json_object_get(r->json, "rules");
	cr_assert(json_is_false(json_object_get(json_array_get(rules, 0), "passed")));
	cr_assert(json_is_false(json_object_get(json_array_get(rules, 1), "passed")));
	resp_free(r);
	free(body);

	/* a deputy is not held to the chair's rules: appointed, the verdict kept for information */
	body = chair_body(g, "deputy", urn, "2020-09-01", NULL, extra);
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert(json_is_false(json_object_get(json_object_get(r->json, "eligibility"), "applies")));
	cr_assert(json_is_false(json_object_get(json_object_get(r->json, "eligibility"), "eligible")));
	resp_free(r);
	free(body);

	/* an officer may appoint the chair with a justification; an email changed later is taken */
	snprintf(extra, sizeof extra, ", %s, \"override_justification\": \"head of a good school in another LA until 2019\"",
	         eligible);
	body = chair_body(g, "chair", urn, "2020-09-01", NULL, extra);
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	snprintf(path, sizeof path, "/v1/chairs/%lld", (long long)json_integer_value(json_object_get(r->json, "id")));
	resp_free(r);
	free(body);
	r = http_json("PATCH", path, token("officer"), "{\"override_justification\": null}", "*");
	assert_problem(r, 422, "validation", "head_since");
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"email\": \"chair@registered.example\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
}

Test(chairs, terms_meet_but_do_not_overlap)
{
	int la = unused_la_code(), urn;
	long long g, first;
	char extra[600], *body, path[64];
	struct resp *r;

	make_la(la, "Termshire");
	urn = make_school(la, 1, "Term Secondary", "secondary");
	g = group("/v1/area-networks", la, "Termed");
	join(g, urn, "2019-09-01", NULL);
	snprintf(extra, sizeof extra, ", %s", eligible);
	body = chair_body(g, "chair", urn, "2019-09-01", "2020-08-31", extra);
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	first = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);
	free(body);
	/* end dates are the last day: a term starting on it overlaps */
	body = chair_body(g, "chair", urn, "2020-08-31", NULL, extra);
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	assert_problem(r, 409, "conflict", "start_date");
	resp_free(r);
	free(body);
	body = chair_body(g, "chair", urn, "2020-09-01", NULL, extra);
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	free(body);
	/* an eligible patch is taken; an ineligible one is refused */
	snprintf(path, sizeof path, "/v1/chairs/%lld", first);
	r = http_json("PATCH", path, token("officer"), "{\"email\": \"chair@school.example\"}", "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"time_commitment\": false}", "\"2\"");
	assert_problem(r, 422, "validation", "time_commitment");
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"eligibility\": {\"eligible\": true}}", "\"2\"");
	assert_problem(r, 422, "validation", "eligibility");
	resp_free(r);
}

Test(nominations, the_lead_comes_from_a_member_school)
{
	int la = unused_la_code(), member, outsider;
	long long g;
	char body[400];
	struct resp *r;

	make_la(la, "Leadshire");
	member = make_school(la, 1, "Lead Primary", "primary");
	outsider = make_school(la, 2, "Outside Primary", "primary");
	g = group("/v1/consortia", la, "Led");
	join(g, member, "2020-09-01", NULL);
	snprintf(body, sizeof body,
	         "{\"group_id\": %lld, \"role\": \"remote_learning_lead\", \"person_name\": \"Sam Lead\", "
	         "\"school_urn\": %d, \"start_date\": \"2020-09-01\"}", g, outsider);
	r = http_json("POST", "/v1/nominations", token("officer"), body, NULL);
	assert_problem(r, 422, "validation", "school_urn");
	resp_free(r);
	snprintf(body, sizeof body,
	         "{\"group_id\": %lld, \"role\": \"remote_learning_lead\", \"person_name\": \"Sam Lead\", "
	         "\"school_urn\": %d, \"start_date\": \"2020-09-01\"}", g, member);
	r = http_json("POST", "/v1/nominations", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	r = http_json("POST", "/v1/nominations", token("officer"), body, NULL);
	assert_problem(r, 409, "conflict", "start_date");
	resp_free(r);
	{
		char path[96];
		json_t *o;
		snprintf(path, sizeof path, "/v1/consortia/%lld?as_of=2020-10-01", g);
		o = get_json(path);
		cr_assert_eq(json_array_size(json_object_get(o, "nominations")), 1);
		json_decref(o);
	}
}

Test(reports, reviews_confirmations_and_missing_chairs)
{
	int la = unused_la_code(), urn;
	long long g1, g2, chair;
	char extra[600], *body, path[320];
	const char *officer = token_scoped("officer", 0, 0);
	struct resp *r;
	json_t *o, *items;

	make_la(la, "Reportshire");
	urn = make_school(la, 1, "Report Primary", "primary");
	g1 = group("/v1/consortia", la, "Reported");
	g2 = group("/v1/consortia", la, "Unchaired");
	join(g1, urn, "2020-09-01", NULL);
	snprintf(extra, sizeof extra, ", %s", eligible);
	body = chair_body(g1, "chair", urn, "2020-09-01", NULL, extra);   /* elected 2020-01-31: review 2021-01-31 */
	r = http_json("POST", "/v1/chairs", officer, body, NULL);
	cr_assert_eq(r->status, 201);
	chair = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);
	free(body);

	snprintf(path, sizeof path, "/v1/reports/chair-reviews?as_of=2021-01-15&within_days=30");
	o = get_json(path);
	items = json_object_get(o, "items");
	{
		size_t i, found = 0;
		json_t *it;
		json_array_foreach(items, i, it)
			if (json_integer_value(json_object_get(it, "chair_id")) == chair) {
				found++;
				cr_assert_str_eq(json_string_value(json_object_get(it, "status")), "due");
			}
		cr_assert_eq(found, 1);
	}
	json_decref(o);
	snprintf(path, sizeof path, "/v1/reports/chair-reviews?as_of=2021-02-01");
	o = get_json(path);
	{
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(o, "items"), i, it)
			if (json_integer_value(json_object_get(it, "chair_id")) == chair)
				cr_assert_str_eq(json_string_value(json_object_get(it, "status")), "overdue");
	}
	json_decref(o);

	/* not confirmed by 11 September: listed; the unchaired group has no confirmed chair */
	o = get_json("/v1/reports/unconfirmed-chairs?by=2020-09-11");
	{
		char *text = json_dumps(o, 0);
		cr_assert(strstr(text, "\"Reported\"") != NULL);
		free(text);
	}
	json_decref(o);
	snprintf(path, sizeof path,
	         "{\"group_id\": %lld, \"academic_year\": \"2020/21\", \"chair_id\": %lld, "
	         "\"confirmed_by\": \"Reported Consortium\", \"confirmed_on\": \"2020-09-10\"}", g1, chair);
	r = http_json("POST", "/v1/chair-confirmations", officer, path, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	o = get_json("/v1/reports/unconfirmed-chairs?by=2020-09-11");
	{
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(o, "items"), i, it)
			cr_assert_neq(json_integer_value(json_object_get(it, "chair_id")), chair);
	}
	json_decref(o);
	o = get_json("/v1/reports/groups-without-confirmed-chair?academic_year=2020/21");
	{
		size_t i, seen1 = 0, seen2 = 0;
		json_t *it;
		json_array_foreach(json_object_get(o, "items"), i, it) {
			seen1 += json_integer_value(json_object_get(it, "group_id")) == g1;
			seen2 += json_integer_value(json_object_get(it, "group_id")) == g2;
		}
		cr_assert_eq(seen1, 0);
		cr_assert_eq(seen2, 1);
	}
	json_decref(o);
	r = http("GET", "/v1/reports/groups-without-confirmed-chair?academic_year=2020/22", token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "academic_year");
	resp_free(r);
	r = http("GET", "/v1/reports/unconfirmed-chairs", token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "by");
	resp_free(r);
}

Test(scope, a_chair_sees_its_own_group_only)
{
	int la = unused_la_code(), mine, theirs;
	long long a, b, mb;
	const char *chair;
	char path[96];
	struct resp *r;
	json_t *o;

	make_la(la, "Twogroupshire");
	mine = make_school(la, 1, "My Primary", "primary");
	theirs = make_school(la, 2, "Their Primary", "primary");
	a = group("/v1/consortia", la, "Group A");
	b = group("/v1/consortia", la, "Group B");
	join(a, mine, "2020-09-01", NULL);
	mb = join(b, theirs, "2020-09-01", NULL);
	chair = token_group("chair", 0, 0, a);

	r = http("GET", "/v1/consortia?limit=500", chair, NULL, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "id")), a);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/consortia/%lld", b);
	r = http("GET", path, chair, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/memberships/%lld", mb);
	r = http("GET", path, chair, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/schools/%d", theirs);
	r = http("GET", path, chair, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = http("GET", "/v1/schools?limit=500", chair, NULL, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1);
	resp_free(r);
	o = get_json("/v1/local-authorities?limit=500");
	json_decref(o);
	r = http("GET", "/v1/local-authorities?limit=500", chair, NULL, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1, "its group's LA only");
	resp_free(r);
}

Test(scope, scoped_creations_and_moves_stay_inside_the_scope)
{
	int mine = unused_la_code(), theirs, urn, other_urn;
	long long g_mine, g_mine2, g_theirs, m;
	const char *officer;
	char body[256], path[96], *before;
	struct resp *r;

	make_la(mine, "Insideshire");
	theirs = unused_la_code();
	make_la(theirs, "Outsideshire");
	urn = make_school(mine, 1, "Inside Primary", "primary");
	other_urn = make_school(theirs, 1, "Outside Primary", "primary");
	g_mine = group("/v1/consortia", mine, "Inside");
	g_mine2 = group("/v1/consortia", mine, "Inside Too");
	g_theirs = group("/v1/consortia", theirs, "Outside");
	officer = token_scoped("officer", mine, 0);

	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}",
	         g_mine, urn);
	r = http_json("POST", "/v1/memberships", officer, body, NULL);
	cr_assert_eq(r->status, 201, "its own LA's group: %s", r->body);
	m = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);
	before = db_fingerprint();
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}",
	         g_theirs, other_urn);
	r = http_json("POST", "/v1/memberships", officer, body, NULL);
	/* another LA's group is answered as a group that does not exist */
	assert_problem(r, 422, "validation", "group_id");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/memberships/%lld/move", m);
	snprintf(body, sizeof body, "{\"to_group_id\": %lld, \"on\": \"2021-01-04\"}", g_theirs);
	r = http_json("POST", path, officer, body, "\"1\"");
	assert_problem(r, 422, "validation", "to_group_id");
	resp_free(r);
	/* a group's account: nothing of the trail, no imports */
	{
		const char *grouped = token_group("admin", 0, 0, g_mine);
		const char *csv[] = {"Content-Type: text/csv", NULL};
		r = http("GET", "/v1/audit-events", grouped, NULL, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 0);
		resp_free(r);
		r = http("POST", "/v1/schools/import", grouped, "URN\n", csv);
		assert_problem(r, 403, "forbidden", NULL);
		resp_free(r);
	}
	/* a nomination naming no group is a reference fault on group_id */
	r = http_json("POST", "/v1/nominations", token("officer"),
	              "{\"group_id\": 999999999, \"role\": \"remote_learning_lead\", \"person_name\": \"X\", "
	              "\"school_urn\": 100000, \"start_date\": \"2020-09-01\"}", NULL);
	assert_problem(r, 422, "validation", "group_id");
	resp_free(r);
	assert_unchanged(before);
	snprintf(body, sizeof body, "{\"to_group_id\": %lld, \"on\": \"2021-01-04\"}", g_mine2);
	r = http_json("POST", path, officer, body, "\"1\"");
	cr_assert_eq(r->status, 201, "a move inside its LA: %s", r->body);
	resp_free(r);
}

Test(groups, the_rest_of_each_life_cycle)
{
	int la = unused_la_code(), urn;
	long long c, n, m, ch, nom;
	char path[128], extra[600], *body;
	struct resp *r;
	json_t *o;

	make_la(la, "Cycleshire");
	urn = make_school(la, 1, "Cycle Primary", "primary");
	c = group("/v1/consortia", la, "Cycle C");
	n = group("/v1/area-networks", la, "Cycle N");

	snprintf(path, sizeof path, "/v1/consortia/%lld", c);
	r = http_json("PATCH", path, token("officer"), "{\"name\": \"Cycle Consortium\"}", "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "name")), "Cycle Consortium");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/area-networks/%lld", n);
	r = http_json("PATCH", path, token("officer"), "{\"status\": \"closed\", \"closed_on\": \"2021-08-31\"}", "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = http_json("DELETE", path, token("officer"), NULL, "\"2\"");
	cr_assert_eq(r->status, 204, "an empty network can go: %s", r->body);
	resp_free(r);

	m = join(c, urn, "2020-09-01", NULL);
	snprintf(path, sizeof path, "/v1/memberships/%lld", m);
	r = http_json("PATCH", path, token("officer"), "{\"end_date\": \"2021-07-31\", \"group_id\": 1}", "\"1\"");
	assert_problem(r, 422, "validation", "group_id");
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"end_date\": \"2021-07-31\"}", "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "end_date")), "2021-07-31");
	resp_free(r);

	snprintf(extra, sizeof extra, ", %s", eligible);
	body = chair_body(c, "chair", urn, "2020-09-01", NULL, extra);
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	ch = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);
	free(body);
	snprintf(path, sizeof path, "/v1/chairs?group_id=%lld&role=chair&on=2020-10-01", c);
	o = get_json(path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/chairs/%lld", ch);
	o = get_json(path);
	cr_assert(json_is_true(json_object_get(json_object_get(o, "eligibility"), "eligible")));
	cr_assert_eq(json_array_size(json_object_get(json_object_get(o, "eligibility"), "rules")), 6);
	json_decref(o);

	snprintf(extra, sizeof extra,
	         "{\"group_id\": %lld, \"role\": \"remote_learning_lead\", \"person_name\": \"Lee Lead\", "
	         "\"email\": \"lee@school.example\", \"school_urn\": %d, \"start_date\": \"2020-09-01\"}", c, urn);
	nom = create("/v1/nominations", extra);
	snprintf(path, sizeof path, "/v1/nominations?group_id=%lld&on=2020-12-01", c);
	o = get_json(path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/nominations/%lld", nom);
	o = get_json(path);
	cr_assert_str_eq(json_string_value(json_object_get(o, "person_name")), "Lee Lead");
	json_decref(o);
	r = http_json("PATCH", path, token("officer"), "{\"end_date\": \"2021-07-31\"}", "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	/* then everything goes, the group last */
	r = http_json("DELETE", path, token("officer"), NULL, "\"2\"");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/chairs/%lld", ch);
	r = http_json("DELETE", path, token("officer"), NULL, "\"1\"");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/memberships/%lld", m);
	r = http_json("DELETE", path, token("officer"), NULL, "\"2\"");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/consortia/%lld", c);
	r = http_json("DELETE", path, token("officer"), NULL, "\"2\"");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
}

/* The lines of a CSV answer (its header first), and the header. */
static size_t
csv_lines(const char *body)
{
	size_t n = 0;

	for (const char *c = body; *c; c++)
		n += *c == '\n';
	return n;
}

Test(exports, every_collection_a_person_opens_in_a_spreadsheet_has_a_csv_of_its_list)
{
	static const struct {
		const char *path, *header;
	} exports[] = {
		{"/v1/consortia.csv", "id,kind,la_code,area_id,name,name_cy,status,created_on,closed_on,as_of,school_count,"
		                      "pupil_count,chair_person_name,chair_school_urn,chair_email,chair_review_due_on,"
		                      "deputy_person_name,deputy_school_urn,deputy_email\r\n"},
		{"/v1/area-networks.csv", "id,kind,la_code,"},
		{"/v1/memberships.csv", "id,group_id,group_name,la_code,kind,school_urn,school_name,start_date,end_date\r\n"},
		{"/v1/chairs.csv", "id,group_id,group_kind,la_code,role,person_id,person_name,email,school_urn,"},
		{"/v1/fund-allocations.csv", "id,fund_id,fund_name,fund_kind,academic_year,la_code,group_id,"},
		{"/v1/action-plans.csv", "id,group_id,group_name,la_code,fund_id,fund_name,plan_deadline,priorities,"},
		{"/v1/evaluations.csv", "id,allocation_id,fund_id,group_id,la_code,allocated_pence,rating,"},
		{"/v1/meetings.csv", "id,body_id,body_name,body_kind,group_id,group_name,la_code,held_on,"},
		{"/v1/people.csv", "id,la_code,name,email,head_since,status\r\n"},
		{"/v1/bodies.csv", "id,la_code,region_id,kind,name,name_cy,area_id,group_id,"},
	};
	int la = unused_la_code(), other;
	const char *officer, *stranger;
	char body[256], path[160];
	long long group;
	int a, b;

	make_la(la, "Spreadsheetshire");
	other = unused_la_code();
	make_la(other, "Elsewhere");
	officer = token_scoped("officer", la, 0);
	stranger = token_scoped("officer", other, 0);
	a = make_school(la, 1, "Alpha Primary", "primary");
	b = make_school(la, 2, "Beta, Primary", "primary");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Sheet Consortium\"}", la);
	group = post_created(officer, "/v1/consortia", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}", group, a);
	post_created(officer, "/v1/memberships", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}", group, b);
	post_created(officer, "/v1/memberships", body);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Sheet Person\", \"email\": \"sheet@example.org\"}", la);
	post_created(officer, "/v1/people", body);

	for (size_t i = 0; i < sizeof exports / sizeof exports[0]; i++) {
		struct resp *r = http("GET", exports[i].path, officer, NULL, NULL);
		char *ct = resp_header(r, "Content-Type");

		cr_assert_eq(r->status, 200, "%s: %ld %s", exports[i].path, r->status, r->body);
		cr_assert_str_eq(ct, "text/csv; charset=utf-8", "%s", exports[i].path);
		cr_assert(strncmp(r->body, exports[i].header, strlen(exports[i].header)) == 0, "%s: %s", exports[i].path,
		          r->body);
		free(ct);
		resp_free(r);
		/* another LA's officer: the header, none of this LA's rows */
		r = http("GET", exports[i].path, stranger, NULL, NULL);
		cr_assert_eq(r->status, 200);
		cr_assert(strstr(r->body, "Sheet") == NULL, "%s leaks to another LA: %s", exports[i].path, r->body);
		resp_free(r);
	}

	/* the attached list: the group's row, and a row per member school, with the list's filters */
	snprintf(path, sizeof path, "/v1/memberships.csv?group_id=%lld", group);
	{
		struct resp *r = http("GET", path, officer, NULL, NULL);
		cr_assert_eq(csv_lines(r->body), 3, "a header and two members: %s", r->body);
		cr_assert(strstr(r->body, ",Sheet Consortium,") != NULL && strstr(r->body, "\"Beta, Primary\"") != NULL,
		          "%s", r->body);
		resp_free(r);
	}
	snprintf(path, sizeof path, "/v1/consortia.csv?la=%d", la);
	{
		struct resp *r = http("GET", path, officer, NULL, NULL);
		char want[96];

		cr_assert_eq(csv_lines(r->body), 2, "%s", r->body);
		snprintf(want, sizeof want, ",Sheet Consortium,,active,");
		cr_assert(strstr(r->body, want) != NULL, "%s", r->body);
		resp_free(r);
	}
	snprintf(path, sizeof path, "/v1/people.csv?la=%d", la);
	{
		struct resp *r = http("GET", path, token("viewer"), NULL, NULL);
		assert_problem(r, 403, "forbidden", NULL);
		resp_free(r);
	}
}

/* ---- calendar feeds --------------------------------------------------- */

/* Today moved by days, as YYYY-MM-DD and as iCalendar's YYYYMMDD. */
static void
day_from_today(int days, char iso[11], char ical[9])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(iso, 11, "%Y-%m-%d", &tm);
	strftime(ical, 9, "%Y%m%d", &tm);
}

/* GET the feed at url with no token: its iCalendar text (malloc'd). */
static char *
feed(const char *url, long status)
{
	struct resp *r = http("GET", url, NULL, NULL, NULL);
	char *ct = resp_header(r, "Content-Type"), *body;

	cr_assert_eq(r->status, status, "GET %s: %ld %s", url, r->status, r->body);
	if (status == 200)
		cr_assert_str_eq(ct, "text/calendar; charset=utf-8");
	free(ct);
	body = strdup(r->body);
	resp_free(r);
	return body;
}

Test(calendars, an_las_and_a_groups_deadlines_are_a_feed_a_calendar_subscribes_to)
{
	int la = unused_la_code(), other, urn1, urn2;
	long long g1, g2, fund, la_feed, group_feed;
	char body[1024], path[160], la_url[96], group_url[96], *ics;
	char plans[11], plans_ical[9], evals[11], evals_ical[9], met[11], met_ical[9], other_met[11], x[9];
	char elected[11], want[160];
	const char *officer, *chair;
	struct resp *r;

	make_la(la, "Calendarshire");
	officer = token_scoped("officer", la, 0);
	urn1 = make_school(la, 1, "Diary Primary", "primary");
	urn2 = make_school(la, 2, "Almanac Primary", "primary");
	g1 = group("/v1/consortia", la, "Diary Consortium");
	g2 = group("/v1/consortia", la, "Almanac Consortium");
	join(g1, urn1, "2020-09-01", NULL);
	join(g2, urn2, "2020-09-01", NULL);
	day_from_today(40, plans, plans_ical);
	day_from_today(200, evals, evals_ical);
	day_from_today(-10, met, met_ical);
	day_from_today(-12, other_met, x);
	day_from_today(-60, elected, x);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Diary fund\", \"academic_year\": "
	         "\"2026/27\", \"pot_pence\": 100000, \"plan_deadline\": \"%s\", \"evaluation_due\": \"%s\"}", la, plans,
	         evals);
	fund = post_created(token("admin"), "/v1/funds", body);
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 50000, \"payee_urn\": %d}",
	         fund, g1, urn1);
	post_created(officer, "/v1/fund-allocations", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"held_on\": \"%s\"}", g1, met);
	post_created(officer, "/v1/meetings", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"held_on\": \"%s\"}", g2, other_met);
	post_created(officer, "/v1/meetings", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"role\": \"chair\", \"person_name\": \"Dee Ary\", \"email\": "
	         "\"dee@school.example\", \"school_urn\": %d, \"start_date\": \"%s\", \"elected_on\": \"%s\", %s}", g1, urn1,
	         elected, elected, eligible);
	post_created(officer, "/v1/chairs", body);

	/* the LA's feed, made by its officer: its address is given once */
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Calendarshire officers\"}", la);
	r = http_json("POST", "/v1/calendar-feeds", officer, body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	la_feed = json_integer_value(json_object_get(r->json, "id"));
	snprintf(la_url, sizeof la_url, "%s", json_string_value(json_object_get(r->json, "url")));
	cr_assert(strncmp(la_url, "/v1/calendars/", 14) == 0 && strlen(la_url) == 57, "%s", la_url);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/calendar-feeds/%lld", la_feed);
	{
		json_t *o = http_get_json(officer, path);
		cr_assert_null(json_object_get(o, "url"), "the address is shown once, when the feed is made");
		json_decref(o);
	}
	/* kept only as the SHA-256 of the secret */
	cr_assert_eq(db_scalar("SELECT count(*) FROM calendar_feed WHERE token_hash = "
	                       "encode(sha256(convert_to($1, 'UTF8')), 'hex')", la_url + 14), 1);

	/* read with no token: every deadline of the LA, and both groups' meetings */
	ics = feed(la_url, 200);
	cr_assert(strncmp(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) == 0, "%s", ics);
	snprintf(want, sizeof want, "DTSTART;VALUE=DATE:%s\r\nDTEND", plans_ical);
	cr_assert(strstr(ics, want) && strstr(ics, "SUMMARY:Action plans due: Diary fund"), "%s", ics);
	snprintf(want, sizeof want, "DTSTART;VALUE=DATE:%s\r\n", evals_ical);
	cr_assert(strstr(ics, want) && strstr(ics, "SUMMARY:Evaluations due: Diary fund"), "%s", ics);
	cr_assert(strstr(ics, "SUMMARY:Meeting: Diary Consortium") && strstr(ics, "SUMMARY:Meeting: Almanac Consortium"),
	          "%s", ics);
	cr_assert(strstr(ics, "SUMMARY:Chair's review due: Diary Consortium"), "%s", ics);
	cr_assert(strstr(ics, "SUMMARY:Chairs and deputies confirmed for "), "%s", ics);
	snprintf(want, sizeof want, "DTSTART;VALUE=DATE:%s\r\n", met_ical);
	cr_assert(strstr(ics, want), "%s", ics);
	if (getenv("CALENDAR_FIXTURE")) {
		FILE *f = fopen(getenv("CALENDAR_FIXTURE"), "w");
		if (f) {
			fputs(ics, f);
			fclose(f);
		}
	}
	free(ics);

	/* the chair's feed of its own group: the group's meetings and the funds that allocate to it alone */
	chair = token_group("chair", la, 0, g1);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"group_id\": %lld, \"name\": \"Diary chair\"}", la, g1);
	r = http_json("POST", "/v1/calendar-feeds", chair, body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	group_feed = json_integer_value(json_object_get(r->json, "id"));
	snprintf(group_url, sizeof group_url, "%s", json_string_value(json_object_get(r->json, "url")));
	resp_free(r);
	ics = feed(group_url, 200);
	cr_assert(strstr(ics, "SUMMARY:Meeting: Diary Consortium") && strstr(ics, "Action plans due: Diary fund"), "%s",
	          ics);
	cr_assert_null(strstr(ics, "Almanac"), "another group's meeting is not in a group's feed: %s", ics);
	free(ics);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"group_id\": %lld, \"name\": \"Not mine\"}", la, g2);
	assert_refused("POST", "/v1/calendar-feeds", chair, body, 403, "forbidden", NULL);
	other = unused_la_code();
	make_la(other, "Elsewhere Calendars");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"group_id\": %lld, \"name\": \"Crossed\"}", other, g1);
	assert_refused("POST", "/v1/calendar-feeds", token("admin"), body, 422, "validation", "group_id");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Viewer's\"}", la);
	assert_refused("POST", "/v1/calendar-feeds", token("viewer"), body, 403, "forbidden", NULL);

	/* another LA's officer sees none of these feeds */
	snprintf(path, sizeof path, "/v1/calendar-feeds/%lld", group_feed);
	r = http("GET", path, token_scoped("officer", other, 0), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = http_json("PATCH", path, chair, "{\"name\": \"Diary chair's calendar\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/calendar-feeds?la=%d", la);
	{
		json_t *o = http_get_json(officer, path);
		cr_assert_eq(json_array_size(json_object_get(o, "items")), 2);
		json_decref(o);
	}

	/* an address no feed has, one of another shape, and a deleted feed's */
	free(feed("/v1/calendars/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 404));
	r = http("GET", "/v1/calendars/short", NULL, NULL, NULL);
	assert_problem(r, 400, "malformed", "secret");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/calendar-feeds/%lld", la_feed);
	r = http("DELETE", path, officer, NULL, (const char *[]){"If-Match: *", NULL});
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	free(feed(la_url, 404));
	free(feed(group_url, 200));
}
