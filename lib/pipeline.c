/*
 * pipeline.c
 *    This module implements the statements sent without waiting declared
 *    in pipeline.h: a queue the workers fill, and one thread that sends
 *    what is queued over the least busy connection, reads the answers as
 *    they come and hands each back.
 */
#include "pipeline.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"

/* Statements in flight on one connection at most: past it, the next waits its turn. */
#define DEPTH 32

struct pl_conn {
	PGconn *pg;
	const struct db_stmt **prepared;     /* the statements this connection prepared */
	size_t nprepared, capprepared;
	struct pipeline_query *head, *tail;  /* sent, in the order their answers come */
	unsigned in_flight;
	bool flushing;                       /* libpq holds what the socket would not take yet */
	struct timespec retry_at;            /* after a failed connect, not before this */
};

struct pipeline {
	pthread_t thread;
	pthread_mutex_t mu;
	struct pipeline_query *queued, *queued_tail;   /* under mu: submitted, not yet taken */
	bool stopping;                                 /* under mu */
	int wake;                                      /* eventfd: something queued, or stop */
	/* The thread's own. */
	struct pipeline_query *waiting, *waiting_tail; /* taken, waiting for room on a connection */
	struct pl_conn *conns;
	int n;
	char *conninfo;
	int statement_timeout_ms, deadline_ms;
	struct db_pool *counts;
	/* Read by pipeline_stats from other threads. */
	unsigned long long sent;
	unsigned in_flight, peak, open;
};

static void
push(struct pipeline_query **head, struct pipeline_query **tail, struct pipeline_query *q)
{
	q->next = NULL;
	if (*tail)
		(*tail)->next = q;
	else
		*head = q;
	*tail = q;
}

static struct pipeline_query *
pop(struct pipeline_query **head, struct pipeline_query **tail)
{
	struct pipeline_query *q = *head;

	if (q && (*head = q->next) == NULL)
		*tail = NULL;
	return q;
}

bool
pipeline_query_set(struct pipeline_query *q, const struct db_stmt *st, int n,
                   const char *const *vals)
{
	size_t len = 0;
	char *w;

	if (n > PIPELINE_MAX_PARAMS)
		return false;
	for (int i = 0; i < n; i++)
		len += vals[i] ? strlen(vals[i]) + 1 : 0;
	free(q->owned);
	if ((q->owned = w = malloc(len ? len : 1)) == NULL)
		return false;
	for (int i = 0; i < n; i++) {
		if (vals[i] == NULL) {
			q->vals[i] = NULL;
			continue;
		}
		len = strlen(vals[i]) + 1;
		memcpy(w, vals[i], len);
		q->vals[i] = w;
		w += len;
	}
	q->st = st;
	q->n = n;
	return true;
}

void
pipeline_query_clear(struct pipeline_query *q)
{
	free(q->owned);
	q->owned = NULL;
	PQclear(q->res);
	q->res = NULL;
}

static bool
passed(const struct timespec *t, const struct timespec *now)
{
	return t->tv_sec < now->tv_sec || (t->tv_sec == now->tv_sec && t->tv_nsec <= now->tv_nsec);
}

static void
add_ms(struct timespec *t, int ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* Hand q back (err set, and res or *p). */
static void
answer(struct pipeline *pl, struct pipeline_query *q, PGconn *pg)
{
	ExecStatusType s = q->res ? PQresultStatus(q->res) : PGRES_FATAL_ERROR;

	if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) {
		q->err = ERR_OK;
	} else {
		q->err = db_map_result(pl->counts, pg, q->res, q->p);
		PQclear(q->res);
		q->res = NULL;
	}
	q->done(q);
}

static void
fail(struct pipeline_query *q, enum err e, int retry_after, const char *detail)
{
	q->p->retry_after = retry_after;
	q->err = problem_set(q->p, e, "%s", detail);
	q->done(q);
}

/* No connection to run q: 503, counted as the database unreachable. */
static void
unreachable(struct pipeline *pl, struct pipeline_query *q)
{
	q->err = db_map_result(pl->counts, NULL, NULL, q->p);
	q->done(q);
}

/* The thread's queues and counts for pipeline_stats. */
static void
count_in_flight(struct pipeline *pl, int change)
{
	unsigned now = __atomic_add_fetch(&pl->in_flight, (unsigned)change, __ATOMIC_RELAXED);

	if (now > __atomic_load_n(&pl->peak, __ATOMIC_RELAXED))
		__atomic_store_n(&pl->peak, now, __ATOMIC_RELAXED);
}

