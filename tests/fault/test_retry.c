/*
 * A write that meets a serialization failure or a deadlock (40001, 40P01)
 * is run again whole by the dispatcher, a bounded number of times: the
 * caller sees one answer and the database one change; past the bound, 503
 * with Retry-After and nothing changed.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"

/*
 * Make the next `failures` inserts of an LA named "Retry..." fail with
 * sqlstate. A sequence counts them: it is not rolled back with the
 * transaction it failed.
 */
static void
inject(PGconn *pg, int failures, const char *sqlstate)
{
	char sql[1024];

	db_run(pg, "DROP SEQUENCE IF EXISTS retry_fault_seq");
	db_run(pg, "CREATE SEQUENCE retry_fault_seq");
	snprintf(sql, sizeof sql,
	         "CREATE OR REPLACE FUNCTION retry_fault() RETURNS trigger LANGUAGE plpgsql AS $$ "
	         "BEGIN IF NEW.name LIKE 'Retry%%' AND nextval('retry_fault_seq') <= %d THEN "
	         "RAISE EXCEPTION 'injected' USING ERRCODE = '%s'; END IF; RETURN NEW; END $$",
	         failures, sqlstate);
	db_run(pg, sql);
	db_run(pg, "DROP TRIGGER IF EXISTS retry_fault ON local_authority");
	db_run(pg, "CREATE TRIGGER retry_fault BEFORE INSERT ON local_authority "
	           "FOR EACH ROW EXECUTE FUNCTION retry_fault()");
}

static void
uninject(PGconn *pg)
{
	db_run(pg, "DROP TRIGGER IF EXISTS retry_fault ON local_authority");
	db_run(pg, "DROP FUNCTION IF EXISTS retry_fault()");
	db_run(pg, "DROP SEQUENCE IF EXISTS retry_fault_seq");
}

/* POST an LA to the server at url, with headers (NULL: JSON only). */
static void
post_la(struct answer *a, const char *url, const char *body, const char *const *headers)
{
	static const char *const json[] = {"Content-Type: application/json", NULL};

	call(a, "POST", url, token_as("admin", "retrier"), body, headers ? headers : json, 10);
}

Test(retry, a_write_that_clashes_is_run_again_and_answers_once)
{
	const char *h[] = {"Content-Type: application/json", "Idempotency-Key: retry-once", NULL};
	char url[256];
	struct server s;
	struct answer a;
	PGconn *pg;

	server_start(&s, NULL);
	pg = db_open();
	inject(pg, 2, "40001");
	snprintf(url, sizeof url, "%s/v1/local-authorities", s.url);
	post_la(&a, url, "{\"code\": 871, \"name\": \"Retryshire\"}", h);
	cr_assert_eq(a.status, 201, "%s", a.body);
	answer_free(&a);
	cr_assert_eq(db_count(pg, "SELECT last_value FROM retry_fault_seq", NULL), 3,
	             "two failed attempts, then the one that held");
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM local_authority WHERE code = 871", NULL), 1);
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM audit_event WHERE resource = 'local-authority' "
	                          "AND action = 'create' AND resource_id = (SELECT id::text FROM "
	                          "local_authority WHERE code = 871)", NULL), 1);
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM idempotency_key WHERE key = 'retry-once' "
	                          "AND status = 201", NULL), 1, "the key keeps the answer given");

	/* a deadlock is run again the same way */
	inject(pg, 1, "40P01");
	post_la(&a, url, "{\"code\": 872, \"name\": \"Retry Deadlock\"}", NULL);
	cr_assert_eq(a.status, 201, "%s", a.body);
	answer_free(&a);
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM local_authority WHERE code = 872", NULL), 1);
	uninject(pg);
	PQfinish(pg);
	server_signal(&s, SIGTERM, true);
}

Test(retry, a_write_that_keeps_clashing_is_503_and_changes_nothing)
{
	char url[256];
	struct server s;
	struct answer a;
	PGconn *pg;

	server_start(&s, NULL);
	pg = db_open();
	inject(pg, 1000, "40001");
	snprintf(url, sizeof url, "%s/v1/local-authorities", s.url);
	post_la(&a, url, "{\"code\": 873, \"name\": \"Retry Never\"}", NULL);
	cr_assert_eq(a.status, 503, "%s", a.body);
	cr_assert_str_eq(a.retry_after, "1");
	cr_assert(strstr(a.body, "urn:consortia:problem:unavailable") != NULL, "%s", a.body);
	answer_free(&a);
	cr_assert_eq(db_count(pg, "SELECT last_value FROM retry_fault_seq", NULL), 4,
	             "a bounded number of attempts");
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM local_authority WHERE code = 873", NULL), 0);
	uninject(pg);
	PQfinish(pg);
	server_signal(&s, SIGTERM, true);
}
