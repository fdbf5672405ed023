/*
 * One LA never reaches into another: for every resource that names a
 * school, a group, a fund or an allocation, with each kind of caller
 * (unscoped, scoped to an LA, to a group, to a school, a group's chair),
 * another LA's records of every kind answered as none, and both a record
 * of mine that would point at another LA's record and a request naming
 * another LA's record outright. Each is refused as a reference to nothing
 * at all would be (same status, same faults: no oracle), and changes
 * nothing. The database refuses such rows whatever the code does.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

#define NOWHERE_ID 999999999LL

struct two_las {
	int mine, theirs;
	int my_school, my_second, their_school, their_vulnerable;
	long long my_group, their_group, my_fund, their_fund, my_membership, their_membership,
		their_alloc;
};

static long long
made(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static long long
made(const char *path, const char *fmt, ...)
{
	char body[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	return post_created(token("admin"), path, body);
}

static struct two_las
two_las(void)
{
	struct two_las w;
	char path[96];
	struct resp *r;

	w.mine = unused_la_code();
	make_la(w.mine, "Homeshire");
	w.theirs = unused_la_code();
	make_la(w.theirs, "Awayshire");
	w.my_school = make_school(w.mine, 1, "Home Primary", "primary");
	w.my_second = make_school(w.mine, 2, "Home Infants", "primary");
	w.their_school = make_school(w.theirs, 1, "Away Primary", "primary");
	w.their_vulnerable = make_school(w.theirs, 2, "Away Juniors", "primary");
	snprintf(path, sizeof path, "/v1/schools/%d", w.their_vulnerable);
	r = http_json("PATCH", path, token("admin"),
	              "{\"vulnerable\": true, \"vulnerable_reason\": \"confidential to its own LA\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	w.my_group = made("/v1/consortia", "{\"la_code\": %d, \"name\": \"Home C\"}", w.mine);
	w.their_group = made("/v1/consortia", "{\"la_code\": %d, \"name\": \"Away C\"}", w.theirs);
	w.my_membership = made("/v1/memberships",
	                       "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}",
	                       w.my_group, w.my_school);
	w.their_membership = made("/v1/memberships",
	                          "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}",
	                          w.their_group, w.their_school);
	made("/v1/memberships", "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}",
	     w.their_group, w.their_vulnerable);
	w.my_fund = made("/v1/funds", "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Home fund\", "
	                 "\"academic_year\": \"2020/21\", \"pot_pence\": 100000}", w.mine);
	w.their_fund = made("/v1/funds", "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Away fund\", "
	                    "\"academic_year\": \"2020/21\", \"pot_pence\": 100000}", w.theirs);
	w.their_alloc = made("/v1/fund-allocations", "{\"fund_id\": %lld, \"group_id\": %lld, "
	                     "\"amount_pence\": 5000, \"payee_urn\": %d}", w.their_fund, w.their_group,
	                     w.their_school);
	return w;
}

/*
 * Send `foreign` (naming another LA's record) and `nowhere` (naming none)
 * to path as tok: both refused with status, faults on `field`, the same
 * detail and the same faults; the database unchanged.
 */
static void
same_as_nowhere(const char *who, const char *tok, const char *method, const char *path,
                const char *foreign, const char *nowhere, long status, const char *field)
{
	char *before = db_fingerprint();
	struct resp *a = http_json(method, path, tok, foreign, "*");
	struct resp *b = http_json(method, path, tok, nowhere, "*");

	cr_assert_eq(a->status, status, "%s %s %s as %s: %s", method, path, foreign, who, a->body);
	assert_problem(a, status, status == 422 ? "validation" : "not-found", field);
	cr_assert_eq(b->status, status, "%s %s %s as %s: %s", method, path, nowhere, who, b->body);
	cr_assert(json_equal(json_object_get(a->json, "errors"), json_object_get(b->json, "errors")),
	          "%s %s as %s tells another LA's record from none:\n%s\n%s", method, path, who,
	          a->body, b->body);
	cr_assert_str_eq(json_string_value(json_object_get(a->json, "detail")),
	                 json_string_value(json_object_get(b->json, "detail")));
	resp_free(a);
	resp_free(b);
	assert_unchanged(before);
}

