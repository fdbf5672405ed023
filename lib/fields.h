/*
 * fields.h
 *    Declarative descriptions of a resource's writable fields, and the one
 *    validator that turns a client's JSON into checked values.
 *
 * A resource lists its fields in a `struct field` table. A `struct record`
 * holds one value per field, in table order, as the canonical text that is
 * handed to PostgreSQL as a query parameter (NULL is SQL NULL). The same
 * table decides what a create may set, what a merge patch may change, and
 * which names are refused as read-only or unknown.
 */
#ifndef CONSORTIA_FIELDS_H
#define CONSORTIA_FIELDS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define RECORD_MAX 32

/*
 * The bound of every amount of money a client sends, in pence (a trillion
 * pounds): a sum of a few thousand of them cannot overflow 64 bits.
 */
#define MAX_PENCE 100000000000000LL

enum ftype {
	FT_INT,         /* JSON integer within [min, max] */
	FT_TEXT,        /* JSON string of min..max characters */
	FT_DATE,        /* JSON string "YYYY-MM-DD" */
	FT_BOOL,        /* JSON true / false */
	FT_ENUM,        /* JSON string, one of `values` */
	FT_TEXT_ARRAY,  /* JSON array of strings, each passing `check` */
	FT_JSON,        /* any JSON value that `json_check` accepts; stored as jsonb */
};

enum {
	F_REQUIRED    = 1 << 0,  /* a create must give it (unless it has a default) */
	F_NULLABLE    = 1 << 1,  /* null is a value */
	F_CREATE_ONLY = 1 << 2,  /* set by a create, read-only afterwards */
	F_DERIVED     = 1 << 3,  /* computed by the resource from other fields; never set by a client */
	F_PAST        = 1 << 4,  /* FT_DATE: a day that has come, not after today in England */
	F_NAME        = 1 << 5,  /* FT_TEXT: a name, stored trimmed and in NFC (fields_name) */
	/* may be left out (then it has none), never given as null: one of two ways the
	 * resource's check accepts (a person by person_id, or by name and email) */
	F_OPTIONAL    = 1 << 6,
	/* set only by the LA's own callers (an admin, an officer): an override of a rule */
	F_LA_ONLY     = 1 << 7,
};

struct field {
	const char *name;
	enum ftype type;
	unsigned flags;
	long long min, max;             /* FT_INT: value; FT_TEXT (and array items): length in characters */
	size_t max_items;               /* FT_TEXT_ARRAY: at most this many items */
	const char *const *values;      /* FT_ENUM: NULL-terminated list */
	bool (*check)(const char *s);   /* FT_TEXT, FT_TEXT_ARRAY items: extra format rule */
	const char *format;             /* what `check` wants, for the message */
	const char *dflt;               /* canonical default on create, NULL for none */
	/* FT_JSON: add a fault for every part of v that is wrong; false if any */
	bool (*json_check)(const json_t *v, const char *name, struct problem *p);
};

/* A resource's field table and the names a client can see but never set. */
struct field_set {
	const struct field *fields;
	size_t n;
	const char *const *read_only;   /* NULL-terminated: id, created_at, ... */
};

struct record {
	char *val[RECORD_MAX];           /* owned canonical text; NULL = SQL NULL */
	bool set[RECORD_MAX];            /* given by the client (create) or changed (patch) */
	json_t *facts;                   /* owned: what the database knows for the rules, or NULL */
};

enum record_mode { RECORD_CREATE, RECORD_PATCH };

/*
 * Validate `obj` against `fs` into `rec`.
 *
 * RECORD_CREATE: `rec` must be empty (zeroed); fields not given take their
 * default. RECORD_PATCH: `rec` holds the current values (record_load) and
 * is changed by the merge patch; set[i] tells which values changed.
 * Every fault is added to `p` (unknown, read_only, type, ...), and the
 * function returns ERR_VALIDATION if there was any, with `rec` partly
 * filled: the caller still owns and clears it.
 */
enum err record_from_json(const struct field_set *fs, const json_t *obj,
                          enum record_mode mode, struct record *rec,
                          struct problem *p);

/*
 * Load current values for a patch from columns first_col .. first_col+n-1
 * of row `row` of `res` (text results, in table order). Booleans "t"/"f"
 * become "true"/"false". Returns ERR_INTERNAL when out of memory.
 */
enum err record_load(const struct field_set *fs, const PGresult *res, int row,
                     int first_col, struct record *rec);

/* Set value i to a copy of s (NULL for SQL NULL); false when out of memory. */
bool record_put(struct record *rec, size_t i, const char *s);

/* True if any value was set or changed. */
bool record_any_set(const struct field_set *fs, const struct record *rec);

/* Free the values; accepts NULL. The record is left empty and reusable. */
void record_clear(struct record *rec);

/* Index of field `name` in fs, or -1. */
int fields_index(const struct field_set *fs, const char *name);

/*
 * A name as it is stored and compared: white space around it trimmed and
 * the rest in Unicode Normalization Form C. NULL, with *why set, when it
 * holds a control character or an invisible formatting one (zero-width
 * space, bidirectional marks: Unicode categories Cc, Cf, Zl, Zp), or NULL
 * with *why NULL when out of memory. s is valid UTF-8; the caller frees.
 */
char *fields_name(const char *s, const char **why);

/* Number of characters (code points) in a valid UTF-8 string. */
size_t utf8_length(const char *s);

/* Is v a JSON string of 1 to max characters, with no NUL in it? (Items of FT_JSON fields.) */
bool json_text_ok(const json_t *v, size_t max);

/* True if s is valid UTF-8 of length len with no NUL byte. */
bool utf8_valid(const char *s, size_t len);

#endif
