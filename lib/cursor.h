/*
 * cursor.h
 *    Opaque keyset-pagination cursors: the sort in force and the sort value
 *    and key of the last item of a page, as base64url-encoded JSON.
 */
#ifndef CONSORTIA_CURSOR_H
#define CONSORTIA_CURSOR_H

#include "error.h"

/* Encode; caller frees the result. NULL when out of memory. */
char *cursor_encode(const char *sort, const char *value, const char *key);

/*
 * Decode s, which must have been made for `sort`. On success *value and
 * *key are owned by the caller. ERR_MALFORMED (parameter "cursor" named
 * in p) for anything that is not such a cursor.
 */
enum err cursor_decode(const char *s, const char *sort, char **value, char **key,
                       struct problem *p);

/* base64url without padding; caller frees. */
char *base64url_encode(const unsigned char *data, size_t len);
/* Inverse; NULL for bad input. *len receives the length. Caller frees. */
unsigned char *base64url_decode(const char *s, size_t *len);

#endif
