/*
 * fuzz_headers.c
 *    libFuzzer target: the request headers and path parts the service parses
 *    (http/ and lib/):
 *    Accept (accept_choose), a Content-Type parameter (media_type_param),
 *    If-Match and If-None-Match (if_match_parse, if_none_match), X-Forwarded-For (forwarded_client),
 *    Idempotency-Key (idem_key_valid), a path key (resource_key) and
 *    Content-Length (parse_int), and the request digest (sha256_hex).
 *
 * Input: byte 0 (mod 7) chooses the header; the rest, up to a NUL, is its
 * value (headers and URLs reach lib/ as C strings).
 *
 * Contracts checked: accept_choose answers an offer or -1, 0 for an empty
 * header, and never an offer the header gives q=0 alone; a media type
 * parameter is non-empty, fits and is in the header; If-Match matches only
 * "*" or the version's own tag; the forwarded client is the peer or an
 * address written in the header; an accepted key is in range.
 */
#include <arpa/inet.h>
#include <stdbool.h>

#include "accept.h"
#include "config.h"
#include "etag.h"
#include "forwarded.h"
#include "fuzz.h"
#include "hash.h"
#include "idempotency.h"
#include "register.h"
#include "resource.h"

static void
fuzz_accept(const char *h)
{
	static const char *const json_only[] = {"application/json", NULL};
	static const char *const json_or_csv[] = {"application/json", "text/csv", NULL};
	static const char *const report[] = {"application/json", "text/html", "text/csv", NULL};
	const char *const *sets[] = {json_only, json_or_csv, report};

	for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
		int n = 0, chosen = accept_choose(h, sets[s]);

		while (sets[s][n])
			n++;
		FUZZ_CHECK(chosen >= -1 && chosen < n, "accept_choose gave %d of %d", chosen, n);
		if (h[strspn(h, " \t")] == '\0') {
			FUZZ_CHECK(chosen == 0, "an empty Accept chose %d", chosen);
			continue;
		}
		if (chosen >= 0 && strchr(h, ',') == NULL && strchr(h, '*') == NULL)
			/* one range, no wildcard: it must name the offer chosen */
			FUZZ_CHECK(strcasestr(h, sets[s][chosen]) != NULL, "%s chosen for %s", sets[s][chosen], h);
	}
}

static void
fuzz_media_type(const char *h)
{
	char out[32];

	memset(out, 'x', sizeof out);
	if (media_type_param(h, "charset", out, sizeof out)) {
		size_t len = strnlen(out, sizeof out);
		FUZZ_CHECK(len > 0 && len < sizeof out, "charset of %zu bytes", len);
		FUZZ_CHECK(strstr(h, out) != NULL, "charset %s is not in the header", out);
	}
}

/* Does the If-Match header value h let a change find the record at version? */
static bool
etag_matches(const char *h, int version)
{
	struct expected_version e;

	if_match_parse(h, &e);
	FUZZ_CHECK(e.n >= 0 && e.n <= 8, "%d versions", e.n);
	return expected_allows(&e, version);
}

static void
fuzz_if_match(const char *h)
{
	const char *digits = strpbrk(h, "0123456789");
	long v = digits ? strtol(digits, NULL, 10) : 1;
	int version = v < 1 || v > 1000000000 ? 1 : (int)v;   /* the version the header names, if any (from 1) */
	char want[ETAG_MAX], bare[24], tagged[24];

	etag_format(version, "0123456789abcdef", want);
	FUZZ_CHECK(etag_matches(want, version), "%s does not match itself", want);
	snprintf(bare, sizeof bare, "\"%d\"", version);
	snprintf(tagged, sizeof tagged, "\"%d-", version);
	if (etag_matches(h, version))
		FUZZ_CHECK(strchr(h, '*') || strstr(h, bare) || strstr(h, tagged), "%s matched version %d", h,
		           version);
	FUZZ_CHECK(if_none_match(want, want), "%s does not hold itself", want);
	if (if_none_match(h, want))
		FUZZ_CHECK(strchr(h, '*') || strstr(h, want), "%s held %s", h, want);
	if (etag_matches(h, version + 1) && etag_matches(h, version))
		FUZZ_CHECK(strchr(h, '*') || strchr(h, ','), "one tag matched two versions: %s", h);
}

