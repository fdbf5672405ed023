/*
 * Unit tests of the pure parsers: dates, whole numbers, query strings,
 * cursors, entity tags and the error table.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "etag.h"
#include "forwarded.h"
#include "problem.h"
#include "query_string.h"
#include "cursor.h"
#include "date.h"
#include "error.h"
#include "query.h"
#include "resource.h"

Test(date, iso_dates_must_be_real_days)
{
	int y, m, d;

	cr_assert(date_parse_iso("2020-02-29", &y, &m, &d));
	cr_assert(eq(int, y * 10000 + m * 100 + d, 20200229));
	cr_assert_not(date_parse_iso("2019-02-29", &y, &m, &d), "not a leap year");
	cr_assert(date_parse_iso("2000-02-29", &y, &m, &d), "divisible by 400");
	cr_assert_not(date_parse_iso("1900-02-29", &y, &m, &d), "divisible by 100");
	cr_assert_not(date_parse_iso("2020-04-31", &y, &m, &d));
	cr_assert_not(date_parse_iso("2020-13-01", &y, &m, &d));
	cr_assert_not(date_parse_iso("2020-1-01", &y, &m, &d));
	cr_assert_not(date_parse_iso("2020-01-01T00:00", &y, &m, &d));
	cr_assert_not(date_parse_iso("", &y, &m, &d));
	cr_assert_not(date_parse_iso(NULL, &y, &m, &d));
}

Test(date, extract_dates_convert_to_iso)
{
	char out[11] = "unchanged";

	cr_assert(date_dmy_to_iso("16-01-2020", out));
	cr_assert(eq(str, out, "2020-01-16"));
	cr_assert(date_dmy_to_iso("29-02-2024", out));
	cr_assert(eq(str, out, "2024-02-29"));
	cr_assert_not(date_dmy_to_iso("31-02-2019", out));
	cr_assert(eq(str, out, "2024-02-29"), "a refused date leaves out alone");
	cr_assert_not(date_dmy_to_iso("2020-01-16", out));
	cr_assert_not(date_dmy_to_iso("1-1-2020", out));
}

Test(parse_int, whole_numbers_only)
{
	long long v;

	cr_assert(parse_int("937", 100, 999, &v) && v == 937);
	cr_assert_not(parse_int("99", 100, 999, &v));
	cr_assert_not(parse_int("937x", 100, 999, &v));
	cr_assert_not(parse_int("", 0, 9, &v));
	cr_assert_not(parse_int("-1", 0, 9, &v));
	cr_assert_not(parse_int("+1", 0, 9, &v));
	cr_assert_not(parse_int(" 1", 0, 9, &v));
	cr_assert_not(parse_int("99999999999999999999", 0, 9223372036854775807LL, &v));
}

Test(query, parses_decodes_and_refuses)
{
	struct query q = {0};
	struct problem p = {0};

	cr_assert(eq(int, query_parse("/v1/schools?phase=primary&q=St+Mary%27s&x=", &q, &p), ERR_OK));
	cr_assert(eq(sz, q.n, 3));
	cr_assert(eq(str, (char *)query_get(&q, "q"), "St Mary's"));
	cr_assert(eq(str, (char *)query_get(&q, "x"), ""));
	cr_assert_null(query_get(&q, "y"));
	query_free(&q);

	cr_assert(eq(int, query_parse("/a?q=%C3%A9cole", &q, &p), ERR_OK));
	cr_assert(eq(str, (char *)query_get(&q, "q"), "\xC3\xA9" "cole"));
	query_free(&q);

	cr_assert(eq(int, query_parse("/a?a=1&a=2", &q, &p), ERR_MALFORMED), "repeated");
	query_free(&q);
	problem_clear(&p);
	cr_assert(eq(int, query_parse("/a?a=%zz", &q, &p), ERR_MALFORMED), "bad escape");
	query_free(&q);
	problem_clear(&p);
	cr_assert(eq(int, query_parse("/a?a=%", &q, &p), ERR_MALFORMED), "truncated escape");
	query_free(&q);
	problem_clear(&p);
	cr_assert(eq(int, query_parse("/a?a=%ff", &q, &p), ERR_MALFORMED), "not UTF-8");
	query_free(&q);
	problem_clear(&p);
	cr_assert(eq(int, query_parse("/a?a=%00", &q, &p), ERR_MALFORMED), "NUL");
	query_free(&q);
	problem_clear(&p);
	cr_assert(eq(int, query_parse("/a", &q, &p), ERR_OK));
	cr_assert(eq(sz, q.n, 0));
}

Test(query, escape_round_trips)
{
	struct query q = {0};
	struct problem p = {0};
	char *e = query_escape("a b&c=d/é"), *url;

	cr_assert(eq(str, e, "a%20b%26c%3Dd%2F%C3%A9"));
	cr_assert(asprintf(&url, "/x?k=%s", e) > 0);
	cr_assert(eq(int, query_parse(url, &q, &p), ERR_OK));
	cr_assert(eq(str, (char *)query_get(&q, "k"), "a b&c=d/é"));
	query_free(&q);
	free(url);
	free(e);
}

Test(cursor, round_trip_and_refusals)
{
	struct problem p = {0};
	char *c = cursor_encode("-name", "St Mary's", "125678"), *v, *k;

	cr_assert(eq(int, cursor_decode(c, "-name", &v, &k, &p), ERR_OK));
	cr_assert(eq(str, v, "St Mary's"));
	cr_assert(eq(str, k, "125678"));
	free(v);
	free(k);
	cr_assert(eq(int, cursor_decode(c, "name", &v, &k, &p), ERR_MALFORMED), "another sort");
	problem_clear(&p);
	cr_assert(eq(int, cursor_decode("!!!", "name", &v, &k, &p), ERR_MALFORMED));
	problem_clear(&p);
	cr_assert(eq(int, cursor_decode("e30", "name", &v, &k, &p), ERR_MALFORMED), "{} has no fields");
	problem_clear(&p);
	free(c);
}

Test(cursor, base64url_round_trips_every_length)
{
	unsigned char data[64];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 37 + 11);
	for (size_t n = 0; n <= sizeof data; n++) {
		size_t len = 0;
		char *s = base64url_encode(data, n);
		unsigned char *back = base64url_decode(s, &len);
		cr_assert_not_null(back);
		cr_assert(eq(sz, len, n));
		cr_assert(memcmp(back, data, n) == 0);
		cr_assert(strpbrk(s, "+/=") == NULL);
		free(s);
		free(back);
	}
}

/* Does the If-Match header value let a change find the record at version? */
static bool
etag_matches(const char *header, int version)
{
	struct expected_version e;

	if_match_parse(header, &e);
	return expected_allows(&e, version);
}

