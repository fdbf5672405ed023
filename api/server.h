/*
 * server.h
 *    The HTTP side: one request's context, the routes table, and the
 *    helpers every handler answers through.
 *
 * A handler gets a struct req whose body, query and caller are already
 * checked, calls into lib/, and either answers through respond_*() and
 * returns ERR_OK, or returns an error with r->problem filled. It never
 * builds an error body itself: dispatch turns the error into
 * application/problem+json.
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
#include "../lib/query.h"
#include "../lib/resource.h"
#include "../lib/throttle.h"
#include "../lib/token.h"
#include "../lib/tokencache.h"

struct app {
	struct config cfg;
	struct db_pool pool;                /* the requests' connections, one a worker */
	struct db_pool exports;             /* CSV downloads' own, held while the client reads */
	struct token_keys keys;
	struct _u_instance inst;
	struct throttle *throttle;          /* RATE_LIMIT_PER_MINUTE; NULL: no limit */
	struct token_cache *tokens;         /* bearer tokens already verified */
	struct account_states *accounts;    /* service accounts' token generations */
};

struct req;
typedef enum err (*handler_fn)(struct req *r);

/* What a route's body must be; BODY_FORM takes a form or a JSON object. */
enum body_kind { BODY_NONE, BODY_JSON, BODY_CSV, BODY_FORM };

/* Role bits for a route's `roles`; 0 makes a route public. */
#define ROLE_BIT(r) (1u << (r))
#define ROLES_READ                                                                    \
	(ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_OFFICER) | ROLE_BIT(ROLE_FINANCE) |        \
	 ROLE_BIT(ROLE_CHAIR) | ROLE_BIT(ROLE_VIEWER))
#define ROLES_WRITE (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_OFFICER))
#define ROLES_ADMIN ROLE_BIT(ROLE_ADMIN)
#define ROLES_FINANCE (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_OFFICER) | ROLE_BIT(ROLE_FINANCE))
#define ROLES_PAY (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_FINANCE))
/* A group's own records: its chair writes them too (for its own group only). */
#define ROLES_GROUP_WRITE (ROLES_WRITE | ROLE_BIT(ROLE_CHAIR))
#define ROLES_AUDIT (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_OFFICER))

struct route {
	const char *method;
	const char *path;                   /* "/v1/schools/:urn": ":name" matches one segment */
	handler_fn handler;
	unsigned roles;
	const struct resource_def *def;     /* for the generic resource handlers */
	enum body_kind body;
	const char *const *query;           /* parameters a non-list route accepts */
};

extern const struct route routes[];
extern const size_t routes_count;

struct req {
	struct app *app;
	const struct route *route;
	const struct _u_request *in;
	struct _u_response *out;
	char id[33];
	struct token_claims claims;
	struct actor who;                   /* the caller, for lib/: audit, scope, idempotency */
	struct query query;
	json_t *body;                       /* BODY_JSON: the parsed object */
	struct problem problem;
	struct db_conn *db;                 /* borrowed from the pool, released by dispatch */
	int status;                         /* what was answered, for the log */
	struct timespec start;
	/* The unit of work of a write (dispatch.c): begun by the first req_db. */
	bool unit;                          /* this attempt runs as a unit of work */
	const char *idempotency_key;        /* the request's Idempotency-Key, or NULL */
	char request_hash[65];              /* digest of method, path and body, kept with the key */
	char *replay_body;                  /* owned: what a replay answers, if not the body sent */
	void (*after_commit)(struct req *r);/* run once the unit is committed, or NULL */
	bool rate_known;                    /* the caller's bucket was counted: rate is set */
	struct throttle_left rate;          /* for the RateLimit-* headers */
};

/*
 * Borrow the pool connection for this request (released when it ends). In
 * a write's unit of work, the first call also begins the transaction and
 * claims the Idempotency-Key: ERR_ANSWERED then means the key's first
 * answer was given again, and the handler returns it at once.
 */
enum err req_db(struct req *r, struct db_conn **out);

