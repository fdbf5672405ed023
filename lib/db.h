/*
 * db.h
 *    PostgreSQL access: a fixed pool of connections shared by the HTTP
 *    workers, statements prepared once per connection, and the mapping of
 *    PostgreSQL's SQLSTATEs onto the program's errors.
 *
 * A struct db_conn is used by one thread at a time, between db_acquire()
 * and db_release(). Every query goes through db_exec() (a named, prepared
 * statement) or db_exec_sql() (SQL assembled from fixed fragments at run
 * time); both take their values as parameters, never spliced into SQL.
 */
#ifndef CONSORTIA_DB_H
#define CONSORTIA_DB_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"

/* A statement with a name unique in the program; lives for the program. */
struct db_stmt {
	const char *name;
	const char *sql;
};

/* Statements assembled at run time that a connection prepares, by their text, at most. */
#define DB_TEXTS 64

struct db_conn {
	PGconn *pg;
	const struct db_stmt **prepared;   /* owned: the statements this connection prepared */
	size_t nprepared, capprepared;
	char **texts;                      /* owned: db_exec_sql's, prepared as "text_<i>" */
	size_t ntexts;
	bool in_tx;
	bool in_use;
	unsigned round_trips;         /* statements sent (a prepare counts) since db_acquire */
	struct db_pool *pool;         /* the pool it belongs to; NULL outside one */
	struct timespec deadline;     /* CLOCK_MONOTONIC; tv_sec 0: none */
};

/* A pool's database failures since start, by kind (for /metrics). */
struct db_failures {
	unsigned long long pool_busy;      /* no connection free in time */
	unsigned long long unreachable;    /* could not connect, or the connection went */
	unsigned long long timeout;        /* statement_timeout, or the request's deadline */
	unsigned long long conflict_retry; /* serialization failure or deadlock */
	unsigned long long unexpected;     /* anything else the service did not expect */
};

struct db_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct db_conn *conns;
	size_t n;
	char *conninfo;
	int statement_timeout_ms;
	int deadline_ms;              /* a request's whole time on the database */
	size_t waiting;               /* requests waiting for a connection (under mu) */
	struct db_failures failures;  /* counted atomically */
	long long connect_failed_ms;  /* CLOCK_MONOTONIC of the last failed connect, 0: none since (atomic) */
};

/* After a failed connect, a pool tries none for this long (its requests are 503 at once). */
#define CONNECT_RETRY_MS 1000

/* What the pool is doing, for /metrics. */
struct db_pool_stats {
	size_t size, in_use, waiting;
};


void db_pool_stats(struct db_pool *pool, struct db_pool_stats *out);
void db_failures_read(struct db_pool *pool, struct db_failures *out);

/*
 * Set up a pool of n connections to conninfo (a libpq URI or key=value
 * string; "" for libpq's defaults). Connections open lazily, on first use,
 * so the service starts while the database is down. Each statement may run
 * statement_timeout_ms (the server cancels it); all the statements of one
 * borrowing together may take deadline_ms, after which the service stops
 * waiting, drops the connection (the server then rolls back) and answers
 * 503: so a database that does not answer at all still frees the worker.
 * Returns ERR_INTERNAL when out of memory; the pool is then unusable but
 * safe to destroy.
 */
enum err db_pool_init(struct db_pool *pool, const char *conninfo, size_t n,
                      int statement_timeout_ms, int deadline_ms);

/* Move c's deadline to ms from now (0: none), for a long export. */
void db_set_deadline(struct db_conn *c, int ms);

/* Close every connection and free the pool. No connection may be in use. */
void db_pool_destroy(struct db_pool *pool);

/*
 * Take a connection, waiting up to wait_ms for one to be free, and make
 * sure it is connected (reconnecting one the database dropped). Its
 * deadline starts now.
 * ERR_UNAVAILABLE (with p->retry_after) when none is free in time or the
 * database cannot be reached. The connection is borrowed until db_release.
 */
enum err db_acquire(struct db_pool *pool, int wait_ms, struct db_conn **out,
                    struct problem *p);

/* Close a connection made outside a pool (its statements forgotten). */
void db_conn_close(struct db_conn *c);

/* Give a connection back; rolls back a transaction left open. NULL is a no-op. */
void db_release(struct db_pool *pool, struct db_conn *c);

/*
 * Open one connection outside any pool (for the command-line tools), with
 * the session settings the service relies on. On failure returns NULL and
 * writes libpq's reason into why.
 */
PGconn *db_connect(const char *conninfo, int statement_timeout_ms, char *why, size_t whylen);

/*
 * Run a prepared statement with n text parameters (NULL = SQL NULL).
 * On success *out holds the result, owned by the caller (PQclear). On
 * failure *out is NULL, the error is mapped (see db_map_error) into p and
 * returned. A connection lost outside a transaction is re-established and
 * the statement run once more.
 */
enum err db_exec(struct db_conn *c, const struct db_stmt *st, int n,
                 const char *const *vals, PGresult **out, struct problem *p);

/*
 * As db_exec, for SQL assembled at run time from constant fragments (a
 * list's filters and order). The connection prepares the first DB_TEXTS
 * texts it is given, so that PostgreSQL can keep their plans; past them it
 * runs the text unnamed, planned each time.
 */
enum err db_exec_sql(struct db_conn *c, const char *sql, int n,
                     const char *const *vals, PGresult **out, struct problem *p);

enum err db_begin(struct db_conn *c, struct problem *p);
enum err db_commit(struct db_conn *c, struct problem *p);
/* Roll back if a transaction is open; never fails visibly. */
void db_rollback(struct db_conn *c);

/*
 * Map a failed result to an error, filling p: its sqlstate and constraint
 * (p->sqlstate, p->constraint, for the caller to name the field) and a
 * detail that never shows SQL.
 *   23505 -> ERR_CONFLICT, 23503 -> ERR_CONFLICT, 23514 / 23502 ->
 *   ERR_VALIDATION, class 22 -> ERR_MALFORMED, 40001 / 40P01 -> ERR_RETRY,
 *   57014, connection failures and the deadline -> ERR_UNAVAILABLE, else ERR_INTERNAL
 *   (logged with the server's message).
 */
enum err db_map_error(struct db_conn *c, const PGresult *res, struct problem *p);
/* The same for a connection outside a pool; counts (may be NULL) tallies the failure. */
enum err db_map_result(struct db_pool *counts, PGconn *pg, const PGresult *res, struct problem *p);
/* A statement the service stopped waiting for at its deadline: 503, counted as a timeout. */
enum err db_late(struct db_pool *counts, struct problem *p);

#endif
