/*
 * idempotency.h
 *    Idempotency keys for creating POSTs: the first response to a key is
 *    stored in the same transaction as the change it reports, and replayed
 *    for a retry with the same key and the same request.
 */
#ifndef CONSORTIA_IDEMPOTENCY_H
#define CONSORTIA_IDEMPOTENCY_H

#include "db.h"

struct idem_replay {
	int status;        /* 0: no earlier response, go ahead */
	char *body;        /* owned */
	char *location;    /* owned, may be NULL */
};

/*
 * Inside an open transaction: claim (subject, key) for this request, or
 * find the response already given to it. A claim by a concurrent request
 * with the same key waits for that request's transaction to end.
 * ERR_VALIDATION when the key was used for a different request.
 */
enum err idem_claim(struct db_conn *c, const char *subject, const char *key,
                    const char *method, const char *path, const char *hash,
                    struct idem_replay *out, struct problem *p);

/* Inside the same transaction: record the response given to the claim. */
enum err idem_store(struct db_conn *c, const char *subject, const char *key,
                    int status, const char *body, const char *location,
                    struct problem *p);

void idem_replay_free(struct idem_replay *r);

/* True if s is an acceptable key: 1-200 printable ASCII characters. */
bool idem_key_valid(const char *s);

#endif
