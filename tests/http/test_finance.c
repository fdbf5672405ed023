/*
 * The finance system answers back (acknowledged into its payment run,
 * rejected with a reason, reissued by the officers, every step in the
 * feed), the two approvers an LA may ask for, and the totals a finance
 * officer reconciles against the ledger.
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

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* An LA with four consortia of one school each, and a fund of kind other. */
struct ledger {
	int la, urns[4];
	long long la_id, groups[4], fund;
};

static struct ledger
ledger(const char *name)
{
	struct ledger l;
	char body[256];

	l.la = unused_la_code();
	l.la_id = make_la(l.la, name);
	for (int i = 0; i < 4; i++) {
		char school[32];
		snprintf(school, sizeof school, "Ledger %d Primary", i);
		l.urns[i] = make_school(l.la, i + 1, school, "primary");
		snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Ledger consortium %d\"}", l.la, i);
		l.groups[i] = post_created(token("officer"), "/v1/consortia", body);
		snprintf(body, sizeof body,
		         "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}", l.groups[i],
		         l.urns[i]);
		post_created(token("officer"), "/v1/memberships", body);
	}
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Ledger fund\", "
	         "\"academic_year\": \"2020/21\", \"pot_pence\": 10000000}", l.la);
	l.fund = post_created(token("officer"), "/v1/funds", body);
	return l;
}

/* A proposed allocation of the ledger's fund to its group i, by tok. */
static long long
allocation(const struct ledger *l, const char *tok, int i, long long pence)
{
	char body[256];
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": %lld, \"payee_urn\": %d}",
	         l->fund, l->groups[i], pence, l->urns[i]);
	return post_created(tok, "/v1/fund-allocations", body);
}

static struct resp *
act(const char *tok, const char *what, long long id, const char *action, const char *body)
{
	char path[128];
	snprintf(path, sizeof path, "/v1/%s/%lld/%s", what, id, action);
	return http_json("POST", path, tok, body, "*");
}

/* Approve allocation id (as tok); the payment it made, or 0. */
static long long
approve(const char *tok, long long id)
{
	struct resp *r = act(tok, "fund-allocations", id, "approve", NULL);
	long long pay;

	cr_assert_eq(r->status, 200, "approve: %s", r->body);
	pay = json_is_null(json_object_get(r->json, "payment_id")) ? 0 : num(r->json, "payment_id");
	resp_free(r);
	return pay;
}

