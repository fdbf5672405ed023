/*
 * Funds, allocations and payments: the whole flow from a fund to a paid
 * and reversed payment, every refused transition, the summary that always
 * reconciles, and the finance system's feed under concurrent writers.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

static long long
post_id(const char *path, const char *body)
{
	struct resp *r = http_json("POST", path, token("officer"), body, NULL);
	long long id;

	cr_assert_eq(r->status, 201, "POST %s: %s", path, r->body);
	id = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);
	return id;
}

static long long
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* An LA with three consortia (one tiny) and one network, each with a chair. */
struct world {
	int la;
	long long c[3], net, chairs[4];
	int urns[3][4], sec;
};

static void
appoint(long long group, int urn, long long *chair_out, bool confirmed)
{
	char body[1024];
	snprintf(body, sizeof body,
	         "{\"group_id\": %lld, \"role\": \"chair\", \"person_name\": \"Head %d\", "
	         "\"email\": \"h%d@school.example\", \"school_urn\": %d, \"head_since\": \"2010-09-01\", "
	         "\"led_school_grades\": [\"good\"], \"governing_body_support_on\": \"2020-06-01\", "
	         "\"group_backing\": \"vote\", \"time_commitment\": true, \"improvement_note\": \"rising\", "
	         "\"start_date\": \"2020-09-01\", \"elected_on\": \"2020-07-01\"}",
	         group, urn, urn, urn);
	*chair_out = post_id("/v1/chairs", body);
	if (confirmed) {
		snprintf(body, sizeof body,
		         "{\"group_id\": %lld, \"academic_year\": \"2020/21\", \"chair_id\": %lld, "
		         "\"confirmed_by\": \"Head %d\", \"confirmed_on\": \"2020-09-10\"}",
		         group, *chair_out, urn);
		post_id("/v1/chair-confirmations", body);
	}
}

static struct world
build(void)
{
	struct world w;
	char body[256];
	static const int sizes[3] = {4, 3, 1};

	memset(&w, 0, sizeof w);
	w.la = unused_la_code();
	make_la(w.la, "Moneyshire");
	for (int i = 0; i < 3; i++) {
		snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Money C%d\"}", w.la, i);
		w.c[i] = post_id("/v1/consortia", body);
		for (int j = 0; j < sizes[i]; j++) {
			char name[32], mb[256];
			snprintf(name, sizeof name, "Money %d-%d Primary", i, j);
			w.urns[i][j] = make_school(w.la, 10 * i + j + 1, name, "primary");
			snprintf(mb, sizeof mb, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}",
			         w.c[i], w.urns[i][j]);
			post_id("/v1/memberships", mb);
		}
		appoint(w.c[i], w.urns[i][0], &w.chairs[i], i != 1);
	}
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Money N\"}", w.la);
	w.net = post_id("/v1/area-networks", body);
	w.sec = make_school(w.la, 99, "Money Secondary", "secondary");
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}",
	         w.net, w.sec);
	post_id("/v1/memberships", body);
	appoint(w.net, w.sec, &w.chairs[3], true);
	return w;
}

static long long
recovery_fund(const struct world *w, long long pot, bool requires_plan)
{
	char body[512];
	snprintf(body, sizeof body,
	         "{\"la_code\": %d, \"kind\": \"recovery\", \"name\": \"Recovery %lld\", "
	         "\"academic_year\": \"2020/21\", \"pot_pence\": %lld, \"census_date\": \"2020-10-01\", "
	         "\"plan_deadline\": \"2020-10-02\", \"evaluation_due\": \"2021-06-30\", "
	         "\"requires_plan\": %s}", w->la, pot, pot, requires_plan ? "true" : "false");
	return post_id("/v1/funds", body);
}

static void
assert_reconciles(long long fund)
{
	char path[64];
	json_t *s;

	snprintf(path, sizeof path, "/v1/funds/%lld/summary", fund);
	s = http_get_json(token("finance"), path);
	cr_assert_eq(num(s, "allocated_pence"), num(s, "proposed_pence") + num(s, "approved_pence"));
	cr_assert_eq(num(s, "unallocated_pence"), num(s, "pot_pence") - num(s, "allocated_pence"));
	cr_assert_eq(num(s, "approved_pence"),
	             num(s, "paid_pence") + num(s, "outstanding_pence") + num(s, "corrected_pence"),
	             "approved = paid + outstanding + corrected");
	json_decref(s);
}

