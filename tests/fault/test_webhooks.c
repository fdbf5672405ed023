/*
 * Webhooks when the service dies: a change committed by a server that is
 * killed before it sends anything is delivered by the next server; a
 * server killed while a receiver holds its delivery leaves it to be sent
 * again, with the same webhook-id, once its lease runs out. Every delivery
 * is checked against its signature by a receiver on loopback.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../http/receiver.h"
#include "fault.h"

/* 32 bytes of key (the specification's bounds are 24 to 64). */
#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYqr"

/* An LA, a consortium of one school, a fund with two proposed allocations and a subscription to the receiver. */
static void
world(PGconn *pg, int port)
{
	char sql[1024];

	db_run(pg, "INSERT INTO local_authority (code, name) VALUES (861, 'Faultshire')");
	db_run(pg, "INSERT INTO school (urn, la_id, establishment_number, name, phase, type) "
	           "SELECT 861001, id, 2001, 'Fault Primary', 'primary', 'maintained' FROM local_authority WHERE code = 861");
	db_run(pg, "INSERT INTO school_group (kind, la_id, name) "
	           "SELECT 'consortium', id, 'Fault Consortium' FROM local_authority WHERE code = 861");
	db_run(pg, "INSERT INTO membership (group_id, kind, school_urn, start_date) "
	           "SELECT id, 'consortium', 861001, '2024-09-01' FROM school_group WHERE name = 'Fault Consortium'");
	db_run(pg, "INSERT INTO fund (la_id, kind, name, academic_year, pot_pence, census_date) "
	           "SELECT id, 'other', 'Fault ' || n, '2026/27', 100000, '2026-10-01' "
	           "FROM local_authority, generate_series(1, 2) n WHERE code = 861");
	db_run(pg, "INSERT INTO fund_allocation (fund_id, group_id, amount_pence, payee_urn) "
	           "SELECT f.id, g.id, 5000, 861001 FROM fund f, school_group g WHERE f.name LIKE 'Fault %' "
	           "AND g.name = 'Fault Consortium'");
	db_run(pg, "INSERT INTO service_account (name, role, la_code, client_id, secret_hash) "
	           "VALUES ('Fault finance', 'finance', 861, 'fault-finance', 'x')");
	snprintf(sql, sizeof sql,
	         "INSERT INTO webhook_subscription (la_id, account_id, url, event_types, secret, created_by) "
	         "SELECT l.id, a.id, 'http://127.0.0.1:%d/hooks', '{allocation.approved}', '%s', 'fault' "
	         "FROM local_authority l, service_account a WHERE l.code = 861 AND a.client_id = 'fault-finance'",
	         port, SECRET);
	db_run(pg, sql);
}

/* Approve the n-th allocation (by id) through the server. */
static void
approve(const struct server *s, int n)
{
	PGconn *pg = db_open();
	char id[24], url[160];
	struct answer a;

	snprintf(id, sizeof id, "%lld",
	         db_count(pg, "SELECT id FROM fund_allocation a WHERE a.payee_urn = 861001 ORDER BY id OFFSET $1::integer LIMIT 1",
	                  n == 1 ? "0" : "1"));
	PQfinish(pg);
	snprintf(url, sizeof url, "%s/v1/fund-allocations/%s/approve", s->url, id);
	call(&a, "POST", url, token_as("admin", "fault-officer"), NULL, (const char *[]){"If-Match: *", NULL}, 10);
	cr_assert_eq(a.status, 200, "%s", a.body ? a.body : "");
	answer_free(&a);
}

Test(webhooks, a_delivery_outlives_the_server_killed_before_or_while_sending_it)
{
	const char *silent[] = {"WEBHOOKS=0", NULL};
	const char *sending[] = {"WEBHOOK_ALLOW_HTTP=1", "WEBHOOK_POLL_MS=100", "WEBHOOK_TIMEOUT_SECONDS=2",
	                         "WEBHOOK_RETRY_SECONDS=1", NULL};
	struct receiver *rc = receiver_start(0, 200);
	struct server s;
	PGconn *pg;
	json_t *first, *again;

	cr_assert_not_null(rc);
	receiver_secrets(rc, SECRET, NULL);
	/* a server that sends nothing commits the change, and is killed */
	server_start(&s, silent);
	pg = db_open();
	world(pg, receiver_port(rc));
	approve(&s, 1);
	server_signal(&s, SIGKILL, true);
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM webhook_delivery WHERE status = 'pending'", NULL), 1,
	             "the change's delivery was committed with it");
	cr_assert_eq(receiver_count(rc), 0);
	/* the next server delivers it */
	server_restart(&s, sending);
	cr_assert_eq(receiver_wait(rc, "allocation.approved", 1, 10000), 1);

	/* a receiver that holds the next delivery; the server dies waiting for its answer */
	receiver_delay(rc, 4000);
	approve(&s, 2);
	for (int i = 0; i < 100 && receiver_count(rc) < 2; i++)
		usleep(100 * 1000);
	cr_assert_eq(receiver_count(rc), 2, "the second delivery reached the receiver");
	server_signal(&s, SIGKILL, true);
	receiver_delay(rc, 0);
	/* claimed under a lease (the timeout and 5 s): sent again when it runs out, the same message */
	server_restart(&s, sending);
	cr_assert_eq(receiver_wait(rc, "allocation.approved", 3, 20000), 3, "sent again after the lease");
	first = receiver_get(rc, 1);
	again = receiver_get(rc, 2);
	cr_assert_str_eq(json_string_value(json_object_get(first, "id")), json_string_value(json_object_get(again, "id")),
	                 "the same webhook-id: the receiver can tell it had it");
	cr_assert(json_equal(json_object_get(first, "body"), json_object_get(again, "body")));
	cr_assert_eq(receiver_forged(rc), 0);
	for (int i = 0; i < 50 && db_count(pg, "SELECT count(*) FROM webhook_delivery WHERE status = 'delivered'",
	                                   NULL) < 2; i++)
		usleep(100 * 1000);
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM webhook_delivery WHERE status = 'delivered'", NULL), 2);
	json_decref(first);
	json_decref(again);
	PQfinish(pg);
	server_signal(&s, SIGTERM, true);
	receiver_stop(rc);
}