/* The feed's changes of payment id after position `after`, as their statuses in order. */
static void
feed_statuses(long long after, long long id, char *out, size_t len)
{
	char path[96];
	struct resp *r;
	size_t i, used = 0;
	json_t *it;

	out[0] = '\0';
	snprintf(path, sizeof path, "/v1/payments?after=%lld&limit=1000", after);
	r = http("GET", path, token("finance"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	json_array_foreach(json_object_get(r->json, "items"), i, it) {
		const json_t *pay = json_object_get(it, "payment");
		if (num(pay, "id") == id && used < len)
			used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "," : "", str(pay, "status"));
	}
	resp_free(r);
}

Test(finance, acknowledged_rejected_reissued_and_paid_every_step_in_the_feed)
{
	struct ledger l = ledger("Ledgershire");
	long long alloc, pay, again, start;
	char path[128], steps[256], *before;
	struct resp *r;
	json_t *o;

	alloc = allocation(&l, token("officer"), 0, 750000);
	start = db_scalar("SELECT coalesce(max(position), 0) FROM payment_change", NULL);
	pay = approve(token("officer"), alloc);

	/* taken into the payment run, under finance's own reference; said again, nothing new */
	r = act(token("officer"), "payments", pay, "acknowledge", "{\"finance_reference\": \"RUN-2611-07\"}");
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	r = act(token("finance"), "payments", pay, "acknowledge", "{\"finance_reference\": \"RUN-2611-07\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(str(r->json, "status"), "acknowledged");
	cr_assert_str_eq(str(r->json, "finance_reference"), "RUN-2611-07");
	cr_assert(!json_is_null(json_object_get(r->json, "acknowledged_at")));
	resp_free(r);
	before = db_fingerprint();
	r = act(token("finance"), "payments", pay, "acknowledge", "{\"finance_reference\": \"RUN-2611-07\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(num(r->json, "version"), 2);
	resp_free(r);
	r = act(token("finance"), "payments", pay, "acknowledge", "{\"finance_reference\": \"RUN-2611-08\"}");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	r = act(token("finance"), "payments", pay, "reject", "{}");
	assert_problem(r, 422, "validation", "reason");
	resp_free(r);
	assert_unchanged(before);

	/* rejected: the school's budget code is closed */
	r = act(token("finance"), "payments", pay, "reject", "{\"reason\": \"the school's budget code is closed\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(str(r->json, "status"), "rejected");
	cr_assert_str_eq(str(r->json, "rejection_reason"), "the school's budget code is closed");
	resp_free(r);
	before = db_fingerprint();
	r = act(token("finance"), "payments", pay, "paid", "{\"remittance_reference\": \"B1\", \"paid_on\": \"2020-11-02\"}");
	assert_problem(r, 409, "conflict", NULL);
	cr_assert(strstr(str(r->json, "detail"), "the payment is rejected"), "%s", r->body);
	resp_free(r);
	assert_unchanged(before);

	/* back to the officers as a report */
	r = http("GET", "/v1/reports/rejected-payments", token_scoped("officer", l.la, 0), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1, "%s", r->body);
	o = json_array_get(json_object_get(r->json, "items"), 0);
	cr_assert_eq(num(o, "payment_id"), pay);
	cr_assert_eq(num(o, "group_id"), l.groups[0]);
	cr_assert_eq(num(o, "amount_pence"), 750000);
	cr_assert_str_eq(str(o, "rejection_reason"), "the school's budget code is closed");
	resp_free(r);

	/* reissued as a new payment, once */
	r = act(token("finance"), "payments", pay, "reissue", "{\"reason\": \"budget code reopened\"}");
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	r = act(token("officer"), "payments", pay, "reissue", "{\"reason\": \"budget code reopened\"}");
	cr_assert_eq(r->status, 201, "%s", r->body);
	again = num(r->json, "id");
	cr_assert_neq(again, pay);
	cr_assert_str_eq(str(r->json, "status"), "due");
	cr_assert_eq(num(r->json, "reissues_payment_id"), pay);
	cr_assert_eq(num(r->json, "amount_pence"), 750000);
	cr_assert_eq(num(r->json, "payee_urn"), l.urns[0]);
	{
		char *loc = resp_header(r, "Location");
		snprintf(path, sizeof path, "/v1/payments/%lld", again);
		cr_assert_str_eq(loc, path);
		free(loc);
	}
	resp_free(r);
	before = db_fingerprint();
	r = act(token("officer"), "payments", pay, "reissue", "{\"reason\": \"twice\"}");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	assert_unchanged(before);
	r = http("GET", "/v1/reports/rejected-payments", token_scoped("officer", l.la, 0), NULL, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 0, "reissued: %s", r->body);
	resp_free(r);

	/* paid: the allocation with it */
	r = act(token("finance"), "payments", again, "paid", "{\"remittance_reference\": \"BACS-1\", \"paid_on\": \"2020-11-20\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld", alloc);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_str_eq(str(r->json, "status"), "paid");
	cr_assert_eq(num(r->json, "payment_id"), again);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/funds/%lld/summary", l.fund);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_eq(num(r->json, "paid_pence"), 750000);
	cr_assert_eq(num(r->json, "outstanding_pence"), 0);
	cr_assert_eq(num(r->json, "rejected_pence"), 0);
	resp_free(r);

	/* every step in the feed, in order */
	feed_statuses(start, pay, steps, sizeof steps);
	cr_assert_str_eq(steps, "due,acknowledged,rejected");
	feed_statuses(start, again, steps, sizeof steps);
	cr_assert_str_eq(steps, "due,paid");
	snprintf(path, sizeof path, "/v1/payments?status=rejected&fund_id=%lld", l.fund);
	r = http("GET", path, token("finance"), NULL, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1);
	resp_free(r);
}

Test(finance, a_cancelled_allocation_takes_its_acknowledged_payment_with_it)
{
	struct ledger l = ledger("Cancelshire");
	long long alloc = allocation(&l, token("officer"), 0, 1000), pay;
	struct resp *r;

	pay = approve(token("officer"), alloc);
	r = act(token("finance"), "payments", pay, "acknowledge", "{\"finance_reference\": \"RUN-1\"}");
	resp_free(r);
	r = act(token("officer"), "fund-allocations", alloc, "cancel", "{\"reason\": \"the group withdrew\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	{
		char path[96];
		snprintf(path, sizeof path, "/v1/payments/%lld", pay);
		r = http("GET", path, token("finance"), NULL, NULL);
		cr_assert_str_eq(str(r->json, "status"), "cancelled");
		resp_free(r);
	}
}

static void
la_patch(const struct ledger *l, const char *body)
{
	char path[96];
	struct resp *r;

	snprintf(path, sizeof path, "/v1/local-authorities/%lld", l->la_id);
	r = http_json("PATCH", path, token("admin"), body, "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
}

/* The subjects of an allocation's audit events of one action, in order, comma-separated. */
static void
audited(long long id, const char *action, char *out, size_t len)
{
	char path[160];
	struct resp *r;
	size_t i, used = 0;
	json_t *it;

	out[0] = '\0';
	snprintf(path, sizeof path, "/v1/audit-events?resource=fund-allocation&resource_id=%lld&action=%s&sort=id", id,
	         action);
	r = http("GET", path, token("admin"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	json_array_foreach(json_object_get(r->json, "items"), i, it)
		if (used < len)
			used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "," : "",
			                         str(it, "subject"));
	resp_free(r);
}

Test(finance, two_approvers_when_the_la_asks_and_one_when_it_does_not)
{
	struct ledger l = ledger("Approvershire");
	const char *alice = token_as("officer", "alice@la.example"), *bob = token_as("officer", "bob@la.example"),
		   *carol = token_as("officer", "carol@la.example");
	long long a1, a2, a3, a4, pay;
	char path[96], who[256], *before;
	struct resp *r;

	/* off by default: who proposed may approve */
	a1 = allocation(&l, alice, 0, 1000);
	cr_assert_neq(approve(alice, a1), 0);

	/* separate approver: not who proposed, not who last changed */
	la_patch(&l, "{\"separate_approver\": true}");
	a2 = allocation(&l, alice, 1, 2000);
	before = db_fingerprint();
	r = act(alice, "fund-allocations", a2, "approve", NULL);
	assert_problem(r, 403, "forbidden", NULL);
	cr_assert(strstr(str(r->json, "detail"), "you proposed this allocation"), "%s", r->body);
	resp_free(r);
	assert_unchanged(before);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld", a2);
	r = http_json("PATCH", path, bob, "{\"payee_urn\": null}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	{
		char body[64];
		snprintf(body, sizeof body, "{\"payee_urn\": %d}", l.urns[1]);
		r = http_json("PATCH", path, bob, body, "*");
		cr_assert_eq(r->status, 200, "%s", r->body);
		resp_free(r);
	}
	r = act(bob, "fund-allocations", a2, "approve", NULL);
	assert_problem(r, 403, "forbidden", NULL);
	cr_assert(strstr(str(r->json, "detail"), "you last changed this allocation"), "%s", r->body);
	resp_free(r);
	cr_assert_neq(approve(carol, a2), 0);
	audited(a2, "approve", who, sizeof who);
	cr_assert_str_eq(who, "carol@la.example");

	/* over the set amount: a first approval, then a second by another officer */
	la_patch(&l, "{\"second_approval_over_pence\": 100000}");
	a3 = allocation(&l, alice, 2, 100001);
	cr_assert_eq(approve(bob, a3), 0, "the first approval makes no payment");
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld", a3);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_str_eq(str(r->json, "status"), "awaiting_second_approval");
	cr_assert(!json_is_null(json_object_get(r->json, "first_approved_at")));
	cr_assert(json_is_null(json_object_get(r->json, "approved_at")));
	resp_free(r);
	before = db_fingerprint();
	r = act(bob, "fund-allocations", a3, "approve", NULL);
	assert_problem(r, 403, "forbidden", NULL);
	cr_assert(strstr(str(r->json, "detail"), "first approval"), "%s", r->body);
	resp_free(r);
	r = act(alice, "fund-allocations", a3, "approve", NULL);
	assert_problem(r, 403, "forbidden", NULL);   /* still its proposer */
	resp_free(r);
	assert_unchanged(before);
	pay = approve(carol, a3);
	cr_assert_neq(pay, 0);
	audited(a3, "approve", who, sizeof who);
	cr_assert_str_eq(who, "bob@la.example,carol@la.example");
	snprintf(path, sizeof path, "%lld", a3);
	cr_assert_eq(db_scalar("SELECT count(*) FROM payment WHERE allocation_id = $1::bigint", path), 1);
	/* at the amount itself, one approval is enough */
	a4 = allocation(&l, alice, 3, 100000);
	cr_assert_neq(approve(bob, a4), 0);
}

/* The totals row of a level for a fund (0: any) and DfE number (NULL: any), or NULL. */
static const json_t *
totals_row(const json_t *items, const char *level, long long fund, const char *dfe)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		if (strcmp(str(it, "level"), level) == 0 && (fund == 0 || num(it, "fund_id") == fund) &&
		    (dfe == NULL || (str(it, "dfe_number") && strcmp(str(it, "dfe_number"), dfe) == 0)))
			return it;
	return NULL;
}

Test(finance, totals_reconcile_per_school_budget_fund_and_year_to_the_penny)
{
	struct ledger l = ledger("Totalshire");
	long long a, b, c, pa, pb, pc, fund2;
	char body[256], path[160], dfe[16], fy[8], *csv;
	struct resp *r;
	const json_t *items;

	a = allocation(&l, token("officer"), 0, 123457);
	b = allocation(&l, token("officer"), 1, 100);
	pa = approve(token("officer"), a);
	pb = approve(token("officer"), b);
	r = act(token("finance"), "payments", pa, "paid", "{\"remittance_reference\": \"T1\", \"paid_on\": \"2020-11-02\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	snprintf(fy, sizeof fy, "%s", str(r->json, "financial_year"));
	snprintf(dfe, sizeof dfe, "%s", str(r->json, "dfe_number"));
	resp_free(r);
	r = act(token("finance"), "payments", pb, "reject", "{\"reason\": \"over the limit\"}");
	resp_free(r);
	r = act(token("officer"), "payments", pa, "reverse", "{\"reason\": \"paid in error\"}");
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Second fund\", "
	         "\"academic_year\": \"2021/22\", \"pot_pence\": 500}", l.la);
	fund2 = post_created(token("officer"), "/v1/funds", body);
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 99, \"payee_urn\": %d}",
	         fund2, l.groups[0], l.urns[0]);
	c = post_created(token("officer"), "/v1/fund-allocations", body);
	pc = approve(token("officer"), c);
	(void)pc;

	snprintf(path, sizeof path, "/v1/payments/totals?financial_year=%s", fy);
	r = http("GET", path, token_scoped("finance", l.la, 0), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	items = json_object_get(r->json, "items");
	{
		const json_t *school = totals_row(items, "school", l.fund, dfe), *fund = totals_row(items, "fund", l.fund, NULL),
		             *fund_b = totals_row(items, "fund", fund2, NULL), *all = totals_row(items, "all", 0, NULL),
		             *year = totals_row(items, "year", 0, NULL);
		cr_assert_not_null(school);
		cr_assert_eq(num(school, "payee_urn"), l.urns[0]);
		cr_assert_eq(num(school, "paid_pence"), 123457, "%s", r->body);
		cr_assert_eq(num(school, "outstanding_pence"), -123457, "its reversal, due");
		cr_assert_eq(num(school, "rejected_pence"), 0);
		cr_assert_eq(num(school, "payments"), 2);
		cr_assert_eq(num(fund, "paid_pence"), 123457);
		cr_assert_eq(num(fund, "rejected_pence"), 100);
		cr_assert_eq(num(fund, "payments"), 3);
		cr_assert_eq(num(fund_b, "outstanding_pence"), 99);
		cr_assert_str_eq(str(year, "financial_year"), fy);
		cr_assert_eq(num(all, "paid_pence"), 123457);
		cr_assert_eq(num(all, "outstanding_pence"), -123457 + 99);
		cr_assert_eq(num(all, "rejected_pence"), 100);
		cr_assert_eq(num(all, "payments"), 4);
	}
	resp_free(r);
	snprintf(path, sizeof path, "/v1/payments/totals?academic_year=2021/22");
	r = http("GET", path, token_scoped("finance", l.la, 0), NULL, NULL);
	cr_assert_eq(num(totals_row(json_object_get(r->json, "items"), "all", 0, NULL), "outstanding_pence"), 99);
	resp_free(r);

	/* the same as CSV, for the spreadsheet beside the ledger */
	snprintf(path, sizeof path, "/v1/payments/totals?financial_year=%s", fy);
	r = http("GET", path, token_scoped("finance", l.la, 0), NULL, (const char *const[]){"Accept: text/csv", NULL});
	cr_assert_eq(r->status, 200, "%s", r->body);
	csv = r->body;
	cr_assert(strncmp(csv, "level,financial_year,fund_id,fund_name,dfe_number,payee_urn,payments,paid_pence,"
	                       "outstanding_pence,rejected_pence\r\n", 99) == 0, "%s", csv);
	cr_assert(strstr(csv, "\r\nall,,,,,,4,123457,-123358,100\r\n"), "%s", csv);
	resp_free(r);

	r = http("GET", "/v1/payments/totals?financial_year=2020-21", token("finance"), NULL, NULL);
	assert_problem(r, 400, "malformed", "financial_year");
	resp_free(r);
	r = http("GET", "/v1/payments/totals", token("viewer"), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
}

Test(finance, an_las_grants_of_a_year_are_360giving_data)
{
	struct ledger l = ledger("Threesixtyshire");
	const char *officer = token_scoped("officer", l.la, 0);
	static const char *const csv[] = {"Accept: text/csv", NULL};
	long long paid_one = allocation(&l, officer, 0, 123457), unpaid = allocation(&l, officer, 1, 5000000);
	long long pay = approve(officer, paid_one);
	char path[160], want[96];
	struct resp *r;

	approve(officer, unpaid);
	allocation(&l, officer, 2, 777);   /* proposed: no grant yet */
	r = act(token("finance"), "payments", pay, "paid", "{\"remittance_reference\": \"G1\", \"paid_on\": \"2020-11-02\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	snprintf(path, sizeof path, "/v1/local-authorities/%lld/360giving?academic_year=2020/21", l.la_id);
	r = http("GET", path, officer, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	{
		const json_t *grants = json_object_get(r->json, "grants"), *g = json_array_get(grants, 0);

		cr_assert_eq(json_array_size(grants), 2, "the approved and the paid allocation: %s", r->body);
		/* pounds to the penny, from pence */
		cr_assert(strstr(r->body, "\"amountAwarded\": 1234.57") || strstr(r->body, "\"amountAwarded\":1234.57"),
		          "%s", r->body);
		cr_assert(strstr(r->body, "50000.00") != NULL, "%s", r->body);
		cr_assert(json_real_value(json_object_get(g, "amountDisbursed")) == 1234.57);
		snprintf(want, sizeof want, "GB-URN-%d", l.urns[0]);
		cr_assert_str_eq(str(json_array_get(json_object_get(g, "recipientOrganization"), 0), "id"), want);
		snprintf(want, sizeof want, "360G-consortia-la-%d", l.la);
		cr_assert_str_eq(str(json_array_get(json_object_get(g, "fundingOrganization"), 0), "id"), want);
		cr_assert_str_eq(str(g, "currency"), "GBP");
		cr_assert_str_eq(str(g, "title"), "Ledger fund 2020/21: Ledger consortium 0");
		cr_assert(str(g, "awardDate") && strlen(str(g, "awardDate")) == 10, "the day it was approved");
	}
	resp_free(r);

	/* the LA's own identifier, where it records one */
	snprintf(path, sizeof path, "/v1/local-authorities/%lld", l.la_id);
	assert_refused("PATCH", path, token("admin"), "{\"org_id\": \"not an id\"}", 422, "validation", "org_id");
	r = http_json("PATCH", path, token("admin"), "{\"org_id\": \"GB-LAE-TSX\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/local-authorities/%lld/360giving?academic_year=2020/21", l.la_id);
	r = http("GET", path, officer, NULL, NULL);
	cr_assert(strstr(r->body, "\"GB-LAE-TSX\"") != NULL, "%s", r->body);
	if (getenv("THREESIXTY_FIXTURE")) {
		FILE *f = fopen(getenv("THREESIXTY_FIXTURE"), "w");
		if (f) {
			fputs(r->body, f);
			fclose(f);
		}
	}
	resp_free(r);

	/* as 360Giving's spreadsheet template heads it */
	r = http("GET", path, officer, NULL, csv);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strncmp(r->body, "Identifier,Title,Description,Currency,Amount Awarded,Amount Disbursed,Award Date,"
	                           "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,", 120) == 0,
	          "%s", r->body);
	cr_assert(strstr(r->body, ",GBP,1234.57,1234.57,") != NULL, "%s", r->body);
	cr_assert(strstr(r->body, ",GBP,50000.00,0.00,") != NULL, "%s", r->body);
	resp_free(r);

	/* another LA's, a viewer, and a year that is no year */
	r = http("GET", path, token_scoped("officer", l.la + 1 > 999 ? 100 : l.la + 1, 0), NULL, NULL);
	cr_assert(r->status == 404, "another LA's officer: %ld", r->status);
	resp_free(r);
	r = http("GET", path, token("viewer"), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/local-authorities/%lld/360giving", l.la_id);
	r = http("GET", path, officer, NULL, NULL);
	assert_problem(r, 400, "malformed", "academic_year");
	resp_free(r);
}
