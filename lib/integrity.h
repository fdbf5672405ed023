/*
 * integrity.h
 *    Rows made before a rule of the schema was enforced, reported at start:
 *    references from one local authority's records to another's
 *    (the view cross_la_reference, schema/0008_isolation.sql).
 */
#ifndef CONSORTIA_INTEGRITY_H
#define CONSORTIA_INTEGRITY_H

#include <libpq-fe.h>
#include <stddef.h>

/*
 * Log one warning per cross-LA reference and return how many there are,
 * or -1 (with why) when the database cannot be asked.
 */
long integrity_cross_la(PGconn *pg, char *why, size_t whylen);

#endif
