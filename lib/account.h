/*
 * account.h
 *    Service accounts: the machine clients (the finance system, scripts,
 *    front-ends) that trade a client id and secret for a bearer token
 *    (OAuth 2.0 client credentials). The secret is shown once and stored
 *    only as an Argon2id hash.
 */
#ifndef CONSORTIA_ACCOUNT_H
#define CONSORTIA_ACCOUNT_H

#include "resource.h"
#include "token.h"

extern const struct resource_def account_def;

/* New credentials: a client id and a secret, as text. */
struct credentials {
	char client_id[40];
	char secret[48];
	char *hash;          /* owned: Argon2id encoding of secret */
};

/* Make fresh credentials; false when the system has no randomness or memory. */
bool credentials_new(struct credentials *cr);
void credentials_clear(struct credentials *cr);

/*
 * Create an account from a JSON object {name, role, la_code?, school_urn?}.
 * On success out is the account's representation and secret its new
 * secret, which is stored only as a hash: the caller shows it once.
 */
enum err account_create(struct db_conn *c, const struct actor *who, const json_t *body,
                        struct doc *out, char secret[48], struct problem *p);

/*
 * Its actions (account_def's table): rotate, a new secret shown once (the
 * old one and its tokens end), and revoke; neither of a revoked account.
 */

/* Who a valid client id and secret belong to. */
struct account_grant {
	long long id;
	enum role role;
	int la_code, school_urn;
	long long group_id;
	int generation;      /* of its tokens (accountstate.h) */
};

/*
 * Check a client id and secret. ERR_UNAUTHORIZED for an unknown client, a
 * wrong secret or a revoked account (the detail says which, for the log
 * only); the time taken does not tell an unknown client from a known one.
 */
enum err account_authenticate(struct db_conn *c, const char *client_id, const char *secret,
                              struct account_grant *out, struct problem *p);

#endif