static void
fuzz_forwarded(const char *h)
{
	static char *const trusted[] = {"10.0.0.1", "10.0.0.2", "::1", NULL};
	static const char *const peers[] = {"10.0.0.1", "192.0.2.7", "::1"};
	unsigned char buf[sizeof(struct in6_addr)];
	char out[64];

	for (size_t i = 0; i < sizeof peers / sizeof peers[0]; i++) {
		memset(out, 'x', sizeof out);
		forwarded_client(peers[i], h, trusted, out);
		FUZZ_CHECK(memchr(out, '\0', sizeof out) != NULL, "out is not a string");
		if (strcmp(out, peers[i]) == 0)
			continue;
		FUZZ_CHECK(strcmp(peers[i], "192.0.2.7") != 0, "an untrusted peer's header was believed");
		FUZZ_CHECK(inet_pton(AF_INET, out, buf) == 1 || inet_pton(AF_INET6, out, buf) == 1,
		           "client %s is not an address", out);
		FUZZ_CHECK(strstr(h, out) != NULL, "client %s is not in the header", out);
	}
	forwarded_client("10.0.0.1", NULL, trusted, out);
	FUZZ_CHECK(strcmp(out, "10.0.0.1") == 0, "no header, yet %s", out);
}

static void
fuzz_keys(const char *h)
{
	const struct resource_def *defs[] = {&school_def, &la_def};
	long long v;

	if (idem_key_valid(h)) {
		FUZZ_CHECK(strlen(h) >= 1 && strlen(h) <= 200, "Idempotency-Key of %zu bytes", strlen(h));
		for (const char *s = h; *s; s++)
			FUZZ_CHECK(*s > 0x20 && *s < 0x7f, "Idempotency-Key byte %d", *s);
	}
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
		struct problem p = {0};
		char out[24];
		enum err e = resource_key(defs[i], h, out, &p);

		if (e == ERR_OK) {
			FUZZ_CHECK(parse_int(out, defs[i]->key_min, defs[i]->key_max, &v), "key %s", out);
		} else {
			FUZZ_CHECK(e == ERR_MALFORMED && problem_count(&p) == 1, "resource_key gave %d", e);
		}
		problem_clear(&p);
	}
	if (parse_int(h, 0, 9223372036854775807LL, &v)) {
		const char *digits = h + strspn(h, "0");
		char back[24];

		if (*digits == '\0')
			digits--;   /* "0", "000" */
		snprintf(back, sizeof back, "%lld", v);
		FUZZ_CHECK(strspn(h, "0123456789") == strlen(h) && strcmp(digits, back) == 0,
		           "Content-Length %s read as %lld", h, v);
	}
}

static void
fuzz_digest(const uint8_t *data, size_t size)
{
	const void *parts[] = {"POST ", data, "\n"};
	size_t lens[] = {5, size, 1};
	char out[65];

	sha256_hex(out, 3, parts, lens);
	FUZZ_CHECK(strlen(out) == 64 && strspn(out, "0123456789abcdef") == 64, "digest %s", out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h;

	if (size < 1 || (h = fuzz_cstr(data + 1, size - 1)) == NULL)
		return 0;
	switch (data[0] % 7) {
	case 0: fuzz_accept(h); break;
	case 1: fuzz_media_type(h); break;
	case 2: fuzz_if_match(h); break;
	case 3: fuzz_forwarded(h); break;
	case 4: fuzz_keys(h); break;
	case 5: fuzz_digest(data + 1, size - 1); break;
	case 6:   /* all of them, for inputs that are several things at once */
		fuzz_accept(h);
		fuzz_media_type(h);
		fuzz_forwarded(h);
		fuzz_keys(h);
		break;
	}
	free(h);
	return 0;
}
