/*
 * webhook_sender.c
 *    Delivers webhooks. A thread with a database connection of its own
 *    LISTENs for new deliveries (schema/0026_webhooks.sql notifies when a
 *    change that made one commits) and polls besides; it claims the
 *    deliveries due under a lease, so that servers sharing the database
 *    never send one at once and a server that dies mid-send leaves it to be
 *    sent again; POSTs each, signed after the Standard Webhooks
 *    specification with ulfius's client; and logs the attempt, retrying on
 *    WEBHOOK_RETRY_SECONDS's schedule. Every so often it emits the events of
 *    the day (an evaluation overdue, a chair unconfirmed, a deadline near).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ulfius.h>
#include <unistd.h>

#include "../lib/log.h"
#include "../lib/webhook.h"
#include "webhook_sender.h"

/* Deliveries claimed at once: sent one after another, the n-th leased for n timeouts and 5 s. */
#define BATCH 16

struct webhook_sender {
	char *conninfo;
	struct webhook_config cfg;
	int wake[2];
	pthread_t thread;
	bool started;
};

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* One POST of job, signed now; the HTTP status (0: none came), the error otherwise. */
static int
post(const struct webhook_sender *s, const struct webhook_job *job, char error[256])
{
	struct _u_request req;
	struct _u_response resp;
	char ts[24], sig[2][64], header[140];
	long long now = (long long)time(NULL);
	int status = 0;

	error[0] = '\0';
	if (!webhook_url_allowed(job->url)) {
		snprintf(error, 256, "the URL is not allowed (https only)");
		return 0;
	}
	snprintf(ts, sizeof ts, "%lld", now);
	/* Both secrets sign during a rotation's grace: the receiver accepts either. */
	if (!webhook_sign(job->secret, job->msg_id, now, job->body, strlen(job->body), sig[0]) ||
	    (job->previous_secret &&
	     !webhook_sign(job->previous_secret, job->msg_id, now, job->body, strlen(job->body), sig[1]))) {
		snprintf(error, 256, "the subscription's secret cannot sign");
		return 0;
	}
	snprintf(header, sizeof header, "%s%s%s", sig[0], job->previous_secret ? " " : "",
	         job->previous_secret ? sig[1] : "");
	if (ulfius_init_request(&req) != U_OK) {
		snprintf(error, 256, "out of memory");
		return 0;
	}
	if (ulfius_init_response(&resp) != U_OK) {
		ulfius_clean_request(&req);
		snprintf(error, 256, "out of memory");
		return 0;
	}
	ulfius_set_request_properties(&req, U_OPT_HTTP_VERB, "POST", U_OPT_HTTP_URL, job->url,
	                              U_OPT_TIMEOUT, (unsigned long)s->cfg.timeout_s, U_OPT_FOLLOW_REDIRECT, 0,
	                              U_OPT_HEADER_PARAMETER, "Content-Type", "application/json",
	                              U_OPT_HEADER_PARAMETER, "User-Agent", "consortia-webhooks",
	                              U_OPT_HEADER_PARAMETER, "webhook-id", job->msg_id,
	                              U_OPT_HEADER_PARAMETER, "webhook-timestamp", ts,
	                              U_OPT_HEADER_PARAMETER, "webhook-signature", header,
	                              U_OPT_BINARY_BODY, job->body, strlen(job->body), U_OPT_NONE);
	if (ulfius_send_http_request(&req, &resp) == U_OK)
		status = (int)resp.status;
	else
		snprintf(error, 256, "no answer from the receiver (refused, unreachable or past %d s)", s->cfg.timeout_s);
	if (status && (status < 200 || status > 299))
		snprintf(error, 256, "the receiver answered %d", status);
	ulfius_clean_request(&req);
	ulfius_clean_response(&resp);
	return status;
}

