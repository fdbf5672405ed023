/*
 * Webhooks over HTTP, to a receiver on loopback that checks every
 * signature: a subscription's secret shown once; a change's events
 * delivered signed (and none for a change rolled back); the receiver down,
 * then up, and the delivery retried to it; a receiver that keeps failing,
 * the delivery failed and sent again by hand; a rotation, both secrets
 * signing; the day's events (an evaluation overdue, a chair unconfirmed, a
 * deadline near); and who may subscribe.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "receiver.h"

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

struct hook_world {
	int la, urn;
	long long la_id, account, group, fund;
	const char *officer;
};

static const char *const csv_headers[] = {"Content-Type: text/csv", NULL};

/* An LA with a service account for its finance system, a consortium of one school and a fund to allocate. */
static struct hook_world
hook_world(void)
{
	struct hook_world w = {.la = unused_la_code()};
	char body[512], path[128], key[24];
	struct resp *r;

	w.la_id = make_la(w.la, "Hookshire");
	w.officer = token_scoped("officer", w.la, 0);
	w.urn = make_school(w.la, 2001, "Hook Primary", "primary");
	snprintf(body, sizeof body, "group,kind,school,from\nHook Consortium,consortium,%d,2024-09-01\n", w.urn);
	snprintf(path, sizeof path, "/v1/local-authorities/%lld/groups/import", w.la_id);
	r = http("POST", path, token("admin"), body, csv_headers);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(key, sizeof key, "%lld", w.la_id);
	w.group = db_scalar("SELECT id FROM school_group WHERE la_id = $1::bigint", key);
	snprintf(body, sizeof body, "{\"name\": \"Finance system\", \"role\": \"finance\", \"la_code\": %d}", w.la);
	w.account = post_created(token("admin"), "/v1/service-accounts", body);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Hardship\", "
	         "\"academic_year\": \"2026/27\", \"pot_pence\": 1000000}", w.la);
	w.fund = post_created(w.officer, "/v1/funds", body);
	return w;
}

/* Subscribe w's account to types at the receiver; the secret shown once into secret. */
static long long
subscribe(const struct hook_world *w, const struct receiver *rc, const char *types, char secret[64])
{
	char body[512];
	struct resp *r;
	long long id;

	snprintf(body, sizeof body, "{\"la_code\": %d, \"account_id\": %lld, \"url\": \"http://127.0.0.1:%d/hooks\", "
	         "\"event_types\": [%s], \"description\": \"Finance system\"}", w->la, w->account, receiver_port(rc), types);
	r = http_json("POST", "/v1/webhook-subscriptions", w->officer, body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert(strncmp(str(r->json, "secret"), "whsec_", 6) == 0, "%s", r->body);
	snprintf(secret, 64, "%s", str(r->json, "secret"));
	id = num(r->json, "id");
	resp_free(r);
	return id;
}

/* An allocation from a fund of its own (a group has one from a fund), approved: an allocation.approved and a payment.due. */
static long long
approve_one(const struct hook_world *w, long long amount)
{
	static int funds;
	char body[256], path[96];
	long long alloc, fund = w->fund;
	struct resp *r;

	if (funds++) {
		snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Hardship %d\", "
		         "\"academic_year\": \"2026/27\", \"pot_pence\": 1000000}", w->la, funds);
		fund = post_created(w->officer, "/v1/funds", body);
	}
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": %lld, \"payee_urn\": %d}",
	         fund, w->group, amount, w->urn);
	alloc = post_created(w->officer, "/v1/fund-allocations", body);
	snprintf(path, sizeof path, "/v1/fund-allocations/%lld/approve", alloc);
	r = http("POST", path, w->officer, NULL, (const char *[]){"If-Match: *", NULL});
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	return alloc;
}

/* The deliveries of a subscription, as its log lists them (the caller decrefs). */
static json_t *
deliveries(const struct hook_world *w, long long sub, const char *status)
{
	char path[160];

	snprintf(path, sizeof path, "/v1/webhook-deliveries?subscription_id=%lld%s%s", sub, status ? "&status=" : "",
	         status ? status : "");
	return http_get_json(w->officer, path);
}

