/*
 * standby.h
 *    Reads on a PostgreSQL standby (DATABASE_READ_URL): whether it may
 *    answer a read now, and the fences that keep a caller's reads after its
 *    own writes on the primary.
 *
 * A monitor thread asks the primary for its WAL position and the standby
 * for what it has replayed, every READ_CHECK_MS. From the primary's
 * positions over time it knows how far behind the standby is: the time
 * since the primary was last at the position the standby has replayed. A
 * standby that does not answer, is not in recovery (promoted: no longer
 * this primary's), or lags more than READ_MAX_LAG_MS is skipped until a
 * check finds it well again.
 *
 * A caller's write leaves a fence on the primary (the unlogged table
 * read_fence, schema 0028): the WAL position just past its commit. A read
 * goes to the standby only once the standby has replayed the caller's
 * fence, so a caller always reads what it wrote, whichever server of a
 * balanced pair took the write.
 */
#ifndef CONSORTIA_STANDBY_H
#define CONSORTIA_STANDBY_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

struct standby;

/* What the monitor last saw, for /metrics. */
struct standby_stats {
	bool usable;                 /* well and close enough to take reads */
	long long lag_ms;            /* -1: unknown (no answer yet) */
	unsigned long long reads;    /* reads it answered */
	unsigned long long fenced;   /* reads kept on the primary by the caller's own write */
	unsigned long long skipped;  /* reads kept on the primary because it lagged or was down */
	unsigned long long failed;   /* reads it failed mid-way, answered again by the primary */
};

/*
 * Start watching the standby at standby_url, as a standby of the primary at
 * primary_url. NULL when out of memory or the thread cannot start.
 */
struct standby *standby_start(const char *primary_url, const char *standby_url, int max_lag_ms,
                              int check_ms);
void standby_stop(struct standby *s);

/*
 * May a read that must see WAL position `fence` (0: none) go to the
 * standby now? Counts the read as sent, or as kept on the primary and why.
 */
bool standby_serves(struct standby *s, uint64_t fence);

/* A read on the standby failed: skip it until the next check finds it well. */
void standby_failed(struct standby *s);

void standby_stats(struct standby *s, struct standby_stats *out);

/* "16/B374D848" -> its position; false when it is not one. */
bool lsn_parse(const char *text, uint64_t *out);

/* The caller `who` wrote: its fence is the primary's WAL position now (after the commit). */
enum err fence_record(struct db_conn *c, const char *who, struct problem *p);

/* The caller's fence, 0 when it has none. */
enum err fence_read(struct db_conn *c, const char *who, uint64_t *fence, struct problem *p);

#endif
