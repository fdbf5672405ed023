/*
 * error.h
 *    The one error vocabulary of the program, and the problem that carries
 *    the details of a refused request to whoever answers it.
 *
 * Every fallible function returns an enum err; details (which field, which
 * rule) go into a struct problem owned by the caller. What an error means
 * in HTTP (its status, problem type and title, and the problem+json body)
 * is the HTTP layer's: http/problem.h.
 */
#ifndef CONSORTIA_ERROR_H
#define CONSORTIA_ERROR_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>

enum err {
	ERR_OK = 0,
	ERR_MALFORMED,            /* unparseable request, unknown parameter */
	ERR_UNAUTHORIZED,         /* no or bad credentials */
	ERR_FORBIDDEN,            /* known, not allowed */
	ERR_NOT_FOUND,            /* no such record, or not the caller's */
	ERR_METHOD_NOT_ALLOWED,   /* no such operation on it */
	ERR_NOT_ACCEPTABLE,       /* no representation the caller takes */
	ERR_CONFLICT,             /* clashes with stored state */
	ERR_PRECONDITION_FAILED,  /* the record is not at the version expected */
	ERR_TOO_LARGE,            /* the body is too large */
	ERR_URI_TOO_LONG,         /* the target is too long */
	ERR_HEADERS_TOO_LARGE,    /* the headers are too large */
	ERR_UNSUPPORTED_MEDIA,    /* a body of a kind not taken */
	ERR_VALIDATION,           /* well-formed but breaks a rule */
	ERR_PRECONDITION_REQUIRED,/* no version expected, where one must be */
	ERR_RATE_LIMITED,         /* too many requests */
	ERR_INTERNAL,             /* a bug or an unexpected failure */
	ERR_UNAVAILABLE,          /* the database cannot be reached */
	ERR_RETRY,                /* serialization failure or deadlock: run the unit again */
	ERR_ANSWERED,             /* not a failure: the answer is made already (a replay) */
	ERR__COUNT
};

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


#endif
