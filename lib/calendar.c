/*
 * calendar.c
 *    This module defines calendar feeds, makes their secrets and writes a
 *    feed's events as iCalendar (RFC 5545): all-day events, each with its
 *    UID and the time it last changed, so a calendar program that polls the
 *    feed updates an event in place.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "calendar.h"
#include "casework.h"   /* the fields, filters and sorts definitions share */
#include "hash.h"

/* ---- the feed ---------------------------------------------------------------------- */

enum { CF_LA, CF_GROUP, CF_NAME, CF__N };

static const struct field feed_fields[CF__N] = {
	[CF_LA] = {.name = "la_code", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 100, .max = 999},
	[CF_GROUP] = ID_FIELD("group_id", F_NULLABLE | F_CREATE_ONLY),
	[CF_NAME] = TEXT_FIELD("name", F_REQUIRED | F_NAME, 200),
};
static const char *const feed_read_only[] = {"id", "group_name", "created_by", "created_at", "updated_at",
                                             "version", "url", NULL};
static const struct field_set feed_field_set = {feed_fields, CF__N, feed_read_only};

/* $1..$3 the fields, $4 the secret's hash, $5 who made it. */
static const struct db_stmt FEED_INSERT = {"calendar_feed_insert",
	"INSERT INTO calendar_feed (la_id, group_id, name, token_hash, created_by) "
	"SELECT l.id, $2::bigint, $3, $4, $5 FROM local_authority l WHERE l.code = $1::integer RETURNING id"};
static const struct db_stmt FEED_UPDATE = {"calendar_feed_update",
	"UPDATE calendar_feed SET name = $4, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND num_nulls($2::integer, $3::bigint) >= 0"};
static const struct db_stmt FEED_DELETE = {"calendar_feed_delete", "DELETE FROM calendar_feed WHERE id = $1::bigint"};

static const struct filter_def feed_filters[] = {
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "group_id", .kind = FILTER_INT, .sql = "x.group_id = $%d::bigint", .min = 1, .max = ID_MAX},
};
static const struct sort_def feed_sorts[] = {{"id", "x.id", "bigint", false}, {"-id", "x.id", "bigint", true}};
static const struct constraint_def feed_constraints[] = {
	{"calendar_feed_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"calendar_feed_group_fkey", "group_id", "reference", "does not name a group of the local authority"},
	{"calendar_feed_group_rule", "group_id", "reference", "does not name a group of the local authority"},
	{"calendar_feed_name_check", "name", "length", "must be 1 to 200 characters long"},
	{"calendar_feed_token_key", "name", "duplicate", "a feed's secret was made twice: make the feed again"},
};

const struct resource_def calendar_feed_def = {
	.noun = "calendar feed", .resource = "calendar-feed", .path = "/v1/calendar-feeds", .key_field = "id",
	.key_min = 1, .key_max = ID_MAX, .fields = &feed_field_set, .load_cols = "l.code, x.group_id, x.name",
	.insert = &FEED_INSERT, .insert_miss_field = "la_code", .update = &FEED_UPDATE, .del = &FEED_DELETE,
	.list_doc = "json_build_object('id', x.id, 'la_code', l.code, 'group_id', x.group_id, 'group_name', g.name, "
	            "'name', x.name, 'created_by', x.created_by, 'created_at', api_ts(x.created_at), "
	            "'updated_at', api_ts(x.updated_at), 'version', x.version)",
	.list_from = "calendar_feed x JOIN local_authority l ON l.id = x.la_id "
	             "LEFT JOIN school_group g ON g.id = x.group_id",
	.key_expr = "x.id", .key_type = "bigint", .scope_la = "l.code = $%d::integer",
	.scope_group = "x.group_id = $%d::bigint", .la_field = "la_code", .group_field = "group_id",
	FILTERS(feed_filters), SORTS(feed_sorts), CONSTRAINTS(feed_constraints),
};

bool
calendar_secret_valid(const char *s)
{
	return strlen(s) == CALENDAR_SECRET_LEN &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == CALENDAR_SECRET_LEN;
}

/* 32 random bytes as unpadded base64url. */
static bool
new_secret(char out[CALENDAR_SECRET_LEN + 1])
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char b[33] = {0};
	size_t o = 0;

	if (getrandom(b, 32, 0) != 32)
		return false;
	for (size_t i = 0; i < 33; i += 3) {
		unsigned v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8 | b[i + 2];
		for (int k = 3; k >= 0 && o < CALENDAR_SECRET_LEN; k--)
			out[o++] = alphabet[(v >> (6 * k)) & 63];
	}
	out[CALENDAR_SECRET_LEN] = '\0';
	explicit_bzero(b, sizeof b);
	return true;
}

static void
secret_hash(const char *secret, char out[65])
{
	const void *parts[] = {secret};
	const size_t lens[] = {strlen(secret)};

	sha256_hex(out, 1, parts, lens);
}