Test(etag, if_match_compares_strongly)
{
	cr_assert(etag_matches("\"3\"", 3));
	cr_assert(etag_matches("\"1\", \"3\"", 3));
	cr_assert(etag_matches("*", 3));
	cr_assert_not(etag_matches("\"31\"", 3));
	cr_assert_not(etag_matches("W/\"3\"", 3));
	cr_assert_not(etag_matches("3", 3));
	cr_assert_not(etag_matches("", 3));
	cr_assert_not(etag_matches("\"03\"", 3), "no leading zero");
	cr_assert_not(etag_matches("\"3\"x", 3));
	cr_assert(etag_matches("\"1\", *", 3), "a list with a star is any");
}

Test(etag, if_match_takes_the_version_a_representation_s_tag_names)
{
	char tag[ETAG_MAX];

	etag_format(3, "0123456789abcdef", tag);
	cr_assert_str_eq(tag, "\"3-0123456789abcdef\"");
	cr_assert(etag_matches(tag, 3));
	cr_assert(etag_matches("\"1-0123456789abcdef\", \"3-fedcba9876543210\"", 3));
	cr_assert_not(etag_matches(tag, 4));
	cr_assert_not(etag_matches("\"3-0123456789abcde\"", 3), "a digest of 15 digits");
	cr_assert_not(etag_matches("\"3-0123456789abcdef0\"", 3), "a digest of 17 digits");
	cr_assert_not(etag_matches("\"3-0123456789ABCDEF\"", 3), "upper-case is not the service's");
	cr_assert_not(etag_matches("W/\"3-0123456789abcdef\"", 3));
	etag_format(0, "0123456789abcdef0123", tag);
	cr_assert_str_eq(tag, "\"0123456789abcdef\"", "a page's: the digest alone");
}

Test(etag, if_none_match_compares_weakly)
{
	const char *tag = "\"3-0123456789abcdef\"";

	cr_assert(if_none_match(tag, tag));
	cr_assert(if_none_match("W/\"3-0123456789abcdef\"", tag), "weak comparison");
	cr_assert(if_none_match("\"1-aaaaaaaaaaaaaaaa\" , \"3-0123456789abcdef\"", tag));
	cr_assert(if_none_match("*", tag));
	cr_assert_not(if_none_match("\"3\"", tag), "the version alone is not the representation");
	cr_assert_not(if_none_match("\"3-0123456789abcdee\"", tag));
	cr_assert_not(if_none_match("\"3-0123456789abcdef\"x", tag));
	cr_assert_not(if_none_match("", tag));
	cr_assert_not(if_none_match(NULL, tag));
}

