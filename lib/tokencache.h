/*
 * tokencache.h
 *    Tokens already verified, with their claims, so that a caller sending
 *    the same bearer token again is not put through signature checking and
 *    JSON parsing on every request.
 *
 * Whether a token is valid depends on the keys (fixed while the service
 * runs) and on the time (exp and nbf): a cached token is checked against
 * the time on every use, so the cache answers exactly as token_verify
 * would. Only tokens that passed are kept; a slot another token takes is
 * simply verified again next time.
 */
#ifndef CONSORTIA_TOKENCACHE_H
#define CONSORTIA_TOKENCACHE_H

#include <stdbool.h>
#include <time.h>

#include "token.h"

struct token_cache;

/* NULL when out of memory (then every call below is a miss or a no-op). */
struct token_cache *token_cache_new(void);
void token_cache_free(struct token_cache *tc);

/* The claims of token if it was verified before and is still in its time at now. */
bool token_cache_get(struct token_cache *tc, const char *token, time_t now, int leeway,
                     struct token_claims *out);

/* Remember a token token_verify accepted, with its claims. */
void token_cache_put(struct token_cache *tc, const char *token, const struct token_claims *c);

#endif
