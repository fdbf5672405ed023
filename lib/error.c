/*
 * error.c
 *    This module implements the problem details that travel with a refused
 *    request.
 */
#include "error.h"

#include <stdio.h>
#include <string.h>
#include <unistr.h>

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
	for (size_t n = strlen(msg); n > 0 && u8_check((const uint8_t *)msg, n) != NULL; n--)
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