Test(errors, every_error_maps_to_a_status_and_type)
{
	static const struct {
		enum err e;
		int status;
		const char *slug;
	} want[] = {
		{ERR_MALFORMED, 400, "malformed"},       {ERR_UNAUTHORIZED, 401, "unauthorized"},
		{ERR_FORBIDDEN, 403, "forbidden"},       {ERR_NOT_FOUND, 404, "not-found"},
		{ERR_METHOD_NOT_ALLOWED, 405, "method-not-allowed"},
		{ERR_NOT_ACCEPTABLE, 406, "not-acceptable"}, {ERR_CONFLICT, 409, "conflict"},
		{ERR_PRECONDITION_FAILED, 412, "precondition-failed"},
		{ERR_TOO_LARGE, 413, "payload-too-large"},
		{ERR_UNSUPPORTED_MEDIA, 415, "unsupported-media-type"},
		{ERR_VALIDATION, 422, "validation"},
		{ERR_PRECONDITION_REQUIRED, 428, "precondition-required"},
		{ERR_RATE_LIMITED, 429, "too-many-requests"}, {ERR_INTERNAL, 500, "internal"},
		{ERR_UNAVAILABLE, 503, "unavailable"},   {ERR_RETRY, 503, "unavailable"},
	};

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		cr_assert(eq(int, http_error_info(want[i].e)->status, want[i].status));
		cr_assert(eq(str, (char *)http_error_info(want[i].e)->slug, (char *)want[i].slug));
	}
	cr_assert(eq(int, http_error_info((enum err)999)->status, 500), "junk is an internal error");
}

Test(errors, problem_body_has_every_member)
{
	struct problem p = {0};
	json_t *o;

	cr_assert(eq(int, problem_set(&p, ERR_VALIDATION, "%d fields are invalid", 2), ERR_VALIDATION));
	cr_assert(eq(int, problem_set(&p, ERR_INTERNAL, "later"), ERR_VALIDATION), "first error stays");
	problem_field(&p, IN_BODY, "urn", "format", "must be %d digits", 6);
	problem_field(&p, IN_QUERY, "limit", "range", "too big");
	o = problem_to_json(&p, "/v1/schools", "abc", NULL);
	cr_assert(eq(str, (char *)json_string_value(json_object_get(o, "type")),
	             "urn:consortia:problem:validation"));
	cr_assert(eq(int, (int)json_integer_value(json_object_get(o, "status")), 422));
	cr_assert(eq(str, (char *)json_string_value(json_object_get(o, "detail")), "2 fields are invalid"));
	cr_assert(eq(str, (char *)json_string_value(json_object_get(o, "instance")), "/v1/schools"));
	cr_assert(eq(sz, json_array_size(json_object_get(o, "errors")), 2));
	cr_assert(eq(str, (char *)json_string_value(json_object_get(json_array_get(json_object_get(o, "errors"), 1), "in")),
	             "query"));
	json_decref(o);
	problem_clear(&p);
	cr_assert_null(p.errors);
}

#include "accept.h"
#include "../../api/messages.h"

Test(accept, negotiation_follows_quality_and_specificity)
{
	static const char *const offers[] = {"application/json", "text/csv", NULL};

	cr_assert(eq(int, accept_choose(NULL, offers), 0), "no header: the server's first");
	cr_assert(eq(int, accept_choose("", offers), 0));
	cr_assert(eq(int, accept_choose("*/*", offers), 0));
	cr_assert(eq(int, accept_choose("text/csv", offers), 1));
	cr_assert(eq(int, accept_choose("text/*", offers), 1));
	cr_assert(eq(int, accept_choose("text/csv;q=0.9, application/json;q=0.5", offers), 1));
	cr_assert(eq(int, accept_choose("text/csv;q=0, */*", offers), 0), "q=0 refuses csv");
	cr_assert(eq(int, accept_choose("application/xml", offers), -1));
	cr_assert(eq(int, accept_choose("application/jsonx", offers), -1));
	cr_assert(eq(int, accept_choose("*/*;q=0", offers), -1));
	cr_assert(eq(int, accept_choose("Application/JSON", offers), 0), "case-insensitive");
}

