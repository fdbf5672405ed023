/*
 * problem.c
 *    This module implements the HTTP meaning of the program's errors and
 *    their application/problem+json bodies (see problem.h).
 */
#include "problem.h"

#include <stdio.h>
#include <string.h>

static const struct http_error error_table[ERR__COUNT] = {
	[ERR_OK]                    = {200, "ok", "OK"},
	[ERR_MALFORMED]             = {400, "malformed", "Malformed request"},
	[ERR_UNAUTHORIZED]          = {401, "unauthorized", "Authentication required"},
	[ERR_FORBIDDEN]             = {403, "forbidden", "Not allowed"},
	[ERR_NOT_FOUND]             = {404, "not-found", "Not found"},
	[ERR_METHOD_NOT_ALLOWED]    = {405, "method-not-allowed", "Method not allowed"},
	[ERR_NOT_ACCEPTABLE]        = {406, "not-acceptable", "Not acceptable"},
	[ERR_CONFLICT]              = {409, "conflict", "Conflict with the current state"},
	[ERR_PRECONDITION_FAILED]   = {412, "precondition-failed", "Stale version"},
	[ERR_TOO_LARGE]             = {413, "payload-too-large", "Request body too large"},
	[ERR_URI_TOO_LONG]          = {414, "uri-too-long", "Request target too long"},
	[ERR_UNSUPPORTED_MEDIA]     = {415, "unsupported-media-type", "Unsupported media type"},
	[ERR_VALIDATION]            = {422, "validation", "Invalid request"},
	[ERR_PRECONDITION_REQUIRED] = {428, "precondition-required", "If-Match required"},
	[ERR_RATE_LIMITED]          = {429, "too-many-requests", "Too many requests"},
	[ERR_HEADERS_TOO_LARGE]     = {431, "header-fields-too-large", "Header fields too large"},
	[ERR_INTERNAL]              = {500, "internal", "Internal error"},
	[ERR_UNAVAILABLE]           = {503, "unavailable", "Service unavailable"},
	[ERR_RETRY]                 = {503, "unavailable", "Service unavailable"},
	[ERR_ANSWERED]              = {200, "ok", "OK"},
};

const struct http_error *
http_error_info(enum err e)
{
	if ((int)e < 0 || e >= ERR__COUNT)
		e = ERR_INTERNAL;
	return &error_table[e];
}

json_t *
problem_to_json(const struct problem *p, const char *instance, const char *request_id,
                const char *oauth_error)
{
	const struct http_error *info = http_error_info(p->err);
	char type[96];
	json_t *o;

	snprintf(type, sizeof type, "urn:consortia:problem:%s", info->slug);
	o = json_pack("{s:s, s:s, s:i, s:s}", "type", type, "title", info->title,
	              "status", info->status,
	              "detail", p->detail[0] ? p->detail : info->title);
	if (o == NULL)
		return NULL;
	if (instance)
		json_object_set_new(o, "instance", json_string(instance));
	if (request_id)
		json_object_set_new(o, "request_id", json_string(request_id));
	if (p->errors && json_array_size(p->errors) > 0)
		json_object_set(o, "errors", p->errors);
	if (oauth_error) {   /* RFC 6749 section 5.2, beside the problem members */
		json_object_set_new(o, "error", json_string(oauth_error));
		json_object_set_new(o, "error_description", json_string(p->detail));
	}
	return o;
}
