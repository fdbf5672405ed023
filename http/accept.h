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
 * Index into `offers` (language tags, NULL-terminated, the server's
 * preference first) of the language to answer in by Accept-Language
 * (RFC 9110 section 12.5.4, RFC 4647 basic filtering: "cy" and "cy-GB"
 * match cy, "*" matches any); 0 when the header is absent or names none
 * of them: the service answers in its first language rather than 406.
 */
int accept_language(const char *header, const char *const *offers);

/*
 * The value of parameter `name` of a media type header ("text/csv;
 * charset=utf-8"), unquoted, into out. False when absent or too long.
 */
bool media_type_param(const char *header, const char *name, char *out, size_t outlen);

#endif