/*
 * Drop c's connection. Its statements in flight go back to wait for
 * another once, ahead of the rest; a second loss answers them 503. The
 * one that outlived its deadline (late) is answered so.
 */
static void
drop(struct pipeline *pl, struct pl_conn *c, struct pipeline_query *late)
{
	struct pipeline_query *again = NULL, *again_tail = NULL, *q;

	PQfinish(c->pg);
	c->pg = NULL;
	c->nprepared = 0;
	c->flushing = false;
	__atomic_sub_fetch(&pl->open, 1, __ATOMIC_RELAXED);
	while ((q = pop(&c->head, &c->tail)) != NULL) {
		count_in_flight(pl, -1);
		PQclear(q->res);
		q->res = NULL;
		q->prepares = false;
		if (q == late) {
			q->err = db_late(pl->counts, q->p);
			q->done(q);
		} else if (q->retried) {
			unreachable(pl, q);
		} else {
			q->retried = true;
			push(&again, &again_tail, q);
		}
	}
	c->in_flight = 0;
	if (again) {
		again_tail->next = pl->waiting;
		if (pl->waiting == NULL)
			pl->waiting_tail = again_tail;
		pl->waiting = again;
	}
}

/* Is c connected, or connected now? After a failure, not tried again for a second. */
static bool
ready(struct pipeline *pl, struct pl_conn *c, const struct timespec *now)
{
	char why[256];

	if (c->pg)
		return true;
	if (!passed(&c->retry_at, now))
		return false;
	c->pg = db_connect(pl->conninfo, pl->statement_timeout_ms, why, sizeof why);
	if (c->pg == NULL || PQsetnonblocking(c->pg, 1) != 0 || PQenterPipelineMode(c->pg) != 1) {
		if (c->pg)
			snprintf(why, sizeof why, "%s", PQerrorMessage(c->pg));
		log_msg("warn", "db_connect", "pipeline: %s", why);
		PQfinish(c->pg);
		c->pg = NULL;
		c->retry_at = *now;
		add_ms(&c->retry_at, 1000);
		return false;
	}
	__atomic_add_fetch(&pl->open, 1, __ATOMIC_RELAXED);
	return true;
}

static bool
is_prepared(const struct pl_conn *c, const struct db_stmt *st)
{
	for (size_t i = 0; i < c->nprepared; i++)
		if (c->prepared[i] == st)
			return true;
	return false;
}

static void
forget_prepared(struct pl_conn *c, const struct db_stmt *st)
{
	for (size_t i = 0; i < c->nprepared; i++)
		if (c->prepared[i] == st) {
			c->prepared[i] = c->prepared[--c->nprepared];
			return;
		}
}

/* Send q on c: prepared first if c never saw it, then run, then a sync point. */
static bool
send_on(struct pipeline *pl, struct pl_conn *c, struct pipeline_query *q)
{
	q->prepares = !is_prepared(c, q->st);
	if (q->prepares && c->nprepared == c->capprepared) {
		size_t cap = c->capprepared ? c->capprepared * 2 : 32;
		const struct db_stmt **grown = realloc(c->prepared, cap * sizeof *grown);

		if (grown == NULL)
			return false;
		c->prepared = grown;
		c->capprepared = cap;
	}
	if ((q->prepares && !PQsendPrepare(c->pg, q->st->name, q->st->sql, q->n, NULL)) ||
	    !PQsendQueryPrepared(c->pg, q->st->name, q->n, q->vals, NULL, NULL, 0) ||
	    !PQpipelineSync(c->pg))
		return false;
	/* What follows on c finds it prepared: the pipeline runs in order. */
	if (q->prepares)
		c->prepared[c->nprepared++] = q->st;
	push(&c->head, &c->tail, q);
	c->in_flight++;
	count_in_flight(pl, 1);
	__atomic_add_fetch(&pl->sent, 1, __ATOMIC_RELAXED);
	return true;
}

