/*
 * integrity.c
 *    This module reports rows that break rules enforced after they were
 *    made (see integrity.h).
 */
#include "integrity.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

long
integrity_cross_la(PGconn *pg, char *why, size_t whylen)
{
	PGresult *res = PQexec(pg, "SELECT resource, id, field, la_code, other_la_code "
	                           "FROM cross_la_reference ORDER BY resource, id");
	long n;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(why, whylen, "%s", PQresultErrorMessage(res));
		why[strcspn(why, "\n")] = '\0';
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	for (long i = 0; i < n; i++)
		log_msg("warn", "cross_la_reference",
		        "%s %s of local authority %s names in %s a record of local authority %s",
		        PQgetvalue(res, (int)i, 0), PQgetvalue(res, (int)i, 1), PQgetvalue(res, (int)i, 3),
		        PQgetvalue(res, (int)i, 2), PQgetvalue(res, (int)i, 4));
	PQclear(res);
	return n;
}

long
integrity_chairs_not_members(PGconn *pg, char *why, size_t whylen)
{
	PGresult *res = PQexec(pg, "SELECT id, role, group_id, school_urn, start_date, la_code "
	                           "FROM chair_not_member ORDER BY id");
	long n;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(why, whylen, "%s", PQresultErrorMessage(res));
		why[strcspn(why, "\n")] = '\0';
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	for (long i = 0; i < n; i++)
		log_msg("warn", "chair_not_member",
		        "appointment %s (%s) of group %s of local authority %s: school %s was not a member "
		        "of the group when it started on %s",
		        PQgetvalue(res, (int)i, 0), PQgetvalue(res, (int)i, 1), PQgetvalue(res, (int)i, 2),
		        PQgetvalue(res, (int)i, 5), PQgetvalue(res, (int)i, 3), PQgetvalue(res, (int)i, 4));
	PQclear(res);
	return n;
}
