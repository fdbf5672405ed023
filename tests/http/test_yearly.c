/*
 * The yearly cycle of the money: chairs confirmed per group and academic
 * year by the LA's deadline, chair funding once per group and year to the
 * confirmed chair's school, a chair's school that must be a member, and a
 * fund allocated again proposing only the differences (top-ups and
 * reductions) without touching what is paid, also when two officers do it
 * at once.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static const char *const officer_role = "officer";

static json_t *
get_ok(const char *path)
{
	return http_get_json(token("viewer"), path);
}

static long long
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The one row of a report about group g (caller decrefs), or NULL when there is none. */
static json_t *
report_row(const char *path, long long g)
{
	json_t *o = get_ok(path), *it, *found = NULL;
	size_t i;

	json_array_foreach(json_object_get(o, "items"), i, it)
		if (num(it, "group_id") == g) {
			cr_assert_null(found, "one row per group: %s", path);
			found = json_incref(it);
		}
	json_decref(o);
	return found;
}

static long long
group_of(int la, const char *kind_path, const char *name)
{
	char body[256];
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"%s\", \"created_on\": \"2019-01-01\"}", la,
	         name);
	return post_created(token(officer_role), kind_path, body);
}

static long long
join(long long group, int urn, const char *start)
{
	char body[256];
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"%s\"}", group, urn,
	         start);
	return post_created(token(officer_role), "/v1/memberships", body);
}

/* An eligible chair or deputy appointment from start to end (NULL: open-ended). */
static struct resp *
try_appoint(long long group, const char *role, int urn, const char *start, const char *end)
{
	char body[1200];
	snprintf(body, sizeof body,
	         "{\"group_id\": %lld, \"role\": \"%s\", \"person_name\": \"Head of %d\", "
	         "\"email\": \"head%d@school.example\", \"school_urn\": %d, \"head_since\": \"2010-09-01\", "
	         "\"led_school_grades\": [\"good\"], \"governing_body_support_on\": \"2019-06-01\", "
	         "\"group_backing\": \"vote\", \"time_commitment\": true, \"improvement_note\": \"rising\", "
	         "\"start_date\": \"%s\", \"end_date\": %s%s%s, \"elected_on\": \"2019-07-01\"}",
	         group, role, urn, urn, urn, start, end ? "\"" : "", end ? end : "null", end ? "\"" : "");
	return http_json("POST", "/v1/chairs", token(officer_role), body, NULL);
}

static long long
appoint(long long group, const char *role, int urn, const char *start, const char *end)
{
	struct resp *r = try_appoint(group, role, urn, start, end);
	long long id;

	cr_assert_eq(r->status, 201, "appoint: %s", r->body);
	id = num(r->json, "id");
	resp_free(r);
	return id;
}

/* A consortium of one member school whose head chairs it from 2020-09-01. */
struct chaired {
	int urn;
	long long group, chair;
};

static struct chaired
chaired_group(int la, int estab, const char *name)
{
	struct chaired c;
	char school[64];

	snprintf(school, sizeof school, "%s Primary", name);
	c.urn = make_school(la, estab, school, "primary");
	c.group = group_of(la, "/v1/consortia", name);
	join(c.group, c.urn, "2020-09-01");
	c.chair = appoint(c.group, "chair", c.urn, "2020-09-01", NULL);
	return c;
}

static struct resp *
try_confirm(long long group, const char *year, long long chair, long long deputy, const char *on)
{
	char body[512], dep[32];
	snprintf(dep, sizeof dep, deputy ? "%lld" : "null", deputy);
	snprintf(body, sizeof body,
	         "{\"group_id\": %lld, \"academic_year\": \"%s\", \"chair_id\": %lld, \"deputy_id\": %s, "
	         "\"confirmed_by\": \"the consortium's summer meeting\", \"confirmed_on\": \"%s\"}",
	         group, year, chair, dep, on);
	return http_json("POST", "/v1/chair-confirmations", token(officer_role), body, NULL);
}

static long long
confirm(long long group, const char *year, long long chair, const char *on)
{
	struct resp *r = try_confirm(group, year, chair, 0, on);
	long long id;

	cr_assert_eq(r->status, 201, "confirm: %s", r->body);
	id = num(r->json, "id");
	resp_free(r);
	return id;
}

static long long
chair_fund(int la, const char *year, long long pot)
{
	char body[256];
	snprintf(body, sizeof body,
	         "{\"la_code\": %d, \"kind\": \"chair_funding\", \"name\": \"Chairs %s\", \"academic_year\": \"%s\", "
	         "\"pot_pence\": %lld}", la, year, year, pot);
	return post_created(token(officer_role), "/v1/funds", body);
}

