/*
 * migrate.c
 *    This module implements the migration runner (see migrate.h). The
 *    migration files are our own SQL, run as simple queries; nothing from
 *    a request ever reaches this path.
 */
#include "migrate.h"

#include <stdio.h>
#include <string.h>

#include "embedded.h"
#include "hash.h"

#define MIGRATE_LOCK "7293841"

static int
run(PGconn *pg, const char *sql, char *why, size_t whylen)
{
	PGresult *res = PQexec(pg, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		snprintf(why, whylen, "%s", PQerrorMessage(pg));
	PQclear(res);
	return ok ? 0 : -1;
}

static int
apply_one(PGconn *pg, const struct embedded_file *m, int *applied, char *why, size_t whylen)
{
	char sum[65];
	const void *parts[] = {m->text};
	size_t lens[] = {m->size};
	const char *params[] = {m->name, sum};
	PGresult *res;
	int rc = -1;

	sha256_hex(sum, 1, parts, lens);
	res = PQexecParams(pg, "SELECT checksum FROM schema_migration WHERE version = $1", 1, NULL,
	                   params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(why, whylen, "%s", PQerrorMessage(pg));
		goto out;
	}
	if (PQntuples(res) == 1) {
		if (strcmp(PQgetvalue(res, 0, 0), sum) != 0) {
			snprintf(why, whylen, "migration %s was changed after it was applied", m->name);
			goto out;
		}
		rc = 0;
		goto out;
	}
	PQclear(res);
	res = NULL;
	if (run(pg, "BEGIN", why, whylen) != 0)
		goto out;
	if (run(pg, m->text, why, whylen) != 0) {
		char inner[400];
		snprintf(inner, sizeof inner, "%s", why);
		snprintf(why, whylen, "migration %s failed: %s", m->name, inner);
		run(pg, "ROLLBACK", inner, sizeof inner);
		goto out;
	}
	res = PQexecParams(pg, "INSERT INTO schema_migration (version, checksum) VALUES ($1, $2)", 2,
	                   NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		char inner[64];
		snprintf(why, whylen, "%s", PQerrorMessage(pg));
		run(pg, "ROLLBACK", inner, sizeof inner);
		goto out;
	}
	if (run(pg, "COMMIT", why, whylen) != 0)
		goto out;
	(*applied)++;
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int
migrate_run(PGconn *pg, int *applied, char *why, size_t whylen)
{
	char ignored[64];
	int rc = 0;

	*applied = 0;
	if (run(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", why, whylen) != 0)
		return -1;
	if (run(pg, "CREATE TABLE IF NOT EXISTS schema_migration ("
	            "version text PRIMARY KEY, checksum text NOT NULL, "
	            "applied_at timestamptz NOT NULL DEFAULT now())", why, whylen) != 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < migrations_count; i++)
		rc = apply_one(pg, &migrations[i], applied, why, whylen);
	run(pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", ignored, sizeof ignored);
	return rc;
}
