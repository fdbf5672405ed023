/*
 * problem.h
 *    What the program's errors mean in HTTP: each enum err's status code,
 *    problem type and title, and the application/problem+json body
 *    (RFC 9457) of a struct problem.
 */
#ifndef CONSORTIA_PROBLEM_H
#define CONSORTIA_PROBLEM_H

#include <jansson.h>

#include "error.h"

struct http_error {
	int status;
	const char *slug;   /* problem type is "urn:consortia:problem:<slug>" */
	const char *title;
};

/* Status, slug and title of an error; never NULL, ERR_INTERNAL's for junk. */
const struct http_error *http_error_info(enum err e);

/*
 * The problem as a JSON object (RFC 9457) for `instance` and `request_id`
 * (either may be NULL); with an RFC 6749 error code (the token endpoint's),
 * also its "error" and "error_description" members. Caller owns the
 * result; NULL only when out of memory.
 */
json_t *problem_to_json(const struct problem *p, const char *instance, const char *request_id,
                        const char *oauth_error);

#endif