/* The callers that may write a group's records, by scope kind. */
struct caller {
	const char *who, *tok;
};

static size_t
writers(const struct two_las *w, struct caller out[4], bool chairs_too)
{
	size_t n = 0;

	out[n++] = (struct caller){"an admin", token("admin")};
	out[n++] = (struct caller){"an LA's officer", token_scoped("officer", w->mine, 0)};
	out[n++] = (struct caller){"a group's officer", token_group("officer", 0, 0, w->my_group)};
	if (chairs_too)
		out[n++] = (struct caller){"the group's chair", token_group("chair", 0, 0, w->my_group)};
	return n;
}

Test(isolation, a_record_of_mine_cannot_name_another_las_school)
{
	struct two_las w = two_las();
	struct caller c[4];
	size_t n = writers(&w, c, false);
	int nowhere = unused_urn();
	char a[1024], b[1024];

	for (size_t i = 0; i < n; i++) {
		/* membership */
		snprintf(a, sizeof a, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2021-09-01\"}",
		         w.my_group, w.their_school);
		snprintf(b, sizeof b, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2021-09-01\"}",
		         w.my_group, nowhere);
		same_as_nowhere(c[i].who, c[i].tok, "POST", "/v1/memberships", a, b, 422, "school_urn");
		/* chair appointment */
		static const char *eligible =
			"\"head_since\": \"2010-09-01\", \"led_school_grades\": [\"good\"], "
			"\"governing_body_support_on\": \"2020-06-01\", \"group_backing\": \"elected\", "
			"\"time_commitment\": true, \"improvement_note\": \"rising results\"";
		snprintf(a, sizeof a, "{\"group_id\": %lld, \"role\": \"chair\", \"person_name\": \"Pat\", "
		         "\"email\": \"pat@school.example\", \"school_urn\": %d, \"start_date\": \"2021-09-01\", "
		         "\"elected_on\": \"2021-07-01\", %s}", w.my_group, w.their_school, eligible);
		snprintf(b, sizeof b, "{\"group_id\": %lld, \"role\": \"chair\", \"person_name\": \"Pat\", "
		         "\"email\": \"pat@school.example\", \"school_urn\": %d, \"start_date\": \"2021-09-01\", "
		         "\"elected_on\": \"2021-07-01\", %s}", w.my_group, nowhere, eligible);
		same_as_nowhere(c[i].who, c[i].tok, "POST", "/v1/chairs", a, b, 422, "school_urn");
		/* nomination */
		snprintf(a, sizeof a, "{\"group_id\": %lld, \"role\": \"remote_learning_lead\", \"person_name\": \"Lee\", "
		         "\"school_urn\": %d, \"start_date\": \"2021-09-01\"}", w.my_group, w.their_school);
		snprintf(b, sizeof b, "{\"group_id\": %lld, \"role\": \"remote_learning_lead\", \"person_name\": \"Lee\", "
		         "\"school_urn\": %d, \"start_date\": \"2021-09-01\"}", w.my_group, nowhere);
		same_as_nowhere(c[i].who, c[i].tok, "POST", "/v1/nominations", a, b, 422, "school_urn");
		/* an allocation's payee */
		snprintf(a, sizeof a, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 100, \"payee_urn\": %d}",
		         w.my_fund, w.my_group, w.their_school);
		snprintf(b, sizeof b, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 100, \"payee_urn\": %d}",
		         w.my_fund, w.my_group, nowhere);
		same_as_nowhere(c[i].who, c[i].tok, "POST", "/v1/fund-allocations", a, b, 422, "payee_urn");
	}
}

