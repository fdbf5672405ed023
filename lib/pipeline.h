/*
 * pipeline.h
 *    Statements sent without waiting: one thread keeps many of them in
 *    flight over a few connections in libpq's pipeline mode, and calls
 *    each one's `done` when its answer is in. The HTTP workers hand it a
 *    read and go on serving other connections meanwhile.
 *
 * Each statement is sent with its own sync point, so one that fails fails
 * alone. A statement's time on the database is bounded twice: the
 * server's statement_timeout, and the request's deadline, past which its
 * connection is dropped (the others in flight on it are sent again on
 * another). A connection lost before answering is replaced and its
 * statements sent once more: only reads go through here.
 */
#ifndef CONSORTIA_PIPELINE_H
#define CONSORTIA_PIPELINE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <time.h>

#include "db.h"
#include "error.h"

#define PIPELINE_MAX_PARAMS 16

struct pipeline;

struct pipeline_query {
	/* The caller's: the statement, its values (pipeline_query_set copies them), the call back. */
	const struct db_stmt *st;
	int n;
	const char *vals[PIPELINE_MAX_PARAMS];
	char *owned;                        /* the values' copies, one block */
	void (*done)(struct pipeline_query *q);   /* on the pipeline's thread */
	void *arg;
	/* The answer: ERR_OK and res (the caller's to PQclear), or the error in *p. */
	enum err err;
	PGresult *res;
	struct problem *p;
	/* The pipeline's own. */
	struct timespec deadline;
	bool prepares, retried;
	struct pipeline_query *next;
};

/*
 * Start the thread and n connections (opened on first use) to conninfo,
 * with the pool's session settings; counts, when given, tallies the
 * failures (/metrics). NULL when out of memory or the thread cannot start.
 */
struct pipeline *pipeline_start(const char *conninfo, int n, int statement_timeout_ms,
                                int deadline_ms, struct db_pool *counts);

/* Answer what is queued or in flight as unavailable, stop the thread, close. NULL: no-op. */
void pipeline_stop(struct pipeline *pl);

/* Set q's statement and a copy of its n values (NULL stays SQL NULL). False: out of memory. */
bool pipeline_query_set(struct pipeline_query *q, const struct db_stmt *st, int n,
                        const char *const *vals);
/* Free q's copies and any result it holds. */
void pipeline_query_clear(struct pipeline_query *q);

/* Send q (set, with done and p) without waiting; done is called exactly once. */
void pipeline_submit(struct pipeline *pl, struct pipeline_query *q);

struct pipeline_stats {
	unsigned long long sent;       /* statements sent since start */
	unsigned in_flight, peak;      /* on the database now, and at most at once */
	unsigned connections;          /* open */
};
void pipeline_stats(struct pipeline *pl, struct pipeline_stats *out);

#endif
