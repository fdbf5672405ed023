/*
 * fuzz_cursor.c
 *    libFuzzer target: pagination cursors (cursor.c) as a client sends them
 *    back in ?cursor=, and the base64url they are written in.
 *
 * Input: byte 0 chooses the sort the list is in (one of every resource's
 * sort names, in the order of `sorts` below); the rest, up to a NUL, is
 * the cursor. When the rest holds a NUL, the text before it and the text
 * after it are also made into a cursor as a value and a key.
 *
 * Contracts checked: base64url_decode(base64url_encode(x)) == x; an
 * accepted cursor gives a value and a key that are valid UTF-8 and that
 * cursor_encode turns back into a cursor decoding to the same; a refused
 * one names the parameter; every cursor the service makes (up to
 * cursor_decode's 2048 characters, more than a 200-character sort value
 * needs) is accepted.
 */
#include <stdbool.h>

#include "cursor.h"
#include "fields.h"
#include "fuzz.h"

/* Every sort name a list offers (resource.c's sort_def tables), and a stranger. */
static const char *const sorts[] = {
	"id", "-id", "name", "-name", "code", "-code", "urn", "-urn", "updated_at", "-updated_at",
	"review_due_on", "start_date", "-start_date", "held_on", "-held_on", "la_code", "unknown",
};
#define NSORTS (sizeof sorts / sizeof sorts[0])

static void
check_roundtrip(const char *sort, const char *value, const char *key)
{
	char *c = cursor_encode(sort, value, key), *v = NULL, *k = NULL;
	struct problem p = {0};
	enum err e;

	if (c == NULL) {
		/* only text jansson refuses, which no database value is */
		FUZZ_CHECK(!utf8_valid(value, strlen(value)) || !utf8_valid(key, strlen(key)) ||
		           !*value || !*key, "cursor_encode failed on UTF-8");
		return;
	}
	e = cursor_decode(c, sort, &v, &k, &p);
	if (strlen(c) > 2048) {
		/* cursor_decode's limit; a list's sort values (200 characters at most) never reach it */
		FUZZ_CHECK(e == ERR_MALFORMED, "a cursor of %zu characters is accepted", strlen(c));
	} else {
		FUZZ_CHECK(e == ERR_OK, "a cursor the service made is refused: %s", p.detail);
		FUZZ_CHECK(strcmp(v, value) == 0 && strcmp(k, key) == 0, "the cursor changed its value");
	}
	free(v);
	free(k);
	free(c);
	problem_clear(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sort;
	char *s, *value = NULL, *key = NULL, *enc;
	unsigned char *raw;
	size_t len = 0;
	struct problem p = {0};
	enum err e;

	if (size < 1)
		return 0;
	sort = sorts[data[0] % NSORTS];
	if ((s = fuzz_cstr(data + 1, size - 1)) == NULL)
		return 0;

	/* base64url both ways */
	if ((enc = base64url_encode(data + 1, size - 1)) != NULL) {
		raw = base64url_decode(enc, &len);
		FUZZ_CHECK(raw != NULL && len == size - 1 && memcmp(raw, data + 1, len) == 0,
		           "base64url does not round-trip %zu bytes", size - 1);
		free(raw);
		free(enc);
	}
	if ((raw = base64url_decode(s, &len)) != NULL) {
		FUZZ_CHECK(len <= strlen(s) * 3 / 4, "decoded %zu bytes from %zu characters", len, strlen(s));
		free(raw);
	}

	e = cursor_decode(s, sort, &value, &key, &p);
	FUZZ_CHECK(e == ERR_OK || e == ERR_MALFORMED, "cursor_decode gave %d", e);
	if (e == ERR_OK) {
		FUZZ_CHECK(value && key, "accepted without a value or key");
		FUZZ_CHECK(utf8_valid(value, strlen(value)) || !*value, "the value is not UTF-8");
		FUZZ_CHECK(utf8_valid(key, strlen(key)) || !*key, "the key is not UTF-8");
		check_roundtrip(sort, value, key);
	} else {
		FUZZ_CHECK(value == NULL && key == NULL, "refused but left a value");
		FUZZ_CHECK(problem_count(&p) > 0, "refused naming nothing");
	}
	free(value);
	free(key);
	problem_clear(&p);

	/* value NUL key, as a database row might give them */
	if (strlen(s) < size - 1)
		check_roundtrip(sort, s, s + strlen(s) + 1);
	free(s);
	return 0;
}