Test(money, from_fund_to_paid_and_reversed)
{
	struct world w = build();
	long long fund = recovery_fund(&w, 2400000, false), alloc = 0, payment;
	char path[128], *before;
	struct resp *r;
	json_t *o, *items, *it;
	size_t i;
	long long sum = 0;

	/* calculate: the working, to the penny, stored nowhere */
	before = db_fingerprint();
	snprintf(path, sizeof path, "/v1/funds/%lld/calculate", fund);
	r = http_json("POST", path, token("officer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	items = json_object_get(r->json, "allocations");
	cr_assert_eq(json_array_size(items), 4);
	json_array_foreach(items, i, it) {
		sum += num(it, "amount_pence");
		if (num(it, "group_id") == w.net) {
			cr_assert_eq(num(it, "amount_pence"), 800000);
			cr_assert_str_eq(json_string_value(json_object_get(json_object_get(it, "working"), "rule")), "flat");
		}
		if (num(it, "group_id") == w.c[2]) {
			cr_assert_eq(num(it, "amount_pence"), 500000, "the one-school consortium gets the minimum");
			cr_assert(json_is_true(json_object_get(json_object_get(it, "working"), "raised_to_minimum")));
		}
		if (num(it, "group_id") == w.c[0])
			cr_assert_eq(num(it, "payee_urn"), w.urns[0][0], "the chair's school is paid");
	}
	cr_assert_eq(sum, 2400000, "the pot to the penny");
	cr_assert_eq(num(r->json, "unallocated_pence"), 0);
	resp_free(r);
	assert_unchanged(before);

	/* allocate: the same pennies, stored as proposed; only once */
	snprintf(path, sizeof path, "/v1/funds/%lld/allocate", fund);
	r = http_json("POST", path, token("officer"), NULL, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	json_array_foreach(json_object_get(r->json, "allocations"), i, it)
		if (num(it, "group_id") == w.c[0])
			alloc = num(it, "id");
	resp_free(r);
	cr_assert_gt(alloc, 0);
	r = http_json("POST", path, token("officer"), NULL, NULL);
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	assert_reconciles(fund);

	/* the fund's money rules are fixed now */
	snprintf(path, sizeof path, "/v1/funds/%lld", fund);
	r = http_json("PATCH", path, token("officer"), "{\"pot_pence\": 1}", "*");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);

	/* approve: a payment falls due */
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", alloc);
	r = http_json("POST", path, token("officer"), NULL, "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "approved");
	payment = num(r->json, "payment_id");
	resp_free(r);
	r = http_json("POST", path, token("officer"), NULL, "*");
	assert_problem(r, 409, "conflict", NULL);
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")),
	                 "is approved: approve is not allowed from approved (allowed: cancel)"),
	          "the refusal names the current state and what it allows: %s", r->body);
	resp_free(r);

	snprintf(path, sizeof path, "/v1/payments/%lld", payment);
	o = http_get_json(token("finance"), path);
	cr_assert_str_eq(json_string_value(json_object_get(o, "status")), "due");
	cr_assert_eq(num(o, "payee_urn"), w.urns[0][0]);
	cr_assert_eq(num(o, "la_code"), w.la);
	cr_assert(strncmp(json_string_value(json_object_get(o, "reference")), "CNS-", 4) == 0);
	{
		/* April to March, from today's date */
		time_t now = time(NULL);
		struct tm tm;
		char fy[16];
		gmtime_r(&now, &tm);
		int start = tm.tm_year + 1900 - (tm.tm_mon < 3);
		snprintf(fy, sizeof fy, "%d/%02d", start, (start + 1) % 100);
		cr_assert_str_eq(json_string_value(json_object_get(o, "financial_year")), fy);
	}
	cr_assert_str_eq(json_string_value(json_object_get(o, "academic_year")), "2020/21");
	json_decref(o);
	assert_reconciles(fund);

	/* paid, by the finance system; the same call twice records one payment */
	snprintf(path, sizeof path, "/v1/payments/%lld/paid", payment);
	{
		const char *body = "{\"remittance_reference\": \"BACS-2020-0042\", \"paid_on\": \"2020-10-20\"}";
		const char *h[] = {"Content-Type: application/json", "Idempotency-Key: pay-42", NULL};
		long long changes = db_scalar("SELECT count(*) FROM payment_change", NULL);
		r = http("POST", path, token("finance"), body, h);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "paid");
		resp_free(r);
		r = http("POST", path, token("finance"), body, h);
		cr_assert_eq(r->status, 200, "%s", r->body);
		resp_free(r);
		cr_assert_eq(db_scalar("SELECT count(*) FROM payment_change", NULL), changes + 1,
		             "one change, not two");
		r = http_json("POST", path, token("finance"),
		              "{\"remittance_reference\": \"OTHER\", \"paid_on\": \"2020-10-21\"}", NULL);
		assert_problem(r, 409, "conflict", NULL);
		resp_free(r);
		r = http("POST", path, token("finance"),
		         "{\"remittance_reference\": \"OTHER\", \"paid_on\": \"2020-10-21\"}", h);
		assert_problem(r, 422, "validation", "Idempotency-Key");
		resp_free(r);
		r = http_json("POST", path, token("officer"), body, NULL);
		assert_problem(r, 403, "forbidden", NULL);
		resp_free(r);
	}
	assert_reconciles(fund);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/cancel", alloc);
	r = http_json("POST", path, token("officer"), "{\"reason\": \"too late\"}", "*");
	assert_problem(r, 409, "conflict", NULL);
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), "paid"));
	resp_free(r);

	/* nothing paid is edited: even the database refuses */
	{
		char sql[160], *e;
		snprintf(sql, sizeof sql, "UPDATE payment SET amount_pence = 1 WHERE id = %lld", payment);
		e = db_error_of(sql);
		cr_assert_str_eq(e, "23001");
		free(e);
		snprintf(sql, sizeof sql, "DELETE FROM payment WHERE id = %lld", payment);
		e = db_error_of(sql);
		cr_assert_str_eq(e, "23001");
		free(e);
	}

	/* a correction is a new, opposite payment, linked to it */
	snprintf(path, sizeof path, "/v1/payments/%lld/reverse", payment);
	r = http_json("POST", path, token("officer"), "{}", NULL);
	assert_problem(r, 422, "validation", "reason");
	resp_free(r);
	r = http_json("POST", path, token("officer"), "{\"reason\": \"paid to the wrong school\"}", NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_eq(num(r->json, "reverses_payment_id"), payment);
	cr_assert_lt(num(r->json, "amount_pence"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "due");
	resp_free(r);
	r = http_json("POST", path, token("officer"), "{\"reason\": \"again\"}", NULL);
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	assert_reconciles(fund);
}

Test(money, pots_payees_plans_and_kinds)
{
	struct world w = build();
	long long small = recovery_fund(&w, 2299999, false), planned = recovery_fund(&w, 3000000, true);
	long long chairs_fund, alloc = 0;
	char path[128], body[512];
	struct resp *r;
	json_t *it;
	size_t i;

	/* 8,000 flat + 3 x 5,000 minimum = 23,000.00: a penny short */
	snprintf(path, sizeof path, "/v1/funds/%lld/calculate", small);
	r = http_json("POST", path, token("officer"), NULL, NULL);
	assert_problem(r, 422, "validation", "pot_pence");
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), "1 pence more"), "%s", r->body);
	resp_free(r);

	/* a fund that wants a plan: allocations wait for it */
	snprintf(path, sizeof path, "/v1/funds/%lld/allocate", planned);
	r = http_json("POST", path, token("officer"), NULL, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	json_array_foreach(json_object_get(r->json, "allocations"), i, it)
		if (num(it, "group_id") == w.c[1])
			alloc = num(it, "id");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", alloc);
	r = http_json("POST", path, token("officer"), NULL, "*");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);

	/* the payee may be any member school, and nobody else, while proposed */
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld", alloc);
	snprintf(body, sizeof body, "{\"payee_urn\": %d}", w.urns[0][1]);
	r = http_json("PATCH", path, token("officer"), body, "*");
	assert_problem(r, 422, "validation", "payee_urn");
	resp_free(r);
	snprintf(body, sizeof body, "{\"payee_urn\": %d}", w.urns[1][2]);
	r = http_json("PATCH", path, token("officer"), body, "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(num(r->json, "payee_urn"), w.urns[1][2]);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/cancel", alloc);
	r = http_json("POST", path, token("officer"), "{\"reason\": \"plan never came\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "cancelled");
	resp_free(r);
	assert_reconciles(planned);

	/* chair funding: one allocation per confirmed chair, to the chair's school */
	snprintf(body, sizeof body,
	         "{\"la_code\": %d, \"kind\": \"chair_funding\", \"name\": \"Chairs 2020/21\", "
	         "\"academic_year\": \"2020/21\", \"pot_pence\": 2000000}", w.la);
	chairs_fund = post_id("/v1/funds", body);
	snprintf(path, sizeof path, "/v1/funds/%lld/calculate", chairs_fund);
	r = http_json("POST", path, token("officer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "allocations")), 3, "C1's chair is unconfirmed: %s",
	             r->body);
	it = json_array_get(json_object_get(r->json, "unfunded"), 0);
	cr_assert_eq(json_array_size(json_object_get(r->json, "unfunded")), 1);
	cr_assert_eq(num(it, "group_id"), w.c[1]);
	cr_assert_str_eq(json_string_value(json_object_get(it, "reason")), "no chair is confirmed for 2020/21");
	json_array_foreach(json_object_get(r->json, "allocations"), i, it) {
		cr_assert_eq(num(it, "amount_pence"), 500000);
		cr_assert(!json_is_null(json_object_get(it, "chair_id")));
	}
	cr_assert_eq(num(r->json, "unallocated_pence"), 500000);
	resp_free(r);
}

/* ---- the feed under concurrent writers ------------------------------- */

struct feed_state {
	volatile bool stop;
	long long after;
	long long *seen;
	size_t n, cap;
};

static void *
reader(void *arg)
{
	struct feed_state *f = arg;

	while (!f->stop) {
		char path[96];
		struct resp *r;
		json_t *it;
		size_t i;

		snprintf(path, sizeof path, "/v1/payments?after=%lld&limit=7", f->after);
		r = http("GET", path, token("finance"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		json_array_foreach(json_object_get(r->json, "items"), i, it) {
			long long pos = json_integer_value(json_object_get(it, "position"));
			cr_assert_gt(pos, f->after, "in order, after the last read");
			if (f->n == f->cap) {
				f->cap = f->cap ? f->cap * 2 : 256;
				f->seen = realloc(f->seen, f->cap * sizeof *f->seen);
			}
			f->seen[f->n++] = pos;
			f->after = pos;
		}
		resp_free(r);
	}
	return NULL;
}

struct approver {
	long long alloc;
	long status;
};

static void *
approve(void *arg)
{
	struct approver *a = arg;
	char path[96];
	struct resp *r;

	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", a->alloc);
	r = http_json("POST", path, token("officer"), NULL, "*");
	a->status = r->status;
	if (r->status == 200) {
		char pay[96];
		long long payment = json_integer_value(json_object_get(r->json, "payment_id"));
		resp_free(r);
		snprintf(pay, sizeof pay, "/v1/payments/%lld/paid", payment);
		r = http_json("POST", pay, token("finance"),
		              "{\"remittance_reference\": \"R\", \"paid_on\": \"2020-11-01\"}", NULL);
	}
	resp_free(r);
	return NULL;
}

Test(money, the_feed_never_misses_or_repeats_a_change)
{
	struct world w = build();
	struct feed_state f = {0};
	struct approver ap[12];
	pthread_t rt, t[12];
	long long funds[3], start, end;
	size_t na = 0;

	start = db_scalar("SELECT coalesce(max(position), 0) FROM payment_change", NULL);
	f.after = start;
	for (int k = 0; k < 3; k++) {
		char path[96];
		struct resp *r;
		json_t *it;
		size_t i;
		funds[k] = recovery_fund(&w, 2400000 + k, false);
		snprintf(path, sizeof path, "/v1/funds/%lld/allocate", funds[k]);
		r = http_json("POST", path, token("officer"), NULL, NULL);
		cr_assert_eq(r->status, 201, "%s", r->body);
		json_array_foreach(json_object_get(r->json, "allocations"), i, it)
			ap[na++].alloc = json_integer_value(json_object_get(it, "id"));
		resp_free(r);
	}
	pthread_create(&rt, NULL, reader, &f);
	for (size_t i = 0; i < na; i++)
		pthread_create(&t[i], NULL, approve, &ap[i]);
	for (size_t i = 0; i < na; i++)
		pthread_join(t[i], NULL);
	end = db_scalar("SELECT max(position) FROM payment_change", NULL);
	while (f.after < end)   /* let the reader catch up */
		usleep(20000);
	f.stop = true;
	pthread_join(rt, NULL);
	for (size_t i = 0; i < na; i++)
		cr_assert_eq(ap[i].status, 200);
	cr_assert_eq((long long)f.n, end - start, "every change read once: %zu of %lld", f.n, end - start);
	for (size_t i = 0; i < f.n; i++)
		cr_assert_eq(f.seen[i], start + 1 + (long long)i, "no gap, no repeat, in order");
	cr_assert_eq(end - start, 2 * (long long)na, "each payment: due, then paid");
	free(f.seen);
	for (int k = 0; k < 3; k++)
		assert_reconciles(funds[k]);
}

Test(money, lists_csv_roles_and_bad_feed_queries)
{
	struct resp *r;
	const char *csv[] = {"Accept: text/csv", NULL};

	r = http("GET", "/v1/payments?status=paid&limit=2", token("finance"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = http("GET", "/v1/payments.csv?status=paid", token("finance"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert(strncmp(r->body, "id,reference,", 13) == 0, "%s", r->body);
	resp_free(r);
	/* the list itself is JSON, so a typed client's page is JSON alone; the refusal names the CSV */
	r = http("GET", "/v1/payments?status=paid", token("finance"), NULL, csv);
	assert_problem(r, 406, "not-acceptable", NULL);
	cr_assert(strstr(r->body, "/v1/payments.csv") != NULL, "%s", r->body);
	resp_free(r);
	r = http("GET", "/v1/payments", token("chair"), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	r = http("GET", "/v1/payments?after=-1", token("finance"), NULL, NULL);
	assert_problem(r, 400, "malformed", "after");
	resp_free(r);
	r = http("GET", "/v1/payments?after=0&status=due", token("finance"), NULL, NULL);
	assert_problem(r, 400, "malformed", "status");
	resp_free(r);
	r = http("GET", "/v1/fund-allocations?status=proposed&limit=1", token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = http("GET", "/v1/funds?kind=recovery&limit=1", token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
}

Test(money, a_fund_by_hand_and_what_scoped_callers_may_do)
{
	struct world w = build();
	long long fund, alloc;
	char path[128], body[256];
	const char *grouped = token_group("officer", 0, 0, w.c[0]);
	struct resp *r;
	json_t *o;

	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Hardship\", "
	         "\"academic_year\": \"2020/21\", \"pot_pence\": 100000}", w.la);
	fund = post_id("/v1/funds", body);
	snprintf(path, sizeof path, "/v1/funds/%lld", fund);
	o = http_get_json(token("viewer"), path);
	cr_assert_str_eq(json_string_value(json_object_get(o, "school_weighting")), "0.5");
	cr_assert_str_eq(json_string_value(json_object_get(o, "census_date")), "2020-10-01");
	cr_assert_str_eq(json_string_value(json_object_get(o, "currency")), "GBP");
	json_decref(o);

	/* a group's officer reads its LA's fund but changes nothing of it */
	r = http_json("PATCH", path, grouped, "{\"name\": \"Mine now\"}", "*");
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	o = http_get_json(grouped, path);
	json_decref(o);

	/* an 'other' fund is allocated by hand, to a member school */
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 25000, "
	         "\"payee_urn\": %d}", fund, w.c[1], w.urns[1][1]);
	alloc = post_id("/v1/fund-allocations", body);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld", alloc);
	o = http_get_json(token("chair"), path);
	cr_assert_str_eq(json_string_value(json_object_get(o, "status")), "proposed");
	cr_assert_eq(num(o, "amount_pence"), 25000);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/funds/%lld/calculate", fund);
	r = http_json("POST", path, token("officer"), NULL, NULL);
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);

	/* a fund with allocations stays; an empty one can go */
	snprintf(path, sizeof path, "/v1/funds/%lld", fund);
	r = http_json("DELETE", path, token("officer"), NULL, "\"1\"");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Spare\", "
	         "\"academic_year\": \"2020/21\", \"pot_pence\": 1}", w.la);
	fund = post_id("/v1/funds", body);
	snprintf(path, sizeof path, "/v1/funds/%lld", fund);
	r = http_json("DELETE", path, token("officer"), NULL, "\"1\"");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	r = http("GET", "/v1/payments?academic_year=2020-21", token("finance"), NULL, NULL);
	assert_problem(r, 400, "malformed", "academic_year");
	resp_free(r);
}

/* Every acting POST takes an Idempotency-Key: a retry gets the first answer, and acts once. */
Test(money, acting_posts_replay_their_first_answer)
{
	struct world w = build();
	long long fund = recovery_fund(&w, 2400000, false), alloc = 0;
	char path[128], key[96], id[24], *before;
	const char *h[] = {"Content-Type: application/json", "If-Match: *", key, NULL};
	struct resp *a, *b;
	size_t i;
	json_t *it;

	snprintf(key, sizeof key, "Idempotency-Key: allocate-%lld", fund);
	snprintf(path, sizeof path, "/v1/funds/%lld/allocate", fund);
	a = http("POST", path, token("officer"), NULL, h);
	cr_assert_eq(a->status, 201, "%s", a->body);
	json_array_foreach(json_object_get(a->json, "allocations"), i, it)
		if (num(it, "group_id") == w.c[0])
			alloc = num(it, "id");
	before = db_fingerprint();
	b = http("POST", path, token("officer"), NULL, h);
	cr_assert_eq(b->status, 201, "the replay keeps the first status, not 409: %s", b->body);
	cr_assert(json_equal(a->json, b->json), "the replay is the first answer");
	resp_free(a);
	resp_free(b);
	assert_unchanged(before);

	snprintf(key, sizeof key, "Idempotency-Key: approve-%lld", alloc);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", alloc);
	a = http("POST", path, token("officer"), NULL, h);
	cr_assert_eq(a->status, 200, "%s", a->body);
	before = db_fingerprint();
	b = http("POST", path, token("officer"), NULL, h);
	cr_assert_eq(b->status, 200, "a retried approval is not refused as already approved: %s", b->body);
	cr_assert(json_equal(a->json, b->json));
	{
		char *ea = resp_header(a, "ETag"), *eb = resp_header(b, "ETag");
		cr_assert_str_eq(ea, eb);
		free(ea);
		free(eb);
	}
	resp_free(b);
	assert_unchanged(before);
	snprintf(id, sizeof id, "%lld", alloc);
	cr_assert_eq(db_scalar("SELECT count(*) FROM payment WHERE allocation_id = $1::bigint", id), 1,
	             "one payment, however often the approval is sent");
	cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event WHERE resource = 'fund-allocation' "
	                       "AND resource_id = $1 AND action = 'approve'", id), 1);

	/* the same key for another request: refused, naming the header, nothing changed */
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/cancel", alloc);
	before = db_fingerprint();
	b = http("POST", path, token("officer"), "{\"reason\": \"typo\"}", h);
	assert_problem(b, 422, "validation", "Idempotency-Key");
	resp_free(b);
	assert_unchanged(before);

	/* a bad key is a malformed request */
	before = db_fingerprint();
	snprintf(key, sizeof key, "Idempotency-Key: two words");
	b = http("POST", path, token("officer"), "{\"reason\": \"typo\"}", h);
	assert_problem(b, 400, "malformed", "Idempotency-Key");
	resp_free(b);
	assert_unchanged(before);
	resp_free(a);
}
