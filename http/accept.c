/*
 * accept.c
 *    This module implements Accept header negotiation (see accept.h).
 */
#include "accept.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How specifically range [r, r+len) matches type t: -1 none, 0 wildcard, 1 type/ *, 2 exact. */
static int
match(const char *r, size_t len, const char *t)
{
	const char *slash = strchr(t, '/');
	size_t major = (size_t)(slash - t);

	if (len == 3 && strncmp(r, "*/*", 3) == 0)
		return 0;
	if (len == major + 2 && strncasecmp(r, t, major + 1) == 0 && r[major + 1] == '*')
		return 1;
	if (len == strlen(t) && strncasecmp(r, t, len) == 0)
		return 2;
	return -1;
}

/* q of the parameters in [p, end): 1000ths; 1000 when absent, -1 when malformed. */
static int
quality(const char *p, const char *end)
{
	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			int q = 0, digits = 0;
			p += 2;
			if (p < end && (*p == '0' || *p == '1')) {
				q = (*p - '0') * 1000;
				p++;
				if (p < end && *p == '.') {
					int scale = 100;
					for (p++; p < end && *p >= '0' && *p <= '9' && digits < 3; p++, digits++) {
						q += (*p - '0') * scale;
						scale /= 10;
					}
				}
				return q > 1000 ? 1000 : q;
			}
			return -1;
		}
		while (p < end && *p != ';')
			p++;
	}
	return 1000;
}

/*
 * Index into offers of the one header prefers by `matches` (how specifically
 * a range matches an offer, -1 none): the most specific range that matches
 * an offer gives its quality; the best quality above 0 wins, the earlier
 * offer on a tie. -1 when none.
 */
static int
choose(const char *header, const char *const *offers, int (*matches)(const char *, size_t, const char *))
{
	int best = -1, best_q = 0;

	for (int i = 0; offers[i]; i++) {
		int spec = -1, q = 0;
		const char *h = header;

		while (*h) {
			const char *end = h + strcspn(h, ",");
			const char *r = h + strspn(h, " \t");
			size_t rlen = strcspn(r, ";, \t");
			int m;

			if (r + rlen > end)
				rlen = (size_t)(end - r);
			m = matches(r, rlen, offers[i]);
			if (m > spec) {
				int rq = quality(r + rlen, end);
				spec = m;
				q = rq < 0 ? 0 : rq;
			}
			h = *end ? end + 1 : end;
		}
		if (spec >= 0 && q > best_q) {
			best = i;
			best_q = q;
		}
	}
	return best;
}

int
accept_choose(const char *header, const char *const *offers)
{
	if (header == NULL || header[strspn(header, " \t")] == '\0')
		return 0;
	return choose(header, offers, match);
}

/* How specifically language range [r, r+len) matches tag t: -1 none, 0 "*", 1 a prefix ("cy" of "cy-gb"), 2 exact. */
static int
language_match(const char *r, size_t len, const char *t)
{
	size_t tlen = strlen(t);

	if (len == 1 && r[0] == '*')
		return 0;
	if (len == tlen && strncasecmp(r, t, len) == 0)
		return 2;
	if (len > tlen && strncasecmp(r, t, tlen) == 0 && r[tlen] == '-')
		return 1;   /* "cy-GB" asks for a kind of Welsh: the service's Welsh serves it */
	return -1;
}

int
accept_language(const char *header, const char *const *offers)
{
	int i = header ? choose(header, offers, language_match) : -1;

	return i < 0 ? 0 : i;
}

bool
media_type_param(const char *header, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = header ? strchr(header, ';') : NULL;

	while (p) {
		const char *v, *end;
		size_t len;

		p += 1 + strspn(p + 1, " \t");
		if (strncasecmp(p, name, nlen) != 0 || p[nlen] != '=') {
			p = strchr(p, ';');
			continue;
		}
		v = p + nlen + 1;
		if (*v == '"') {
			v++;
			end = strchr(v, '"');
			if (end == NULL)
				return false;
		} else {
			end = v + strcspn(v, "; \t");
		}
		len = (size_t)(end - v);
		if (len == 0 || len >= outlen)
			return false;
		memcpy(out, v, len);
		out[len] = '\0';
		return true;
	}
	return false;
}
