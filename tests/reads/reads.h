/*
 * reads.h
 *    What the reads suite's tests share: the primary and the standby in
 *    SQL, and the server's metrics.
 */
#ifndef CONSORTIA_TEST_READS_H
#define CONSORTIA_TEST_READS_H

#include <libpq-fe.h>
#include <stdbool.h>

/* The primary (DATABASE_URL), connected once. */
PGconn *pg(void);

/* Run sql on the primary with n (0 or 1) parameters; it must return rows. */
PGresult *rows(const char *sql, int n, const char *param);

/* Run sql on the primary; it must succeed. */
void run(const char *sql);

/* The standby's URL (STANDBY_URL), or NULL when the suite runs without one. */
const char *standby_url(void);

/* Run sql on the standby; it must succeed. */
void standby_run(const char *sql);

/* Wait (up to 10 s) until the standby has replayed all the primary has written; no standby: at once. */
void standby_caught_up(void);

/* The value of a line of GET /metrics ("name{labels}"); the test fails when it is absent. */
double metric(const char *line);

/* Wait (up to 10 s) until the server says the standby takes reads (or does not). */
void standby_usable_is(bool usable);

#endif
