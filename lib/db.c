/*
 * db.c
 *    This module implements the connection pool and the statement helpers
 *    declared in db.h.
 */
#include "db.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"


PGconn *
db_connect(const char *conninfo, int statement_timeout_ms, char *why, size_t whylen)
{
	char options[256];
	const char *keys[] = {"dbname", "connect_timeout", "application_name", "options", NULL};
	const char *vals[] = {conninfo, "3", "consortia", options, NULL};
	PGconn *pg;

	/* UTC and ISO dates make timestamps in cursors and output round-trip. A
	 * backend checks every second that its client is still there, so a query
	 * the service gave up on (the deadline below) stops soon after. */
	snprintf(options, sizeof options,
	         "-c TimeZone=UTC -c DateStyle=ISO,YMD -c statement_timeout=%d "
	         "-c idle_in_transaction_session_timeout=60000 -c client_connection_check_interval=1000 "
	         "-c client_min_messages=warning -c jit=off", statement_timeout_ms);
	pg = PQconnectdbParams(keys, vals, 1);
	if (pg == NULL) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	if (PQstatus(pg) != CONNECTION_OK) {
		snprintf(why, whylen, "%s", PQerrorMessage(pg));
		why[strcspn(why, "\n")] = '\0';
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

enum err
db_pool_init(struct db_pool *pool, const char *conninfo, size_t n, int statement_timeout_ms,
             int deadline_ms)
{
	memset(pool, 0, sizeof *pool);
	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->cv, NULL);
	pool->statement_timeout_ms = statement_timeout_ms;
	pool->deadline_ms = deadline_ms;
	pool->conninfo = strdup(conninfo ? conninfo : "");
	pool->conns = calloc(n, sizeof *pool->conns);
	if (pool->conninfo == NULL || pool->conns == NULL)
		return ERR_INTERNAL;
	for (size_t i = 0; i < n; i++)
		pool->conns[i].pool = pool;
	pool->n = n;
	return ERR_OK;
}

/* What c prepared is gone with its session. */
static void
forget_statements(struct db_conn *c)
{
	c->nprepared = 0;
	for (size_t i = 0; i < c->ntexts; i++)
		free(c->texts[i]);
	c->ntexts = 0;
}

void
db_conn_close(struct db_conn *c)
{
	if (c->pg)
		PQfinish(c->pg);
	c->pg = NULL;
	forget_statements(c);
	free(c->prepared);
	free(c->texts);
	c->prepared = NULL;
	c->texts = NULL;
	c->capprepared = 0;
}

void
db_pool_destroy(struct db_pool *pool)
{
	for (size_t i = 0; i < pool->n; i++)
		db_conn_close(&pool->conns[i]);
	free(pool->conns);
	free(pool->conninfo);
	pthread_mutex_destroy(&pool->mu);
	pthread_cond_destroy(&pool->cv);
	memset(pool, 0, sizeof *pool);
}

static long long
monotonic_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/*
 * (Re)open c's connection; false if the database cannot be reached. After
 * a connect fails, none is tried for CONNECT_RETRY_MS: the requests
 * meanwhile are 503 at once, rather than each holding its worker for the
 * connect timeout while the database does not answer.
 */
static bool
conn_open(struct db_pool *pool, struct db_conn *c)
{
	long long failed = __atomic_load_n(&pool->connect_failed_ms, __ATOMIC_RELAXED);
	char why[256];

	if (c->pg)
		PQfinish(c->pg);
	c->pg = NULL;
	forget_statements(c);
	c->in_tx = false;
	if (failed != 0 && monotonic_ms() - failed < CONNECT_RETRY_MS)
		return false;
	c->pg = db_connect(pool->conninfo, pool->statement_timeout_ms, why, sizeof why);
	if (c->pg == NULL) {
		__atomic_store_n(&pool->connect_failed_ms, monotonic_ms(), __ATOMIC_RELAXED);
		log_msg("warn", "db_connect", "%s", why);
		return false;
	}
	__atomic_store_n(&pool->connect_failed_ms, 0, __ATOMIC_RELAXED);
	return true;
}

/* Count a failure of kind in the pool's tally (a connection outside a pool counts nowhere). */
#define COUNT(pool, kind)                                                            \
	do {                                                                              \
		if ((pool) != NULL)                                                           \
			__atomic_add_fetch(&(pool)->failures.kind, 1, __ATOMIC_RELAXED);          \
	} while (0)

void
db_failures_read(struct db_pool *pool, struct db_failures *out)
{
	out->pool_busy = __atomic_load_n(&pool->failures.pool_busy, __ATOMIC_RELAXED);
	out->unreachable = __atomic_load_n(&pool->failures.unreachable, __ATOMIC_RELAXED);
	out->timeout = __atomic_load_n(&pool->failures.timeout, __ATOMIC_RELAXED);
	out->conflict_retry = __atomic_load_n(&pool->failures.conflict_retry, __ATOMIC_RELAXED);
	out->unexpected = __atomic_load_n(&pool->failures.unexpected, __ATOMIC_RELAXED);
}

void
db_pool_stats(struct db_pool *pool, struct db_pool_stats *out)
{
	pthread_mutex_lock(&pool->mu);
	out->size = pool->n;
	out->in_use = 0;
	for (size_t i = 0; i < pool->n; i++)
		out->in_use += pool->conns[i].in_use;
	out->waiting = pool->waiting;
	pthread_mutex_unlock(&pool->mu);
}

static bool
idle_socket_readable(PGconn *pg)
{
	struct pollfd fd = {.fd = PQsocket(pg), .events = POLLIN};

	return fd.fd < 0 || poll(&fd, 1, 0) != 0;
}

enum err
db_acquire(struct db_pool *pool, int wait_ms, struct db_conn **out, struct problem *p)
{
	struct timespec deadline;
	struct db_conn *c = NULL;
	bool stale;
	int rc;

	*out = NULL;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += wait_ms / 1000;
	deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&pool->mu);
	for (;;) {
		for (size_t i = 0; i < pool->n; i++) {
			if (!pool->conns[i].in_use) {
				c = &pool->conns[i];
				c->in_use = true;
				c->round_trips = 0;
				break;
			}
		}
		if (c)
			break;
		pool->waiting++;
		rc = pthread_cond_timedwait(&pool->cv, &pool->mu, &deadline);
		pool->waiting--;
		if (rc == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&pool->mu);
	if (c == NULL) {
		COUNT(pool, pool_busy);
		p->retry_after = 1;
		return problem_set(p, ERR_UNAVAILABLE, "all database connections are busy");
	}
	/* An idle connection has nothing to read. One that is readable was
	 * closed by the server while it sat in the pool (a restart, an
	 * administrator's pg_terminate_backend: a FATAL message, then the end),
	 * so it is replaced before a request fails on it. */
	stale = c->pg != NULL && (PQstatus(c->pg) != CONNECTION_OK || idle_socket_readable(c->pg));
	if ((c->pg == NULL || stale) && !conn_open(pool, c)) {
		COUNT(pool, unreachable);
		db_release(pool, c);
		p->retry_after = 5;
		return problem_set(p, ERR_UNAVAILABLE, "the database is not reachable");
	}
	db_set_deadline(c, pool->deadline_ms);
	*out = c;
	return ERR_OK;
}

void
db_set_deadline(struct db_conn *c, int ms)
{
	if (ms <= 0) {
		c->deadline.tv_sec = 0;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &c->deadline);
	c->deadline.tv_sec += ms / 1000;
	c->deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (c->deadline.tv_nsec >= 1000000000L) {
		c->deadline.tv_sec++;
		c->deadline.tv_nsec -= 1000000000L;
	}
}

/* Milliseconds left before c's deadline: -1 for none, 0 when it has passed. */
static int
time_left(const struct db_conn *c)
{
	struct timespec now;
	long long ms;

	if (c->deadline.tv_sec == 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(c->deadline.tv_sec - now.tv_sec) * 1000 +
	     (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

void
db_release(struct db_pool *pool, struct db_conn *c)
{
	if (c == NULL)
		return;
	if (c->in_tx)
		db_rollback(c);
	pthread_mutex_lock(&pool->mu);
	c->in_use = false;
	pthread_cond_signal(&pool->cv);
	pthread_mutex_unlock(&pool->mu);
}

static bool
connection_lost(PGconn *pg, const char *state)
{
	return PQstatus(pg) == CONNECTION_BAD || strncmp(state, "08", 2) == 0 ||
	       strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 ||
	       strcmp(state, "57P03") == 0;
}

enum err
db_map_result(struct db_pool *pool, PGconn *pg, const PGresult *res, struct problem *p)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;

	if (state == NULL)
		state = "08000";   /* no result or no SQLSTATE: the connection went */
	snprintf(p->sqlstate, sizeof p->sqlstate, "%s", state);
	snprintf(p->constraint, sizeof p->constraint, "%s", constraint ? constraint : "");

	if (strcmp(state, "23505") == 0)
		return problem_set(p, ERR_CONFLICT, "a resource with the same identity exists");
	if (strcmp(state, "23001") == 0)
		return problem_set(p, ERR_CONFLICT, "the change is not allowed in the current state");
	if (strcmp(state, "23P01") == 0)
		return problem_set(p, ERR_CONFLICT, "the dates overlap another record's");
	if (strcmp(state, "23503") == 0)
		return problem_set(p, ERR_CONFLICT, "the change would break a reference");
	if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0)
		return problem_set(p, ERR_VALIDATION, "the change breaks a rule");
	if (strncmp(state, "22", 2) == 0)
		return problem_set(p, ERR_MALFORMED, "a value is not valid for its type");
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
		COUNT(pool, conflict_retry);
		p->retry_after = 1;
		return problem_set(p, ERR_RETRY, "the change clashed with another; try again");
	}
	if (strcmp(state, "57014") == 0) {
		COUNT(pool, timeout);
		p->retry_after = 1;
		return problem_set(p, ERR_UNAVAILABLE, "the database took too long to answer");
	}
	if (connection_lost(pg, state)) {
		COUNT(pool, unreachable);
		p->retry_after = 5;
		return problem_set(p, ERR_UNAVAILABLE, "the database is not reachable");
	}
	COUNT(pool, unexpected);
	log_msg("error", "db", "%s %s", state,
	        res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(pg));
	return problem_set(p, ERR_INTERNAL, "unexpected database error");
}

enum err
db_map_error(struct db_conn *c, const PGresult *res, struct problem *p)
{
	return db_map_result(c->pool, c->pg, res, p);
}

static bool
is_prepared(const struct db_conn *c, const struct db_stmt *st)
{
	for (size_t i = 0; i < c->nprepared; i++)
		if (c->prepared[i] == st)
			return true;
	return false;
}

/*
 * Wait for the answer to what was just sent, until c's deadline. Returns the
 * last result (an error, if any, is the last), or NULL when the connection
 * failed. Past the deadline the connection is dropped (the server rolls back
 * what it was doing) and *late is set; the pool reconnects it on next use.
 */
static PGresult *
await_result(struct db_conn *c, bool *late)
{
	PGresult *res, *last = NULL;
	struct pollfd fd = {.fd = PQsocket(c->pg), .events = POLLIN};
	int left, rc;

	*late = false;
	for (;;) {
		while (PQisBusy(c->pg)) {
			if ((left = time_left(c)) == 0) {
				PQclear(last);
				PQfinish(c->pg);
				c->pg = NULL;
				forget_statements(c);
				c->in_tx = false;
				*late = true;
				return NULL;
			}
			rc = poll(&fd, 1, left);
			if (rc < 0 && errno != EINTR)
				break;
			if (rc > 0 && !PQconsumeInput(c->pg))
				break;
		}
		if ((res = PQgetResult(c->pg)) == NULL)
			break;
		if (last && PQresultStatus(last) == PGRES_FATAL_ERROR) {
			PQclear(res);
			continue;
		}
		PQclear(last);
		last = res;
	}
	return last;
}

enum err
db_late(struct db_pool *pool, struct problem *p)
{
	COUNT(pool, timeout);
	p->sqlstate[0] = p->constraint[0] = '\0';
	p->retry_after = 1;
	log_msg("warn", "db_deadline", "no answer from the database in time; connection dropped");
	return problem_set(p, ERR_UNAVAILABLE, "the database took too long to answer");
}

/* The answer to a statement just sent (sent: what PQsend* returned). */
static PGresult *
run(struct db_conn *c, int sent, bool *late)
{
	*late = false;
	if (!sent)
		return NULL;
	c->round_trips++;
	return await_result(c, late);
}

static bool
succeeded(const PGresult *res)
{
	ExecStatusType s = PQresultStatus(res);

	return res && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
}

/* Prepare sql on c under name; *lost tells whether the connection went away. */
static enum err
prepare(struct db_conn *c, const char *name, const char *sql, int n, struct problem *p, bool *lost)
{
	bool late;
	PGresult *res = run(c, PQsendPrepare(c->pg, name, sql, n, NULL), &late);
	enum err e = ERR_OK;

	if (late)
		return db_late(c->pool, p);
	if (!succeeded(res)) {
		*lost = PQstatus(c->pg) == CONNECTION_BAD;
		e = db_map_error(c, res, p);
	}
	PQclear(res);
	return e;
}

/*
 * The name under which c prepared sql, prepared now if c has room for
 * another; name[0] '\0' when it has none (the text is then run unnamed).
 */
static enum err
text_name(struct db_conn *c, const char *sql, int n, char *name, size_t len, struct problem *p,
          bool *lost)
{
	enum err e;
	char *copy;
	size_t i;

	for (i = 0; i < c->ntexts && strcmp(c->texts[i], sql) != 0; i++)
		;
	name[0] = '\0';
	if (i == DB_TEXTS)
		return ERR_OK;
	snprintf(name, len, "text_%zu", i);
	if (i < c->ntexts)
		return ERR_OK;
	if ((c->texts == NULL && (c->texts = calloc(DB_TEXTS, sizeof *c->texts)) == NULL) ||
	    (copy = strdup(sql)) == NULL)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	if ((e = prepare(c, name, sql, n, p, lost)) != ERR_OK) {
		free(copy);
		return e;
	}
	c->texts[c->ntexts++] = copy;
	return ERR_OK;
}

/* One attempt; *lost tells whether the connection went away. */
static enum err
exec_once(struct db_conn *c, const struct db_stmt *st, const char *sql, int n,
          const char *const *vals, PGresult **out, struct problem *p, bool *lost)
{
	PGresult *res;
	bool late;
	enum err e;
	char name[32];

	*lost = false;
	if (c->pg == NULL)
		return db_map_error(c, NULL, p);
	/* Room to remember it first: a statement prepared and then forgotten would be
	 * prepared again under its name, which PostgreSQL refuses (42P05). */
	if (st && !is_prepared(c, st) && c->nprepared == c->capprepared) {
		size_t cap = c->capprepared ? c->capprepared * 2 : 128;
		const struct db_stmt **grown = realloc(c->prepared, cap * sizeof *grown);
		if (grown == NULL)
			return problem_set(p, ERR_INTERNAL, "out of memory");
		c->prepared = grown;
		c->capprepared = cap;
	}
	if (st && !is_prepared(c, st)) {
		if ((e = prepare(c, st->name, st->sql, n, p, lost)) != ERR_OK)
			return e;
		c->prepared[c->nprepared++] = st;
	}
	if (st) {
		res = run(c, PQsendQueryPrepared(c->pg, st->name, n, vals, NULL, NULL, 0), &late);
	} else if ((e = text_name(c, sql, n, name, sizeof name, p, lost)) != ERR_OK) {
		return e;
	} else if (name[0]) {
		res = run(c, PQsendQueryPrepared(c->pg, name, n, vals, NULL, NULL, 0), &late);
	} else {
		res = run(c, PQsendQueryParams(c->pg, sql, n, NULL, vals, NULL, NULL, 0), &late);
	}
	if (late)
		return db_late(c->pool, p);
	if (succeeded(res)) {
		*out = res;
		return ERR_OK;
	}
	*lost = PQstatus(c->pg) == CONNECTION_BAD;
	e = db_map_error(c, res, p);
	PQclear(res);
	return e;
}

static enum err
exec_retrying(struct db_conn *c, const struct db_stmt *st, const char *sql, int n,
              const char *const *vals, PGresult **out, struct problem *p)
{
	bool lost;
	enum err e;

	*out = NULL;
	e = exec_once(c, st, sql, n, vals, out, p, &lost);
	if (e != ERR_OK && lost && !c->in_tx && c->pg != NULL) {
		/* The database restarted under an idle connection: one fresh try. */
		char why[256];

		PQreset(c->pg);
		forget_statements(c);
		if (PQstatus(c->pg) == CONNECTION_OK) {
			problem_clear(p);
			e = exec_once(c, st, sql, n, vals, out, p, &lost);
		} else {
			snprintf(why, sizeof why, "%s", PQerrorMessage(c->pg));
			log_msg("warn", "db_reset", "%s", why);
		}
	}
	return e;
}

enum err
db_exec(struct db_conn *c, const struct db_stmt *st, int n, const char *const *vals,
        PGresult **out, struct problem *p)
{
	return exec_retrying(c, st, NULL, n, vals, out, p);
}

enum err
db_exec_sql(struct db_conn *c, const char *sql, int n, const char *const *vals,
            PGresult **out, struct problem *p)
{
	return exec_retrying(c, NULL, sql, n, vals, out, p);
}

static enum err
simple(struct db_conn *c, const char *sql, struct problem *p)
{
	PGresult *res;
	enum err e = ERR_OK;
	bool late;

	if (c->pg == NULL)
		return db_map_error(c, NULL, p);
	res = run(c, PQsendQuery(c->pg, sql), &late);
	if (late)
		return db_late(c->pool, p);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		e = db_map_error(c, res, p);
	PQclear(res);
	return e;
}

enum err
db_begin(struct db_conn *c, struct problem *p)
{
	enum err e;

	if (c->pg != NULL && PQstatus(c->pg) != CONNECTION_OK) {
		PQreset(c->pg);
		forget_statements(c);
	}
	e = simple(c, "BEGIN", p);
	if (e == ERR_OK)
		c->in_tx = true;
	return e;
}

enum err
db_commit(struct db_conn *c, struct problem *p)
{
	enum err e = simple(c, "COMMIT", p);

	c->in_tx = false;
	return e;
}

void
db_rollback(struct db_conn *c)
{
	struct problem ignored = {0};

	if (c->in_tx && PQstatus(c->pg) == CONNECTION_OK)
		simple(c, "ROLLBACK", &ignored);
	problem_clear(&ignored);
	c->in_tx = false;
}
