/*
 * resource.h
 *    The generic life of a stored resource: create, read, list, merge-patch
 *    and delete, driven by a declarative `struct resource_def` (its fields,
 *    its statements, its filters and sorts). Each resource's repository file
 *    (la.c, area.c, school.c) holds its definition and its SQL.
 *
 * Every write runs inside the caller's open transaction (the dispatcher's
 * unit of work) and never begins or commits one itself: a failure leaves
 * the transaction for the caller to roll back. Representations are built
 * by PostgreSQL (json_build_object) and passed through as text.
 */
#ifndef CONSORTIA_RESOURCE_H
#define CONSORTIA_RESOURCE_H

#include <jansson.h>
#include <stdbool.h>

#include "audit.h"
#include "db.h"
#include "fields.h"
#include "query.h"

enum filter_kind {
	FILTER_INT,        /* whole number in [min, max] */
	FILTER_ENUM,       /* one of values */
	FILTER_BOOL,       /* true / false */
	FILTER_ID_OR_CODE, /* digits: sql; otherwise: alt_sql */
	FILTER_TEXT,       /* 1..max characters */
	FILTER_TIME,       /* an RFC 3339 timestamp */
	FILTER_DATE,       /* a date, YYYY-MM-DD */
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

/* A value the server makes for an action (a new secret's hash), and what the answer shows once. */
struct made_value {
	char *param;                       /* owned: the change's parameter after the body's fields */
	char shown[64];                    /* shown once in the answer, as the action's show_as field */
};

/*
 * A state change of a resource, POST <path>/{key}/<name>: the states it
 * may start from, the body it takes, the statement that makes it.
 */
struct action_def {
	const char *name;                  /* in the route: "approve" */
	const char *audit;                 /* the audit trail's action, NULL: name */
	const char *const *from;           /* the states it may start from, NULL-terminated */
	const struct field_set *body;      /* the body it takes, or NULL: none */
	/* $1 key, the body's fields in order, the caller's subject (`actor`), then the made
	 * value -> nothing; or, when
	 * `creates`, the key of the record it makes (no row: refused with `refused`) */
	const struct db_stmt *change;
	bool creates;                      /* it makes a record: 201 with its Location */
	bool if_match;                     /* it needs an expected version (If-Match) */
	bool actor;                        /* the change takes the caller's subject after the body */
	/* the audit event shows the record after only: the values before are not to be kept (an erasure) */
	bool forget_before;
	/*
	 * Who may not make the change (may be NULL): $1 key, $2 the caller's
	 * subject -> one text, why not (403), or NULL: the caller may.
	 */
	const struct db_stmt *guard;
	/*
	 * A rule over the locked row beyond its state (may be NULL): refuse with
	 * ERR_CONFLICT or ERR_VALIDATION, or set *unchanged when the row is
	 * already as asked (the answer is then the row, and nothing is written).
	 */
	enum err (*check)(const json_t *row, const struct record *body, bool *unchanged,
	                  struct problem *p);
	/* A value to make before the change (may be NULL); false when it cannot be made. */
	bool (*make)(struct made_value *m);
	const char *show_as;               /* the answer's field for made_value.shown */
	const char *hint;                  /* added to a refusal by state: what to do instead */
	const char *refused;               /* why a `creates` change made nothing (409) */
	const char *again;                 /* why a change that is made once is refused again (409) */
};

struct resource_def {
	const char *noun;                  /* "school", for messages */
	const char *resource;              /* "school", as the audit trail names it */
	const char *path;                  /* collection path, for Location */
	const char *key_field;             /* path parameter name: "id", "urn" */
	long long key_min, key_max;
	const struct field_set *fields;

