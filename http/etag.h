/*
 * etag.h
 *    Entity tags of versioned records: the ETag a version is sent as, and
 *    the versions an If-Match header names (RFC 9110 8.8.3, 13.1.1).
 */
#ifndef CONSORTIA_ETAG_H
#define CONSORTIA_ETAG_H

#include "resource.h"

/* The ETag of a version: "\"<version>\"" into out (24 bytes). */
void etag_format(int version, char out[24]);

/*
 * The versions an If-Match header value (a list of entity tags, or "*")
 * names, into out. Weak tags (W/"3") and tags not of a version name none:
 * If-Match compares strongly. A list of more than eight tags keeps the
 * first eight.
 */
void if_match_parse(const char *header, struct expected_version *out);

#endif