Test(accept, a_language_is_welsh_only_when_preferred)
{
	static const char *const langs[] = {"en", "cy", NULL};

	cr_assert(eq(int, accept_language(NULL, langs), 0), "no header: English");
	cr_assert(eq(int, accept_language("", langs), 0));
	cr_assert(eq(int, accept_language("cy", langs), 1));
	cr_assert(eq(int, accept_language("CY-gb", langs), 1), "a kind of Welsh is served the Welsh");
	cr_assert(eq(int, accept_language("cy, en;q=0.8", langs), 1));
	cr_assert(eq(int, accept_language("en, cy;q=0.8", langs), 0));
	cr_assert(eq(int, accept_language("en;q=0.5, cy;q=0.9", langs), 1));
	cr_assert(eq(int, accept_language("*", langs), 0), "anything: the service's first");
	cr_assert(eq(int, accept_language("fr", langs), 0), "none offered: English, not 406");
	cr_assert(eq(int, accept_language("cy;q=0", langs), 0), "q=0 refuses Welsh");
	cr_assert(eq(int, accept_language("cym", langs), 0), "a prefix is not a tag");
	cr_assert(eq(int, accept_language("fr, *;q=0.1, en;q=0", langs), 1), "en refused, Welsh taken by *");
}

Test(accept, media_type_parameters)
{
	char v[32];

	cr_assert(media_type_param("text/csv; charset=utf-8", "charset", v, sizeof v));
	cr_assert(eq(str, v, "utf-8"));
	cr_assert(media_type_param("text/csv;charset=\"windows-1252\"; header=present", "charset", v, sizeof v));
	cr_assert(eq(str, v, "windows-1252"));
	cr_assert_not(media_type_param("text/csv", "charset", v, sizeof v));
	cr_assert_not(media_type_param("text/csv; charset=", "charset", v, sizeof v));
}

/* ---- the client's address behind proxies ------------------------------- */

Test(forwarded, only_a_trusted_peer_is_believed)
{
	char *trusted[] = {"10.0.0.2", "10.0.0.3", NULL};
	char out[64];

	forwarded_client("192.0.2.7", "203.0.113.9", trusted, out);
	cr_assert_str_eq(out, "192.0.2.7", "a client cannot name itself someone else");
	forwarded_client("10.0.0.2", NULL, trusted, out);
	cr_assert_str_eq(out, "10.0.0.2");
	forwarded_client("10.0.0.2", "203.0.113.9", trusted, out);
	cr_assert_str_eq(out, "203.0.113.9");
	forwarded_client("10.0.0.2", "203.0.113.9", NULL, out);
	cr_assert_str_eq(out, "10.0.0.2", "no trusted proxies: the peer");
}

Test(forwarded, the_rightmost_untrusted_hop_wins)
{
	char *trusted[] = {"10.0.0.2", "10.0.0.3", NULL};
	char out[64];

	/* the client wrote the first entry itself: it is not believed */
	forwarded_client("10.0.0.2", "1.2.3.4, 198.51.100.4", trusted, out);
	cr_assert_str_eq(out, "198.51.100.4");
	forwarded_client("10.0.0.2", "1.2.3.4,198.51.100.4 , 10.0.0.3", trusted, out);
	cr_assert_str_eq(out, "198.51.100.4");
	forwarded_client("10.0.0.2", "2001:db8::1", trusted, out);
	cr_assert_str_eq(out, "2001:db8::1");
	/* every hop a proxy: the leftmost */
	forwarded_client("10.0.0.2", "10.0.0.3", trusted, out);
	cr_assert_str_eq(out, "10.0.0.3");
}

Test(forwarded, garbage_stops_the_walk)
{
	char *trusted[] = {"10.0.0.2", NULL};
	char out[64];

	forwarded_client("10.0.0.2", "203.0.113.9, not-an-address", trusted, out);
	cr_assert_str_eq(out, "10.0.0.2");
	forwarded_client("10.0.0.2", "203.0.113.9,", trusted, out);
	cr_assert_str_eq(out, "10.0.0.2");
	forwarded_client("10.0.0.2", "", trusted, out);
	cr_assert_str_eq(out, "10.0.0.2");
	forwarded_client("10.0.0.2",
	                 "203.0.113.9, 1111111111111111111111111111111111111111111111111111111111111111111111", trusted,
	                 out);
	cr_assert_str_eq(out, "10.0.0.2");
}

