/*
 * The property of allocating again, over random histories: schools join
 * and leave groups on the census date, chairs are confirmed late or their
 * confirmations withdrawn, allocations are approved, paid, reversed and
 * cancelled, and the fund is allocated again and again. After every
 * allocation, what each group has from the fund (its live allocations,
 * less reversed payments, counted here straight from the tables) equals
 * what a fresh calculation gives it; and no payment once paid ever
 * changes.
 *
 * PROPERTY_HISTORIES sets how many histories (default 300; 30 behind the
 * balancer, where the single server's run has covered the property, and a
 * fifth of that under AddressSanitizer), PROPERTY_SEED the seed (default:
 * the time, printed).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLOWER 5
#else
#define SLOWER 1
#endif

#define GROUPS 4
#define SCHOOLS 16
#define STEPS 6

static unsigned long long rng;

static unsigned
draw(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static long long
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

struct world {
	int la, urns[SCHOOLS];
	long long groups[GROUPS], chairs[GROUPS];
};

struct tally {
	long histories, allocations, nothing, approved, paid, reversed, cancelled, moves, confirmations;
};

static const char *
officer(void)
{
	return token("officer");
}

static struct world
make_world(void)
{
	struct world w;
	char body[1200];

	w.la = unused_la_code();
	make_la(w.la, "Propertyshire");
	for (int g = 0; g < GROUPS; g++) {
		snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Property %d\", \"created_on\": \"2019-01-01\"}",
		         w.la, g);
		w.groups[g] = post_created(officer(), "/v1/consortia", body);
	}
	for (int i = 0; i < SCHOOLS; i++) {
		char name[32];
		snprintf(name, sizeof name, "Property %d Primary", i);
		w.urns[i] = make_school(w.la, i + 1, name, "primary");
		snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2019-09-01\"}",
		         w.groups[i % GROUPS], w.urns[i]);
		post_created(officer(), "/v1/memberships", body);
	}
	for (int g = 0; g < GROUPS; g++) {
		snprintf(body, sizeof body,
		         "{\"group_id\": %lld, \"role\": \"chair\", \"person_name\": \"Chair %d\", "
		         "\"email\": \"chair%d@school.example\", \"school_urn\": %d, \"head_since\": \"2010-09-01\", "
		         "\"led_school_grades\": [\"good\"], \"governing_body_support_on\": \"2019-06-01\", "
		         "\"group_backing\": \"vote\", \"time_commitment\": true, \"improvement_note\": \"rising\", "
		         "\"start_date\": \"2019-09-01\", \"elected_on\": \"2019-07-01\"}",
		         w.groups[g], g, g, w.urns[g]);
		w.chairs[g] = post_created(officer(), "/v1/chairs", body);
	}
	return w;
}

/* A school member of a group on the census date joins none; any other joins a random group. */
static void
move_school(const struct world *w, struct tally *t)
{
	int urn = w->urns[draw(SCHOOLS)];
	char q[32], path[96], body[256];
	long long m;
	struct resp *r;

	snprintf(q, sizeof q, "%d", urn);
	m = db_scalar("SELECT coalesce(max(id), 0) FROM membership WHERE school_urn = $1::integer "
	              "AND valid @> '2020-10-01'::date", q);
	if (m > 0) {
		snprintf(path, sizeof path, "/v1/memberships/%lld", m);
		snprintf(q, sizeof q, "%lld", m);
		if (db_scalar("SELECT (start_date = '2020-10-01')::integer FROM membership WHERE id = $1::bigint", q))
			r = http("DELETE", path, officer(), NULL, (const char *const[]){"If-Match: *", NULL});
		else
			r = http_json("PATCH", path, officer(), "{\"end_date\": \"2020-09-30\"}", "*");
		cr_assert(r->status == 200 || r->status == 204, "leave: %s", r->body);
	} else {
		snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-10-01\"}",
		         w->groups[draw(GROUPS)], urn);
		r = http_json("POST", "/v1/memberships", officer(), body, NULL);
		cr_assert_eq(r->status, 201, "join: %s", r->body);
	}
	resp_free(r);
	t->moves++;
}

/* A group confirms its chair for the year (late), or its confirmation is withdrawn. */
static void
confirm_or_withdraw(const struct world *w, const char *year, struct tally *t)
{
	int g = (int)draw(GROUPS);
	char q[64], path[96], body[256];
	long long k;
	struct resp *r;

	snprintf(q, sizeof q, "%lld,%s", w->groups[g], year);
	k = db_scalar("SELECT coalesce(max(id), 0) FROM chair_confirmation WHERE group_id = split_part($1, ',', 1)::bigint "
	              "AND academic_year = split_part($1, ',', 2)", q);
	if (k > 0) {
		snprintf(path, sizeof path, "/v1/chair-confirmations/%lld", k);
		r = http("DELETE", path, officer(), NULL, (const char *const[]){"If-Match: *", NULL});
		cr_assert_eq(r->status, 204, "withdraw: %s", r->body);
	} else {
		snprintf(body, sizeof body,
		         "{\"group_id\": %lld, \"academic_year\": \"%s\", \"chair_id\": %lld, "
		         "\"confirmed_by\": \"the group\", \"confirmed_on\": \"2020-%02u-%02u\"}",
		         w->groups[g], year, w->chairs[g], 9 + draw(4), 1 + draw(28));
		r = http_json("POST", "/v1/chair-confirmations", officer(), body, NULL);
		cr_assert_eq(r->status, 201, "confirm: %s", r->body);
	}
	resp_free(r);
	t->confirmations++;
}

