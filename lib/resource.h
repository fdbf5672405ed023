/*
 * resource.h
 *    The generic life of a stored resource: create, read, list, merge-patch
 *    and delete, driven by a declarative `struct resource_def` (its fields,
 *    its statements, its filters and sorts). Each resource's repository file
 *    (la.c, area.c, school.c) holds its definition and its SQL.
 *
 * Every operation runs in one transaction on a borrowed connection and
 * leaves the database unchanged when it fails. Representations are built
 * by PostgreSQL (json_build_object) and passed through as text.
 */
#ifndef CONSORTIA_RESOURCE_H
#define CONSORTIA_RESOURCE_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"
#include "fields.h"
#include "query.h"

enum filter_kind {
	FILTER_INT,       /* whole number in [min, max] */
	FILTER_ENUM,      /* one of values */
	FILTER_BOOL,      /* true / false */
	FILTER_ID_OR_CODE /* digits: sql; otherwise: alt_sql */
};

/* A list filter: `sql` holds one "%d" for the parameter's number. */
struct filter_def {
	const char *name;
	enum filter_kind kind;
	const char *sql;
	const char *alt_sql;
	long long min, max;
	const char *const *values;
	bool (*check)(const char *s);      /* FILTER_ID_OR_CODE: is s a code? */
	const char *format;                /* ... described for the message */
};

/* A sort order: the expression (NOT NULL), its SQL type for the cursor, direction. */
struct sort_def {
	const char *name;     /* as in ?sort=, e.g. "-name" */
	const char *expr;
	const char *type;
	bool desc;
};

/* How a violated constraint is reported: which field, with which code. */
struct constraint_def {
	const char *name;
	const char *field;
	const char *code;
	const char *message;
};

struct resource_def {
	const char *noun;                  /* "school", for messages */
	const char *path;                  /* collection path, for Location */
	const char *key_field;             /* path parameter name: "id", "urn" */
	long long key_min, key_max;
	const struct field_set *fields;

	/* $1 key -> (version, doc) */
	const struct db_stmt *get;
	/* $1 key -> (version, fields in table order...), locking the row */
	const struct db_stmt *load;
	/* $1..$n fields -> (key); no row: `insert_miss` names the unresolved reference */
	const struct db_stmt *insert;
	const char *insert_miss_field;
	/* $1 key, $2..$n+1 fields -> updates the row, bumps version */
	const struct db_stmt *update;
	/* $1 key, $2 version -> deletes */
	const struct db_stmt *del;
	const char *del_conflict;          /* why a referred-to row cannot go */

	/* list: "SELECT doc, sort::text, key::text FROM ..." parts */
	const char *list_doc;              /* the doc expression */
	const char *list_from;             /* FROM ... JOIN ... */
	const char *key_expr;              /* e.g. "s.urn" */
	const char *key_type;              /* e.g. "integer" */
	const char *q_expr;                /* searched by ?q=, NULL: no q */
	const struct filter_def *filters;
	size_t nfilters;
	const struct sort_def *sorts;      /* the first is the default */
	size_t nsorts;

	const struct constraint_def *constraints;
	size_t nconstraints;

	/* Rules across fields, on the complete record; add faults to p. */
	void (*check)(const struct record *rec, struct problem *p);
};

/* A representation ready to send. */
struct doc {
	char *body;        /* owned JSON text */
	int version;
	char key[24];
};

void doc_free(struct doc *d);

/* Who asks, for idempotency keys (and, later, the audit trail). */
struct actor {
	const char *subject;
	const char *idempotency_key;   /* NULL: none given */
	const char *request_hash;      /* hex digest of method, path and body */
	const char *method;
	const char *path;
};

/*
 * Parse a path key strictly (digits only, within the def's bounds) into
 * canonical text in out (24 bytes). ERR_MALFORMED naming the parameter.
 */
enum err resource_key(const struct resource_def *def, const char *raw, char out[24],
                      struct problem *p);

/* Read one: ERR_NOT_FOUND or a doc. */
enum err resource_get(struct db_conn *c, const struct resource_def *def,
                      const char *key, struct doc *out, struct problem *p);

/*
 * Create from a JSON object. *status is 201, or the status first answered
 * when an idempotency key is replayed (then out->body is that response).
 */
enum err resource_create(struct db_conn *c, const struct resource_def *def,
                         const json_t *body, const struct actor *who,
                         struct doc *out, int *status, char **location,
                         struct problem *p);

/*
 * Apply a JSON merge patch if the stored version matches the If-Match
 * header value if_match (ERR_PRECONDITION_FAILED otherwise). A patch that
 * changes nothing leaves the version as it was.
 */
enum err resource_patch(struct db_conn *c, const struct resource_def *def,
                        const char *key, const char *if_match, const json_t *patch,
                        struct doc *out, struct problem *p);

/* Delete if the stored version matches if_match; ERR_CONFLICT if referred to. */
enum err resource_delete(struct db_conn *c, const struct resource_def *def,
                         const char *key, const char *if_match, struct problem *p);

/* A page of a list. */
struct page {
	char *body;          /* owned: {"items":[...],"next_cursor":...} */
	char *next_cursor;   /* owned, NULL on the last page */
	size_t count;
};

void page_free(struct page *pg);

/*
 * The query's parameters, checked against the def: limit, cursor, sort, q
 * and the def's filters; any other name is ERR_MALFORMED. `extra` names
 * parameters the caller handles itself (NULL-terminated, may be NULL).
 */
struct list_request {
	const char *sort;                 /* borrowed: sort name in force */
	const struct sort_def *sort_def;
	long limit;                       /* 0: no limit (CSV export) */
	char *after_value, *after_key;    /* owned, from the cursor */
	char *sql;                        /* owned, assembled from constant fragments */
	const char *params[QUERY_MAX_PARAMS + 4];
	char *owned[QUERY_MAX_PARAMS + 4];
	int nparams;
};

enum err list_prepare(const struct resource_def *def, const struct query *q,
                      const char *const *extra, bool paged, struct list_request *lr,
                      struct problem *p);
void list_request_free(struct list_request *lr);

enum err resource_list(struct db_conn *c, const struct resource_def *def,
                       const struct query *q, struct page *out, struct problem *p);

/* The ETag of a version: "\"<version>\"" into out (24 bytes). */
void etag_format(int version, char out[24]);

/*
 * True if the If-Match header value (a list of entity tags, or "*") names
 * version. Weak tags (W/"3") never match: If-Match compares strongly.
 */
bool etag_matches(const char *header, int version);

#endif
