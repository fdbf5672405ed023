/*
 * fuzz.h
 *    What every libFuzzer target of tests/fuzz shares: the entry point's
 *    declaration, a NUL-terminated copy of the input, and an invariant check
 *    that aborts (so that libFuzzer keeps the input as a crash) with a
 *    message saying which rule of the parser's contract was broken.
 */
#ifndef CONSORTIA_FUZZ_H
#define CONSORTIA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken contract is a crash: libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...)                                                          \
	do {                                                                               \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "%s:%d: contract broken: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                              \
	} while (0)

/*
 * data[0..size) as a C string (caller frees), cut at the first NUL as a
 * header or URL would be. NULL only when out of memory.
 */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
