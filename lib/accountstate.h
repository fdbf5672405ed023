/*
 * accountstate.h
 *    Whether a service account's tokens still hold: each account's token
 *    generation and revocation, kept in memory and kept fresh by the
 *    database's NOTIFY service_account_changed, so that checking a bearer
 *    token against its account costs no query on the hot path.
 *
 * An account's generation moves on whenever what its tokens grant changes
 * (role, scope, secret, revocation; schema/0008_isolation.sql), and a token
 * names the generation it was issued under (claim `gen`). Generations only
 * grow and a revocation is final, so a newer generation in memory ends a
 * token even while the listener is reconnecting; that a token is current
 * is believed only while the listener is connected and has loaded every
 * account. Otherwise the caller asks the database (account_state_read).
 *
 * Tokens of external issuers name no account and are not checked here.
 */
#ifndef CONSORTIA_ACCOUNTSTATE_H
#define CONSORTIA_ACCOUNTSTATE_H

#include <stdbool.h>

#include "db.h"

struct account_states;

enum account_verdict {
	ACCOUNT_CURRENT,    /* the token's generation is the account's, not revoked */
	ACCOUNT_ENDED,      /* revoked, or moved past the token's generation */
	ACCOUNT_UNKNOWN,    /* memory cannot tell: ask the database */
};

/*
 * Start keeping the states of conninfo's accounts: a thread with a
 * connection of its own LISTENs, loads every account, and reconnects when
 * the connection goes. NULL when out of memory or no thread can start.
 * Free with account_states_free (NULL is a no-op), which stops the thread.
 */
struct account_states *account_states_new(const char *conninfo);
void account_states_free(struct account_states *as);

/* What memory says of account id's token of generation gen. */
enum account_verdict account_states_check(struct account_states *as, long long id, int gen);

/* Record what the database said of account id (a generation lower than the one held is ignored). */
void account_states_put(struct account_states *as, long long id, int gen, bool revoked);

/* True once the listener has loaded every account and is connected. */
bool account_states_live(struct account_states *as);

/*
 * Read account id's generation and revocation from the database on a
 * borrowed connection. *found false when there is no such account.
 */
enum err account_state_read(struct db_conn *c, long long id, int *gen, bool *revoked, bool *found,
                            struct problem *p);

/* The account id of a token subject "service-account/<id>", or 0 for any other subject. */
long long account_subject_id(const char *sub);

#endif