/* The id of a random allocation (or payment) of the fund matching cond, or 0. */
static long long
pick(long long fund, const char *sql)
{
	char q[48];
	snprintf(q, sizeof q, "%lld,%u", fund, draw(1000));
	return db_scalar(sql, q);
}

/* Approve a random proposed allocation and, most times, record it paid. */
static void
approve_and_pay(long long fund, struct tally *t)
{
	long long id = pick(fund, "SELECT coalesce((SELECT id FROM fund_allocation WHERE fund_id = split_part($1, ',', 1)::bigint "
	                          "AND status = 'proposed' AND payee_urn IS NOT NULL ORDER BY id "
	                          "OFFSET split_part($1, ',', 2)::integer % greatest(1, (SELECT count(*) FROM fund_allocation "
	                          "WHERE fund_id = split_part($1, ',', 1)::bigint AND status = 'proposed' "
	                          "AND payee_urn IS NOT NULL)) LIMIT 1), 0)");
	char path[96];
	struct resp *r;
	long long pay;

	if (id == 0)
		return;
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", id);
	r = http_json("POST", path, officer(), NULL, "*");
	cr_assert_eq(r->status, 200, "approve: %s", r->body);
	pay = num(r->json, "payment_id");
	resp_free(r);
	t->approved++;
	if (draw(4) == 0)
		return;
	snprintf(path, sizeof path, "/v1/payments/%lld/paid", pay);
	r = http_json("POST", path, token("finance"), "{\"remittance_reference\": \"P\", \"paid_on\": \"2020-11-02\"}",
	              NULL);
	cr_assert_eq(r->status, 200, "paid: %s", r->body);
	resp_free(r);
	t->paid++;
}

static void
reverse_one(long long fund, struct tally *t)
{
	long long id = pick(fund, "SELECT coalesce((SELECT p.id FROM payment p WHERE p.fund_id = split_part($1, ',', 1)::bigint "
	                          "AND p.status = 'paid' AND p.reverses_payment_id IS NULL AND NOT EXISTS (SELECT 1 "
	                          "FROM payment x WHERE x.reverses_payment_id = p.id AND x.status <> 'cancelled') "
	                          "ORDER BY p.id LIMIT 1), 0)");
	char path[96];
	struct resp *r;

	if (id == 0)
		return;
	snprintf(path, sizeof path, "/v1/payments/%lld/reverse", id);
	r = http_json("POST", path, officer(), "{\"reason\": \"paid in error\"}", NULL);
	cr_assert_eq(r->status, 201, "reverse: %s", r->body);
	resp_free(r);
	t->reversed++;
}

static void
cancel_one(long long fund, struct tally *t)
{
	long long id = pick(fund, "SELECT coalesce((SELECT id FROM fund_allocation WHERE fund_id = split_part($1, ',', 1)::bigint "
	                          "AND status IN ('proposed', 'approved') ORDER BY id DESC LIMIT 1), 0)");
	char path[96];
	struct resp *r;

	if (id == 0)
		return;
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/cancel", id);
	r = http_json("POST", path, officer(), "{\"reason\": \"changed our mind\"}", "*");
	cr_assert_eq(r->status, 200, "cancel: %s", r->body);
	resp_free(r);
	t->cancelled++;
}

/* The paid payments of the fund as they stand, as a number: it must never change for those ids. */
static long long
paid_digest(long long fund, long long upto)
{
	char q[48];
	snprintf(q, sizeof q, "%lld,%lld", fund, upto);
	return db_scalar("SELECT ('x' || substr(md5(coalesce(string_agg(row_to_json(p)::text, '|' ORDER BY p.id), '')), "
	                 "1, 15))::bit(60)::bigint FROM payment p WHERE p.fund_id = split_part($1, ',', 1)::bigint "
	                 "AND p.id <= split_part($1, ',', 2)::bigint AND p.status = 'paid'", q);
}

/* What group g has from the fund, from the tables: live allocations less reversed payments. */
static long long
has(long long fund, long long g)
{
	char q[48];
	snprintf(q, sizeof q, "%lld,%lld", fund, g);
	return db_scalar("SELECT coalesce(sum(a.amount_pence), 0) + coalesce((SELECT sum(p.amount_pence) FROM payment p "
	                 "JOIN fund_allocation b ON b.id = p.allocation_id WHERE b.fund_id = split_part($1, ',', 1)::bigint "
	                 "AND b.group_id = split_part($1, ',', 2)::bigint AND b.status <> 'cancelled' "
	                 "AND p.reverses_payment_id IS NOT NULL AND p.status <> 'cancelled'), 0) "
	                 "FROM fund_allocation a WHERE a.fund_id = split_part($1, ',', 1)::bigint "
	                 "AND a.group_id = split_part($1, ',', 2)::bigint AND a.status <> 'cancelled'", q);
}

