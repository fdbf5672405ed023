/*
 * fault.h
 *    What the fault tests share: servers they start and kill themselves,
 *    the PostgreSQL cluster of their own that they stop, freeze and thaw,
 *    and an HTTP call that reports a refused or cut connection instead of
 *    failing the test (under faults that is an expected answer).
 *
 * run.sh provides the environment: CONSORTIA_BIN, PG_SH (tools/pg.sh, with
 * CONSORTIA_PG_BASE and CONSORTIA_PG_PORT naming the cluster),
 * DATABASE_URL, JWT_SECRET and FAULT_WORK (a folder for server logs).
 */
#ifndef CONSORTIA_FAULT_H
#define CONSORTIA_FAULT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../http/client.h"   /* token_as */

struct server {
	pid_t pid;
	int port;
	char url[64];
	char log[256];
};

/*
 * Start `consortia serve` on a free port with the test environment plus
 * env (NULL-terminated "NAME=value"), and wait until /healthz answers.
 */
void server_start(struct server *s, const char *const *env);
/* Fork `consortia serve` on port with the test environment plus env, its output appended to log. */
pid_t server_exec(const char *const *env, int port, const char *log);
/* Start again on the same port (after a kill). */
void server_restart(struct server *s, const char *const *env);
/* Send sig; with wait, reap it and return its exit status (128 + n for signal n). */
int server_signal(struct server *s, int sig, bool wait);
bool server_alive(const struct server *s);

/* An answer, or status -1 when the connection was refused, cut or timed out. */
struct answer {
	long status;
	char *body;
	char retry_after[16];   /* the Retry-After header, "" if none */
	char rate_limit[16], rate_remaining[16], rate_reset[16];   /* RateLimit-*, "" if none */
	double seconds;         /* how long the call took */
};

/*
 * method url with an optional body ("Content-Type" in headers) and
 * NULL-terminated extra headers; gives up after timeout_s.
 */
void call(struct answer *a, const char *method, const char *url, const char *tok,
          const char *body, const char *const *headers, long timeout_s);
void answer_free(struct answer *a);

/* The cluster: tools/pg.sh VERB (start, stop); and SIGSTOP / SIGCONT to all its processes. */
void cluster(const char *verb);
void cluster_signal(int sig);

/* A fresh connection to DATABASE_URL (each check opens its own: the cluster restarts). */
PGconn *db_open(void);
long long db_count(PGconn *pg, const char *sql, const char *param);
/* Run sql, which must succeed. */
void db_run(PGconn *pg, const char *sql);

double now_s(void);

#endif
