/*
 * hash.h
 *    SHA-256 as lowercase hex, for migration checksums and request digests;
 *    FNV-1a, for the in-memory tables (never for anything a caller could
 *    exploit by choosing collisions: those tables compare the whole key).
 */
#ifndef CONSORTIA_HASH_H
#define CONSORTIA_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Hex digest of the concatenation of n (pointer, length) parts into out. */
void sha256_hex(char out[65], size_t n, const void *const *parts, const size_t *lens);

/* 64-bit FNV-1a of a string. */
uint64_t hash_fnv1a(const char *s);

#endif
