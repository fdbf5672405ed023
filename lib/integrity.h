/*
 * integrity.h
 *    Rows made before a rule of the schema was enforced, reported at start:
 *    references from one local authority's records to another's
 *    (the view cross_la_reference, schema/0008_isolation.sql), and chairs
 *    and deputies whose school was not a member of their group when the
 *    appointment started (chair_not_member, schema/0011).
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

/*
 * Log one warning per appointment whose school was not a member of its
 * group when it started (chair funding gives such a group nothing, saying
 * why) and return how many there are, or -1 (with why).
 */
long integrity_chairs_not_members(PGconn *pg, char *why, size_t whylen);

#endif
