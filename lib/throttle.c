/*
 * throttle.c
 *    This module implements the per-caller token buckets (see throttle.h).
 */
#include "throttle.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "hash.h"

#define SLOTS 4096 /* a power of two */
#define LOCKS 64

struct bucket {
	uint64_t id;     /* the key's hash; 0: free */
	double tokens;
	double at;       /* when tokens was last brought up to date */
};

struct throttle {
	double rate;     /* tokens a second */
	double burst;
	pthread_mutex_t locks[LOCKS];
	struct bucket slots[SLOTS];
};

struct throttle *
throttle_new(int per_minute, int burst)
{
	struct throttle *t;

	if (per_minute <= 0 || burst <= 0 || (t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	t->rate = per_minute / 60.0;
	t->burst = burst;
	for (size_t i = 0; i < LOCKS; i++)
		pthread_mutex_init(&t->locks[i], NULL);
	return t;
}

void
throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < LOCKS; i++)
		pthread_mutex_destroy(&t->locks[i]);
	free(t);
}


/* The tokens b would hold at now. */
static double
refilled(const struct throttle *t, const struct bucket *b, double now)
{
	double tokens = b->tokens + (now - b->at) * t->rate;

	return tokens > t->burst ? t->burst : tokens;
}

bool
throttle_take(struct throttle *t, const char *key, double now, int *retry_after)
{
	return throttle_take_left(t, key, now, retry_after, NULL);
}

bool
throttle_take_left(struct throttle *t, const char *key, double now, int *retry_after,
                   struct throttle_left *left)
{
	struct bucket *b;
	pthread_mutex_t *lock;
	uint64_t h;
	bool ok;

	*retry_after = 0;
	if (t == NULL)
		return true;
	h = hash_fnv1a(key);
	b = &t->slots[h & (SLOTS - 1)];
	lock = &t->locks[h % LOCKS];
	pthread_mutex_lock(lock);
	if (b->id != (h | 1)) {   /* | 1: never 0, which marks a free slot */
		/* Another key had this slot (or none did): start full. */
		b->id = h | 1;
		b->tokens = t->burst;
		b->at = now;
	}
	b->tokens = refilled(t, b, now);
	b->at = now;
	ok = b->tokens >= 1.0;
	if (ok) {
		b->tokens -= 1.0;
	} else {
		double wait = (1.0 - b->tokens) / t->rate;

		*retry_after = (int)wait;
		if (*retry_after < wait || *retry_after < 1)
			(*retry_after)++;   /* whole seconds, never shorter than the wait */
	}
	if (left) {
		double full = (t->burst - b->tokens) / t->rate;
		left->limit = (int)t->burst;
		left->remaining = (int)b->tokens;
		left->reset = (int)full + ((double)(int)full < full);
	}
	pthread_mutex_unlock(lock);
	return ok;
}
