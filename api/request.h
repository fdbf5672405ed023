/*
 * request.h
 *    One request as a handler sees it, the routes table, and the helpers
 *    every handler answers through.
 *
 * A handler gets a struct req whose body, query and caller are already
 * checked, calls into lib/, and either answers through respond_*() and
 * returns ERR_OK, or returns an error with r->problem filled. It never
 * builds an error body itself: dispatch turns the error into
 * application/problem+json.
 */
#ifndef CONSORTIA_REQUEST_H
#define CONSORTIA_REQUEST_H

#include "../http/etag.h"
#include "../lib/pipeline.h"
#include "server.h"

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
/* A group's casework: its chair, and the LA's officers. */
#define ROLES_CASEWORK (ROLES_WRITE | ROLE_BIT(ROLE_CHAIR))
/* An Area Analysis Group's pack: the LA's officers, and the people who sit on it. */
#define ROLES_PACK (ROLES_WRITE | ROLE_BIT(ROLE_MEMBER))

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
	const char *oauth_error;            /* the token route's RFC 6749 error code, or NULL */
	struct db_conn *db;                 /* borrowed from a pool, released by dispatch */
	bool primary_only;                  /* read from the primary, not the standby */
	int status;                         /* what was answered, for the log */
	struct timespec start;
	/* The unit of work of a write (dispatch.c): begun by the first req_db. */
	bool unit;                          /* this attempt runs as a unit of work */
	const char *idempotency_key;        /* the request's Idempotency-Key, or NULL */
	char request_hash[65];              /* digest of method, path and body, kept with the key */
	char *replay_body;                  /* owned: what a replay answers, if not the body sent */
	void (*after_commit)(struct req *r);/* run once the unit is committed, or NULL */
	bool rate_known;                    /* the caller's bucket was counted: rate is set */
	const char *log_path;               /* what the log shows for a path that holds a secret, or NULL */
	struct throttle_left rate;          /* for the RateLimit-* headers */
	/* A read sent without waiting (req_later): the front door sends it, dispatch_resume answers. */
	struct pipeline_query later;
	enum err (*then)(struct req *r, const PGresult *res);   /* non-NULL: `later` is pending */
	unsigned statements_later;          /* statements run that way, for the log */
};

/*
 * Answer r from one statement run without holding the worker: st with its
 * n values (copied) goes to the pipeline once the handler returns ERR_OK,
 * and `then` makes the answer from its result, as a handler would. The
 * handler must have nothing else to do after it. Out of memory: ERR_INTERNAL.
 */
enum err req_later(struct req *r, const struct db_stmt *st, int n, const char *const *vals,
                   enum err (*then)(struct req *r, const PGresult *res));

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
enum err req_target(struct req *r, char key[24], struct expected_version *expect,
                    struct db_conn **c);

/* The versions the If-Match header expects, or ERR_PRECONDITION_REQUIRED without one. */
enum err req_if_match(struct req *r, struct expected_version *out);

/*
 * Put the Welsh of o where it is given: every member "x_cy" holding text
 * replaces the "x" beside it, through every object and array. How many it
 * replaced.
 */
size_t json_in_welsh(json_t *o);

/* Answer with a JSON text body (copied); in Welsh where given, when Accept-Language prefers cy. */
void respond_json(struct req *r, int status, const char *body, size_t len);

/*
 * Answer with a resource representation and its ETag; a GET whose
 * If-None-Match holds the ETag is answered 304, without the body.
 */
void respond_doc(struct req *r, int status, const struct doc *d);

/* Answer 200 with a page of a list and its ETag, or 304 as respond_doc. */
void respond_page(struct req *r, const char *body);

/* The ETag of a representation: its version (0: a page) and a digest of its bytes. */
void etag_of(int version, const char *body, size_t len, char out[ETAG_MAX]);

/* Answer 201 with a new record of def: its representation, ETag and Location. */
void respond_created(struct req *r, const struct resource_def *def, const struct doc *d);

/* Answer 204 No Content. */
void respond_empty(struct req *r, int status);

/* 200 with items (objects) as CSV, these columns in order, as the file name.csv (export.c). */
enum err respond_csv(struct req *r, const json_t *items, const char *const *columns, const char *name);
/* The same from text, a JSON object {"items": [...]} (malloc'd; freed here). */
enum err respond_items_csv(struct req *r, char *text, const char *const *columns, const char *name);

/* The academic_year query (required, such as 2020/21) into *out. */
enum err req_academic_year(struct req *r, const char **out);

/* The dry_run query (true or false; absent: false) into *dry_run. */
enum err req_dry_run(struct req *r, bool *dry_run);

/*
 * A CSV file's import: its dry_run query (true or false) into *dry_run; a
 * charset other than utf-8 is 415.
 */
enum err req_csv_import(struct req *r, bool *dry_run);

/* An import (a national extract, an LA's list) holds its transaction longer than a request's usual time, still bounded. */
#define IMPORT_DEADLINE_MS (10 * 60 * 1000)

/*
 * What a CSV import into one record does (the record key, its
 * representation doc), inside the request's unit of work.
 */
typedef enum err (*record_import_fn)(struct db_conn *c, const struct actor *who, const char *key, const char *doc,
                                     const char *data, size_t len, bool dry_run, json_t **report, struct problem *p);

/*
 * POST <record>/import?dry_run=: the body (UTF-8 CSV) imported by fn into
 * the route's record, which only who may change imports into (it is locked
 * in the caller's scope: 404 otherwise); the report answered by
 * respond_import.
 */
enum err req_import_into(struct req *r, record_import_fn fn);

/* Answer 200 with o (consumed) as JSON. */
enum err respond_object(struct req *r, json_t *o);

/*
 * Answer an import's report {dry_run, applied, ..., faults} (consumed): 200,
 * or 422 when a file that was not a dry run had faulty rows (nothing was
 * imported), each fault an error naming its column and line.
 */
enum err respond_import(struct req *r, json_t *report);

/* Set a response header. */
void respond_header(struct req *r, const char *name, const char *value);

/* The caller's address (behind TRUSTED_PROXIES, the forwarded one), in auth.c. */
void req_client_address(const struct req *r, char out[64]);

#endif
