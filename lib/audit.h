/*
 * audit.h
 *    The audit trail: one append-only row per write, inserted in the
 *    transaction of the write it describes, so that a write whose audit row
 *    fails is rolled back with it.
 */
#ifndef CONSORTIA_AUDIT_H
#define CONSORTIA_AUDIT_H

#include <jansson.h>

#include "db.h"
#include "token.h"

struct resource_def;

/* The audit trail as a read-only list (GET /v1/audit-events). */
extern const struct resource_def audit_def;

/* Who did it, as the audit trail records them. Borrowed strings. */
struct audit_actor {
	const char *subject;
	enum role role;
	const char *issuer;
	const char *request_id;
};

/*
 * Append an event inside the caller's open transaction. changes (borrowed;
 * NULL means nothing to show) is {"before": {...}|null, "after": {...}|null}; la_code 0
 * when the event belongs to no LA.
 */
enum err audit_write(struct db_conn *c, const struct audit_actor *who, const char *resource,
                     const char *resource_id, const char *action, const json_t *changes,
                     int la_code, struct problem *p);

#endif
