/*
 * integrity.c
 *    This module reports rows that break rules enforced after they were
 *    made (see integrity.h).
 */
#include "integrity.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

/*
 * Run sql and log each row as a warning of `event`, its message made by
 * say() from the row; how many rows, or -1 with why.
 */
static long
report_rows(PGconn *pg, const char *sql, const char *event,
            void (*say)(const PGresult *res, int row, char *msg, size_t len), char *why, size_t whylen)
{
	PGresult *res = PQexec(pg, sql);
	char msg[512];
	long n;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(why, whylen, "%s", PQresultErrorMessage(res));
		why[strcspn(why, "\n")] = '\0';
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	for (long i = 0; i < n; i++) {
		say(res, (int)i, msg, sizeof msg);
		log_msg("warn", event, "%s", msg);
	}
	PQclear(res);
	return n;
}

static void
say_cross_la(const PGresult *res, int i, char *msg, size_t len)
{
	snprintf(msg, len, "%s %s of local authority %s names in %s a record of local authority %s",
	         PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 3), PQgetvalue(res, i, 2),
	         PQgetvalue(res, i, 4));
}

long
integrity_cross_la(PGconn *pg, char *why, size_t whylen)
{
	return report_rows(pg, "SELECT resource, id, field, la_code, other_la_code "
	                       "FROM cross_la_reference ORDER BY resource, id",
	                   "cross_la_reference", say_cross_la, why, whylen);
}

static void
say_chair_not_member(const PGresult *res, int i, char *msg, size_t len)
{
	snprintf(msg, len,
	         "appointment %s (%s) of group %s of local authority %s: school %s was not a member of the "
	         "group when it started on %s",
	         PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 5),
	         PQgetvalue(res, i, 3), PQgetvalue(res, i, 4));
}

long
integrity_chairs_not_members(PGconn *pg, char *why, size_t whylen)
{
	return report_rows(pg, "SELECT id, role, group_id, school_urn, start_date, la_code "
	                       "FROM chair_not_member ORDER BY id",
	                   "chair_not_member", say_chair_not_member, why, whylen);
}
