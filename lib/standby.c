/*
 * standby.c
 *    This module implements the watch over a read standby and the callers'
 *    read fences (see standby.h).
 */
#include "standby.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* The primary's WAL positions over the last moments: enough for READ_MAX_LAG_MS. */
#define SAMPLES 256

struct sample {
	long long at_ms;             /* CLOCK_MONOTONIC */
	uint64_t lsn;
};

struct standby {
	char *primary_url, *standby_url;
	int max_lag_ms, check_ms;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stopping;

	/* under mu: what the last check saw */
	bool well;                   /* answered, in recovery, within the lag */
	long long checked_ms;        /* when it last answered, CLOCK_MONOTONIC */
	long long lag_ms;
	uint64_t replayed;

	/* the monitor's own */
	struct sample samples[SAMPLES];
	size_t nsamples, next;
	long long purged_ms;

	atomic_ullong reads, fenced, skipped, failed;
};

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

bool
lsn_parse(const char *text, uint64_t *out)
{
	unsigned int hi, lo;
	int used = 0;

	if (text == NULL || sscanf(text, "%X/%X%n", &hi, &lo, &used) != 2 || text[used] != '\0')
		return false;
	*out = (uint64_t)hi << 32 | lo;
	return true;
}

static PGconn *
connect_to(const char *url)
{
	const char *const keys[] = {"dbname", "connect_timeout", "application_name", "options", NULL};
	const char *const vals[] = {url, "2", "consortia-standby-watch", "-c statement_timeout=2000", NULL};
	PGconn *pg = PQconnectdbParams(keys, vals, 1);

	if (PQstatus(pg) != CONNECTION_OK) {
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

/* One row, one column of sql on *pg (connecting first); NULL when it does not answer. */
static char *
ask(PGconn **pg, const char *url, const char *sql)
{
	PGresult *res;
	char *v = NULL;

	if (*pg == NULL && (*pg = connect_to(url)) == NULL)
		return NULL;
	res = PQexec(*pg, sql);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		v = strdup(PQgetvalue(res, 0, 0));
	else if (PQstatus(*pg) != CONNECTION_OK) {
		PQfinish(*pg);
		*pg = NULL;
	}
	PQclear(res);
	return v;
}

/*
 * How long ago the primary was last at a position the standby has
 * replayed: 0 when it has replayed the newest; -1 when it is behind every
 * position still remembered.
 */
static long long
lag_of(const struct standby *s, uint64_t replayed, long long now)
{
	long long caught_up = -1;

	for (size_t i = 0; i < s->nsamples; i++) {
		const struct sample *x = &s->samples[(s->next + SAMPLES - 1 - i) % SAMPLES];
		if (x->lsn <= replayed) {
			caught_up = i == 0 ? now : x->at_ms;
			break;
		}
	}
	return caught_up < 0 ? -1 : now - caught_up;
}

/* One check: the primary's position, then what the standby replayed. */
static void
check(struct standby *s, PGconn **primary, PGconn **standby)
{
	char *p = ask(primary, s->primary_url, "SELECT pg_current_wal_lsn()::text");
	char *r = ask(standby, s->standby_url,
	              "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END");
	long long now = now_ms(), lag = -1;
	uint64_t at, replayed = 0;
	bool answered = r && lsn_parse(r, &replayed);

	if (p && lsn_parse(p, &at)) {
		s->samples[s->next] = (struct sample){now, at};
		s->next = (s->next + 1) % SAMPLES;
		if (s->nsamples < SAMPLES)
			s->nsamples++;
	}
	if (answered)
		lag = lag_of(s, replayed, now);
	pthread_mutex_lock(&s->mu);
	if (answered) {
		s->checked_ms = now;
		s->replayed = replayed;
	}
	s->lag_ms = lag;
	s->well = answered && lag >= 0 && lag <= s->max_lag_ms;
	pthread_mutex_unlock(&s->mu);
	free(p);
	free(r);

	/* A fence older than any lag the standby may have is of no more use. */
	if (*primary && now - s->purged_ms > 60000) {
		PQclear(PQexec(*primary, "DELETE FROM read_fence WHERE written_at < now() - interval '10 minutes'"));
		s->purged_ms = now;
	}
}

static void *
watch(void *arg)
{
	struct standby *s = arg;
	PGconn *primary = NULL, *standby = NULL;

	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		struct timespec until;
		pthread_mutex_unlock(&s->mu);
		check(s, &primary, &standby);
		pthread_mutex_lock(&s->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)s->check_ms * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		if (!s->stopping)
			pthread_cond_timedwait(&s->cv, &s->mu, &until);
	}
	pthread_mutex_unlock(&s->mu);
	PQfinish(primary);
	PQfinish(standby);
	return NULL;
}

struct standby *
standby_start(const char *primary_url, const char *standby_url, int max_lag_ms, int check_ms)
{
	struct standby *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->primary_url = strdup(primary_url);
	s->standby_url = strdup(standby_url);
	s->max_lag_ms = max_lag_ms;
	s->check_ms = check_ms;
	s->lag_ms = -1;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (s->primary_url == NULL || s->standby_url == NULL ||
	    pthread_create(&s->thread, NULL, watch, s) != 0) {
		free(s->primary_url);
		free(s->standby_url);
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		free(s);
		return NULL;
	}
	return s;
}

void
standby_stop(struct standby *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s->primary_url);
	free(s->standby_url);
	free(s);
}

