/*
 * query_string.c
 *    This module implements strict query-string parsing and escaping (see
 *    query_string.h).
 */
#include "query_string.h"

#include <stdlib.h>
#include <string.h>

#include "fields.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..len) ('+' is a space); NULL if an escape is broken or not UTF-8. */
static char *
decode(const char *s, size_t len, bool *oom)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (out == NULL) {
		*oom = true;
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= len) {
				free(out);
				return NULL;
			}
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0) {
				free(out);
				return NULL;
			}
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = s[i] == '+' ? ' ' : s[i];
		}
	}
	out[o] = '\0';
	if (!utf8_valid(out, o)) {
		free(out);
		return NULL;
	}
	return out;
}

enum err
query_parse(const char *url, struct query *q, struct problem *p)
{
	const char *s = url ? strchr(url, '?') : NULL;
	bool oom = false;

	if (s == NULL)
		return ERR_OK;
	s++;
	while (*s) {
		const char *amp = strchr(s, '&');
		size_t len = amp ? (size_t)(amp - s) : strlen(s);
		const char *eq = memchr(s, '=', len);
		size_t nlen = eq ? (size_t)(eq - s) : len;
		char *name, *value;

		if (len == 0) {
			s += amp ? 1 : 0;
			continue;
		}
		name = decode(s, nlen, &oom);
		value = eq ? decode(eq + 1, len - nlen - 1, &oom) : strdup("");
		if (oom || (eq == NULL && value == NULL)) {
			free(name);
			free(value);
			return problem_set(p, ERR_INTERNAL, "out of memory");
		}
		if (name == NULL || value == NULL || *name == '\0') {
			problem_field(p, IN_QUERY, name && *name ? name : "?", "format",
			              "is not correctly percent-encoded UTF-8");
			free(name);
			free(value);
			return problem_set(p, ERR_MALFORMED, "the query string is malformed");
		}
		if (query_get(q, name) != NULL) {
			problem_field(p, IN_QUERY, name, "duplicate", "is given more than once");
			free(name);
			free(value);
			return problem_set(p, ERR_MALFORMED, "a query parameter is repeated");
		}
		if (q->n == QUERY_MAX_PARAMS) {
			problem_field(p, IN_QUERY, name, "range", "is one parameter more than the %d allowed",
			              QUERY_MAX_PARAMS);
			free(name);
			free(value);
			return problem_set(p, ERR_MALFORMED, "too many query parameters");
		}
		q->items[q->n].name = name;
		q->items[q->n].value = value;
		q->n++;
		s += len + (amp ? 1 : 0);
	}
	return ERR_OK;
}

char *
query_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(strlen(s) * 3 + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}
