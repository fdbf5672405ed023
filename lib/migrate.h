/*
 * migrate.h
 *    Applying the schema migrations compiled into the program, in order,
 *    each in its own transaction, recorded in the table schema_migration.
 */
#ifndef CONSORTIA_MIGRATE_H
#define CONSORTIA_MIGRATE_H

#include <libpq-fe.h>
#include <stddef.h>

/*
 * Apply what is missing. Concurrent callers (replicas starting together)
 * serialise on an advisory lock. A migration whose text changed after it
 * was applied stops the run: shipped migrations are never edited.
 * Returns 0 and the number applied in *applied, or -1 with why.
 */
int migrate_run(PGconn *pg, int *applied, char *why, size_t whylen);

#endif