/* Send what waits, each on the connected connection with the fewest in flight. */
static void
send_waiting(struct pipeline *pl, const struct timespec *now)
{
	struct pipeline_query *q;

	while (pl->waiting) {
		struct pl_conn *best = NULL;
		bool any = false;

		for (int i = 0; i < pl->n; i++) {
			struct pl_conn *c = &pl->conns[i];

			if (!ready(pl, c, now))
				continue;
			any = true;
			if (c->in_flight < DEPTH && (best == NULL || c->in_flight < best->in_flight))
				best = c;
		}
		if (!any) {
			/* No connection to be had: say so now rather than at the deadline. */
			while ((q = pop(&pl->waiting, &pl->waiting_tail)) != NULL)
				unreachable(pl, q);
			return;
		}
		if (best == NULL)
			return;   /* every connection is full: the answers make room */
		q = pop(&pl->waiting, &pl->waiting_tail);
		if (!send_on(pl, best, q)) {
			push(&pl->waiting, &pl->waiting_tail, q);
			drop(pl, best, NULL);
			continue;
		}
		best->flushing = true;
	}
}

/*
 * Take the answers c has read. Per statement: the prepare's result (if it
 * prepared), the statement's, each closed by a NULL, then the sync point's,
 * which ends it. The first error is the answer; what the pipeline aborted
 * after it says nothing more.
 */
static void
take_answers(struct pipeline *pl, struct pl_conn *c)
{
	int empty = 0;

	while (c->head && !PQisBusy(c->pg)) {
		struct pipeline_query *q = c->head;
		PGresult *res = PQgetResult(c->pg);
		ExecStatusType s;

		if (res == NULL) {
			if (++empty == 2)
				break;   /* two ends in a row: nothing more to read yet */
			continue;
		}
		empty = 0;
		s = PQresultStatus(res);
		if (s == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			pop(&c->head, &c->tail);
			c->in_flight--;
			count_in_flight(pl, -1);
			answer(pl, q, c->pg);
			continue;
		}
		if (q->prepares) {
			q->prepares = false;
			if (s == PGRES_COMMAND_OK) {
				PQclear(res);
				continue;
			}
			forget_prepared(c, q->st);
		}
		if (q->res == NULL)
			q->res = res;
		else
			PQclear(res);
	}
}

static void
fail_all(struct pipeline *pl)
{
	struct pipeline_query *q;

	for (int i = 0; i < pl->n; i++)
		while ((q = pop(&pl->conns[i].head, &pl->conns[i].tail)) != NULL) {
			count_in_flight(pl, -1);
			PQclear(q->res);
			q->res = NULL;
			fail(q, ERR_UNAVAILABLE, 5, "the service is stopping");
		}
	while ((q = pop(&pl->waiting, &pl->waiting_tail)) != NULL)
		fail(q, ERR_UNAVAILABLE, 5, "the service is stopping");
}

/* Milliseconds to the nearest deadline or connection retry; -1: none. */
static int
next_wake(struct pipeline *pl, const struct timespec *now)
{
	long long best = -1;

	for (int i = 0; i < pl->n; i++) {
		const struct pl_conn *c = &pl->conns[i];
		const struct timespec *t = c->head ? &c->head->deadline
		                         : pl->waiting && c->pg == NULL ? &c->retry_at : NULL;
		long long ms;

		if (t == NULL)
			continue;
		ms = (long long)(t->tv_sec - now->tv_sec) * 1000 + (t->tv_nsec - now->tv_nsec) / 1000000 + 1;
		if (ms < 0)
			ms = 0;
		if (best < 0 || ms < best)
			best = ms;
	}
	return best > 60000 ? 60000 : (int)best;
}