Test(messages, every_word_of_a_page_is_in_english_and_welsh)
{
	for (int m = 0; m < M__COUNT; m++) {
		const char *en = msg((enum msg)m, LANG_EN), *cy = msg((enum msg)m, LANG_CY);

		cr_assert(en && *en && cy && *cy, "message %d lacks a language", m);
	}
	cr_assert_str_eq(msg_value("full_integration", LANG_CY), "Integreiddio llawn");
	cr_assert_str_eq(msg_value("at_risk", LANG_EN), "at risk");
	cr_assert_null(msg_value("merger", LANG_EN));
	cr_assert_str_eq(msg_month(12, LANG_CY), "Rhagfyr");
	cr_assert_null(msg_month(13, LANG_EN));
}

Test(config, a_checkout_finds_the_database_and_key_make_run_made)
{
	char path[] = "/tmp/consortia-env-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	cr_assert_not_null(f);
	fputs("DATABASE_URL=postgresql:///consortia?host=/x/.local/pg\nJWT_SECRET_FILE=/x/.local/jwt-secret\n"
	      "PORT=1\n", f);
	fclose(f);

	unsetenv("DATABASE_URL");
	unsetenv("JWT_SECRET");
	unsetenv("JWT_SECRET_FILE");
	unsetenv("JWT_PRIVATE_KEY_FILE");
	setenv("PORT", "8080", 1);
	config_checkout_defaults(path);
	cr_assert_str_eq(getenv("DATABASE_URL"), "postgresql:///consortia?host=/x/.local/pg");
	cr_assert_str_eq(getenv("JWT_SECRET_FILE"), "/x/.local/jwt-secret");
	cr_assert_str_eq(getenv("PORT"), "8080", "only the database and the key are taken");

	/* the environment's own win */
	setenv("DATABASE_URL", "postgresql:///other", 1);
	unsetenv("JWT_SECRET_FILE");
	setenv("JWT_SECRET", "0123456789abcdef0123456789abcdef", 1);
	config_checkout_defaults(path);
	cr_assert_str_eq(getenv("DATABASE_URL"), "postgresql:///other");
	cr_assert_null(getenv("JWT_SECRET_FILE"), "a secret given is the key");
	config_checkout_defaults("/nonexistent/consortia.env");
	unlink(path);
	unsetenv("DATABASE_URL");
	unsetenv("JWT_SECRET");
	unsetenv("PORT");
}

#include "calendar.h"

/* What ical_text or ical_line wrote for s. */
static char *
ical(void (*write)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	write(f, s);
	fclose(f);
	return buf;
}

Test(ical, text_is_escaped_and_lines_fold_at_75_octets)
{
	char *t = ical(ical_text, "Plans, actions; C:\\ and\na new line");
	char line[400], *folded, *unfolded;
	size_t n = 0;

	cr_assert_str_eq(t, "Plans\\, actions\\; C:\\\\ and\\na new line");
	free(t);

	/* 200 octets: 75, then continuation lines of a space and at most 74 */
	memset(line, 'x', 200);
	line[200] = '\0';
	folded = ical(ical_line, line);
	for (char *l = folded, *end; (end = strstr(l, "\r\n")) != NULL; l = end + 2) {
		cr_assert_leq(end - l, 75, "a line of %td octets", end - l);
		cr_assert(n == 0 || l[0] == ' ', "a continuation line begins with a space");
		n++;
	}
	cr_assert_eq(n, 3);
	unfolded = calloc(1, strlen(folded) + 1);
	for (const char *c = folded; *c; c++) {
		if (c[0] == '\r' && c[1] == '\n' && c[2] == ' ')
			c += 2;          /* unfolding: the CRLF and the one space go */
		else if (*c != '\r' && *c != '\n')
			unfolded[strlen(unfolded)] = *c;
	}
	cr_assert_str_eq(unfolded, line);
	free(unfolded);
	free(folded);

	/* never inside a UTF-8 character: 80 two-octet letters */
	line[0] = '\0';
	for (int i = 0; i < 80; i++)
		strcat(line, "\xc3\xa9");
	folded = ical(ical_line, line);
	for (char *l = folded, *end; (end = strstr(l, "\r\n")) != NULL; l = end + 2) {
		cr_assert_leq(end - l, 75);
		bool lead_octet_last = (((unsigned char)end[-1]) & 0xC0) == 0xC0;

		cr_assert_not(lead_octet_last, "a line ends inside a character");
	}
	free(folded);
	cr_assert(calendar_secret_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234"));
	cr_assert_not(calendar_secret_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_0123"), "42 characters");
	cr_assert_not(calendar_secret_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_0123="), "not base64url");
}
