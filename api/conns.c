/*
 * conns.c
 *    This module keeps the state of every open connection (waiting for a
 *    request, or inside one) to enforce what libmicrohttpd's inactivity
 *    timeout cannot: a client that trickles a byte at a time is never
 *    inactive, so a connection is cut when it has waited for a request
 *    longer than HTTP_IDLE_TIMEOUT, or spent longer than
 *    HTTP_REQUEST_TIMEOUT sending one, or again reading its answer (the
 *    handler's own time in between is bounded by the database deadlines).
 *    On shutdown it tells when no request is left in flight.
 *
 * Cutting is shutdown(2) on the socket, done under the registry's lock;
 * libmicrohttpd reports a connection closed before it closes the socket,
 * so a socket number is never cut after being reused.
 */
#include "server.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "../lib/log.h"

/*
 * WAITING for a request; IN_REQUEST from its first line until it is all
 * received, and again while its answer is sent; HANDLING while a handler
 * works on it (bounded by the database deadlines, not cut here); CUT.
 */
enum phase { WAITING, IN_REQUEST, HANDLING, CUT };

#define BUCKETS 4096   /* connections by the client's port, for conns_handling */

struct conn {
	int fd;
	enum phase phase;
	struct timespec since;
	struct sockaddr_in peer;
	struct conn *prev, *next;
	struct conn *bucket_next;
};

struct conns {
	pthread_mutex_t mu;
	pthread_cond_t cv;           /* the reaper's sleep; signalled to stop or drain */
	struct conn *head;
	struct conn *buckets[BUCKETS];
	pthread_t reaper;
	bool stopping, draining;
	int idle_timeout, request_timeout;
	unsigned long long open, in_request, cut_idle, cut_slow;
};

static double
elapsed(const struct timespec *since, const struct timespec *now)
{
	return (double)(now->tv_sec - since->tv_sec) + (now->tv_nsec - since->tv_nsec) / 1e9;
}

/* Move c to phase p (under cs->mu). */
static void
set_phase(struct conns *cs, struct conn *c, enum phase p)
{
	if (c->phase == CUT)
		return;
	if (c->phase == IN_REQUEST || c->phase == HANDLING)
		cs->in_request--;
	if (p == IN_REQUEST || p == HANDLING)
		cs->in_request++;
	c->phase = p;
	clock_gettime(CLOCK_MONOTONIC, &c->since);
}

static void
cut(struct conns *cs, struct conn *c)
{
	if (c->phase == IN_REQUEST || c->phase == HANDLING)
		cs->in_request--;
	c->phase = CUT;
	shutdown(c->fd, SHUT_RDWR);
}

void
conns_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
             enum MHD_ConnectionNotificationCode code)
{
	struct conns *cs = cls;
	const union MHD_ConnectionInfo *info;
	struct conn *c;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (info == NULL || (c = calloc(1, sizeof *c)) == NULL)
			return;
		c->fd = info->connect_fd;
		info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (info && info->client_addr && info->client_addr->sa_family == AF_INET)
			memcpy(&c->peer, info->client_addr, sizeof c->peer);
		pthread_mutex_lock(&cs->mu);
		c->phase = WAITING;
		clock_gettime(CLOCK_MONOTONIC, &c->since);
		c->next = cs->head;
		if (cs->head)
			cs->head->prev = c;
		cs->head = c;
		c->bucket_next = cs->buckets[c->peer.sin_port % BUCKETS];
		cs->buckets[c->peer.sin_port % BUCKETS] = c;
		cs->open++;
		/* Draining: answer nothing more on it. */
		if (cs->draining)
			cut(cs, c);
		pthread_mutex_unlock(&cs->mu);
		*socket_context = c;
		return;
	}
	if ((c = *socket_context) == NULL)
		return;
	pthread_mutex_lock(&cs->mu);
	if (c->phase == IN_REQUEST || c->phase == HANDLING)
		cs->in_request--;
	for (struct conn **b = &cs->buckets[c->peer.sin_port % BUCKETS]; *b; b = &(*b)->bucket_next)
		if (*b == c) {
			*b = c->bucket_next;
			break;
		}
	if (c->prev)
		c->prev->next = c->next;
	else
		cs->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	cs->open--;
	pthread_cond_broadcast(&cs->cv);
	pthread_mutex_unlock(&cs->mu);
	free(c);
	*socket_context = NULL;
}

static struct conn *
conn_of(struct MHD_Connection *connection)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return info ? info->socket_context : NULL;
}

void *
conns_uri_seen(void *cls, const char *uri, struct MHD_Connection *connection)
{
	struct conns *cs = cls;
	struct conn *c = conn_of(connection);

	if (c) {
		pthread_mutex_lock(&cs->mu);
		set_phase(cs, c, IN_REQUEST);
		pthread_mutex_unlock(&cs->mu);
	}
	return front_exchange_new(uri);
}