enum err
calendar_feed_create(struct db_conn *c, const struct actor *who, const json_t *body, struct doc *out,
                     char secret[CALENDAR_SECRET_LEN + 1], struct problem *p)
{
	char hash[65];
	const char *extra[2];

	if (!new_secret(secret))
		return problem_set(p, ERR_INTERNAL, "could not make a secret");
	secret_hash(secret, hash);
	extra[0] = hash;
	extra[1] = who->audit.subject ? who->audit.subject : "";
	return resource_create(c, &calendar_feed_def, body, who, extra, 2, out, p);
}

/* ---- iCalendar ---------------------------------------------------------------------- */

void
ical_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			fputc('\\', f), fputc(*s, f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s != '\r')
			fputc(*s, f);
	}
}

void
ical_line(FILE *f, const char *line)
{
	size_t len = strlen(line), at = 0, room = 75;

	while (len - at > room) {
		size_t cut = at + room;

		while (cut > at && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;   /* never inside a UTF-8 character */
		fwrite(line + at, 1, cut - at, f);
		fputs("\r\n ", f);
		at = cut;
		room = 74;   /* a continuation line begins with its space */
	}
	fputs(line + at, f);
	fputs("\r\n", f);
}

/* One content line built from a name and TEXT value. */
static void
text_line(FILE *f, const char *name, const char *value)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *l = open_memstream(&buf, &len);

	if (l == NULL)
		return;
	fputs(name, l);
	fputc(':', l);
	ical_text(l, value);
	fclose(l);
	ical_line(f, buf);
	free(buf);
}

static const struct db_stmt FEED_BY_SECRET = {"calendar_feed_by_secret",
	"SELECT x.id, x.name FROM calendar_feed x WHERE x.token_hash = $1"};
static const struct db_stmt FEED_EVENTS = {"calendar_feed_events",
	"SELECT uid, to_char(day, 'YYYYMMDD'), to_char(day + 1, 'YYYYMMDD'), summary, description, "
	"to_char(changed AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"') FROM calendar_feed_events($1::bigint)"};

enum err
calendar_render(struct db_conn *c, const char *secret, char **out, struct problem *p)
{
	char hash[65], *buf = NULL;
	const char *v[1];
	PGresult *feed = NULL, *events = NULL;
	size_t len = 0;
	FILE *f;
	enum err e;

	*out = NULL;
	secret_hash(secret, hash);
	v[0] = hash;
	if ((e = db_exec(c, &FEED_BY_SECRET, 1, v, &feed, p)) != ERR_OK)
		return e;
	if (PQntuples(feed) != 1) {
		PQclear(feed);
		return problem_set(p, ERR_NOT_FOUND, "no calendar feed at this address");
	}
	v[0] = PQgetvalue(feed, 0, 0);
	if ((e = db_exec(c, &FEED_EVENTS, 1, v, &events, p)) != ERR_OK) {
		PQclear(feed);
		return e;
	}
	if ((f = open_memstream(&buf, &len)) == NULL) {
		PQclear(feed);
		PQclear(events);
		return problem_set(p, ERR_INTERNAL, "out of memory");
	}
	ical_line(f, "BEGIN:VCALENDAR");
	ical_line(f, "VERSION:2.0");
	ical_line(f, "PRODID:-//consortia//calendar feeds//EN");
	ical_line(f, "CALSCALE:GREGORIAN");
	ical_line(f, "METHOD:PUBLISH");
	text_line(f, "X-WR-CALNAME", PQgetvalue(feed, 0, 1));
	for (int i = 0; i < PQntuples(events); i++) {
		char line[96];

		ical_line(f, "BEGIN:VEVENT");
		text_line(f, "UID", PQgetvalue(events, i, 0));
		snprintf(line, sizeof line, "DTSTAMP:%s", PQgetvalue(events, i, 5));
		ical_line(f, line);
		snprintf(line, sizeof line, "DTSTART;VALUE=DATE:%s", PQgetvalue(events, i, 1));
		ical_line(f, line);
		snprintf(line, sizeof line, "DTEND;VALUE=DATE:%s", PQgetvalue(events, i, 2));
		ical_line(f, line);
		text_line(f, "SUMMARY", PQgetvalue(events, i, 3));
		text_line(f, "DESCRIPTION", PQgetvalue(events, i, 4));
		ical_line(f, "TRANSP:TRANSPARENT");
		ical_line(f, "END:VEVENT");
	}
	ical_line(f, "END:VCALENDAR");
	PQclear(feed);
	PQclear(events);
	if (fclose(f) != 0) {
		free(buf);
		return problem_set(p, ERR_INTERNAL, "out of memory");
	}
	*out = buf;
	return ERR_OK;
}
