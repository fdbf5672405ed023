/*
 * etag.h
 *    Entity tags (RFC 9110 8.8.3): the ETag a representation is sent with,
 *    the versions an If-Match header names (13.1.1), and whether an
 *    If-None-Match header holds the current tag (13.1.2).
 *
 * A record's tag is "<version>-<digest>": its version, which If-Match
 * compares (a change made on a stale copy is refused), and a digest of the
 * representation's bytes, which If-None-Match compares (a copy is current
 * only if every byte is: the record's own fields, and what its document
 * shows of other records and of the day). A page of a list has no version:
 * its tag is "<digest>".
 */
#ifndef CONSORTIA_ETAG_H
#define CONSORTIA_ETAG_H

#include <stdbool.h>

#include "resource.h"

/* Room for a tag: quotes, a version, a hyphen, the digest and the NUL. */
#define ETAG_MAX 40
/* The digest's length in hex digits: the first 64 bits of a SHA-256. */
#define ETAG_DIGEST_LEN 16

/* The tag of version (0: a page, no version) and digest (ETAG_DIGEST_LEN hex digits) into out. */
void etag_format(int version, const char *digest, char out[ETAG_MAX]);

/*
 * The versions an If-Match header value (a list of entity tags, or "*")
 * names, into out: "3" and "3-<digest>" name version 3. Weak tags (W/"3")
 * and other tags name none: If-Match compares strongly. A list of more than
 * eight tags keeps the first eight.
 */
void if_match_parse(const char *header, struct expected_version *out);

/*
 * Does an If-None-Match header value hold etag (weak comparison: W/"x"
 * holds "x"), or "*"? A value that cannot be read holds nothing.
 */
bool if_none_match(const char *header, const char *etag);

#endif
