/*
 * server.h
 *    The running service: what it holds while it serves (struct app), its
 *    start and stop, the open connections (conns.c) and the request
 *    counts for /metrics (metrics.c).
 */
#ifndef CONSORTIA_SERVER_H
#define CONSORTIA_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>
#include <ulfius.h>

#include "../lib/accountstate.h"
#include "../lib/config.h"
#include "../lib/db.h"
#include "../lib/pipeline.h"
#include "../lib/query.h"
#include "../lib/resource.h"
#include "../lib/throttle.h"
#include "../lib/token.h"
#include "../lib/tokencache.h"

struct webhook_sender;

struct app {
	struct config cfg;
	struct db_pool pool;                /* the requests' connections, one a worker */
	struct db_pool exports;             /* CSV downloads' own, held while the client reads */
	/* With DATABASE_READ_URL: the standby, its connections for reads and for downloads. */
	struct standby *standby;
	struct db_pool reads;
	struct db_pool read_exports;
	/* PIPELINE_CONNECTIONS: a record's read sent without holding its worker; NULL: none. */
	struct pipeline *pipeline;
	struct token_keys keys;
	struct MHD_Daemon *daemon;
	struct throttle *throttle;          /* RATE_LIMIT_PER_MINUTE; NULL: no limit */
	struct token_cache *tokens;         /* bearer tokens already verified */
	struct account_states *accounts;    /* service accounts' token generations */
	struct webhook_sender *webhooks;    /* the webhooks' sender; NULL with WEBHOOKS=0 */
	struct conns *conns;                /* the open connections and their timeouts */
	struct metrics *metrics;            /* request counts and latencies, by route */
};

struct route;

/* Request counts and latencies for /metrics, by route (metrics.c); NULL when out of memory. */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);
/* A request answered: its route (or none), status, time and database round trips. */
void metrics_record(struct metrics *m, const struct route *route, int status, long long us,
                    unsigned statements);

/*
 * Run the HTTP server until SIGTERM or SIGINT, then stop accepting, let the
 * requests in flight finish (for up to SHUTDOWN_GRACE seconds) and close
 * the pool. Returns the exit status.
 */
int server_run(struct app *app);

/*
 * The open connections (conns.c): their timeouts and the drain on shutdown.
 * conns_start starts the reaper that cuts them (NULL: it cannot); conns_stop
 * stops it and frees what conns_start made.
 */
struct conn_stats {
	unsigned long long open, in_request, cut_idle, cut_slow;
};
struct conns *conns_start(int idle_timeout, int request_timeout);
void conns_stop(struct conns *cs);
/* Cut idle connections; wait up to grace s for requests in flight. True when none is left. */
bool conns_drain(struct conns *cs, int grace);
bool conns_draining(struct conns *cs);
/* The connection from peer is now in its handler (true), or its answer is being sent (false). */
void conns_handling(struct conns *cs, const struct sockaddr *peer, bool handling);
void conns_stats(struct conns *cs, struct conn_stats *out);
/* libmicrohttpd's callbacks, each given the conns as cls (the last two make and free the exchange). */
void conns_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                  enum MHD_ConnectionNotificationCode code);
void *conns_uri_seen(void *cls, const char *uri, struct MHD_Connection *connection);
void conns_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                     enum MHD_RequestTerminationCode toe);


/*
 * The access handler (front.c), given the router as cls: a request into
 * ulfius's structures, through the router, its answer queued; a read sent
 * to the pipeline suspends the connection until it is back. An exchange
 * is one request's state, made when its first line is seen and freed when
 * it is done (conns_uri_seen, conns_completed).
 */
struct router;
enum MHD_Result front_handle(void *cls, struct MHD_Connection *connection, const char *url,
                             const char *method, const char *version, const char *upload_data,
                             size_t *upload_data_size, void **con_cls);
void *front_exchange_new(const char *uri);
void front_exchange_free(void *exchange);
struct app *router_app(const struct router *rt);

#endif
