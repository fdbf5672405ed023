/*
 * ratelimit.h
 *    Counting failed logins in fixed windows, per key ("client:<id>",
 *    "addr:<ip>", ...), in the database so that every replica sees the
 *    same counts; and the addresses a client has succeeded from.
 */
#ifndef CONSORTIA_RATELIMIT_H
#define CONSORTIA_RATELIMIT_H

#include <stdbool.h>

#include "db.h"

/*
 * ERR_RATE_LIMITED (p->retry_after set to the seconds left in the window)
 * when key has reached limit failures in the current window of `window`
 * seconds; ERR_OK otherwise.
 */
enum err ratelimit_check(struct db_conn *c, const char *key, int limit, int window,
                         struct problem *p);

/* Count one failure for key. Runs in its own statement, outside any transaction. */
enum err ratelimit_fail(struct db_conn *c, const char *key, int window, struct problem *p);

/* Forget key's failures (after a success). */
enum err ratelimit_clear(struct db_conn *c, const char *key, struct problem *p);

/*
 * Remember that key (a client id and address) succeeded now, or ask
 * whether it succeeded within the last `days` days (*known).
 */
enum err ratelimit_remember(struct db_conn *c, const char *key, struct problem *p);
enum err ratelimit_known(struct db_conn *c, const char *key, int days, bool *known,
                         struct problem *p);

#endif
