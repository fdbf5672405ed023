/*
 * fuzz_text.c
 *    libFuzzer target: the text checks every parser above leans on:
 *    utf8_valid (query values, extract fields), utf8_length (field lengths
 *    in characters), json_text_ok (items of plans and meetings) and
 *    cp1252_to_utf8 (the DfE extract's code page).
 *
 * Input: any bytes.
 *
 * Contracts checked: utf8_valid agrees with RFC 3629's grammar (no
 * overlong forms, no surrogates, nothing past U+10FFFF) and refuses NUL;
 * Windows-1252 always converts, one character per byte, to valid UTF-8
 * unless it holds a NUL; json_text_ok counts characters, not bytes.
 */
#include <jansson.h>
#include <stdbool.h>

#include "fields.h"
#include "fuzz.h"
#include "gias.h"

/* RFC 3629 section 4, byte by byte, as an independent reading. */
static bool
rfc3629(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		unsigned char lo = 0x80, hi = 0xBF;
		size_t tail;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			tail = 1;
		else if (c == 0xE0)
			tail = 2, lo = 0xA0;
		else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
			tail = 2;
		else if (c == 0xED)
			tail = 2, hi = 0x9F;
		else if (c == 0xF0)
			tail = 3, lo = 0x90;
		else if (c >= 0xF1 && c <= 0xF3)
			tail = 3;
		else if (c == 0xF4)
			tail = 3, hi = 0x8F;
		else
			return false;
		if (len - i - 1 < tail)
			return false;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= tail; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return false;
		i += tail + 1;
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool valid = rfc3629(data, size);
	char *s, *u;

	FUZZ_CHECK(utf8_valid((const char *)data, size) == valid, "utf8_valid says %d of %zu bytes",
	           !valid, size);
	if (valid && (s = fuzz_cstr(data, size)) != NULL) {
		json_t *v = json_stringn(s, size);
		size_t chars = utf8_length(s);

		FUZZ_CHECK(chars <= size && (size == 0 || chars >= (size + 3) / 4), "%zu characters in %zu bytes",
		           chars, size);
		FUZZ_CHECK(v != NULL, "jansson refuses valid UTF-8");
		FUZZ_CHECK(json_text_ok(v, 10) == (size > 0 && chars <= 10), "json_text_ok of %zu characters",
		           chars);
		json_decref(v);
		free(s);
	}

	u = cp1252_to_utf8((const char *)data, size);
	if (memchr(data, 0, size) != NULL) {
		FUZZ_CHECK(u == NULL, "Windows-1252 with a NUL converted");
	} else {
		FUZZ_CHECK(u != NULL, "Windows-1252 not converted");
		FUZZ_CHECK(rfc3629((unsigned char *)u, strlen(u)), "Windows-1252 became invalid UTF-8");
		FUZZ_CHECK(utf8_length(u) == size, "%zu bytes became %zu characters", size, utf8_length(u));
	}
	free(u);
	return 0;
}