/* Allocate again; then every group has what a fresh calculation gives it. */
static void
allocate_and_check(const struct world *w, long long fund, unsigned long long seed, struct tally *t)
{
	char path[96];
	struct resp *r;

	snprintf(path, sizeof path, "/v1/funds/%lld/allocate", fund);
	r = http_json("POST", path, officer(), NULL, NULL);
	cr_assert(r->status == 201 || r->status == 409, "seed %llu: allocate: %s", seed, r->body);
	if (r->status == 201)
		t->allocations++;
	else
		t->nothing++;
	resp_free(r);
	snprintf(path, sizeof path, "/v1/funds/%lld/calculate", fund);
	r = http_json("POST", path, officer(), NULL, NULL);
	cr_assert_eq(r->status, 200, "seed %llu: calculate: %s", seed, r->body);
	cr_assert_eq(num(r->json, "difference_pence"), 0, "seed %llu: %s", seed, r->body);
	for (int g = 0; g < GROUPS; g++) {
		long long want = 0;
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(r->json, "allocations"), i, it)
			if (num(it, "group_id") == w->groups[g])
				want = num(it, "amount_pence");
		cr_assert_eq(has(fund, w->groups[g]), want, "seed %llu: group %lld has what the calculation gives: %s",
		             seed, w->groups[g], r->body);
	}
	resp_free(r);
}

Test(property, allocated_again_each_group_has_what_a_fresh_calculation_gives, .timeout = 3600)
{
	const char *n_env = getenv("PROPERTY_HISTORIES"), *seed_env = getenv("PROPERTY_SEED");
	const char *replicas = getenv("REPLICAS");
	long histories = n_env ? atol(n_env) : (replicas && strcmp(replicas, "2") == 0 ? 30 : 300) / SLOWER;
	unsigned long long seed = seed_env ? strtoull(seed_env, NULL, 10) : (unsigned long long)time(NULL);
	struct world w = make_world();
	struct tally t = {0};

	rng = seed ? seed : 1;
	for (long h = 0; h < histories; h++) {
		bool chairs = draw(3) == 0;
		char body[512], year[8];
		long long fund, watermark, digest;

		snprintf(year, sizeof year, "%04ld/%02ld", 2021 + h % 70, (2022 + h % 70) % 100);
		if (chairs)
			snprintf(body, sizeof body,
			         "{\"la_code\": %d, \"kind\": \"chair_funding\", \"name\": \"Chairs %ld\", "
			         "\"academic_year\": \"%s\", \"pot_pence\": %d}", w.la, h, year, GROUPS * 500000);
		else
			snprintf(body, sizeof body,
			         "{\"la_code\": %d, \"kind\": \"recovery\", \"name\": \"Recovery %ld\", "
			         "\"academic_year\": \"2020/21\", \"pot_pence\": %u, \"primary_minimum_pence\": 100000, "
			         "\"school_weighting\": \"0.%u\"}", w.la, h, 1000000 + draw(4000000), draw(10));
		fund = post_created(officer(), "/v1/funds", body);
		for (int s = 0; s < STEPS; s++) {
			watermark = db_scalar("SELECT coalesce(max(id), 0) FROM payment", NULL);
			digest = paid_digest(fund, watermark);
			switch (draw(5)) {
			case 0:
				if (chairs)
					confirm_or_withdraw(&w, year, &t);
				else
					move_school(&w, &t);
				break;
			case 1: approve_and_pay(fund, &t); break;
			case 2: reverse_one(fund, &t); break;
			case 3: cancel_one(fund, &t); break;
			default: break;   /* allocated again with nothing changed: nothing to allocate */
			}
			allocate_and_check(&w, fund, seed, &t);
			cr_assert_eq(paid_digest(fund, watermark), digest, "seed %llu: nothing paid changed", seed);
		}
		t.histories++;
	}
	cr_log_info("property: %ld histories (seed %llu): %ld allocations, %ld with nothing to allocate, "
	            "%ld approved, %ld paid, %ld reversed, %ld cancelled, %ld moves, %ld confirmations",
	            t.histories, seed, t.allocations, t.nothing, t.approved, t.paid, t.reversed, t.cancelled,
	            t.moves, t.confirmations);
	fprintf(stderr, "property: %ld histories (seed %llu): %ld allocations, %ld with nothing to allocate, "
	        "%ld approved, %ld paid, %ld reversed, %ld cancelled, %ld school moves, %ld confirmations\n",
	        t.histories, seed, t.allocations, t.nothing, t.approved, t.paid, t.reversed, t.cancelled,
	        t.moves, t.confirmations);
}
