/*
 * error.c
 *    This module implements the error table and the problem details that
 *    travel with a refused request.
 */
#include "error.h"

#include "fields.h"

#include <stdio.h>
#include <string.h>

static const struct error_info error_table[ERR__COUNT] = {
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

const struct error_info *
error_info(enum err e)
{
	if ((int)e < 0 || e >= ERR__COUNT)
		e = ERR_INTERNAL;
	return &error_table[e];
}

enum err
problem_set(struct problem *p, enum err e, const char *fmt, ...)
{
	va_list ap;

	if (p->err != ERR_OK)
		return p->err;
	p->err = e;
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof p->detail, fmt, ap);
	va_end(ap);
	return e;
}

static const char *const in_names[] = {
	[IN_BODY] = "body", [IN_QUERY] = "query", [IN_HEADER] = "header", [IN_PATH] = "path",
};

void
problem_field(struct problem *p, enum problem_in in, const char *field,
              const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	json_t *item;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* A message cut short may end inside a character; JSON takes only whole ones. */
	for (size_t n = strlen(msg); n > 0 && !utf8_valid(msg, n); n--)
		msg[n - 1] = '\0';
	if (p->errors == NULL && (p->errors = json_array()) == NULL)
		return;
	item = json_pack("{s:s, s:s, s:s, s:s}", "field", field, "in", in_names[in],
	                 "code", code, "message", msg);
	/* The fault is never dropped, even when what it names cannot be shown. */
	if (item == NULL)
		item = json_pack("{s:s, s:s, s:s, s:s}", "field", "(not shown)", "in", in_names[in],
		                 "code", code, "message", "a name or value that is not valid UTF-8");
	if (item != NULL)
		json_array_append_new(p->errors, item);
}

size_t
problem_count(const struct problem *p)
{
	return p->errors ? json_array_size(p->errors) : 0;
}

bool
problem_names(const struct problem *p, const char *field, const char *code)
{
	size_t i;
	json_t *e;

	json_array_foreach(p->errors, i, e)
		if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0 &&
		    strcmp(json_string_value(json_object_get(e, "code")), code) == 0)
			return true;
	return false;
}

void
problem_clear(struct problem *p)
{
	if (p == NULL)
		return;
	json_decref(p->errors);
	memset(p, 0, sizeof *p);
}

json_t *
problem_to_json(const struct problem *p, const char *instance, const char *request_id)
{
	const struct error_info *info = error_info(p->err);
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
	if (p->oauth_error) {   /* RFC 6749 section 5.2, beside the problem members */
		json_object_set_new(o, "error", json_string(p->oauth_error));
		json_object_set_new(o, "error_description", json_string(p->detail));
	}
	return o;
}
