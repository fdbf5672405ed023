/*
 * error.h
 *    The one error vocabulary of the program, and the problem that carries
 *    the details of a refused request to whoever answers it.
 *
 * Every fallible function returns an enum err; details (which field, which
 * rule) go into a struct problem owned by the caller. error_info() is the
 * single mapping from an err to a status code, a problem type and a title,
 * used by api/ to build application/problem+json bodies.
 *
 * NB: the status codes belong to the HTTP layer rather than to lib/; they
 * are kept here, in this one table, until that layer exists.
 */
#ifndef CONSORTIA_ERROR_H
#define CONSORTIA_ERROR_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>

enum err {
	ERR_OK = 0,
	ERR_MALFORMED,            /* 400: unparseable request, unknown parameter */
	ERR_UNAUTHORIZED,         /* 401: no or bad credentials */
	ERR_FORBIDDEN,            /* 403: authenticated, not allowed */
	ERR_NOT_FOUND,            /* 404 */
	ERR_METHOD_NOT_ALLOWED,   /* 405 */
	ERR_NOT_ACCEPTABLE,       /* 406 */
	ERR_CONFLICT,             /* 409: clashes with stored state */
	ERR_PRECONDITION_FAILED,  /* 412: stale If-Match */
	ERR_TOO_LARGE,            /* 413 */
	ERR_URI_TOO_LONG,         /* 414 */
	ERR_HEADERS_TOO_LARGE,    /* 431 */
	ERR_UNSUPPORTED_MEDIA,    /* 415 */
	ERR_VALIDATION,           /* 422: well-formed but breaks a rule */
	ERR_PRECONDITION_REQUIRED,/* 428: If-Match missing */
	ERR_RATE_LIMITED,         /* 429 */
	ERR_INTERNAL,             /* 500: a bug or an unexpected failure */
	ERR_UNAVAILABLE,          /* 503: the database cannot be reached */
	ERR_RETRY,                /* serialization failure: caller may retry; 503 if it escapes */
	ERR_ANSWERED,             /* not a failure: the answer is made already (a replay) */
	ERR__COUNT
};

struct error_info {
	int status;
	const char *slug;   /* problem type is "urn:consortia:problem:<slug>" */
	const char *title;
};

/* Status, slug and title of an error; never NULL, ERR_INTERNAL's for junk. */
const struct error_info *error_info(enum err e);

/* Where a faulty value came from, as reported in problem errors[].in. */
enum problem_in { IN_BODY, IN_QUERY, IN_HEADER, IN_PATH };

/*
 * The details of a refused request. Zero-initialise, fill through the
 * functions below, release with problem_clear(). `errors` is NULL until a
 * field fault is added.
 */
struct problem {
	enum err err;
	char detail[512];
	json_t *errors;       /* owned: array of {field, in, code, message} */
	/* A database refusal behind err: its SQLSTATE and the constraint it names ("" if none). */
	char sqlstate[6];
	char constraint[64];
	int retry_after;      /* seconds, for 503 / 429; 0 = none */
	const char *oauth_error;  /* the token endpoint's RFC 6749 error code, or NULL */
};

/*
 * Set the problem's error and detail (printf format) and return the error,
 * so that a function can end with `return problem_set(p, ERR_X, "...")`.
 * A problem already set keeps its first error and detail.
 */
enum err problem_set(struct problem *p, enum err e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append one field fault. Never fails visibly: out of memory drops it. */
void problem_field(struct problem *p, enum problem_in in, const char *field,
                   const char *code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Number of field faults recorded. */
size_t problem_count(const struct problem *p);

/* Does p record a fault of field with this code? */
bool problem_names(const struct problem *p, const char *field, const char *code);

/* Free what the problem owns and zero it; accepts NULL. */
void problem_clear(struct problem *p);

/*
 * The problem as a JSON object (RFC 9457) for `instance` and `request_id`
 * (either may be NULL). Caller owns the returned json_t; NULL only when out
 * of memory.
 */
json_t *problem_to_json(const struct problem *p, const char *instance,
                        const char *request_id);

#endif