Test(isolation, a_record_of_mine_cannot_name_another_las_fund_or_attendance)
{
	struct two_las w = two_las();
	struct caller c[4];
	size_t n = writers(&w, c, true);
	int nowhere = unused_urn();
	char a[512], b[512];

	for (size_t i = 0; i < n; i++) {
		bool chair = strcmp(c[i].who, "the group's chair") == 0;
		/* a plan for another LA's fund */
		snprintf(a, sizeof a, "{\"group_id\": %lld, \"fund_id\": %lld}", w.my_group, w.their_fund);
		snprintf(b, sizeof b, "{\"group_id\": %lld, \"fund_id\": %lld}", w.my_group, NOWHERE_ID);
		same_as_nowhere(c[i].who, c[i].tok, "POST", "/v1/action-plans", a, b, 422, "fund_id");
		/* a meeting attended by another LA's school */
		snprintf(a, sizeof a, "{\"group_id\": %lld, \"held_on\": \"2021-01-12\", \"attended_urns\": [%d]}",
		         w.my_group, w.their_school);
		snprintf(b, sizeof b, "{\"group_id\": %lld, \"held_on\": \"2021-01-12\", \"attended_urns\": [%d]}",
		         w.my_group, nowhere);
		same_as_nowhere(c[i].who, c[i].tok, "POST", "/v1/meetings", a, b, 422, "attended_urns");
		if (chair)
			continue;   /* a chair makes no allocations */
		/* an allocation of another LA's fund to my group */
		snprintf(a, sizeof a, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 100}",
		         w.their_fund, w.my_group);
		snprintf(b, sizeof b, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 100}",
		         NOWHERE_ID, w.my_group);
		same_as_nowhere(c[i].who, c[i].tok, "POST", "/v1/fund-allocations", a, b, 422, "fund_id");
	}
}

Test(isolation, a_change_cannot_point_a_record_of_mine_at_another_la)
{
	struct two_las w = two_las();
	const char *officer = token_scoped("officer", w.mine, 0);
	long long chair, alloc;
	char path[96], a[1024], b[256];

	chair = post_created(officer, "/v1/chairs", (snprintf(a, sizeof a,
	        "{\"group_id\": %lld, \"role\": \"deputy\", \"person_name\": \"Dee\", \"email\": \"d@school.example\", "
	        "\"school_urn\": %d, \"start_date\": \"2020-09-01\", \"elected_on\": \"2020-07-01\", "
	        "\"head_since\": \"2010-09-01\", \"led_school_grades\": [\"good\"], "
	        "\"governing_body_support_on\": \"2020-06-01\", \"group_backing\": \"elected\", "
	        "\"time_commitment\": true, \"improvement_note\": \"rising results\"}", w.my_group, w.my_school), a));
	alloc = post_created(officer, "/v1/fund-allocations", (snprintf(a, sizeof a,
	        "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 100}", w.my_fund, w.my_group), a));
	snprintf(path, sizeof path, "/v1/chairs/%lld", chair);
	snprintf(a, sizeof a, "{\"school_urn\": %d}", w.their_school);
	snprintf(b, sizeof b, "{\"school_urn\": %d}", unused_urn());
	same_as_nowhere("an LA's officer", officer, "PATCH", path, a, b, 422, "school_urn");
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld", alloc);
	snprintf(a, sizeof a, "{\"payee_urn\": %d}", w.their_school);
	snprintf(b, sizeof b, "{\"payee_urn\": %d}", unused_urn());
	same_as_nowhere("an LA's officer", officer, "PATCH", path, a, b, 422, "payee_urn");
	/* a move into another LA's group */
	snprintf(path, sizeof path, "/v1/memberships/%lld/move", w.my_membership);
	snprintf(a, sizeof a, "{\"to_group_id\": %lld, \"on\": \"2021-01-04\"}", w.their_group);
	snprintf(b, sizeof b, "{\"to_group_id\": %lld, \"on\": \"2021-01-04\"}", NOWHERE_ID);
	same_as_nowhere("an LA's officer", officer, "POST", path, a, b, 422, "to_group_id");
	same_as_nowhere("a group's officer", token_group("officer", 0, 0, w.my_group), "POST", path, a, b,
	                422, "to_group_id");
	{
		/* not even an admin moves a school into another LA's group */
		char *before = db_fingerprint();
		struct resp *r = http_json("POST", path, token("admin"), a, "*");
		assert_problem(r, 422, "validation", "to_group_id");
		resp_free(r);
		assert_unchanged(before);
	}
}

