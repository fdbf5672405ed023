/*
 * hash.h
 *    SHA-256 as lowercase hex, for migration checksums and request digests.
 */
#ifndef CONSORTIA_HASH_H
#define CONSORTIA_HASH_H

#include <stddef.h>

/* Hex digest of the concatenation of n (pointer, length) parts into out. */
void sha256_hex(char out[65], size_t n, const void *const *parts, const size_t *lens);

#endif