/* Wait up to ms for the subscription to have n deliveries of status. */
static bool
settles(const struct hook_world *w, long long sub, const char *status, size_t n, int ms)
{
	for (int waited = 0; waited <= ms; waited += 100) {
		json_t *l = deliveries(w, sub, status);
		size_t have = json_array_size(json_object_get(l, "items"));

		json_decref(l);
		if (have >= n)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

Test(webhooks, a_changes_events_arrive_signed_and_none_for_a_change_rolled_back)
{
	struct hook_world w = hook_world();
	struct receiver *rc = receiver_start(0, 200);
	char secret[64], path[128], key[24], body[512];
	long long sub, alloc;
	struct resp *r;
	json_t *m, *l, *d;

	cr_assert_not_null(rc);
	sub = subscribe(&w, rc, "\"payment.due\", \"payment.changed\", \"allocation.approved\", \"plan.submitted\"",
	                secret);
	receiver_secrets(rc, secret, NULL);
	/* the secret is shown once: reading the subscription does not show it */
	snprintf(path, sizeof path, "/v1/webhook-subscriptions/%lld", sub);
	m = http_get_json(w.officer, path);
	cr_assert_null(json_object_get(m, "secret"));
	cr_assert_eq(num(m, "account_id"), w.account);
	json_decref(m);

	alloc = approve_one(&w, 250000);
	cr_assert_eq(receiver_wait(rc, "allocation.approved", 1, 10000), 1, "the approval was told");
	cr_assert_eq(receiver_wait(rc, "payment.due", 1, 10000), 1, "the payment due was told");
	/* the finance system takes the payment into its run; a group submits its plan */
	snprintf(key, sizeof key, "%lld", alloc);
	snprintf(path, sizeof path, "/v1/payments/%lld/acknowledge",
	         db_scalar("SELECT id FROM payment WHERE allocation_id = $1::bigint", key));
	r = http_json("POST", path, token_scoped("finance", w.la, 0), "{\"finance_reference\": \"RUN-1\"}", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(body, sizeof body,
	         "{\"group_id\": %lld, \"fund_id\": %lld, \"priorities\": [\"Reading\"], \"actions\": "
	         "[{\"description\": \"Phonics\", \"success_criteria\": \"Trained\", \"responsible\": \"Chair\", "
	         "\"completion_date\": \"2027-03-31\", \"level\": \"collaboration\"}]}", w.group, w.fund);
	snprintf(path, sizeof path, "/v1/action-plans/%lld/submit", post_created(w.officer, "/v1/action-plans", body));
	r = http("POST", path, w.officer, NULL, (const char *[]){"If-Match: *", NULL});
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	cr_assert_eq(receiver_wait(rc, "payment.changed", 1, 10000), 1, "the payment's change was told");
	cr_assert_eq(receiver_wait(rc, "plan.submitted", 1, 10000), 1, "the plan's submission was told");
	for (size_t i = 0; i < receiver_count(rc); i++) {
		const json_t *event;

		m = receiver_get(rc, i);
		event = json_object_get(m, "body");
		cr_assert_eq(num(m, "signed_by"), 1, "delivery %zu is signed by the secret", i);
		cr_assert(strncmp(str(m, "id"), "msg_", 4) == 0);
		cr_assert_not_null(str(event, "timestamp"));
		if (strcmp(str(event, "type"), "allocation.approved") == 0) {
			cr_assert_eq(num(json_object_get(event, "data"), "id"), alloc);
			cr_assert_eq(num(json_object_get(event, "data"), "amount_pence"), 250000);
		} else if (strcmp(str(event, "type"), "payment.due") == 0) {
			cr_assert_eq(num(json_object_get(event, "data"), "allocation_id"), alloc);
			cr_assert_str_eq(str(json_object_get(event, "data"), "status"), "due");
		} else if (strcmp(str(event, "type"), "payment.changed") == 0) {
			cr_assert_str_eq(str(json_object_get(event, "data"), "status"), "acknowledged");
		} else {
			cr_assert_str_eq(str(event, "type"), "plan.submitted");
			cr_assert_eq(num(json_object_get(event, "data"), "group_id"), w.group);
		}
		json_decref(m);
	}
	cr_assert_eq(receiver_forged(rc), 0);
	/* the log: each delivered at the first attempt, with the receiver's answer */
	cr_assert(settles(&w, sub, "delivered", 4, 5000));
	l = deliveries(&w, sub, NULL);
	d = json_array_get(json_object_get(l, "items"), 0);
	cr_assert_str_eq(str(d, "status"), "delivered");
	cr_assert_eq(num(d, "attempts"), 1);
	cr_assert_eq(json_array_size(json_object_get(d, "log")), 1);
	cr_assert_eq(num(json_array_get(json_object_get(d, "log"), 0), "status_code"), 200);
	snprintf(path, sizeof path, "/v1/webhook-deliveries/%lld", num(d, "id"));
	m = http_get_json(w.officer, path);
	cr_assert_str_eq(str(m, "msg_id"), str(d, "msg_id"));
	cr_assert_str_eq(str(json_object_get(m, "event"), "type"), str(d, "event_type"));
	json_decref(m);
	json_decref(l);
	/* the LA's subscriptions */
	snprintf(path, sizeof path, "/v1/webhook-subscriptions?la=%d", w.la);
	l = http_get_json(w.officer, path);
	cr_assert_eq(json_array_size(json_object_get(l, "items")), 1);
	cr_assert_eq(num(json_array_get(json_object_get(l, "items"), 0), "id"), sub);
	json_decref(l);

	/* a change that rolls back tells nothing: the outbox is written in its transaction */
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Rolled back\", "
	         "\"academic_year\": \"2026/27\", \"pot_pence\": 1000}", w.la);
	w.fund = post_created(w.officer, "/v1/funds", body);
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 100, \"payee_urn\": %d}",
	         w.fund, w.group, w.urn);
	snprintf(key, sizeof key, "%lld", post_created(w.officer, "/v1/fund-allocations", body));
	db_rolled_back("UPDATE fund_allocation SET status = 'approved' WHERE id = $1::bigint", key);
	snprintf(key, sizeof key, "%lld", sub);
	cr_assert_eq(db_scalar("SELECT count(*) FROM webhook_delivery WHERE subscription_id = $1::bigint", key), 4);
	usleep(500 * 1000);
	cr_assert_eq(receiver_count(rc), 4, "nothing more came");
	receiver_stop(rc);
}

Test(webhooks, a_receiver_down_gets_the_delivery_when_it_is_back)
{
	struct hook_world w = hook_world();
	struct receiver *rc = receiver_start(0, 200);
	char secret[64];
	long long sub;
	int port;
	json_t *l, *d;

	cr_assert_not_null(rc);
	port = receiver_port(rc);
	sub = subscribe(&w, rc, "\"allocation.approved\"", secret);
	/* the receiver goes down; the approval's delivery finds no one and waits */
	receiver_stop(rc);
	approve_one(&w, 1000);
	for (int i = 0; i < 100; i++) {
		l = deliveries(&w, sub, "pending");
		d = json_array_get(json_object_get(l, "items"), 0);
		if (d && num(d, "attempts") >= 1 && str(d, "last_error"))
			break;
		json_decref(l);
		l = NULL;
		usleep(100 * 1000);
	}
	cr_assert_not_null(l, "an attempt failed while the receiver was down");
	cr_assert(strstr(str(d, "last_error"), "no answer"), "%s", str(d, "last_error"));
	json_decref(l);
	/* back on the same port: the retry gets through, signed */
	rc = receiver_start(port, 200);
	cr_assert_not_null(rc);
	receiver_secrets(rc, secret, NULL);
	cr_assert_eq(receiver_wait(rc, "allocation.approved", 1, 15000), 1);
	cr_assert_eq(receiver_forged(rc), 0);
	cr_assert(settles(&w, sub, "delivered", 1, 5000));
	l = deliveries(&w, sub, "delivered");
	d = json_array_get(json_object_get(l, "items"), 0);
	cr_assert_geq(num(d, "attempts"), 2);
	cr_assert_eq(json_array_size(json_object_get(d, "log")), (size_t)num(d, "attempts"));
	json_decref(l);
	receiver_stop(rc);
}

Test(webhooks, a_delivery_that_keeps_failing_fails_and_is_sent_again_by_hand)
{
	struct hook_world w = hook_world();
	struct receiver *rc = receiver_start(0, 503);
	char secret[64], path[128];
	long long sub, id;
	struct resp *r;
	json_t *l, *d;

	cr_assert_not_null(rc);
	sub = subscribe(&w, rc, "\"allocation.approved\"", secret);
	receiver_secrets(rc, secret, NULL);
	approve_one(&w, 1000);
	/* the test schedule: three retries a second apart, then failed */
	cr_assert(settles(&w, sub, "failed", 1, 15000), "the delivery failed after its retries");
	l = deliveries(&w, sub, "failed");
	d = json_array_get(json_object_get(l, "items"), 0);
	id = num(d, "id");
	cr_assert_eq(num(d, "attempts"), 4);
	cr_assert_eq(num(d, "last_status"), 503);
	cr_assert(json_is_null(json_object_get(d, "next_attempt_at")), "a failed delivery is not due again");
	json_decref(l);
	cr_assert_eq(receiver_wait(rc, "allocation.approved", 4, 1000), 4, "every attempt was signed");
	/* the receiver mended, an officer sends it again */
	receiver_answer(rc, 200);
	snprintf(path, sizeof path, "/v1/webhook-deliveries/%lld/retry", id);
	r = http("POST", path, w.officer, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(str(r->json, "status"), "pending");
	resp_free(r);
	cr_assert(settles(&w, sub, "delivered", 1, 10000));
	cr_assert_eq(receiver_forged(rc), 0);
	receiver_stop(rc);
}

Test(webhooks, a_rotated_secret_and_the_one_before_both_sign_for_a_while)
{
	struct hook_world w = hook_world();
	struct receiver *rc = receiver_start(0, 200);
	char secret[64], rotated[64], path[128];
	long long sub;
	struct resp *r;
	json_t *m;

	cr_assert_not_null(rc);
	sub = subscribe(&w, rc, "\"allocation.approved\"", secret);
	snprintf(path, sizeof path, "/v1/webhook-subscriptions/%lld/rotate", sub);
	r = http("POST", path, w.officer, NULL, (const char *[]){"If-Match: *", NULL});
	cr_assert_eq(r->status, 200, "%s", r->body);
	snprintf(rotated, sizeof rotated, "%s", str(r->json, "secret"));
	cr_assert(strncmp(rotated, "whsec_", 6) == 0 && strcmp(rotated, secret) != 0);
	cr_assert_not_null(str(r->json, "previous_secret_expires_at"));
	resp_free(r);
	/* a receiver that knows only the new secret, then one that knows only the old, accept the same message */
	receiver_secrets(rc, rotated, NULL);
	approve_one(&w, 1000);
	cr_assert_eq(receiver_wait(rc, "allocation.approved", 1, 10000), 1);
	m = receiver_get(rc, 0);
	cr_assert_eq(num(m, "signatures"), 2, "both secrets sign");
	cr_assert_eq(num(m, "signed_by"), 1);
	json_decref(m);
	receiver_secrets(rc, secret, NULL);
	approve_one(&w, 1000);
	cr_assert_eq(receiver_wait(rc, "allocation.approved", 2, 10000), 2);
	cr_assert_eq(receiver_count(rc), 2, "each message once");
	m = receiver_get(rc, 1);
	cr_assert_eq(num(m, "signed_by"), 1, "the secret before still signs");
	json_decref(m);
	receiver_stop(rc);
}

Test(webhooks, the_days_events_are_told_once)
{
	struct hook_world w = hook_world();
	struct receiver *rc = receiver_start(0, 200);
	char secret[64], body[512], soon[16];
	long long fund;
	time_t t = time(NULL) + 3 * 86400;
	struct tm tm;
	json_t *m;

	cr_assert_not_null(rc);
	strftime(soon, sizeof soon, "%Y-%m-%d", gmtime_r(&t, &tm));
	/* a fund whose evaluation was due a year ago, with an approved allocation; one whose plans are due soon */
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Old\", "
	         "\"academic_year\": \"2025/26\", \"pot_pence\": 10000, \"evaluation_due\": \"2025-12-01\"}", w.la);
	fund = post_created(w.officer, "/v1/funds", body);
	w.fund = fund;
	subscribe(&w, rc, "\"evaluation.overdue\", \"chair.unconfirmed\", \"deadline.approaching\"", secret);
	receiver_secrets(rc, secret, NULL);
	approve_one(&w, 1000);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Soon\", "
	         "\"academic_year\": \"2026/27\", \"pot_pence\": 10000, \"plan_deadline\": \"%s\"}", w.la, soon);
	post_created(w.officer, "/v1/funds", body);
	cr_assert_eq(receiver_wait(rc, "evaluation.overdue", 1, 10000), 1);
	cr_assert_eq(receiver_wait(rc, "deadline.approaching", 1, 10000), 1);
	/* the group has no chair confirmed for this year, its deadline (11 September) passed */
	cr_assert_eq(receiver_wait(rc, "chair.unconfirmed", 1, 10000), 1);
	/* told once: the scan runs every second, and a few more change nothing */
	sleep(3);
	cr_assert_eq(receiver_wait(rc, "evaluation.overdue", 2, 100), 1);
	cr_assert_eq(receiver_wait(rc, "chair.unconfirmed", 2, 100), 1);
	for (size_t i = 0; i < receiver_count(rc); i++) {
		const json_t *b;

		m = receiver_get(rc, i);
		b = json_object_get(m, "body");
		if (strcmp(str(b, "type"), "chair.unconfirmed") == 0)
			cr_assert_eq(num(json_object_get(b, "data"), "group_id"), w.group);
		if (strcmp(str(b, "type"), "evaluation.overdue") == 0)
			cr_assert_eq(num(json_object_get(b, "data"), "fund_id"), fund);
		json_decref(m);
	}
	cr_assert_eq(receiver_forged(rc), 0);
	receiver_stop(rc);
}

