/*
 * etag.c
 *    This module implements entity tags of versions (see etag.h).
 */
#include "etag.h"

#include <stdio.h>
#include <string.h>

#include "config.h"

void
etag_format(int version, char out[24])
{
	snprintf(out, 24, "\"%d\"", version);
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
		/* "<digits>" (no leading zero), then only white space before the next comma */
		if (len >= 3 && h[0] == '"') {
			size_t d = strspn(h + 1, "0123456789");
			size_t rest = 1 + d + 1;
			if (d > 0 && d < sizeof digits && (d == 1 || h[1] != '0') && h[1 + d] == '"' &&
			    strspn(h + rest, " \t") == len - rest) {
				memcpy(digits, h + 1, d);
				digits[d] = '\0';
				if (parse_int(digits, 0, 2147483647, &v) && out->n < 8)
					out->versions[out->n++] = (int)v;
			}
		}
		h += len;
	}
}
