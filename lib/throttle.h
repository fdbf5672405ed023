/*
 * throttle.h
 *    A request-rate limit per caller: a token bucket for each key (a
 *    token's subject, or an address), kept in this process's memory.
 *
 * Each key may make `burst` requests at once and then `per_minute` a
 * minute. The buckets live in a fixed table: a key whose slot another key
 * takes starts again with a full bucket, which can only let a caller
 * through, never hold one back wrongly. Several replicas each count on
 * their own, so behind a balancer a caller gets up to the limit from each.
 */
#ifndef CONSORTIA_THROTTLE_H
#define CONSORTIA_THROTTLE_H

#include <stdbool.h>

struct throttle;

/* NULL when out of memory, or when per_minute is 0 (no limit). */
struct throttle *throttle_new(int per_minute, int burst);
void throttle_free(struct throttle *t);

/*
 * Take one request from key's bucket at time now (seconds, monotonic).
 * False when the bucket is empty; *retry_after is then the whole seconds
 * until the next request would be let through. A NULL throttle lets every
 * request through.
 */
bool throttle_take(struct throttle *t, const char *key, double now, int *retry_after);

/* What a caller is told of its bucket (the RateLimit-* headers). */
struct throttle_left {
	int limit;       /* the burst: requests the full bucket holds */
	int remaining;   /* requests the bucket holds now */
	int reset;       /* whole seconds until it is full again */
};

/* throttle_take, telling what is left in key's bucket into *left (unset when t is NULL). */
bool throttle_take_left(struct throttle *t, const char *key, double now, int *retry_after,
                        struct throttle_left *left);

#endif
