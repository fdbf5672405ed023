/*
 * calendar.h
 *    Calendar feeds (calendar.c; schema/0023_calendar_feeds.sql): an LA's or
 *    a group's deadlines and meetings as iCalendar (RFC 5545), read at a
 *    secret URL a calendar program subscribes to.
 */
#ifndef CONSORTIA_CALENDAR_H
#define CONSORTIA_CALENDAR_H

#include <stdio.h>

#include "resource.h"

extern const struct resource_def calendar_feed_def;

/* A feed's secret: 32 random bytes as base64url, 43 characters. */
#define CALENDAR_SECRET_LEN 43

/*
 * Make a feed from body for who (the LA's or a group's callers), with a new
 * secret: *out its representation, secret (44 bytes) the secret, shown
 * once and kept only as its SHA-256.
 */
enum err calendar_feed_create(struct db_conn *c, const struct actor *who, const json_t *body, struct doc *out,
                              char secret[CALENDAR_SECRET_LEN + 1], struct problem *p);

/* Is s a secret's shape (43 base64url characters)? */
bool calendar_secret_valid(const char *s);

/*
 * The feed whose secret is `secret` as an iCalendar document (malloc'd,
 * CRLF lines folded at 75 octets): ERR_NOT_FOUND when no feed has it.
 */
enum err calendar_render(struct db_conn *c, const char *secret, char **out, struct problem *p);

/* iCalendar's TEXT: backslash, semicolon, comma and newline escaped (RFC 5545 3.3.11). */
void ical_text(FILE *f, const char *s);

/* Write one content line (CRLF-ended), folded so that no line passes 75 octets (RFC 5545 3.1). */
void ical_line(FILE *f, const char *line);

#endif