bool
standby_serves(struct standby *s, uint64_t fence)
{
	bool well, fresh, caught_up;

	pthread_mutex_lock(&s->mu);
	well = s->well;
	/* a watch that has stopped hearing from it (a frozen standby) is no answer */
	fresh = now_ms() - s->checked_ms <= 3LL * s->check_ms + 1000;
	caught_up = s->replayed >= fence;
	pthread_mutex_unlock(&s->mu);
	if (!well || !fresh) {
		atomic_fetch_add(&s->skipped, 1);
		return false;
	}
	if (!caught_up) {
		atomic_fetch_add(&s->fenced, 1);
		return false;
	}
	atomic_fetch_add(&s->reads, 1);
	return true;
}

void
standby_failed(struct standby *s)
{
	pthread_mutex_lock(&s->mu);
	s->well = false;
	pthread_mutex_unlock(&s->mu);
	atomic_fetch_add(&s->failed, 1);
}

void
standby_stats(struct standby *s, struct standby_stats *out)
{
	pthread_mutex_lock(&s->mu);
	out->usable = s->well;
	out->lag_ms = s->lag_ms;
	pthread_mutex_unlock(&s->mu);
	out->reads = atomic_load(&s->reads);
	out->fenced = atomic_load(&s->fenced);
	out->skipped = atomic_load(&s->skipped);
	out->failed = atomic_load(&s->failed);
}

static const struct db_stmt FENCE_RECORD = {"fence_record",
	"INSERT INTO read_fence (subject, lsn) VALUES ($1, pg_current_wal_lsn()) "
	"ON CONFLICT (subject) DO UPDATE SET lsn = excluded.lsn, written_at = now()"};
static const struct db_stmt FENCE_READ = {"fence_read",
	"SELECT lsn::text FROM read_fence WHERE subject = $1"};

enum err
fence_record(struct db_conn *c, const char *who, struct problem *p)
{
	PGresult *res;
	enum err e = db_exec(c, &FENCE_RECORD, 1, &who, &res, p);

	PQclear(res);
	return e;
}

enum err
fence_read(struct db_conn *c, const char *who, uint64_t *fence, struct problem *p)
{
	PGresult *res;
	enum err e = db_exec(c, &FENCE_READ, 1, &who, &res, p);

	*fence = 0;
	if (e == ERR_OK && PQntuples(res) == 1 && !lsn_parse(PQgetvalue(res, 0, 0), fence))
		e = problem_set(p, ERR_INTERNAL, "a read fence is not a WAL position");
	PQclear(res);
	return e;
}
