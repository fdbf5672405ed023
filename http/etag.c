/*
 * etag.c
 *    This module implements entity tags (see etag.h).
 */
#include "etag.h"

#include <stdio.h>
#include <string.h>

#include "config.h"

void
etag_format(int version, const char *digest, char out[ETAG_MAX])
{
	if (version > 0)
		snprintf(out, ETAG_MAX, "\"%d-%.*s\"", version, ETAG_DIGEST_LEN, digest);
	else
		snprintf(out, ETAG_MAX, "\"%.*s\"", ETAG_DIGEST_LEN, digest);
}

/* Does s (len bytes) hold only lower-case hex digits? */
static bool
all_hex(const char *s, size_t len)
{
	return strspn(s, "0123456789abcdef") >= len;
}

void
if_match_parse(const char *h, struct expected_version *out)
{
	memset(out, 0, sizeof *out);
	while (h && *h) {
		size_t len;
		long long v;
		char digits[16];

		while (*h == ' ' || *h == '\t' || *h == ',')
			h++;
		if (*h == '*') {
			out->any = true;
			return;
		}
		len = strcspn(h, ",");
		/*
		 * "<digits>" or "<digits>-<digest>" (no leading zero), then only
		 * white space before the next comma
		 */
		if (len >= 3 && h[0] == '"') {
			size_t d = strspn(h + 1, "0123456789");
			size_t tail = h[1 + d] == '-' && all_hex(h + 2 + d, ETAG_DIGEST_LEN) ? 1 + ETAG_DIGEST_LEN : 0;
			size_t rest = 1 + d + tail + 1;
			if (d > 0 && d < sizeof digits && (d == 1 || h[1] != '0') && h[1 + d + tail] == '"' &&
			    rest <= len && strspn(h + rest, " \t") == len - rest) {
				memcpy(digits, h + 1, d);
				digits[d] = '\0';
				if (parse_int(digits, 0, 2147483647, &v) && out->n < 8)
					out->versions[out->n++] = (int)v;
			}
		}
		h += len;
	}
}

bool
if_none_match(const char *h, const char *etag)
{
	size_t want = strlen(etag);

	while (h && *h) {
		size_t len;

		while (*h == ' ' || *h == '\t' || *h == ',')
			h++;
		if (*h == '*')
			return true;
		if (strncmp(h, "W/", 2) == 0)
			h += 2;   /* compared weakly */
		len = strcspn(h, ",");
		/* the tag, then only white space before the next comma */
		if (len >= want && strncmp(h, etag, want) == 0 && strspn(h + want, " \t") == len - want)
			return true;
		h += len;
	}
	return false;
}
