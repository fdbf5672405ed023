/*
 * query_string.h
 *    The query string of a request, parsed strictly from the raw URL:
 *    percent-decoding checked, UTF-8 checked, a parameter given twice
 *    refused. (ulfius merges query and path parameters and silently drops
 *    values that are not UTF-8, so the raw string is parsed here instead.)
 */
#ifndef CONSORTIA_QUERY_STRING_H
#define CONSORTIA_QUERY_STRING_H

#include "query.h"

/*
 * Parse the part of url after its first '?' (no '?': no parameters) into
 * q, which must be zeroed. ERR_MALFORMED with the parameter named in p for
 * bad encoding, a name given twice or more than QUERY_MAX_PARAMS names.
 * q owns its strings: release with query_free() whatever the result.
 */
enum err query_parse(const char *url, struct query *q, struct problem *p);

/*
 * Percent-encode s for a query string value into a new string (caller
 * frees); NULL when out of memory.
 */
char *query_escape(const char *s);

#endif