Test(webhooks, who_may_subscribe_and_what_a_subscription_must_be)
{
	struct hook_world w = hook_world();
	int other = unused_la_code();
	char body[512], path[128], bearer[2048];
	long long sub, stranger, own;
	struct resp *r;

	make_la(other, "Elsewhere");
	snprintf(body, sizeof body, "{\"name\": \"Other finance\", \"role\": \"finance\", \"la_code\": %d}", other);
	stranger = post_created(token("admin"), "/v1/service-accounts", body);
	/* not a URL, an unknown event, another LA's account, an LA not the caller's, a chair */
	snprintf(body, sizeof body, "{\"la_code\": %d, \"account_id\": %lld, \"url\": \"ftp://x.example/h\", "
	         "\"event_types\": [\"payment.due\"]}", w.la, w.account);
	assert_refused("POST", "/v1/webhook-subscriptions", w.officer, body, 422, "validation", "url");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"account_id\": %lld, \"url\": \"https://x.example/h\", "
	         "\"event_types\": [\"payment.eaten\"]}", w.la, w.account);
	assert_refused("POST", "/v1/webhook-subscriptions", w.officer, body, 422, "validation", "event_types[0]");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"account_id\": %lld, \"url\": \"https://x.example/h\", "
	         "\"event_types\": [\"payment.due\"]}", w.la, stranger);
	assert_refused("POST", "/v1/webhook-subscriptions", w.officer, body, 422, "validation", "account_id");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"account_id\": %lld, \"url\": \"https://x.example/h\", "
	         "\"event_types\": [\"payment.due\"]}", w.la, w.account);
	assert_refused("POST", "/v1/webhook-subscriptions", token_scoped("officer", other, 0), body, 403, "forbidden",
	               NULL);
	assert_refused("POST", "/v1/webhook-subscriptions", token_scoped("chair", w.la, w.urn), body, 403, "forbidden",
	               NULL);
	/* the finance system's own account, signed in, subscribes itself */
	snprintf(body, sizeof body, "{\"name\": \"Ledger\", \"role\": \"finance\", \"la_code\": %d}", w.la);
	r = http_json("POST", "/v1/service-accounts", token("admin"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	own = num(r->json, "id");
	snprintf(body, sizeof body, "grant_type=client_credentials&client_id=%s&client_secret=%s",
	         str(r->json, "client_id"), str(r->json, "client_secret"));
	resp_free(r);
	r = http("POST", "/v1/auth/token", NULL, body,
	         (const char *[]){"Content-Type: application/x-www-form-urlencoded", NULL});
	cr_assert_eq(r->status, 200, "%s", r->body);
	snprintf(bearer, sizeof bearer, "%s", str(r->json, "access_token"));
	resp_free(r);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"url\": \"https://finance.example/hooks\", "
	         "\"event_types\": [\"payment.due\", \"payment.changed\"]}", w.la);
	r = http_json("POST", "/v1/webhook-subscriptions", bearer, body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_eq(num(r->json, "account_id"), own);
	sub = num(r->json, "id");
	resp_free(r);
	/* another LA's officer does not see it; disabled, then deleted */
	snprintf(path, sizeof path, "/v1/webhook-subscriptions/%lld", sub);
	r = http("GET", path, token_scoped("officer", other, 0), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = http_json("PATCH", path, w.officer, "{\"enabled\": false}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_false(json_object_get(r->json, "enabled")));
	resp_free(r);
	r = http("DELETE", path, w.officer, NULL, (const char *[]){"If-Match: *", NULL});
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
}
