/*
 * A record's read goes to the pipeline (PIPELINE_CONNECTIONS) and its
 * connection is suspended meanwhile: one worker keeps many reads in flight
 * and answers other requests all the while; a read held past
 * REQUEST_DEADLINE_MS is 503 and the others go on; a database that is
 * down is 503 at once; SIGTERM waits for the reads in flight.
 *
 * A read is held by a transaction that locks the school table: every read
 * of a school waits for it, on the database, where the pipeline sent it.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

#define READERS 8

struct reader {
	const char *url;
	const char *tok;
	pthread_t thread;
	struct answer a;
};

static void *
read_school(void *arg)
{
	struct reader *rd = arg;

	call(&rd->a, "GET", rd->url, rd->tok, NULL, NULL, 20);
	return NULL;
}

/* n clients reading url at once, each on its own thread. */
static void
readers_start(struct reader *rd, int n, const char *url, const char *tok)
{
	for (int i = 0; i < n; i++) {
		rd[i] = (struct reader){.url = url, .tok = tok};
		cr_assert(pthread_create(&rd[i].thread, NULL, read_school, &rd[i]) == 0);
	}
}

/* Each of the n readers answered, with the school. */
static void
readers_answered(struct reader *rd, int n)
{
	for (int i = 0; i < n; i++) {
		pthread_join(rd[i].thread, NULL);
		cr_assert_eq(rd[i].a.status, 200, "reader %d: %ld %s", i, rd[i].a.status, rd[i].a.body);
		cr_assert(strstr(rd[i].a.body, "Pipeline Primary") != NULL, "%s", rd[i].a.body);
		answer_free(&rd[i].a);
	}
}

/* The LA 421 and its school 742101, made once for the tests here (the server migrated the database). */
static void
school_exists(PGconn *pg)
{
	db_run(pg, "INSERT INTO local_authority (code, name) VALUES (421, 'Pipelineshire') "
	           "ON CONFLICT DO NOTHING");
	db_run(pg, "INSERT INTO school (urn, la_id, establishment_number, name, phase, type) "
	           "SELECT 742101, id, 2101, 'Pipeline Primary', 'primary', 'maintained' "
	           "FROM local_authority WHERE code = 421 ON CONFLICT DO NOTHING");
}

/* Hold every read of a school: a transaction with the table locked, until db_run(pg, "COMMIT"). */
static PGconn *
hold_schools(void)
{
	PGconn *pg = db_open();

	db_run(pg, "BEGIN");
	db_run(pg, "LOCK TABLE school IN ACCESS EXCLUSIVE MODE");
	return pg;
}

/* The value of a metric line "name value" in /metrics; -1 if absent. */
static long
metric(const struct server *s, const char *name)
{
	char url[128], key[128];
	struct answer a;
	const char *at;
	long v = -1;

	snprintf(url, sizeof url, "%s/metrics", s->url);
	snprintf(key, sizeof key, "\n%s ", name);
	call(&a, "GET", url, NULL, NULL, NULL, 5);
	cr_assert_eq(a.status, 200, "/metrics answered %ld", a.status);
	if ((at = strstr(a.body, key)) != NULL)
		v = atol(at + strlen(key));
	answer_free(&a);
	return v;
}

/* Wait (up to 10 s) until the pipeline has at least n reads on the database. */
static long
wait_in_flight(const struct server *s, long n)
{
	long now = -1;

	for (int i = 0; i < 200 && (now = metric(s, "consortia_pipeline_in_flight")) < n; i++)
		usleep(50 * 1000);
	return now;
}

Test(pipeline, one_worker_keeps_many_reads_in_flight_and_answers_others_meanwhile)
{
	const char *env[] = {"WORKERS=1", "PIPELINE_CONNECTIONS=1", NULL};
	const char *tok = token_as("viewer", "pipeline-reader");
	struct reader rd[READERS];
	char url[128];
	struct server s;
	PGconn *pg, *hold;

	server_start(&s, env);
	pg = db_open();
	school_exists(pg);
	snprintf(url, sizeof url, "%s/v1/schools/742101", s.url);

	hold = hold_schools();
	readers_start(rd, READERS, url, tok);
	/* Every read is on the database at once, from the one worker, which answers /metrics meanwhile. */
	cr_assert_eq(wait_in_flight(&s, READERS), READERS);
	cr_assert_eq(metric(&s, "consortia_pipeline_connections"), 1);

	db_run(hold, "COMMIT");
	PQfinish(hold);
	readers_answered(rd, READERS);
	cr_assert_eq(metric(&s, "consortia_pipeline_in_flight"), 0);
	cr_assert_geq(metric(&s, "consortia_pipeline_in_flight_peak"), READERS);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
	PQfinish(pg);
}

