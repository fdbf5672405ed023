/*
 * ratelimit.c
 *    This module implements the failure counters (see ratelimit.h).
 */
#include "ratelimit.h"

#include <stdio.h>
#include <stdlib.h>

static const struct db_stmt RL_CHECK = {"rl_check",
	"SELECT failures, ceil(extract(epoch FROM window_start + make_interval(secs => $2::integer) "
	"- now()))::integer FROM auth_failure "
	"WHERE key = $1 AND window_start > now() - make_interval(secs => $2::integer)"};
static const struct db_stmt RL_FAIL = {"rl_fail",
	"INSERT INTO auth_failure AS f (key, window_start, failures) VALUES ($1, now(), 1) "
	"ON CONFLICT (key) DO UPDATE SET "
	"failures = CASE WHEN f.window_start > now() - make_interval(secs => $2::integer) "
	"THEN f.failures + 1 ELSE 1 END, "
	"window_start = CASE WHEN f.window_start > now() - make_interval(secs => $2::integer) "
	"THEN f.window_start ELSE now() END"};
static const struct db_stmt RL_CLEAR = {"rl_clear", "DELETE FROM auth_failure WHERE key = $1"};
/* A success is a row of no failures whose window starts at the success. */
static const struct db_stmt RL_REMEMBER = {"rl_remember",
	"INSERT INTO auth_failure (key, window_start, failures) VALUES ($1, now(), 0) "
	"ON CONFLICT (key) DO UPDATE SET window_start = now()"};
static const struct db_stmt RL_KNOWN = {"rl_known",
	"SELECT 1 FROM auth_failure WHERE key = $1 "
	"AND window_start > now() - make_interval(days => $2::integer)"};

enum err
ratelimit_check(struct db_conn *c, const char *key, int limit, int window, struct problem *p)
{
	char w[16];
	const char *v[] = {key, w};
	PGresult *res = NULL;
	enum err e;

	snprintf(w, sizeof w, "%d", window);
	if ((e = db_exec(c, &RL_CHECK, 2, v, &res, p)) != ERR_OK)
		return e;
	if (PQntuples(res) == 1 && atoi(PQgetvalue(res, 0, 0)) >= limit) {
		int left = atoi(PQgetvalue(res, 0, 1));
		p->retry_after = left > 0 ? left : 1;
		e = problem_set(p, ERR_RATE_LIMITED, "too many failed attempts; try again in %d s",
		                p->retry_after);
	}
	PQclear(res);
	return e;
}

enum err
ratelimit_fail(struct db_conn *c, const char *key, int window, struct problem *p)
{
	char w[16];
	const char *v[] = {key, w};
	PGresult *res = NULL;
	enum err e;

	snprintf(w, sizeof w, "%d", window);
	e = db_exec(c, &RL_FAIL, 2, v, &res, p);
	PQclear(res);
	return e;
}

enum err
ratelimit_clear(struct db_conn *c, const char *key, struct problem *p)
{
	const char *v[] = {key};
	PGresult *res = NULL;
	enum err e = db_exec(c, &RL_CLEAR, 1, v, &res, p);

	PQclear(res);
	return e;
}

enum err
ratelimit_remember(struct db_conn *c, const char *key, struct problem *p)
{
	const char *v[] = {key};
	PGresult *res = NULL;
	enum err e = db_exec(c, &RL_REMEMBER, 1, v, &res, p);

	PQclear(res);
	return e;
}

enum err
ratelimit_known(struct db_conn *c, const char *key, int days, bool *known, struct problem *p)
{
	char d[16];
	const char *v[] = {key, d};
	PGresult *res = NULL;
	enum err e;

	snprintf(d, sizeof d, "%d", days);
	*known = false;
	if ((e = db_exec(c, &RL_KNOWN, 2, v, &res, p)) != ERR_OK)
		return e;
	*known = PQntuples(res) == 1;
	PQclear(res);
	return ERR_OK;
}
