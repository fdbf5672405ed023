/*
 * hash.c
 *    This module implements SHA-256 digests with OpenSSL's EVP interface.
 */
#include "hash.h"

#include <openssl/evp.h>
#include <stdio.h>

void
sha256_hex(char out[65], size_t n, const void *const *parts, const size_t *lens)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	out[0] = '\0';
	if (ctx == NULL)
		return;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
		for (size_t i = 0; i < n; i++)
			EVP_DigestUpdate(ctx, parts[i], lens[i]);
		EVP_DigestFinal_ex(ctx, md, &mdlen);
	}
	EVP_MD_CTX_free(ctx);
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

uint64_t
hash_fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}