void
conns_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                enum MHD_RequestTerminationCode toe)
{
	struct conns *cs = cls;
	struct conn *c = conn_of(connection);

	if (c) {
		pthread_mutex_lock(&cs->mu);
		set_phase(cs, c, WAITING);
		/* Draining: the answer went; no next request on this connection. */
		if (cs->draining)
			cut(cs, c);
		pthread_cond_broadcast(&cs->cv);
		pthread_mutex_unlock(&cs->mu);
	}
	(void)toe;
	front_exchange_free(*con_cls);
	*con_cls = NULL;
}

void
conns_handling(struct conns *cs, const struct sockaddr *peer, bool handling)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)peer;

	if (peer == NULL || peer->sa_family != AF_INET)
		return;
	pthread_mutex_lock(&cs->mu);
	for (struct conn *c = cs->buckets[in->sin_port % BUCKETS]; c; c = c->bucket_next)
		if (c->peer.sin_port == in->sin_port && c->peer.sin_addr.s_addr == in->sin_addr.s_addr) {
			/* After the handler, the answer gets its own time to be sent. */
			set_phase(cs, c, handling ? HANDLING : IN_REQUEST);
			break;
		}
	pthread_mutex_unlock(&cs->mu);
}

/* Cut what has been too long at its phase (under cs->mu). */
static void
sweep(struct conns *cs)
{
	struct timespec now;
	double t;

	clock_gettime(CLOCK_MONOTONIC, &now);
	for (struct conn *c = cs->head; c; c = c->next) {
		if (c->phase == CUT)
			continue;
		t = elapsed(&c->since, &now);
		if (c->phase == WAITING && (cs->draining || t > cs->idle_timeout)) {
			cut(cs, c);
			cs->cut_idle++;
		} else if (c->phase == IN_REQUEST && t > cs->request_timeout) {
			cut(cs, c);
			cs->cut_slow++;
			log_msg("warn", "connection_cut", "a request took longer than %d s to send or read",
			        cs->request_timeout);
		}
	}
}

static void *
reaper(void *arg)
{
	struct conns *cs = arg;
	struct timespec wake;

	pthread_mutex_lock(&cs->mu);
	while (!cs->stopping) {
		sweep(cs);
		clock_gettime(CLOCK_REALTIME, &wake);
		wake.tv_sec += 1;
		pthread_cond_timedwait(&cs->cv, &cs->mu, &wake);
	}
	pthread_mutex_unlock(&cs->mu);
	return NULL;
}

struct conns *
conns_start(int idle_timeout, int request_timeout)
{
	struct conns *cs = calloc(1, sizeof *cs);

	if (cs == NULL)
		return NULL;
	pthread_mutex_init(&cs->mu, NULL);
	pthread_cond_init(&cs->cv, NULL);
	cs->idle_timeout = idle_timeout;
	cs->request_timeout = request_timeout;
	if (pthread_create(&cs->reaper, NULL, reaper, cs) != 0) {
		pthread_cond_destroy(&cs->cv);
		pthread_mutex_destroy(&cs->mu);
		free(cs);
		return NULL;
	}
	return cs;
}

bool
conns_drain(struct conns *cs, int grace)
{
	struct timespec end, now;
	bool drained;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += grace;
	pthread_mutex_lock(&cs->mu);
	cs->draining = true;
	sweep(cs);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (cs->in_request == 0 || elapsed(&now, &end) <= 0)
			break;
		{
			struct timespec wake;

			clock_gettime(CLOCK_REALTIME, &wake);
			wake.tv_nsec += 100 * 1000000L;
			if (wake.tv_nsec >= 1000000000L) {
				wake.tv_sec++;
				wake.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&cs->cv, &cs->mu, &wake);
		}
		sweep(cs);
	}
	drained = cs->in_request == 0;
	/* Whatever is left is cut: its handler still finishes before the stop. */
	for (struct conn *c = cs->head; c; c = c->next)
		if (c->phase != CUT)
			cut(cs, c);
	pthread_mutex_unlock(&cs->mu);
	return drained;
}

bool
conns_draining(struct conns *cs)
{
	bool d;

	pthread_mutex_lock(&cs->mu);
	d = cs->draining;
	pthread_mutex_unlock(&cs->mu);
	return d;
}

void
conns_stop(struct conns *cs)
{
	if (cs == NULL)
		return;
	pthread_mutex_lock(&cs->mu);
	cs->stopping = true;
	pthread_cond_broadcast(&cs->cv);
	pthread_mutex_unlock(&cs->mu);
	pthread_join(cs->reaper, NULL);
	/* Connections libmicrohttpd still reports end with it: none is left after its stop. */
	pthread_cond_destroy(&cs->cv);
	pthread_mutex_destroy(&cs->mu);
	free(cs);
}

void
conns_stats(struct conns *cs, struct conn_stats *out)
{
	pthread_mutex_lock(&cs->mu);
	out->open = cs->open;
	out->in_request = cs->in_request;
	out->cut_idle = cs->cut_idle;
	out->cut_slow = cs->cut_slow;
	pthread_mutex_unlock(&cs->mu);
}