Test(isolation, another_las_records_are_answered_as_none)
{
	struct two_las w = two_las();
	const char *officer = token_scoped("officer", w.mine, 0);
	char a[512], b[512], path[96];
	int nowhere = unused_urn();

	/* a group, a school, an allocation of theirs named in a body */
	snprintf(a, sizeof a, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2021-09-01\"}",
	         w.their_group, w.my_second);
	snprintf(b, sizeof b, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2021-09-01\"}",
	         NOWHERE_ID, w.my_second);
	same_as_nowhere("an LA's officer", officer, "POST", "/v1/memberships", a, b, 422, "group_id");
	snprintf(a, sizeof a, "{\"school_urn\": %d, \"brokered_by\": \"x\", \"support\": \"y\", "
	         "\"started_on\": \"2021-01-04\"}", w.their_vulnerable);
	snprintf(b, sizeof b, "{\"school_urn\": %d, \"brokered_by\": \"x\", \"support\": \"y\", "
	         "\"started_on\": \"2021-01-04\"}", nowhere);
	same_as_nowhere("an LA's officer", officer, "POST", "/v1/support-records", a, b, 422, "school_urn");
	snprintf(a, sizeof a, "{\"allocation_id\": %lld}", w.their_alloc);
	snprintf(b, sizeof b, "{\"allocation_id\": %lld}", NOWHERE_ID);
	same_as_nowhere("an LA's officer", officer, "POST", "/v1/evaluations", a, b, 422, "allocation_id");
	snprintf(a, sizeof a, "{\"group_id\": %lld, \"fund_id\": %lld}", w.their_group, w.my_fund);
	snprintf(b, sizeof b, "{\"group_id\": %lld, \"fund_id\": %lld}", NOWHERE_ID, w.my_fund);
	same_as_nowhere("an LA's officer", officer, "POST", "/v1/action-plans", a, b, 422, "group_id");

	/* and read, changed or deleted by path: 404, as a record that does not exist */
	{
		int their_la_id = (int)db_scalar("SELECT id FROM local_authority WHERE code = $1::integer",
		                                  (snprintf(a, sizeof a, "%d", w.theirs), a));
		long long their_person = made("/v1/people", "{\"la_code\": %d, \"name\": \"Away Person\"}", w.theirs);
		long long their_body = made("/v1/bodies", "{\"la_code\": %d, \"kind\": \"headteacher_forum\", "
		                            "\"name\": \"Away Forum\", \"established_on\": \"2020-09-01\"}", w.theirs);
		struct {
			const char *prefix;
			long long theirs;
		} paths[] = {
			{"/v1/schools/", w.their_vulnerable},     {"/v1/consortia/", w.their_group},
			{"/v1/memberships/", w.their_membership}, {"/v1/funds/", w.their_fund},
			{"/v1/fund-allocations/", w.their_alloc},
			{"/v1/local-authorities/", their_la_id},
			{"/v1/areas/", made("/v1/areas", "{\"la_code\": %d, \"code\": \"away\", \"name\": \"Away\"}", w.theirs)},
			{"/v1/vulnerabilities/", made("/v1/vulnerabilities", "{\"school_urn\": %d, \"start_date\": \"2020-01-01\", "
			                              "\"reason\": \"theirs\"}", w.their_school)},
			{"/v1/support-records/", made("/v1/support-records", "{\"school_urn\": %d, \"brokered_by\": \"x\", "
			                              "\"support\": \"y\", \"started_on\": \"2021-01-04\"}", w.their_school)},
			{"/v1/people/", their_person},
			{"/v1/person-roles/", made("/v1/person-roles", "{\"person_id\": %lld, \"role\": \"peer_coach\", "
			                           "\"start_date\": \"2020-09-01\"}", their_person)},
			{"/v1/bodies/", their_body},
			{"/v1/body-members/", made("/v1/body-members", "{\"body_id\": %lld, \"person_id\": %lld, "
			                           "\"role\": \"member\", \"start_date\": \"2020-09-01\"}", their_body, their_person)},
			{"/v1/meetings/", made("/v1/meetings", "{\"body_id\": %lld, \"held_on\": \"2021-01-04\", "
			                       "\"attended_person_ids\": [%lld]}", their_body, their_person)},
		};
		/* an LA's officer, a group's officer and a school's viewer (who reads only) */
		const char *tokens[] = {officer, token_group("officer", 0, 0, w.my_group),
		                        token_scoped("viewer", 0, w.my_school)};
		for (size_t t = 0; t < 3; t++)
			for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
				char none[96];
				snprintf(path, sizeof path, "%s%lld", paths[i].prefix, paths[i].theirs);
				snprintf(none, sizeof none, "%s%lld", paths[i].prefix,
				         strstr(paths[i].prefix, "schools") ? (long long)nowhere : NOWHERE_ID);
				for (int v = 0; v < (t == 2 ? 1 : 3); v++) {
					const char *method = v == 0 ? "GET" : v == 1 ? "PATCH" : "DELETE";
					char *before = db_fingerprint();
					struct resp *r = http_json(method, path, tokens[t], v == 1 ? "{}" : NULL, "*");
					struct resp *q = http_json(method, none, tokens[t], v == 1 ? "{}" : NULL, "*");
					if (r->status == 405 || (r->status == 403 && q->status == 403)) {
						/* no such verb on this resource, or not this caller's to change at all */
						resp_free(r);
						resp_free(q);
						free(before);
						continue;
					}
					cr_assert_eq(r->status, 404, "%s %s as caller %zu: %ld %s", method, path, t, r->status, r->body);
					assert_problem(r, 404, "not-found", NULL);
					assert_problem(q, 404, "not-found", NULL);
					resp_free(r);
					resp_free(q);
					assert_unchanged(before);
				}
			}
	}
}

