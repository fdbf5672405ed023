/*
 * forwarded.c
 *    This module implements finding the client's address behind trusted
 *    proxies (see forwarded.h).
 */
#include "forwarded.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static bool
listed(const char *addr, char *const *list)
{
	for (; list && *list; list++)
		if (strcmp(addr, *list) == 0)
			return true;
	return false;
}

void
forwarded_client(const char *peer, const char *x_forwarded_for, char *const *trusted, char out[64])
{
	const char *end;
	unsigned char buf[sizeof(struct in6_addr)];

	snprintf(out, 64, "%s", peer);
	if (x_forwarded_for == NULL || !listed(peer, trusted))
		return;
	end = x_forwarded_for + strlen(x_forwarded_for);
	while (end > x_forwarded_for) {
		const char *start = end, *a, *b;
		char hop[64];

		while (start > x_forwarded_for && start[-1] != ',')
			start--;
		for (a = start; a < end && (*a == ' ' || *a == '\t'); a++)
			;
		for (b = end; b > a && (b[-1] == ' ' || b[-1] == '\t'); b--)
			;
		if (b - a <= 0 || b - a >= (ptrdiff_t)sizeof hop)
			return;   /* an empty or oversized hop: believe no further */
		memcpy(hop, a, (size_t)(b - a));
		hop[b - a] = '\0';
		if (inet_pton(AF_INET, hop, buf) != 1 && inet_pton(AF_INET6, hop, buf) != 1)
			return;
		snprintf(out, 64, "%s", hop);
		if (!listed(hop, trusted))
			return;
		end = start > x_forwarded_for ? start - 1 : start;
	}
}