static void *
run(void *arg)
{
	struct pipeline *pl = arg;
	struct pollfd *fds = calloc((size_t)pl->n + 1, sizeof *fds);
	struct timespec now;

	if (fds == NULL) {
		log_msg("error", "pipeline", "out of memory");
		abort();
	}
	for (;;) {
		struct pipeline_query *taken, *q;
		bool stopping;
		uint64_t ticks;

		pthread_mutex_lock(&pl->mu);
		taken = pl->queued;
		pl->queued = pl->queued_tail = NULL;
		stopping = pl->stopping;
		pthread_mutex_unlock(&pl->mu);
		while ((q = taken) != NULL) {
			taken = q->next;
			push(&pl->waiting, &pl->waiting_tail, q);
		}
		if (stopping) {
			fail_all(pl);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		send_waiting(pl, &now);

		fds[0] = (struct pollfd){.fd = pl->wake, .events = POLLIN};
		for (int i = 0; i < pl->n; i++) {
			struct pl_conn *c = &pl->conns[i];

			if (c->pg && c->flushing) {
				int f = PQflush(c->pg);

				if (f < 0) {
					drop(pl, c, NULL);
					continue;
				}
				c->flushing = f == 1;
			}
			fds[i + 1] = (struct pollfd){
				.fd = c->pg && c->head ? PQsocket(c->pg) : -1,
				.events = (short)(POLLIN | (c->flushing ? POLLOUT : 0)),
			};
		}
		if (poll(fds, (nfds_t)pl->n + 1, next_wake(pl, &now)) < 0 && errno != EINTR) {
			log_msg("error", "pipeline", "poll: %s", strerror(errno));
			continue;
		}
		if (fds[0].revents & POLLIN)
			(void)!read(pl->wake, &ticks, sizeof ticks);
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (int i = 0; i < pl->n; i++) {
			struct pl_conn *c = &pl->conns[i];

			if (c->pg == NULL || c->head == NULL)
				continue;
			if (fds[i + 1].revents & POLLOUT)
				c->flushing = true;
			if ((fds[i + 1].revents & (POLLIN | POLLERR | POLLHUP)) && !PQconsumeInput(c->pg)) {
				drop(pl, c, NULL);
				continue;
			}
			take_answers(pl, c);
			if (c->head && passed(&c->head->deadline, &now))
				drop(pl, c, c->head);
		}
	}
	free(fds);
	return NULL;
}

struct pipeline *
pipeline_start(const char *conninfo, int n, int statement_timeout_ms, int deadline_ms,
               struct db_pool *counts)
{
	struct pipeline *pl = calloc(1, sizeof *pl);

	if (pl == NULL)
		return NULL;
	pl->n = n;
	pl->statement_timeout_ms = statement_timeout_ms;
	pl->deadline_ms = deadline_ms;
	pl->counts = counts;
	pl->conninfo = strdup(conninfo ? conninfo : "");
	pl->conns = calloc((size_t)n, sizeof *pl->conns);
	pl->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pthread_mutex_init(&pl->mu, NULL);
	if (pl->conninfo == NULL || pl->conns == NULL || pl->wake < 0 ||
	    pthread_create(&pl->thread, NULL, run, pl) != 0) {
		if (pl->wake >= 0)
			close(pl->wake);
		pthread_mutex_destroy(&pl->mu);
		free(pl->conns);
		free(pl->conninfo);
		free(pl);
		return NULL;
	}
	return pl;
}

static void
wake(struct pipeline *pl)
{
	uint64_t one = 1;

	(void)!write(pl->wake, &one, sizeof one);
}

void
pipeline_stop(struct pipeline *pl)
{
	if (pl == NULL)
		return;
	pthread_mutex_lock(&pl->mu);
	pl->stopping = true;
	pthread_mutex_unlock(&pl->mu);
	wake(pl);
	pthread_join(pl->thread, NULL);
	for (int i = 0; i < pl->n; i++) {
		PQfinish(pl->conns[i].pg);
		free(pl->conns[i].prepared);
	}
	close(pl->wake);
	pthread_mutex_destroy(&pl->mu);
	free(pl->conns);
	free(pl->conninfo);
	free(pl);
}

void
pipeline_submit(struct pipeline *pl, struct pipeline_query *q)
{
	bool stopping;

	q->err = ERR_OK;
	q->res = NULL;
	q->prepares = q->retried = false;
	clock_gettime(CLOCK_MONOTONIC, &q->deadline);
	add_ms(&q->deadline, pl->deadline_ms > 0 ? pl->deadline_ms : 3600 * 1000);
	pthread_mutex_lock(&pl->mu);
	if (!(stopping = pl->stopping))
		push(&pl->queued, &pl->queued_tail, q);
	pthread_mutex_unlock(&pl->mu);
	if (stopping)
		fail(q, ERR_UNAVAILABLE, 5, "the service is stopping");
	else
		wake(pl);
}

void
pipeline_stats(struct pipeline *pl, struct pipeline_stats *out)
{
	out->sent = __atomic_load_n(&pl->sent, __ATOMIC_RELAXED);
	out->in_flight = __atomic_load_n(&pl->in_flight, __ATOMIC_RELAXED);
	out->peak = __atomic_load_n(&pl->peak, __ATOMIC_RELAXED);
	out->connections = __atomic_load_n(&pl->open, __ATOMIC_RELAXED);
}
