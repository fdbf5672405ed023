/*
 * Reads on the standby (DATABASE_READ_URL): lists, exports and reports go
 * there; a record read alone, the payment feed and a caller's reads after
 * its own write stay on the primary; a standby that lags past
 * READ_MAX_LAG_MS (1.5 s here) or is down is skipped; stopped under load,
 * it costs no read. The standby is the private cluster's own
 * (tools/pg.sh standby), paused, stopped and started by the tests.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../http/client.h"
#include "reads.h"

#define TO_STANDBY "consortia_standby_reads_total{outcome=\"standby\"}"
#define FENCED "consortia_standby_reads_total{outcome=\"primary_fenced\"}"
#define SKIPPED "consortia_standby_reads_total{outcome=\"primary_skipped\"}"
#define AFTER_FAILURE "consortia_standby_reads_total{outcome=\"primary_after_failure\"}"

static void
needs_standby(void)
{
	if (standby_url() == NULL)
		cr_skip_test("no standby (TEST_READS_STANDBY_URL)");
	standby_caught_up();
	standby_usable_is(true);
}

/* GET path as tok must answer 200; its body (malloc'd). */
static char *
get_ok(const char *tok, const char *path)
{
	struct resp *r = http("GET", path, tok, NULL, NULL);
	char *body;

	cr_assert_eq(r->status, 200, "%s: %ld %s", path, r->status, r->body);
	body = strdup(r->body);
	resp_free(r);
	return body;
}

/* The first school of LA 990, its URN and the path of the one-row list that shows it. */
static long long
first_school(char *list_path, size_t len)
{
	long long urn = db_scalar("SELECT min(urn) FROM school WHERE la_id = (SELECT id FROM local_authority "
	                          "WHERE code = 990)",
	                          NULL);

	snprintf(list_path, len, "/v1/schools?la=990&limit=1");
	return urn;
}

Test(standby, lists_exports_and_reports_read_there_and_the_rest_on_the_primary)
{
	double before;
	char *body;

	needs_standby();
	before = metric(TO_STANDBY);
	free(get_ok(token("viewer"), "/v1/schools?limit=5"));
	free(get_ok(token("viewer"), "/v1/consortia?limit=5"));
	free(get_ok(token("viewer"), "/v1/reports/overdue-evaluations"));
	body = get_ok(token("viewer"), "/v1/memberships.csv?la=937");
	cr_assert(strncmp(body, "id,", 3) == 0, "%.80s", body);
	free(body);
	cr_assert_eq(metric(TO_STANDBY), before + 4);

	/* one record, and the payment feed: the primary */
	before = metric(TO_STANDBY);
	{
		char path[64];
		snprintf(path, sizeof path, "/v1/schools/%lld", db_scalar("SELECT min(urn) FROM school", NULL));
		free(get_ok(token("viewer"), path));
	}
	free(get_ok(token("finance"), "/v1/payments?limit=5"));
	cr_assert_eq(metric(TO_STANDBY), before);
}

Test(standby, a_caller_reads_its_own_write_while_the_standby_lags_and_others_are_skipped_past_the_limit)
{
	const char *writer = token_as("admin", "standby-writer"), *reader = token_as("viewer", "standby-reader");
	char list[64], path[64], name[64], body_in[128], *body;
	long long urn;
	double fenced, skipped;
	struct resp *r;

	needs_standby();
	urn = first_school(list, sizeof list);
	snprintf(path, sizeof path, "/v1/schools/%lld", urn);
	snprintf(name, sizeof name, "Renamed while the standby waits %ld", (long)time(NULL));
	snprintf(body_in, sizeof body_in, "{\"name\": \"%s\"}", name);

	standby_run("SELECT pg_wal_replay_pause()");
	r = http_json("PATCH", path, writer, body_in, "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	/* the writer's list is read on the primary: it shows the write */
	fenced = metric(FENCED);
	body = get_ok(writer, list);
	cr_assert(strstr(body, name) != NULL, "the writer reads its write: %.200s", body);
	free(body);
	cr_assert_eq(metric(FENCED), fenced + 1);

	/* another caller's, on the standby within the limit: not yet */
	body = get_ok(reader, list);
	cr_assert(strstr(body, name) == NULL, "read on the standby, which has not replayed it: %.200s", body);
	free(body);

	/* past the limit the standby is skipped: everyone reads the write */
	standby_usable_is(false);
	skipped = metric(SKIPPED);
	body = get_ok(reader, list);
	cr_assert(strstr(body, name) != NULL, "%.200s", body);
	free(body);
	cr_assert_eq(metric(SKIPPED), skipped + 1);
	cr_assert_gt(metric("consortia_standby_lag_seconds"), 1.5);

	/* caught up again, it takes the reads back, the write included */
	standby_run("SELECT pg_wal_replay_resume()");
	needs_standby();
	skipped = metric(TO_STANDBY);
	body = get_ok(reader, list);
	cr_assert(strstr(body, name) != NULL, "%.200s", body);
	free(body);
	cr_assert_eq(metric(TO_STANDBY), skipped + 1);
}

struct load {
	atomic_bool stop;
	atomic_long ok, failed;
	char last_failure[256];
};

static void *
reader_loop(void *arg)
{
	struct load *l = arg;
	const char *tok = token_as("viewer", "standby-load");

	while (!atomic_load(&l->stop)) {
		struct resp *r = http("GET", "/v1/schools?limit=20", tok, NULL, NULL);
		if (r->status == 200) {
			atomic_fetch_add(&l->ok, 1);
		} else {
			atomic_fetch_add(&l->failed, 1);
			snprintf(l->last_failure, sizeof l->last_failure, "%ld %.200s", r->status, r->body);
		}
		resp_free(r);
	}
	return NULL;
}

static void
pg_sh_standby(const char *what)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "bash '%s' standby %s >/dev/null 2>&1", getenv("PG_SH"), what);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

Test(standby, stopped_under_load_it_costs_no_read, .timeout = 120)
{
	struct load l = {0};
	pthread_t t[4];
	double standby_reads, after_failure, skipped;

	needs_standby();
	for (int i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, reader_loop, &l), 0);
	sleep(1);
	standby_reads = metric(TO_STANDBY);
	skipped = metric(SKIPPED);
	pg_sh_standby("stop");
	sleep(2);
	after_failure = metric(AFTER_FAILURE);
	pg_sh_standby("start");
	sleep(1);
	atomic_store(&l.stop, true);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);

	cr_assert_eq(atomic_load(&l.failed), 0, "every read answered; the last failure: %s", l.last_failure);
	cr_assert_gt(atomic_load(&l.ok), 100);
	cr_assert_gt(standby_reads, 0);
	cr_assert_gt(metric(SKIPPED), skipped, "while it was down, the reads went to the primary");
	cr_log_info("reads under load: %ld; answered by the primary after a failure on the standby: %.0f",
	            atomic_load(&l.ok), after_failure);

	/* back, it takes reads again */
	needs_standby();
	standby_reads = metric(TO_STANDBY);
	free(get_ok(token("viewer"), "/v1/schools?limit=5"));
	cr_assert_eq(metric(TO_STANDBY), standby_reads + 1);
}