/* A path parameter as ulfius parsed it; NULL if absent. */
const char *req_param(const struct req *r, const char *name);

/* A request header (case-insensitive name); NULL if absent. */
const char *req_header(const struct req *r, const char *name);

/* A path key for the route's resource, checked (400 naming it when bad). */
enum err req_key(struct req *r, char key[24]);

/*
 * What a change to one record needs: its path key (400 when bad), the
 * If-Match header (428 when missing) and a database connection.
 */
enum err req_target(struct req *r, char key[24], const char **if_match, struct db_conn **c);

/* The If-Match header, or ERR_PRECONDITION_REQUIRED. */
enum err req_if_match(struct req *r, const char **out);

/* Answer with a JSON text body (copied). */
void respond_json(struct req *r, int status, const char *body, size_t len);

/* Answer with a resource representation and its ETag. */
void respond_doc(struct req *r, int status, const struct doc *d);

/* Answer 204 No Content. */
void respond_empty(struct req *r, int status);

/* Set a response header. */
void respond_header(struct req *r, const char *name, const char *value);

/* Handlers (api/resources.c, api/schools.c, api/ops.c). */
enum err api_resource_list(struct req *r);
enum err api_resource_get(struct req *r);
enum err api_resource_create(struct req *r);
enum err api_resource_patch(struct req *r);
enum err api_resource_delete(struct req *r);
enum err api_resource_action(struct req *r);
enum err api_school_import(struct req *r);
enum err api_resource_export(struct req *r);
enum err api_fund_calculate(struct req *r);
enum err api_fund_allocate(struct req *r);
enum err api_fund_summary(struct req *r);
enum err api_payments(struct req *r);
enum err api_account_create(struct req *r);
enum err api_account_patch(struct req *r);
enum err api_token(struct req *r);
enum err api_report_overdue_evaluations(struct req *r);
enum err api_area_report(struct req *r);
enum err api_authority_report(struct req *r);
enum err api_membership_move(struct req *r);
enum err api_chair_eligibility(struct req *r);
enum err api_report_chair_reviews(struct req *r);
enum err api_report_unconfirmed_chairs(struct req *r);
enum err api_report_groups_without_chair(struct req *r);
enum err api_healthz(struct req *r);
enum err api_metrics(struct req *r);
enum err api_docs(struct req *r);
enum err api_docs_script(struct req *r);

/* Request counts and latencies for /metrics (metrics.c). */
bool metrics_init(void);
void metrics_free(void);
/* A request answered: its route (or none), status, time and database round trips. */
void metrics_record(const struct route *route, int status, long long us, unsigned statements);
enum err api_readyz(struct req *r);
enum err api_openapi(struct req *r);

/* The caller's address (behind TRUSTED_PROXIES, the forwarded one), in auth.c. */
void req_client_address(const struct req *r, char out[64]);

/*
 * Run the HTTP server until SIGTERM or SIGINT, then stop accepting, let the
 * requests in flight finish (for up to SHUTDOWN_GRACE seconds) and close
 * the pool. Returns the exit status.
 */
int server_run(struct app *app);

/* The open connections (conns.c): their timeouts and the drain on shutdown. */
struct conn_stats {
	unsigned long long open, in_request, cut_idle, cut_slow;
};
bool conns_start(int idle_timeout, int request_timeout);
void conns_stop(void);
/* Cut idle connections; wait up to grace s for requests in flight. True when none is left. */
bool conns_drain(int grace);
bool conns_draining(void);
/* The connection from peer is now in its handler (true), or its answer is being sent (false). */
void conns_handling(const struct sockaddr *peer, bool handling);
void conns_stats(struct conn_stats *out);
/* libmicrohttpd's callbacks (the last two pass on to ulfius's own). */
void conns_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                  enum MHD_ConnectionNotificationCode code);
void *conns_uri_seen(void *cls, const char *uri, struct MHD_Connection *connection);
void conns_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                     enum MHD_RequestTerminationCode toe);

#endif
