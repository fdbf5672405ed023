/*
 * reads.c
 *    The reads suite's shared helpers (reads.h).
 */
#include "reads.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../http/client.h"

PGconn *
pg(void)
{
	static PGconn *c;

	if (c == NULL) {
		c = PQconnectdb(getenv("DATABASE_URL"));
		cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	}
	return c;
}

PGresult *
rows(const char *sql, int n, const char *param)
{
	PGresult *res = PQexecParams(pg(), sql, n, NULL, &param, NULL, NULL, 0);

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(pg()));
	return res;
}

static void
run_on(PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);

	cr_assert(PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK,
	          "%s: %s", sql, PQerrorMessage(c));
	PQclear(res);
}

void
run(const char *sql)
{
	run_on(pg(), sql);
}

const char *
standby_url(void)
{
	const char *u = getenv("STANDBY_URL");

	return u && *u ? u : NULL;
}

void
standby_run(const char *sql)
{
	PGconn *c = PQconnectdb(standby_url());

	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	run_on(c, sql);
	PQfinish(c);
}

void
standby_caught_up(void)
{
	PGresult *at;
	PGconn *c;
	bool done = false;

	if (standby_url() == NULL)
		return;
	at = rows("SELECT pg_current_wal_lsn()::text", 0, NULL);
	c = PQconnectdb(standby_url());
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	for (int i = 0; i < 200 && !done; i++) {
		const char *v = PQgetvalue(at, 0, 0);
		PGresult *res = PQexecParams(c, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", 1, NULL, &v, NULL,
		                             NULL, 0);
		done = PQresultStatus(res) == PGRES_TUPLES_OK && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
		PQclear(res);
		if (!done)
			usleep(50000);
	}
	PQfinish(c);
	PQclear(at);
	cr_assert(done, "the standby replays what the primary wrote");
}

double
metric(const char *line)
{
	struct resp *r = http("GET", "/metrics", NULL, NULL, NULL);
	size_t len = strlen(line);
	const char *at = r->body;
	double v = 0;
	bool found = false;

	cr_assert_eq(r->status, 200);
	while (at && *at && !found) {
		if (strncmp(at, line, len) == 0 && at[len] == ' ') {
			v = strtod(at + len + 1, NULL);
			found = true;
		}
		at = strchr(at, '\n');
		if (at)
			at++;
	}
	resp_free(r);
	cr_assert(found, "/metrics has %s", line);
	return v;
}

void
standby_usable_is(bool usable)
{
	for (int i = 0; i < 200; i++) {
		if ((metric("consortia_standby_usable") == 1) == usable)
			return;
		usleep(50000);
	}
	cr_assert_fail("the standby is %s after 10 s", usable ? "still not usable" : "still usable");
}
