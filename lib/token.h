/*
 * token.h
 *    Signing and checking bearer tokens (JWT): the service's own (HS256, or
 *    RS256 / ES256 with a private key) and those of external issuers, such
 *    as an LA's identity provider, each with its own key, algorithm and
 *    audience.
 *
 * libjwt 1.10 takes the algorithm from the token and has no claim
 * validation, so token_verify picks the issuer from the (unverified) iss
 * claim, verifies with that issuer's key, insists on that issuer's
 * algorithm, and checks exp, nbf, aud and the claims' types itself.
 */
#ifndef CONSORTIA_TOKEN_H
#define CONSORTIA_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "error.h"

#define TOKEN_MAX_BYTES 8192

/* A member is a person sitting on a body (an AAG), reading its pack and nothing else. */
enum role { ROLE_NONE = 0, ROLE_ADMIN, ROLE_OFFICER, ROLE_FINANCE, ROLE_CHAIR, ROLE_VIEWER, ROLE_MEMBER };

/* "admin" ... for a role, "" for ROLE_NONE. */
const char *role_name(enum role r);
/* The role called s, or ROLE_NONE. */
enum role role_parse(const char *s);

enum token_alg { TOKEN_HS256, TOKEN_RS256, TOKEN_ES256 };

/* "HS256" / "RS256" / "ES256" -> alg; false for anything else (none included). */
bool token_alg_parse(const char *s, enum token_alg *out);

struct token_issuer {
	char *issuer;                 /* the iss its tokens carry */
	char *audience;               /* the aud they must name */
	enum token_alg alg;           /* the only algorithm accepted from it */
	unsigned char *verify_key;    /* HS: the secret; RS/ES: public key PEM */
	size_t verify_key_len;
	unsigned char *sign_key;      /* the service's own issuer only: secret or private PEM */
	size_t sign_key_len;
};

struct token_keys {
	struct token_issuer *issuers; /* [0] is the service's own */
	size_t n;                     /* issuers in use */
	size_t cap;                   /* issuers allocated */
	int leeway;                   /* seconds of clock skew allowed on exp and nbf */
};

struct token_claims {
	char sub[128];
	char iss[256];
	enum role role;
	long long exp;
	long long nbf;                /* 0: none given */
	int la_code;                  /* 0: not scoped to an LA */
	int school_urn;               /* 0: not scoped to a school */
	long long group_id;           /* 0: not scoped to a consortium or area network */
	long long body_id;            /* a member's body (claim body); 0: none */
	long long person_id;          /* a member's person (claim person); 0: none */
	long long region_id;          /* scoped to a region (claim region; no other scope); 0: not */
	int generation;               /* its account's token generation (claim gen); 0: none */
};

/*
 * Build the keys from the configuration: the service's own issuer
 * (JWT_ALG with JWT_SECRET or JWT_PRIVATE_KEY_FILE) and the external ones
 * listed in JWT_ISSUERS_FILE. Returns false with the reason in why; free
 * with token_keys_free either way.
 */
bool token_keys_load(struct token_keys *k, const struct config *cfg, char *why, size_t whylen);

void token_keys_free(struct token_keys *k);

/*
 * Sign a token of the service's own issuer for sub with role, valid ttl
 * seconds from now; la_code / school_urn / group_id 0 leave it unscoped;
 * generation, the account's token generation (accountstate.h), 0 for a
 * subject that is no service account. *out is owned by the caller (free).
 */
enum err token_sign(const struct token_keys *k, const char *sub, enum role role, int la_code,
                    int school_urn, long long group_id, int generation, int ttl, time_t now,
                    char **out);

/* As token_sign, every claim from c (its sub, role and scope; its iss, exp and nbf are made). */
enum err token_sign_claims(const struct token_keys *k, const struct token_claims *c, int ttl,
                           time_t now, char **out);

/*
 * Check token and fill claims. Every refusal is ERR_UNAUTHORIZED with the
 * reason in p->detail, which never repeats the token.
 */
enum err token_verify(const struct token_keys *k, const char *token, time_t now,
                      struct token_claims *claims, struct problem *p);

#endif