/* Claim what is due and send it (*more: a whole batch, more may be due); false when the connection failed. */
static bool
deliver(struct webhook_sender *s, struct db_conn *c, bool *more)
{
	struct problem p = {0};
	struct webhook_job *jobs = NULL;
	size_t n = 0;
	bool ok;

	ok = db_begin(c, &p) == ERR_OK &&
	     webhook_claim(c, s->cfg.timeout_s, BATCH, &jobs, &n, &p) == ERR_OK && db_commit(c, &p) == ERR_OK;
	if (!ok) {
		db_rollback(c);
		n = 0;
	}
	for (size_t i = 0; ok && i < n; i++) {
		char error[256];
		double t0 = now_s();
		int status = post(s, &jobs[i], error);
		int took = (int)((now_s() - t0) * 1000);

		ok = db_begin(c, &p) == ERR_OK &&
		     webhook_record(c, &jobs[i], status, error[0] ? error : NULL, took, s->cfg.retry_s, s->cfg.nretry,
		                    &p) == ERR_OK &&
		     db_commit(c, &p) == ERR_OK;
		if (!ok)
			db_rollback(c);
		log_msg(status >= 200 && status < 300 ? "info" : "warn", "webhook", "%s attempt %d to %s: %d%s%s",
		        jobs[i].msg_id, jobs[i].attempts, jobs[i].url, status, error[0] ? " " : "", error);
	}
	if (!ok)
		log_msg("warn", "webhook", "the outbox cannot be read or written: %s", p.detail);
	webhook_jobs_free(jobs, n);
	problem_clear(&p);
	*more = ok && n == BATCH;
	return ok;
}

static bool
scan(struct webhook_sender *s, struct db_conn *c)
{
	struct problem p = {0};
	bool ok = db_begin(c, &p) == ERR_OK && webhook_scan(c, s->cfg.deadline_days, &p) == ERR_OK &&
	          db_commit(c, &p) == ERR_OK;

	if (!ok) {
		db_rollback(c);
		log_msg("warn", "webhook", "the events of the day cannot be emitted: %s", p.detail);
	}
	problem_clear(&p);
	return ok;
}

/* Wait up to ms for a notification or the stop byte; false on the stop byte or a lost connection. */
static bool
wait_for_work(struct webhook_sender *s, PGconn *pg, int ms, bool *stop)
{
	struct pollfd pfd[2] = {{.fd = PQsocket(pg), .events = POLLIN}, {.fd = s->wake[0], .events = POLLIN}};
	PGnotify *note;
	int ready = poll(pfd, 2, ms);

	if (ready < 0)
		return errno == EINTR;
	if (pfd[1].revents) {
		*stop = true;
		return false;
	}
	if (pfd[0].revents && !PQconsumeInput(pg))
		return false;
	while ((note = PQnotifies(pg)) != NULL)
		PQfreemem(note);
	return PQstatus(pg) == CONNECTION_OK;
}

static void *
run(void *arg)
{
	struct webhook_sender *s = arg;
	bool stop = false, said = false;

	while (!stop) {
		char why[256];
		struct db_conn c = {0};
		PGresult *res;
		double next_scan = 0;

		if ((c.pg = db_connect(s->conninfo, 0, why, sizeof why)) == NULL) {
			struct pollfd pfd = {.fd = s->wake[0], .events = POLLIN};

			if (!said)
				log_msg("warn", "webhook", "the sender cannot connect: %s", why);
			said = true;
			stop = poll(&pfd, 1, 1000) > 0;
			continue;
		}
		said = false;
		res = PQexec(c.pg, "LISTEN webhook_delivery");
		PQclear(res);
		for (;;) {
			if (now_s() >= next_scan) {
				if (!scan(s, &c))
					break;
				next_scan = now_s() + s->cfg.scan_s;
			}
			bool more = false;

			if (!deliver(s, &c, &more) || (!more && !wait_for_work(s, c.pg, s->cfg.poll_ms, &stop)))
				break;
		}
		db_conn_close(&c);
	}
	return NULL;
}

struct webhook_sender *
webhook_sender_start(const struct config *cfg)
{
	struct webhook_sender *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->cfg = cfg->webhooks;
	s->wake[0] = s->wake[1] = -1;
	if ((s->conninfo = strdup(cfg->database_url ? cfg->database_url : "")) == NULL ||
	    pipe2(s->wake, O_CLOEXEC) != 0 || pthread_create(&s->thread, NULL, run, s) != 0) {
		webhook_sender_stop(s);
		return NULL;
	}
	s->started = true;
	webhook_allow_http(cfg->webhooks.allow_http);
	return s;
}

void
webhook_sender_stop(struct webhook_sender *s)
{
	if (s == NULL)
		return;
	if (s->started) {
		char b = 1;

		while (write(s->wake[1], &b, 1) < 0 && errno == EINTR)
			;
		pthread_join(s->thread, NULL);
	}
	if (s->wake[0] >= 0) {
		close(s->wake[0]);
		close(s->wake[1]);
	}
	free(s->conninfo);
	free(s);
}
