/*
 * token.h
 *    Signing and checking the service's bearer tokens (JWT, HS256).
 *
 * libjwt 1.10 takes the algorithm from the token and has no claim
 * validation, so token_verify checks the algorithm, exp, nbf, iss, aud and
 * the types of the claims itself.
 */
#ifndef CONSORTIA_TOKEN_H
#define CONSORTIA_TOKEN_H

#include <stddef.h>
#include <time.h>

#include "error.h"

#define TOKEN_MAX_BYTES 8192

enum role { ROLE_NONE = 0, ROLE_ADMIN, ROLE_OFFICER, ROLE_FINANCE, ROLE_CHAIR, ROLE_VIEWER };

/* "admin" ... for a role, "" for ROLE_NONE. */
const char *role_name(enum role r);
/* The role called s, or ROLE_NONE. */
enum role role_parse(const char *s);

struct token_keys {
	const unsigned char *secret;   /* borrowed */
	size_t secret_len;
	const char *issuer;            /* borrowed */
	const char *audience;          /* borrowed */
	int leeway;                    /* seconds of clock skew allowed */
};

struct token_claims {
	char sub[128];
	char iss[128];
	enum role role;
	long long exp;
	int la_code;                   /* 0 = not scoped to an LA */
};

/*
 * Sign a token for sub with role, valid ttl seconds from now.
 * la_code 0 leaves the token unscoped. *out is owned by the caller (free).
 */
enum err token_sign(const struct token_keys *k, const char *sub, enum role role,
                    int la_code, int ttl, time_t now, char **out);

/*
 * Check token and fill claims. Every refusal is ERR_UNAUTHORIZED with the
 * reason in p->detail, which never repeats the token.
 */
enum err token_verify(const struct token_keys *k, const char *token, time_t now,
                      struct token_claims *claims, struct problem *p);

#endif