	/*
	 * The columns of the record's fields in table order, for a lock that
	 * loads them into a record ("s.urn, l.code, ..."); NULL: none.
	 */
	const char *load_cols;
	/* Only the LA's callers may lock it: a school's or a group's caller reads it only. */
	bool lock_la_only;
	/* The representation depends on a date (?as_of=): its $1, in lists and reads. */
	bool as_of;
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
	const char *one_from;              /* the same rows for one record's read and lock; NULL: list_from */
	const char *list_where;            /* a condition every row of the list meets, or NULL */
	const char *admin_only_unless;     /* rows failing this condition only admins list, or NULL */
	/*
	 * A record private to who wrote it: the column holding its writer's
	 * subject (the insert takes the caller's subject after the fields), the
	 * only caller but admins who reaches it; NULL: none. Its reads are on
	 * the audit trail as well as its writes.
	 */
	const char *private_to;
	/* A group's casework: a chair reaches it only with a token naming the group. */
	bool group_kept;
	const char *key_expr;              /* e.g. "s.urn" */
	const char *key_type;              /* e.g. "integer" */
	const char *q_expr;                /* searched by ?q=, NULL: no q */
	/*
	 * What a scoped caller reaches, written once: a condition with one "%d"
	 * for the parameter's number, for callers of an LA (its code), of a
	 * school (its URN) and of a group (its id); NULL: such a caller sees
	 * none. Lists, exports, reads and locks all use them (scope.c).
	 */
	const char *scope_la;
	const char *scope_school;
	const char *scope_group;
	/*
	 * What a region's caller reaches: the region's own records, and what its
	 * member LAs share with it (their register); NULL: none. One "%d", the
	 * region's id.
	 */
	const char *scope_region;
	/*
	 * What an LA's caller may change, when it is less than what it reads (a
	 * region's plan its member LAs read and its own callers keep); NULL:
	 * scope_la. One "%d", the LA's code.
	 */
	const char *scope_la_lock;
	/*
	 * A region's caller writes these records of its own region: the field
	 * naming the record's region (region_field), or its parent's, the third
	 * column of parent_scope.
	 */
	bool region_writes;
	const char *region_field;
	const char *la_field;              /* the representation's LA code field, NULL if none */
	const char *group_field;           /* the field naming the record's group, NULL if none */
	/* or the field naming a parent record, and $1 parent -> (LA code, group id[, region id]) */
	const char *parent_field;
	const struct db_stmt *parent_scope;
	const char *const *csv_columns;    /* representation fields a CSV export writes, or NULL */
	const struct filter_def *filters;
	size_t nfilters;
	const struct sort_def *sorts;      /* the first is the default */
	size_t nsorts;

	const struct constraint_def *constraints;
	size_t nconstraints;

	/* State changes: the states a record can be in, and the actions between them. */
	const char *const *states;         /* NULL-terminated; NULL: no states */
	const char *(*state_of)(const json_t *row);   /* NULL: the row's "status" */
	const struct action_def *actions;
	size_t nactions;

