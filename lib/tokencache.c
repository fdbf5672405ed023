/*
 * tokencache.c
 *    This module implements the cache of verified tokens (see tokencache.h).
 */
#include "tokencache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "hash.h"
#include <string.h>

#define SLOTS 1024 /* a power of two */
#define LOCKS 64

struct slot {
	uint64_t hash;
	char *token;                 /* the whole token, compared on every hit */
	struct token_claims claims;
};

struct token_cache {
	pthread_mutex_t locks[LOCKS];
	struct slot slots[SLOTS];
};

struct token_cache *
token_cache_new(void)
{
	struct token_cache *tc = calloc(1, sizeof *tc);

	if (tc == NULL)
		return NULL;
	for (size_t i = 0; i < LOCKS; i++)
		pthread_mutex_init(&tc->locks[i], NULL);
	return tc;
}

void
token_cache_free(struct token_cache *tc)
{
	if (tc == NULL)
		return;
	for (size_t i = 0; i < SLOTS; i++)
		free(tc->slots[i].token);
	for (size_t i = 0; i < LOCKS; i++)
		pthread_mutex_destroy(&tc->locks[i]);
	free(tc);
}


bool
token_cache_get(struct token_cache *tc, const char *token, time_t now, int leeway,
                struct token_claims *out)
{
	uint64_t h;
	struct slot *s;
	bool hit;

	if (tc == NULL || token == NULL)
		return false;
	h = hash_fnv1a(token);
	s = &tc->slots[h & (SLOTS - 1)];
	pthread_mutex_lock(&tc->locks[h % LOCKS]);
	/* The same tests of time as token_verify's. */
	hit = s->token != NULL && s->hash == h && strcmp(s->token, token) == 0 &&
	      s->claims.exp >= (long long)now - leeway &&
	      (s->claims.nbf == 0 || s->claims.nbf <= (long long)now + leeway);
	if (hit)
		*out = s->claims;
	pthread_mutex_unlock(&tc->locks[h % LOCKS]);
	return hit;
}

void
token_cache_put(struct token_cache *tc, const char *token, const struct token_claims *c)
{
	uint64_t h;
	struct slot *s;
	char *copy;

	if (tc == NULL || token == NULL || (copy = strdup(token)) == NULL)
		return;
	h = hash_fnv1a(token);
	s = &tc->slots[h & (SLOTS - 1)];
	pthread_mutex_lock(&tc->locks[h % LOCKS]);
	free(s->token);
	s->token = copy;
	s->hash = h;
	s->claims = *c;
	pthread_mutex_unlock(&tc->locks[h % LOCKS]);
}
