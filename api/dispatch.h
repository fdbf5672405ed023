/*
 * dispatch.h
 *    What the router, dispatch, the unit of work and the server share
 *    (router.c, dispatch.c, unit.c, request.c, server.c); not for handlers.
 */
#ifndef CONSORTIA_DISPATCH_H
#define CONSORTIA_DISPATCH_H

#include "handlers.h"

/* A route and the app it runs in, as the router hands it to dispatch. */
struct binding {
	struct app *app;
	const struct route *route;
};

/* The one endpoint given to ulfius (router.c): every route, in the table's order. */
struct router;
struct router *router_new(struct app *app);
void router_free(struct router *rt);
/*
 * Answer a request, or start to: NULL when out holds the answer; else the
 * request, whose read (r->later) the caller sends (pipeline_submit) and
 * answers with dispatch_resume once it is back.
 */
struct req *route_request(const struct _u_request *in, struct _u_response *out,
                          const struct router *rt);
/* Run a request on its route: admit it, run its handler, answer and log it (dispatch.c). */
struct req *dispatch(const struct _u_request *in, struct _u_response *out,
                     const struct binding *b);
/* Answer r from its read's result (or error) into its response; frees r. */
void dispatch_resume(struct req *r);
/* r's read came back after its client went (the service stopping): log it and free r. */
void dispatch_abandon(struct req *r);
void req_init(struct req *r, struct app *app, const struct route *route,
              const struct _u_request *in, struct _u_response *out);
/* Answer r->problem as application/problem+json (or an RFC 6749 error). */
void respond_problem(struct req *r);
/* The common headers, the connection back to the pool, the metrics and the log line. */
void finish(struct req *r);

/* The route's body, read and checked against its kind; the query of a route that is not a list. */
enum err req_read_body(struct req *r);
enum err req_check_query(struct req *r);

/*
 * The unit of work of a write (unit.c). route_writes: every POST, PATCH
 * and DELETE of a signed-in caller; the unit begins only when the handler
 * asks for the database (a dry run such as the chair eligibility check
 * never does). run_unit: begin (at the handler's first req_db), claim the
 * Idempotency-Key, run the handler in the open transaction, keep its
 * answer with the key, commit; a serialization failure or a deadlock
 * anywhere in it runs the whole unit again, up to four times, then 503.
 * req_db (request.h) begins it at the handler's first call.
 */
bool route_writes(const struct route *route);
enum err run_unit(struct req *r);

/*
 * Where a request reads (read_route.c). route_reads_standby: may the
 * route's reads go to the standby (lists, exports, reports)? read_pool:
 * the pool a read of r takes, the standby's when it is configured, well,
 * and has replayed the caller's last write, else the primary's.
 * read_again_on_primary: a read that failed on the standby for want of it
 * (e ERR_UNAVAILABLE) is put back to be run on the primary: true when the
 * handler should run again. fence_after_write: a committed write leaves its
 * caller's fence (lib/standby.h).
 */
bool route_reads_standby(const struct route *route);
struct db_pool *read_pool(struct req *r, struct db_pool *primary, struct db_pool *standby);
bool read_again_on_primary(struct req *r, enum err e);
void fence_after_write(struct req *r);

#endif