Test(isolation, the_database_refuses_what_the_code_might_forget)
{
	struct two_las w = two_las();
	char sql[512], *e;

	snprintf(sql, sizeof sql, "INSERT INTO membership (group_id, kind, school_urn, start_date) "
	         "VALUES (%lld, 'consortium', %d, '2021-09-01')", w.my_group, w.their_school);
	e = db_error_of(sql);
	cr_assert(e && strcmp(e, "23514") == 0, "membership: %s", e ? e : "accepted");
	free(e);
	snprintf(sql, sizeof sql, "INSERT INTO nomination (group_id, role, person_name, school_urn, start_date) "
	         "VALUES (%lld, 'remote_learning_lead', 'X', %d, '2021-09-01')", w.my_group, w.their_school);
	e = db_error_of(sql);
	cr_assert(e && strcmp(e, "23514") == 0, "nomination: %s", e ? e : "accepted");
	free(e);
	snprintf(sql, sizeof sql, "INSERT INTO fund_allocation (fund_id, group_id, amount_pence) "
	         "VALUES (%lld, %lld, 1)", w.their_fund, w.my_group);
	e = db_error_of(sql);
	cr_assert(e && strcmp(e, "23514") == 0, "allocation: %s", e ? e : "accepted");
	free(e);
	snprintf(sql, sizeof sql, "UPDATE fund_allocation SET payee_urn = %d WHERE id = %lld",
	         w.my_school, w.their_alloc);
	e = db_error_of(sql);
	cr_assert(e && strcmp(e, "23514") == 0, "payee: %s", e ? e : "accepted");
	free(e);
	/* a school named by its LA's groups stays in its LA */
	snprintf(sql, sizeof sql, "UPDATE school SET la_id = (SELECT id FROM local_authority WHERE code = %d) "
	         "WHERE urn = %d", w.theirs, w.my_school);
	e = db_error_of(sql);
	cr_assert(e && strcmp(e, "23001") == 0, "school moved: %s", e ? e : "accepted");
	free(e);
	/* nothing of it is reported as a row that breaks the rule */
	cr_assert_eq(db_scalar("SELECT count(*) FROM cross_la_reference", NULL), 0);
}
