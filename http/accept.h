/*
 * accept.h
 *    Content negotiation: which of the media types a route can send does
 *    the client's Accept header prefer (RFC 9110 section 12.5.1)?
 */
#ifndef CONSORTIA_ACCEPT_H
#define CONSORTIA_ACCEPT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Index into `offers` (NULL-terminated, the server's preference first) of
 * the type to send, or -1 when the header accepts none of them (406).
 * A missing or empty header accepts anything. Ranges such as "text/ *" and
 * "* / *" match, the most specific range decides an offer's quality, and
 * q=0 refuses.
 */
int accept_choose(const char *header, const char *const *offers);

/*
 * The value of parameter `name` of a media type header ("text/csv;
 * charset=utf-8"), unquoted, into out. False when absent or too long.
 */
bool media_type_param(const char *header, const char *name, char *out, size_t outlen);

#endif
