/*
 * idempotency.c
 *    This module implements the stored idempotency keys (see idempotency.h).
 *    Keys live 24 hours; an older key is forgotten when it is next used.
 */
#include "idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct db_stmt IDEM_EXPIRE = {"idem_expire",
	"DELETE FROM idempotency_key WHERE subject = $1 AND key = $2 "
	"AND created_at < now() - interval '24 hours'"};
static const struct db_stmt IDEM_CLAIM = {"idem_claim",
	"INSERT INTO idempotency_key (subject, key, method, path, request_hash, status, body) "
	"VALUES ($1, $2, $3, $4, $5, 0, '') ON CONFLICT (subject, key) DO NOTHING RETURNING 1"};
static const struct db_stmt IDEM_FETCH = {"idem_fetch",
	"SELECT request_hash, method, path, status, body, location FROM idempotency_key "
	"WHERE subject = $1 AND key = $2"};
static const struct db_stmt IDEM_STORE = {"idem_store",
	"UPDATE idempotency_key SET status = $3::integer, body = $4, location = $5 "
	"WHERE subject = $1 AND key = $2"};

bool
idem_key_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 200)
		return false;
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return false;
	return true;
}

enum err
idem_claim(struct db_conn *c, const char *subject, const char *key, const char *method,
           const char *path, const char *hash, struct idem_replay *out, struct problem *p)
{
	const char *v[] = {subject, key, method, path, hash};
	PGresult *res = NULL;
	enum err e;

	memset(out, 0, sizeof *out);
	if ((e = db_exec(c, &IDEM_EXPIRE, 2, v, &res, p)) != ERR_OK)
		return e;
	PQclear(res);
	if ((e = db_exec(c, &IDEM_CLAIM, 5, v, &res, p)) != ERR_OK)
		return e;
	if (PQntuples(res) == 1) {
		PQclear(res);
		return ERR_OK;
	}
	PQclear(res);
	if ((e = db_exec(c, &IDEM_FETCH, 2, v, &res, p)) != ERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return problem_set(p, ERR_RETRY, "the idempotency key is in use; try again");
	}
	if (strcmp(PQgetvalue(res, 0, 0), hash) != 0 || strcmp(PQgetvalue(res, 0, 1), method) != 0 ||
	    strcmp(PQgetvalue(res, 0, 2), path) != 0) {
		PQclear(res);
		problem_field(p, IN_HEADER, "Idempotency-Key", "idempotency_key_reused",
		              "was already used for a different request");
		return problem_set(p, ERR_VALIDATION,
		                   "the Idempotency-Key was already used for a different request");
	}
	out->status = atoi(PQgetvalue(res, 0, 3));
	out->body = strdup(PQgetvalue(res, 0, 4));
	out->location = PQgetisnull(res, 0, 5) ? NULL : strdup(PQgetvalue(res, 0, 5));
	PQclear(res);
	if (out->body == NULL)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	return ERR_OK;
}

enum err
idem_store(struct db_conn *c, const char *subject, const char *key, int status,
           const char *body, const char *location, struct problem *p)
{
	char st[16];
	const char *v[] = {subject, key, st, body, location};
	PGresult *res = NULL;
	enum err e;

	snprintf(st, sizeof st, "%d", status);
	e = db_exec(c, &IDEM_STORE, 5, v, &res, p);
	PQclear(res);
	return e;
}

void
idem_replay_free(struct idem_replay *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r->location);
	memset(r, 0, sizeof *r);
}