Test(pipeline, a_read_held_past_the_deadline_is_503_and_the_others_are_answered)
{
	const char *env[] = {"WORKERS=1", "PIPELINE_CONNECTIONS=2", "REQUEST_DEADLINE_MS=1000", NULL};
	const char *tok = token_as("admin", "pipeline-admin");
	struct reader held;
	char url[128], la_url[128];
	struct server s;
	struct answer a;
	PGconn *pg, *hold;

	server_start(&s, env);
	pg = db_open();
	school_exists(pg);
	snprintf(url, sizeof url, "%s/v1/schools/742101", s.url);
	snprintf(la_url, sizeof la_url, "%s/v1/local-authorities/%lld", s.url,
	         db_count(pg, "SELECT id FROM local_authority WHERE code = $1", "421"));

	hold = hold_schools();
	readers_start(&held, 1, url, tok);
	cr_assert_eq(wait_in_flight(&s, 1), 1);
	/* Another record's read takes the other connection, and is answered at once. */
	for (int i = 0; i < 5; i++) {
		call(&a, "GET", la_url, tok, NULL, NULL, 10);
		cr_assert_eq(a.status, 200, "%ld %s", a.status, a.body);
		cr_assert(strstr(a.body, "Pipelineshire") != NULL, "%s", a.body);
		cr_assert_lt(a.seconds, 0.9, "the LA's read waited %.2f s", a.seconds);
		answer_free(&a);
	}
	pthread_join(held.thread, NULL);
	cr_assert_eq(held.a.status, 503, "%ld %s", held.a.status, held.a.body);
	cr_assert(strstr(held.a.body, "took too long") != NULL, "%s", held.a.body);
	cr_assert_str_neq(held.a.retry_after, "");
	answer_free(&held.a);

	db_run(hold, "COMMIT");
	PQfinish(hold);
	/* The connection dropped at the deadline is made again: the school is read. */
	call(&a, "GET", url, tok, NULL, NULL, 10);
	cr_assert_eq(a.status, 200, "%ld %s", a.status, a.body);
	answer_free(&a);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
	PQfinish(pg);
}

Test(pipeline, the_database_down_is_503_at_once_and_reads_come_back_with_it)
{
	const char *env[] = {"PIPELINE_CONNECTIONS=2", NULL};
	const char *tok = token_as("admin", "pipeline-admin");
	char url[128];
	struct server s;
	struct answer a;
	PGconn *pg;

	server_start(&s, env);
	pg = db_open();
	school_exists(pg);
	PQfinish(pg);
	snprintf(url, sizeof url, "%s/v1/schools/742101", s.url);
	call(&a, "GET", url, tok, NULL, NULL, 10);
	cr_assert_eq(a.status, 200, "%ld %s", a.status, a.body);
	answer_free(&a);

	cluster("stop");
	for (int i = 0; i < 3; i++) {
		call(&a, "GET", url, tok, NULL, NULL, 10);
		cr_assert_eq(a.status, 503, "%ld %s", a.status, a.body);
		cr_assert(strstr(a.body, "not reachable") != NULL, "%s", a.body);
		cr_assert_str_neq(a.retry_after, "");
		cr_assert_lt(a.seconds, 2.0, "the 503 took %.2f s", a.seconds);
		answer_free(&a);
	}
	cluster("start");
	/* The pipeline connects again (after a second at most since its last try). */
	for (int i = 0; i < 40; i++) {
		call(&a, "GET", url, tok, NULL, NULL, 10);
		if (a.status == 200)
			break;
		answer_free(&a);
		usleep(100 * 1000);
	}
	cr_assert_eq(a.status, 200, "%ld %s", a.status, a.body);
	answer_free(&a);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
}

Test(pipeline, sigterm_waits_for_the_reads_in_flight)
{
	const char *env[] = {"WORKERS=1", "PIPELINE_CONNECTIONS=1", NULL};
	const char *tok = token_as("viewer", "pipeline-reader");
	struct reader rd[2];
	char url[128];
	struct server s;
	PGconn *pg, *hold;

	server_start(&s, env);
	pg = db_open();
	school_exists(pg);
	snprintf(url, sizeof url, "%s/v1/schools/742101", s.url);
	hold = hold_schools();
	readers_start(rd, 2, url, tok);
	cr_assert_eq(wait_in_flight(&s, 2), 2);
	server_signal(&s, SIGTERM, false);
	usleep(500 * 1000);
	cr_assert(server_alive(&s), "the server stopped with reads in flight");
	db_run(hold, "COMMIT");
	PQfinish(hold);
	readers_answered(rd, 2);
	cr_assert_eq(server_signal(&s, 0, true), 0);
	PQfinish(pg);
}