	/*
	 * What the database knows that the rules need (may be NULL): $1 the
	 * record's value of `facts_field` -> one JSON object, given to derive
	 * and check as the record's `facts` (no row: none).
	 */
	const struct db_stmt *facts;
	const char *facts_field;
	/* Fill the record's derived fields (F_DERIVED) from the others. */
	bool (*derive)(struct record *rec);
	/* Rules across fields, on the complete record; add faults to p. */
	void (*check)(const struct record *rec, struct problem *p);
};

/* Every resource the service serves, NULL-terminated (registry.c). */
extern const struct resource_def *const resource_defs[];

/*
 * After a failed insert or update: a reference that does not resolve is
 * 422, and a constraint the def maps names its field. Returns the error.
 */
enum err resource_write_failed(const struct resource_def *def, enum err e, struct problem *p);

/* The def's mapping of the constraint called name, or NULL. */
const struct constraint_def *resource_constraint(const struct resource_def *def, const char *name);

/* A representation ready to send. */
struct doc {
	char *body;        /* owned JSON text */
	int version;
	char key[24];
};

void doc_free(struct doc *d);

/* What a caller may see: 0 in a field means no restriction by it. */
struct scope {
	int la_code;
	int school_urn;
	long long group_id;
	long long region_id;           /* a region's caller (never with an LA, school or group) */
	bool admin;                    /* the caller is an admin (sees admin-only rows) */
	const char *subject;           /* who asks: a private record's writer reaches it */
};

/* The kinds of caller a statement is built for: bits of a scope mask. */
enum { SCOPE_LA = 1, SCOPE_SCHOOL = 2, SCOPE_GROUP = 4, SCOPE_NOT_ADMIN = 8, SCOPE_OWNER = 16, SCOPE_REGION = 32 };

/* The restrictions of s that apply to def's records. */
unsigned scope_mask(const struct resource_def *def, const struct scope *s);

/*
 * Append to *sql " AND <fragment>" for each restriction in mask, in the
 * order LA, group, school, region, owner, numbering their parameters from *next (which
 * moves on). lock: the statement locks (lock_la_only applies). false when
 * out of memory.
 */
bool scope_append(char **sql, const struct resource_def *def, unsigned mask, bool lock, int *next);

/* The values of a scope's parameters, as text. */
struct scope_values {
	char text[4][24];
};

/* The parameters of the scope s puts on def's records, in scope_append's order, into v
 * (room for SCOPE_PARAMS_MAX); returns their number. */
#define SCOPE_PARAMS_MAX 5
int scope_params(const struct resource_def *def, const struct scope *s, struct scope_values *sv,
                 const char **v);

/* Append a printf-formatted fragment to *sql; false when out of memory. */
bool sql_append(char **sql, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append " AND frag" with its one "%d" replaced by n (frag NULL: nothing matches). */
bool sql_append_fragment(char **sql, const char *frag, int n);

/*
 * The read of one record (STMT_GET: version, representation), its lock
 * (STMT_LOCK: version, representation, then load_cols) and its read after
 * a write together with the write's audit event (STMT_RECORD: version,
 * representation; resource_record), built from the def for each kind of
 * caller. Parameters: the date of the read for a dated representation, the
 * key, then the scope's (resource_stmt_params).
 */
enum stmt_kind { STMT_GET, STMT_LOCK, STMT_RECORD, STMT__COUNT };

const struct db_stmt *resource_stmt(const struct resource_def *def, enum stmt_kind kind,
                                    const struct scope *s);
int resource_stmt_params(const struct resource_def *def, const struct scope *s, const char *as_of,
                         const char *key, struct scope_values *sv, const char **v);
/*
 * Run base (which ends in a WHERE clause; its own parameters are own[0..nown))
 * restricted to s by def's scope, then suffix (ORDER BY, FOR UPDATE...).
 * For statements beyond a record's read and lock: a fund's summary, the
 * payments' change feed. lock: lock_la_only applies.
 */
enum err resource_exec_scoped(struct db_conn *c, const struct resource_def *def, const char *base,
                              const char *suffix, const struct scope *s, bool lock, int nown,
                              const char *const *own, PGresult **res, struct problem *p);

/* The SQL of that statement for the scope mask (malloc'd; NULL: no memory), for tests. */
char *resource_stmt_sql(const struct resource_def *def, enum stmt_kind kind, unsigned mask);

/*
 * The versions a change may find its record at (what the HTTP layer reads
 * from If-Match): any, or one of versions[]. NULL where one is taken:
 * any.
 */
struct expected_version {
	bool any;
	int n;
	int versions[8];
};

/* Does e allow a record at version? */
bool expected_allows(const struct expected_version *e, int version);

/* Who asks: for the audit trail and scoping. */
struct actor {
	struct audit_actor audit;
	struct scope scope;
	const char *as_of;             /* the date reads are as of, YYYY-MM-DD; NULL: today */
};

/*
 * A request body as a record of def: its fields (record_from_json), what
 * the database knows for its rules (def's facts, when c is not NULL), then
 * def's derived fields and its rules across fields, every fault listed in p.
 * ERR_VALIDATION when a field or rule fails.
 */
/* Put in rec what def's facts statement says of it (when def has one and c is not NULL). */
enum err resource_load_facts(struct db_conn *c, const struct resource_def *def, struct record *rec,
                             struct problem *p);

enum err resource_validate(struct db_conn *c, const struct resource_def *def, const json_t *body,
                           enum record_mode mode, struct record *rec, struct problem *p);

/*
 * Parse a path key strictly (digits only, within the def's bounds) into
 * canonical text in out (24 bytes). ERR_MALFORMED naming the parameter.
 */
enum err resource_key(const struct resource_def *def, const char *raw, char out[24],
                      struct problem *p);

/*
 * The record a STMT_GET statement's result holds (its version and
 * representation), or ERR_NOT_FOUND naming key: for a read run elsewhere
 * than resource_get (lib/pipeline.c). res stays the caller's.
 */
enum err resource_doc_of(const struct resource_def *def, const char *key, const PGresult *res,
                         struct doc *out, struct problem *p);

/* Read one: ERR_NOT_FOUND (also when out of the caller's scope) or a doc. */
enum err resource_get(struct db_conn *c, const struct resource_def *def,
                      const struct actor *who, const char *key, struct doc *out,
                      struct problem *p);

/* Put on the audit trail that who read record key of def (doc, its representation). */
enum err resource_audit_read(struct db_conn *c, const struct resource_def *def, const struct actor *who,
                             const char *key, const char *doc, struct problem *p);

/*
 * Create from a JSON object; `extra` values (nextra of them) follow the
 * fields as parameters of the insert (server-made values such as a secret's
 * hash). out gets the new record's representation and key.
 * A scoped caller may create only inside its scope (ERR_FORBIDDEN).
 */
enum err resource_create(struct db_conn *c, const struct resource_def *def,
                         const json_t *body, const struct actor *who,
                         const char *const *extra, int nextra,
                         struct doc *out, struct problem *p);

/*
 * Apply a JSON merge patch if the stored version is one expected
 * (ERR_PRECONDITION_FAILED otherwise). A patch that
 * changes nothing leaves the version as it was and writes no audit event.
 */
enum err resource_patch(struct db_conn *c, const struct resource_def *def,
                        const struct actor *who, const char *key,
                        const struct expected_version *expect, const json_t *patch, struct doc *out, struct problem *p);

/* Delete if the stored version is one expected; ERR_CONFLICT if referred to. */
enum err resource_delete(struct db_conn *c, const struct resource_def *def,
                         const struct actor *who, const char *key,
                         const struct expected_version *expect, struct problem *p);

/* The def's action called name, or NULL. */
const struct action_def *resource_find_action(const struct resource_def *def, const char *name);

/*
 * May act start from a record in state? ERR_OK, or ERR_CONFLICT naming the
 * state and the actions the table allows from it. Pure: no database.
 */
enum err action_permits(const struct resource_def *def, const struct action_def *act,
                        const char *state, struct problem *p);

/*
 * Run act on the record key (in the caller's scope): check the body, lock
 * the row (at a version expected; NULL: any), check
 * the state and act's rule, make the change and audit it under act's
 * name. out gets the record afterwards, or with `creates` the new record;
 * shown what the answer shows once ("" if nothing).
 */
enum err resource_act(struct db_conn *c, const struct resource_def *def,
                      const struct action_def *act, const struct actor *who, const char *key,
                      const struct expected_version *expect, const json_t *body,
                      struct doc *out, char shown[64], struct problem *p);

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

enum err list_prepare(const struct resource_def *def, const struct scope *scope,
                      const struct query *q, const char *const *extra, bool paged,
                      struct list_request *lr, struct problem *p);
void list_request_free(struct list_request *lr);

enum err resource_list(struct db_conn *c, const struct resource_def *def,
                       const struct actor *who, const struct query *q, struct page *out,
                       struct problem *p);

/*
 * The pieces of the operations above, for resources with operations of
 * their own.
 *   resource_lock: lock the row in the caller's scope and read it, in one
 *     statement; check its version is one expected (ERR_NOT_FOUND,
 *     ERR_PRECONDITION_FAILED);
 *     load its fields into rec and its representation into doc, each
 *     when not NULL;
 *   resource_fetch: the representation (ERR_NOT_FOUND out of scope);
 *   resource_audit_removed: the audit event of `action` for a record the
 *     transaction removed, whose representation was before (a change's
 *     event is resource_record's, its changes made in SQL);
 *   resource_record: the record as the transaction left it, into out, and
 *     the audit event of `action` from before (NULL: a create) to it, in
 *     one statement;
 *   resource_made: a record the transaction made: its representation into
 *     out and an audit event of `action` (from nothing).
 */
enum err resource_lock(struct db_conn *c, const struct resource_def *def, const struct actor *who,
                       const char *key, const struct expected_version *expect,
                       struct record *rec, struct doc *doc, struct problem *p);
enum err resource_fetch(struct db_conn *c, const struct resource_def *def, const struct actor *who,
                        const char *key, struct doc *out, struct problem *p);
enum err resource_audit_removed(struct db_conn *c, const struct resource_def *def,
                                const struct actor *who, const char *key, const char *action,
                                const char *before, struct problem *p);

enum err resource_record(struct db_conn *c, const struct resource_def *def, const struct actor *who,
                         const char *key, const char *action, const char *before, struct doc *out,
                         struct problem *p);

enum err resource_made(struct db_conn *c, const struct resource_def *def, const struct actor *who,
                       const char *key, const char *action, struct doc *out, struct problem *p);

/* doc (a JSON object's text) with the string field name set to value: malloc'd, NULL: no memory. */
char *doc_with_field(const char *doc, const char *name, const char *value);

/* The LA code in a representation's `field` (0 when absent or null). */
int doc_la_code(const char *doc, const char *field);


#endif