static struct resp *
fund_post(long long fund, const char *what, const char *if_match)
{
	char path[96];
	snprintf(path, sizeof path, "/v1/funds/%lld/%s", fund, what);
	return http_json("POST", path, token(officer_role), NULL, if_match);
}

/* The line of group g in a calculation, or NULL. */
static json_t *
line_of(const json_t *calc, long long g)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(calc, "allocations"), i, it)
		if (num(it, "group_id") == g)
			return it;
	return NULL;
}

static const char *
unfunded_reason(const json_t *calc, long long g)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(calc, "unfunded"), i, it)
		if (num(it, "group_id") == g)
			return json_string_value(json_object_get(it, "reason"));
	return NULL;
}

/* Approve allocation id and record its payment paid. */
static void
approve_and_pay(long long id)
{
	char path[96], body[128];
	struct resp *r;
	long long pay;

	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", id);
	r = http_json("POST", path, token(officer_role), NULL, "*");
	cr_assert_eq(r->status, 200, "approve: %s", r->body);
	pay = num(r->json, "payment_id");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/payments/%lld/paid", pay);
	snprintf(body, sizeof body, "{\"remittance_reference\": \"BACS-%lld\", \"paid_on\": \"2020-11-02\"}", pay);
	r = http_json("POST", path, token("finance"), body, NULL);
	cr_assert_eq(r->status, 200, "paid: %s", r->body);
	resp_free(r);
}

/* A digest of a fund's paid payments and paid allocations, as a number. */
static long long
paid_digest(long long fund)
{
	char q[24];
	snprintf(q, sizeof q, "%lld", fund);
	return db_scalar("SELECT ('x' || substr(md5(coalesce(string_agg(t, '|' ORDER BY t), '')), 1, 15))::bit(60)::bigint "
	                 "FROM (SELECT row_to_json(p)::text AS t FROM payment p WHERE p.fund_id = $1::bigint "
	                 "AND p.status = 'paid' UNION ALL SELECT row_to_json(a)::text FROM fund_allocation a "
	                 "WHERE a.fund_id = $1::bigint AND a.status = 'paid') x", q);
}

/* Every group's live allocations of the fund add up to what a fresh calculation gives it. */
static void
assert_matches_calculation(long long fund)
{
	struct resp *r = fund_post(fund, "calculate", NULL);
	size_t i;
	json_t *it;

	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(num(r->json, "difference_pence"), 0, "%s", r->body);
	json_array_foreach(json_object_get(r->json, "allocations"), i, it) {
		cr_assert_eq(num(it, "difference_pence"), 0, "group %lld: %s", num(it, "group_id"), r->body);
		cr_assert(json_is_null(json_object_get(it, "proposal")));
	}
	resp_free(r);
}

