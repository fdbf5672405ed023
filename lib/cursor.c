/*
 * cursor.c
 *    This module implements the pagination cursor format (see cursor.h).
 */
#include "cursor.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
base64url_encode(const unsigned char *d, size_t len)
{
	char *out = malloc(len / 3 * 4 + 5), *o = out;
	size_t i = 0;

	if (out == NULL)
		return NULL;
	for (; i + 2 < len; i += 3) {
		unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 | d[i + 2];
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = b64[(v >> 6) & 63];
		*o++ = b64[v & 63];
	}
	if (len - i == 1) {
		unsigned v = (unsigned)d[i] << 16;
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
	} else if (len - i == 2) {
		unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8;
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = b64[(v >> 6) & 63];
	}
	*o = '\0';
	return out;
}

unsigned char *
base64url_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), o = 0;
	unsigned acc = 0;
	int bits = 0;
	unsigned char *out;

	if (n % 4 == 1)
		return NULL;
	if ((out = malloc(n * 3 / 4 + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *pos = s[i] ? strchr(b64, s[i]) : NULL;
		if (pos == NULL) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)(pos - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	*len = o;
	return out;
}

char *
cursor_encode(const char *sort, const char *value, const char *key)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "s", sort, "v", value, "k", key);
	char *text, *out = NULL;

	if (o == NULL)
		return NULL;
	text = json_dumps(o, JSON_COMPACT);
	if (text)
		out = base64url_encode((unsigned char *)text, strlen(text));
	free(text);
	json_decref(o);
	return out;
}

enum err
cursor_decode(const char *s, const char *sort, char **value, char **key, struct problem *p)
{
	size_t len;
	unsigned char *raw = strlen(s) <= 2048 ? base64url_decode(s, &len) : NULL;
	json_t *o = raw ? json_loadb((char *)raw, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	const char *cs, *cv, *ck;

	free(raw);
	*value = *key = NULL;
	if (o == NULL || json_unpack(o, "{s:s, s:s, s:s !}", "s", &cs, "v", &cv, "k", &ck) != 0) {
		json_decref(o);
		problem_field(p, IN_QUERY, "cursor", "format", "is not a cursor this service gave");
		return problem_set(p, ERR_MALFORMED, "the cursor is not valid");
	}
	if (strcmp(cs, sort) != 0) {
		/* Name the sort only if it is one: a doctored one could be any length of any text. */
		if (strlen(cs) <= 32 && strspn(cs, "abcdefghijklmnopqrstuvwxyz_-") == strlen(cs))
			problem_field(p, IN_QUERY, "cursor", "format",
			              "was made for sort=%s; pass the same sort with it", cs);
		else
			problem_field(p, IN_QUERY, "cursor", "format", "is not a cursor this service gave");
		json_decref(o);
		return problem_set(p, ERR_MALFORMED, "the cursor does not match the sort");
	}
	*value = strdup(cv);
	*key = strdup(ck);
	json_decref(o);
	if (*value == NULL || *key == NULL) {
		free(*value);
		free(*key);
		*value = *key = NULL;
		return problem_set(p, ERR_INTERNAL, "out of memory");
	}
	return ERR_OK;
}