Test(confirmations, a_confirmation_counts_for_its_year_alone)
{
	int la = unused_la_code(), head, dep;
	long long la_id, g, chair, deputy, k1, k2;
	char path[128], *before;
	struct resp *r;
	json_t *o;

	la_id = make_la(la, "Confirmshire");
	snprintf(path, sizeof path, "/v1/local-authorities/%lld", la_id);
	r = http_json("PATCH", path, token(officer_role), "{\"confirmation_deadline\": \"09-31\"}", "*");
	assert_problem(r, 422, "validation", "confirmation_deadline");
	resp_free(r);
	r = http_json("PATCH", path, token(officer_role), "{\"confirmation_deadline\": \"08-31\"}", "*");
	assert_problem(r, 422, "validation", "confirmation_deadline");
	resp_free(r);
	r = http_json("PATCH", path, token(officer_role), "{\"confirmation_deadline\": \"09-30\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "confirmation_deadline")), "09-30");
	resp_free(r);

	head = make_school(la, 1, "Confirm Primary", "primary");
	dep = make_school(la, 2, "Deputy Primary", "primary");
	g = group_of(la, "/v1/consortia", "Confirmed Consortium");
	join(g, head, "2019-09-01");
	join(g, dep, "2019-09-01");
	chair = appoint(g, "chair", head, "2019-09-01", NULL);
	deputy = appoint(g, "deputy", dep, "2019-09-01", NULL);

	r = try_confirm(g, "2019/20", chair, deputy, "2019-09-10");
	cr_assert_eq(r->status, 201, "%s", r->body);
	k1 = num(r->json, "id");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "deadline")), "2019-09-30");
	cr_assert(json_is_false(json_object_get(r->json, "late")));
	cr_assert_eq(num(r->json, "chair_school_urn"), head);
	cr_assert_eq(num(r->json, "deputy_id"), deputy);
	resp_free(r);

	/* one per group and year; the chair and deputy in their roles */
	before = db_fingerprint();
	r = try_confirm(g, "2019/20", chair, 0, "2019-09-11");
	assert_problem(r, 409, "conflict", "academic_year");
	resp_free(r);
	r = try_confirm(g, "2020/21", deputy, 0, "2020-09-10");
	assert_problem(r, 422, "validation", "chair_id");
	resp_free(r);
	r = try_confirm(g, "2020/21", chair, chair, "2020-09-10");
	assert_problem(r, 422, "validation", "deputy_id");
	resp_free(r);
	r = try_confirm(g, "2018/19", chair, 0, "2018-09-10");
	assert_problem(r, 422, "validation", "chair_id");    /* not in office that year */
	resp_free(r);
	r = try_confirm(g, "2020/22", chair, 0, "2020-09-10");
	assert_problem(r, 422, "validation", "academic_year");
	resp_free(r);
	r = try_confirm(g, "2020/21", chair, 0, "2099-09-10");
	assert_problem(r, 422, "validation", "confirmed_on");
	resp_free(r);
	assert_unchanged(before);

	/* after the LA's deadline: late */
	k2 = confirm(g, "2020/21", chair, "2020-10-05");
	snprintf(path, sizeof path, "/v1/chair-confirmations/%lld", k2);
	o = get_ok(path);
	cr_assert(json_is_true(json_object_get(o, "late")));
	cr_assert_str_eq(json_string_value(json_object_get(o, "deadline")), "2020-09-30");
	json_decref(o);
	snprintf(path, sizeof path, "/v1/chair-confirmations?group_id=%lld&late=true", g);
	o = get_ok(path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
	cr_assert_eq(num(json_array_get(json_object_get(o, "items"), 0), "id"), k2);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/chair-confirmations?la=%d&academic_year=2019/20", la);
	o = get_ok(path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
	json_decref(o);

	/* the appointment lists its years, and the filter finds it by year */
	snprintf(path, sizeof path, "/v1/chairs/%lld", chair);
	o = get_ok(path);
	cr_assert_eq(json_array_size(json_object_get(o, "confirmations")), 2);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/chairs?group_id=%lld&confirmed_for=2021/22", g);
	o = get_ok(path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 0, "2019's confirmation is not 2021's");
	json_decref(o);
	snprintf(path, sizeof path, "/v1/chairs?group_id=%lld&confirmed_for=2019/20", g);
	o = get_ok(path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 2, "chair and deputy");
	json_decref(o);

	/* a term may not shrink off a confirmed year */
	before = db_fingerprint();
	snprintf(path, sizeof path, "/v1/chairs/%lld", chair);
	r = http_json("PATCH", path, token(officer_role), "{\"end_date\": \"2020-08-31\"}", "*");
	assert_problem(r, 409, "conflict", "end_date");
	resp_free(r);
	assert_unchanged(before);

	/* 2021/22: not confirmed; before the deadline due, after it late */
	o = report_row("/v1/reports/groups-without-confirmed-chair?academic_year=2021/22&as_of=2021-09-01", g);
	cr_assert_not_null(o);
	cr_assert(json_is_false(json_object_get(o, "past_deadline")));
	cr_assert_str_eq(json_string_value(json_object_get(o, "deadline")), "2021-09-30");
	cr_assert_eq(num(o, "chair_id"), chair);
	json_decref(o);
	o = report_row("/v1/reports/groups-without-confirmed-chair?academic_year=2021/22&as_of=2021-10-01", g);
	cr_assert_not_null(o);
	cr_assert(json_is_true(json_object_get(o, "past_deadline")));
	json_decref(o);
	cr_assert_null(report_row("/v1/reports/groups-without-confirmed-chair?academic_year=2020/21", g),
	               "confirmed (late) for 2020/21");
	/* by 2020-09-30 the group had not confirmed 2020/21 (it did on 5 October) */
	o = report_row("/v1/reports/unconfirmed-chairs?by=2020-09-30", g);
	cr_assert_not_null(o);
	cr_assert_str_eq(json_string_value(json_object_get(o, "confirmed_on")), "2020-10-05");
	cr_assert_str_eq(json_string_value(json_object_get(o, "academic_year")), "2020/21");
	json_decref(o);
	cr_assert_null(report_row("/v1/reports/unconfirmed-chairs?by=2020-10-05", g));

	/* corrected and withdrawn */
	snprintf(path, sizeof path, "/v1/chair-confirmations/%lld", k1);
	r = http_json("PATCH", path, token(officer_role), "{\"confirmed_by\": \"A. Head for the consortium\"}", "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = http_json("PATCH", path, token(officer_role), "{\"academic_year\": \"2021/22\"}", "\"2\"");
	assert_problem(r, 422, "validation", "academic_year");
	resp_free(r);
	r = http("DELETE", path, token(officer_role), NULL, (const char *const[]){"If-Match: \"2\"", NULL});
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	r = http("GET", path, token("viewer"), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	/* another LA's officer sees none of it */
	snprintf(path, sizeof path, "/v1/chair-confirmations/%lld", k2);
	r = http("GET", path, token_scoped("viewer", la == 999 ? 998 : la + 1, 0), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
}

Test(chair_funding, a_chairs_school_must_be_a_member_and_one_bad_group_blocks_none)
{
	int la = unused_la_code(), a, b, c, d, outsider;
	long long ga, gb, gc, gd, ca, cb, cc, mb, fund;
	char path[128], body[256], *before;
	struct resp *r;

	make_la(la, "Membershire");
	a = make_school(la, 1, "A Primary", "primary");
	b = make_school(la, 2, "B Primary", "primary");
	c = make_school(la, 3, "C Primary", "primary");
	d = make_school(la, 4, "D Primary", "primary");
	outsider = make_school(la, 5, "Outside Primary", "primary");
	ga = group_of(la, "/v1/consortia", "Good");
	gb = group_of(la, "/v1/consortia", "Legacy");
	gc = group_of(la, "/v1/consortia", "Closing");
	gd = group_of(la, "/v1/consortia", "Unconfirmed");
	join(ga, a, "2020-09-01");
	mb = join(gb, b, "2020-09-01");
	join(gc, c, "2020-09-01");
	join(gd, d, "2020-09-01");

	/* refused: the chair's school is no member of the group */
	before = db_fingerprint();
	r = try_appoint(ga, "chair", outsider, "2020-09-01", NULL);
	assert_problem(r, 422, "validation", "school_urn");
	cr_assert(strstr(r->body, "member school of the group when the appointment starts"), "%s", r->body);
	resp_free(r);
	assert_unchanged(before);

	ca = appoint(ga, "chair", a, "2020-09-01", NULL);
	cb = appoint(gb, "chair", b, "2020-09-01", NULL);
	cc = appoint(gc, "chair", c, "2020-09-01", NULL);
	appoint(gd, "chair", d, "2020-09-01", NULL);
	confirm(ga, "2020/21", ca, "2020-09-10");
	confirm(gb, "2020/21", cb, "2020-09-10");
	confirm(gc, "2020/21", cc, "2020-09-10");
	/* as data made before the rule: B joined after its chair started */
	snprintf(path, sizeof path, "/v1/memberships/%lld", mb);
	r = http_json("PATCH", path, token(officer_role), "{\"start_date\": \"2020-10-01\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	/* the appointment still reads and edits */
	snprintf(path, sizeof path, "/v1/chairs/%lld", cb);
	r = http_json("PATCH", path, token(officer_role), "{\"email\": \"b.chair@school.example\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/consortia/%lld", gc);
	r = http_json("PATCH", path, token(officer_role), "{\"status\": \"closed\", \"closed_on\": \"2020-12-31\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	fund = chair_fund(la, "2020/21", 2000000);
	r = fund_post(fund, "calculate", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "allocations")), 1, "%s", r->body);
	cr_assert_eq(num(line_of(r->json, ga), "payee_urn"), a);
	cr_assert_eq(num(line_of(r->json, ga), "chair_id"), ca);
	cr_assert(strstr(unfunded_reason(r->json, gb), "was not a member of the group when the appointment started"),
	          "%s", r->body);
	cr_assert_str_eq(unfunded_reason(r->json, gc), "the group closed on 2020-12-31");
	cr_assert_str_eq(unfunded_reason(r->json, gd), "no chair is confirmed for 2020/21");
	resp_free(r);
	r = fund_post(fund, "allocate", NULL);
	cr_assert_eq(r->status, 201, "the good group is allocated: %s", r->body);
	cr_assert_eq(num(r->json, "allocated_pence"), 500000);
	resp_free(r);
	snprintf(body, sizeof body, "%lld", fund);
	cr_assert_eq(db_scalar("SELECT count(*) FROM fund_allocation WHERE fund_id = $1::bigint", body), 1);
}

Test(chair_funding, a_chair_change_mid_year_is_paid_once_and_next_year_follows_the_new_chair)
{
	int la = unused_la_code(), a, b;
	long long g, ca, cb, k, fund, next, alloc;
	char path[128], q[24], *before;
	struct resp *r;

	make_la(la, "Changeshire");
	a = make_school(la, 1, "First Chair Primary", "primary");
	b = make_school(la, 2, "Second Chair Primary", "primary");
	g = group_of(la, "/v1/consortia", "Changing");
	join(g, a, "2020-09-01");
	join(g, b, "2020-09-01");
	ca = appoint(g, "chair", a, "2020-09-01", NULL);
	k = confirm(g, "2020/21", ca, "2020-09-10");
	fund = chair_fund(la, "2020/21", 500000);
	r = fund_post(fund, "allocate", NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	alloc = num(line_of(r->json, g), "id");
	cr_assert_eq(num(line_of(r->json, g), "payee_urn"), a);
	cr_assert_str_eq(json_string_value(json_object_get(line_of(r->json, g), "proposal")), "allocation");
	resp_free(r);
	approve_and_pay(alloc);

	/* the chair changes in February; the group names the new one for the year */
	snprintf(path, sizeof path, "/v1/chairs/%lld", ca);
	r = http_json("PATCH", path, token(officer_role), "{\"end_date\": \"2021-01-31\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	cb = appoint(g, "chair", b, "2021-02-01", NULL);
	snprintf(path, sizeof path, "/v1/chair-confirmations/%lld", k);
	snprintf(q, sizeof q, "%lld", cb);
	{
		char body[96];
		snprintf(body, sizeof body, "{\"chair_id\": %lld}", cb);
		r = http_json("PATCH", path, token(officer_role), body, "*");
	}
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(num(r->json, "chair_school_urn"), b);
	resp_free(r);

	/* nothing clawed back, nothing paid twice */
	r = fund_post(fund, "calculate", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(num(line_of(r->json, g), "allocated_pence"), 500000);
	cr_assert_eq(num(line_of(r->json, g), "difference_pence"), 0);
	cr_assert(json_is_null(json_object_get(line_of(r->json, g), "proposal")));
	resp_free(r);
	before = db_fingerprint();
	r = fund_post(fund, "allocate", NULL);
	assert_problem(r, 409, "conflict", NULL);
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), "nothing to allocate"), "%s", r->body);
	resp_free(r);
	assert_unchanged(before);

	/* next year's fund pays the chair confirmed for next year */
	confirm(g, "2021/22", cb, "2021-09-08");
	next = chair_fund(la, "2021/22", 500000);
	r = fund_post(next, "allocate", NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_eq(num(line_of(r->json, g), "payee_urn"), b);
	cr_assert_eq(num(line_of(r->json, g), "chair_id"), cb);
	resp_free(r);
	snprintf(q, sizeof q, "%lld", g);
	cr_assert_eq(db_scalar("SELECT count(*) FROM payment p JOIN fund_allocation a ON a.id = p.allocation_id "
	                       "WHERE a.group_id = $1::bigint AND p.status <> 'cancelled'", q), 1,
	             "one payment for 2020/21, none yet for 2021/22");
}

Test(chair_funding, a_late_confirmation_is_funded_by_allocating_again)
{
	int la = unused_la_code();
	struct chaired prompt, tardy;
	long long g1, g2, fund, alloc, digest;
	struct resp *r;

	make_la(la, "Lateshire");
	prompt = chaired_group(la, 1, "Prompt");
	tardy = chaired_group(la, 2, "Tardy");
	g1 = prompt.group;
	g2 = tardy.group;
	confirm(g1, "2020/21", prompt.chair, "2020-09-10");
	fund = chair_fund(la, "2020/21", 1000000);
	r = fund_post(fund, "allocate", NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	alloc = num(line_of(r->json, g1), "id");
	cr_assert_null(line_of(r->json, g2));
	resp_free(r);
	approve_and_pay(alloc);
	digest = paid_digest(fund);

	confirm(g2, "2020/21", tardy.chair, "2020-10-20");
	r = fund_post(fund, "calculate", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(num(r->json, "already_allocated_pence"), 500000);
	cr_assert_eq(num(r->json, "difference_pence"), 500000);
	cr_assert_eq(num(line_of(r->json, g2), "difference_pence"), 500000);
	cr_assert_str_eq(json_string_value(json_object_get(line_of(r->json, g2), "proposal")), "allocation");
	cr_assert(json_is_null(json_object_get(line_of(r->json, g1), "proposal")));
	resp_free(r);
	r = fund_post(fund, "allocate", NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert(json_is_integer(json_object_get(line_of(r->json, g2), "id")));
	cr_assert_null(json_object_get(line_of(r->json, g1), "id"), "the paid group is not touched");
	resp_free(r);
	cr_assert_eq(paid_digest(fund), digest, "nothing paid changed");
	assert_matches_calculation(fund);
}

/* ---- recovery: top-ups and reductions ------------------------------------ */

struct recovery {
	int la, urns[3][3];
	long long g[3], chairs[3], fund;
};

static struct recovery
recovery_world(void)
{
	struct recovery w;
	char body[256];

	memset(&w, 0, sizeof w);
	w.la = unused_la_code();
	make_la(w.la, "Topupshire");
	for (int i = 0; i < 3; i++) {
		char name[48];
		snprintf(name, sizeof name, "Top %d", i);
		w.g[i] = group_of(w.la, "/v1/consortia", name);
		for (int j = 0; j < 3; j++) {
			snprintf(name, sizeof name, "Top %d-%d Primary", i, j);
			w.urns[i][j] = make_school(w.la, 10 * i + j + 1, name, "primary");
		}
		join(w.g[i], w.urns[i][0], "2020-09-01");
		join(w.g[i], w.urns[i][1], "2020-09-01");
		w.chairs[i] = appoint(w.g[i], "chair", w.urns[i][0], "2020-09-01", NULL);
	}
	snprintf(body, sizeof body,
	         "{\"la_code\": %d, \"kind\": \"recovery\", \"name\": \"Recovery\", \"academic_year\": \"2020/21\", "
	         "\"pot_pence\": 3000001, \"primary_minimum_pence\": 100000}", w.la);
	w.fund = post_created(token(officer_role), "/v1/funds", body);
	return w;
}

Test(top_ups, allocating_again_proposes_the_differences_and_never_touches_what_is_paid)
{
	struct recovery w = recovery_world();
	long long first[3], digest, reduction = 0, total = 0;
	char path[128], q[24];
	struct resp *r;
	size_t i;
	json_t *it;

	r = fund_post(w.fund, "allocate", NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	for (int k = 0; k < 3; k++)
		first[k] = num(line_of(r->json, w.g[k]), "id");
	resp_free(r);
	approve_and_pay(first[0]);
	digest = paid_digest(w.fund);

	/* group 1 gains a school and group 0 loses one, as of the census date */
	join(w.g[1], w.urns[1][2], "2020-09-01");
	snprintf(path, sizeof path, "/v1/memberships?group_id=%lld&school_urn=%d", w.g[0], w.urns[0][1]);
	{
		json_t *o = get_ok(path);
		long long m = num(json_array_get(json_object_get(o, "items"), 0), "id");
		json_decref(o);
		snprintf(path, sizeof path, "/v1/memberships/%lld", m);
	}
	r = http_json("PATCH", path, token(officer_role), "{\"end_date\": \"2020-09-15\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	r = fund_post(w.fund, "calculate", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(num(r->json, "difference_pence"), 0, "the pot was shared whole both times");
	cr_assert_eq(num(r->json, "allocated_pence"), 3000001);
	cr_assert_str_eq(json_string_value(json_object_get(line_of(r->json, w.g[0]), "proposal")), "reduction");
	cr_assert_str_eq(json_string_value(json_object_get(line_of(r->json, w.g[1]), "proposal")), "top_up");
	cr_assert(num(line_of(r->json, w.g[0]), "difference_pence") < 0);
	resp_free(r);

	r = fund_post(w.fund, "allocate", NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	json_array_foreach(json_object_get(r->json, "allocations"), i, it) {
		total += num(it, "amount_pence");
		if (num(it, "group_id") == w.g[0])
			reduction = num(it, "id");
	}
	cr_assert_eq(total, 3000001, "to the penny");
	resp_free(r);
	cr_assert_eq(paid_digest(w.fund), digest, "nothing paid changed");
	assert_matches_calculation(w.fund);

	/* the reduction is an allocation of its own, negative, paid back when approved */
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld", reduction);
	{
		json_t *o = get_ok(path);
		cr_assert_str_eq(json_string_value(json_object_get(o, "kind")), "reduction");
		cr_assert(num(o, "amount_pence") < 0);
		cr_assert_eq(num(o, "payee_urn"), w.urns[0][0], "recovered from the school paid");
		json_decref(o);
	}
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", reduction);
	r = http_json("POST", path, token(officer_role), NULL, "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(q, sizeof q, "%lld", reduction);
	cr_assert(db_scalar("SELECT amount_pence FROM payment WHERE allocation_id = $1::bigint", q) < 0);
	snprintf(path, sizeof path, "/v1/fund-allocations?fund_id=%lld&kind=top_up", w.fund);
	{
		json_t *o = get_ok(path);
		cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
		json_decref(o);
	}
	/* and the summary still reconciles */
	snprintf(path, sizeof path, "/v1/funds/%lld/summary", w.fund);
	{
		json_t *o = get_ok(path);
		cr_assert_eq(num(o, "allocated_pence"), 3000001);
		cr_assert_eq(num(o, "unallocated_pence"), 0);
		json_decref(o);
	}
}

/* ---- two officers at once ---------------------------------------------------- */

struct allocator {
	long long fund;
	const char *if_match;
	long status;
};

static void *
allocate_thread(void *arg)
{
	struct allocator *x = arg;
	struct resp *r = fund_post(x->fund, "allocate", x->if_match);
	x->status = r->status;
	resp_free(r);
	return NULL;
}

static void
race(long long fund, const char *if_match, long lost)
{
	struct allocator x[2] = {{fund, if_match, 0}, {fund, if_match, 0}};
	pthread_t t[2];
	char q[24];

	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, allocate_thread, &x[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	cr_assert((x[0].status == 201 && x[1].status == lost) || (x[1].status == 201 && x[0].status == lost),
	          "one wins, the other %ld: %ld and %ld", lost, x[0].status, x[1].status);
	snprintf(q, sizeof q, "%lld", fund);
	cr_assert_eq(db_scalar("SELECT count(*) FROM (SELECT group_id, sum(amount_pence) FROM fund_allocation "
	                       "WHERE fund_id = $1::bigint AND status <> 'cancelled' GROUP BY group_id "
	                       "HAVING sum(amount_pence) <> 500000) x", q), 0, "no group allocated twice");
}

Test(top_ups, two_officers_allocating_at_once_never_allocate_twice)
{
	int la = unused_la_code();
	struct chaired first, second;
	long long fund, alloc;
	char path[96], etag[32];
	struct resp *r;

	make_la(la, "Raceshire");
	first = chaired_group(la, 1, "Race A");
	second = chaired_group(la, 2, "Race B");
	confirm(first.group, "2020/21", first.chair, "2020-09-10");
	fund = chair_fund(la, "2020/21", 1000000);

	/* both read the fund, then both allocate with its ETag: one 201, one 412 */
	snprintf(path, sizeof path, "/v1/funds/%lld", fund);
	r = http("GET", path, token(officer_role), NULL, NULL);
	{
		char *h = resp_header(r, "ETag");
		snprintf(etag, sizeof etag, "%s", h);
		free(h);
	}
	resp_free(r);
	race(fund, etag, 412);
	r = fund_post(fund, "calculate", NULL);
	alloc = num(line_of(r->json, first.group), "allocated_pence");
	resp_free(r);
	cr_assert_eq(alloc, 500000);

	/* a late confirmation: without If-Match the second officer waits, then finds nothing to do */
	confirm(second.group, "2020/21", second.chair, "2020-10-01");
	race(fund, NULL, 409);
	assert_matches_calculation(fund);
}

/*
 * UK GDPR erasure of a chair whose school was paid: the name and email go
 * from every record and from the audit trail, the money and the decisions
 * stay exactly as they were, and the trail says who erased (and only the
 * record after). Before it, the export holds everything about them.
 */
Test(people, erasure_keeps_the_money_and_leaves_an_honest_trail)
{
	int la = unused_la_code();
	struct chaired c;
	long long fund, person, body, erasure;
	char path[128], key[24], *before;
	const char *admin = token_as("admin", "gdpr-admin");
	struct resp *r;
	json_t *o;

	make_la(la, "Erasureshire");
	c = chaired_group(la, 1, "Erase");
	confirm(c.group, "2020/21", c.chair, "2020-09-10");
	fund = chair_fund(la, "2020/21", 500000);
	r = fund_post(fund, "allocate", NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	approve_and_pay(db_scalar("SELECT id FROM fund_allocation WHERE fund_id = $1::bigint",
	                          (snprintf(key, sizeof key, "%lld", fund), key)));
	snprintf(path, sizeof path, "/v1/chairs/%lld", c.chair);
	o = get_ok(path);
	person = num(o, "person_id");
	json_decref(o);
	snprintf(key, sizeof key, "%lld", person);
	/* a body they sit on, and a meeting they own an action of */
	snprintf(path, sizeof path, "{\"la_code\": %d, \"kind\": \"chairs_board\", \"name\": \"Chairs\"}", la);
	body = post_created(token(officer_role), "/v1/bodies", path);
	{
		char b[512];
		snprintf(b, sizeof b, "{\"body_id\": %lld, \"person_id\": %lld, \"role\": \"member\", \"start_date\": \"2020-09-01\"}",
		         body, person);
		post_created(token(officer_role), "/v1/body-members", b);
		snprintf(b, sizeof b, "{\"body_id\": %lld, \"held_on\": \"2020-10-01\", \"attended_person_ids\": [%lld], "
		         "\"actions\": [{\"description\": \"Report back\", \"owner\": \"Head of %d\", "
		         "\"owner_person_id\": %lld, \"due_date\": \"2020-11-01\"}]}", body, person, c.urn, person);
		post_created(token(officer_role), "/v1/meetings", b);
	}

	/* everything held about them, for an officer; not for a viewer */
	snprintf(path, sizeof path, "/v1/people/%lld/export", person);
	r = http("GET", path, token("viewer"), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	r = http("GET", path, token(officer_role), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "appointments")), 1);
	cr_assert_eq(json_array_size(json_object_get(r->json, "body_memberships")), 1);
	cr_assert_eq(json_array_size(json_object_get(r->json, "meetings")), 1);
	cr_assert(json_is_true(json_object_get(json_array_get(json_object_get(r->json, "meetings"), 0), "attended")));
	cr_assert_eq(json_array_size(json_object_get(json_array_get(json_object_get(r->json, "meetings"), 0),
	                                             "actions_owned")), 1);
	resp_free(r);
	{
		char pattern[64];
		snprintf(pattern, sizeof pattern, "%%Head of %d%%", c.urn);
		cr_assert_gt(db_scalar("SELECT count(*) FROM audit_event WHERE changes::text LIKE $1", pattern), 0,
		             "the trail held the name before");
	}

	/* only an admin erases */
	before = db_fingerprint();
	snprintf(path, sizeof path, "/v1/people/%lld/erase", person);
	r = http_json("POST", path, token(officer_role), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	assert_unchanged(before);
	{
		long long paid = db_scalar("SELECT sum(amount_pence) FROM payment WHERE fund_id = $1::bigint",
		                           (snprintf(path, sizeof path, "%lld", fund), path));
		long long money = paid_digest(fund);

		snprintf(path, sizeof path, "/v1/people/%lld/erase", person);
		r = http_json("POST", path, admin, NULL, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "erased");
		cr_assert_str_eq(json_string_value(json_object_get(r->json, "name")), "[erased]");
		cr_assert(json_is_null(json_object_get(r->json, "email")));
		resp_free(r);
		/* the money is as it was, to the penny */
		cr_assert_eq(paid_digest(fund), money);
		snprintf(path, sizeof path, "%lld", fund);
		cr_assert_eq(db_scalar("SELECT sum(amount_pence) FROM payment WHERE fund_id = $1::bigint", path), paid);
	}
	/* the appointment stays, naming nobody; the action's owner is gone */
	snprintf(path, sizeof path, "/v1/chairs/%lld", c.chair);
	o = get_ok(path);
	cr_assert_str_eq(json_string_value(json_object_get(o, "person_name")), "[erased]");
	cr_assert(json_is_null(json_object_get(o, "email")));
	cr_assert_eq(num(o, "person_id"), person);
	json_decref(o);
	{
		char pattern[64], email[64];
		snprintf(pattern, sizeof pattern, "%%Head of %d%%", c.urn);
		snprintf(email, sizeof email, "%%head%d@school.example%%", c.urn);
		cr_assert_eq(db_scalar("SELECT count(*) FROM meeting WHERE actions::text LIKE $1", pattern), 0);
		/* the trail no longer holds the name or the email anywhere */
		cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event WHERE changes::text LIKE $1", pattern), 0);
		cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event WHERE changes::text LIKE $1", email), 0);
	}
	/* ...and says who erased, with the record after only */
	erasure = db_scalar("SELECT id FROM audit_event WHERE resource = 'person' AND action = 'erase' "
	                    "AND resource_id = $1 AND subject = 'gdpr-admin'", key);
	cr_assert_gt(erasure, 0);
	snprintf(path, sizeof path, "%lld", erasure);
	cr_assert_eq(db_scalar("SELECT (changes -> 'before' = 'null'::jsonb AND changes -> 'after' ->> 'status' = 'erased')::int "
	                       "FROM audit_event WHERE id = $1::bigint", path), 1);
	/* erased once; their data cannot be set again */
	before = db_fingerprint();
	snprintf(path, sizeof path, "/v1/people/%lld/erase", person);
	r = http_json("POST", path, admin, NULL, NULL);
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/people/%lld", person);
	r = http_json("PATCH", path, admin, "{\"email\": \"back@school.example\"}", "*");
	assert_problem(r, 422, "validation", "name");
	resp_free(r);
	assert_unchanged(before);
}
