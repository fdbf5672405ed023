/*
 * Regression tests of the inputs the fuzz targets (tests/fuzz) found
 * breaking a parser, and of the nastiest edge inputs they were seeded
 * with: each asserts the documented answer, which is an error result for
 * nearly all of them, never a crash (the unit suite also runs under
 * AddressSanitizer and UndefinedBehaviorSanitizer in build-asan).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accept.h"
#include "config.h"
#include "cursor.h"
#include "date.h"
#include "fields.h"
#include "forwarded.h"
#include "fund.h"
#include "gias.h"
#include "group.h"
#include "plan.h"
#include "query_string.h"
#include "register.h"
#include "token.h"

/* s repeated n times, as a new string (caller frees). */
static char *
repeat(const char *s, size_t n)
{
	size_t len = strlen(s);
	char *out = malloc(len * n + 1);

	cr_assert_not_null(out);
	for (size_t i = 0; i < n; i++)
		memcpy(out + i * len, s, len);
	out[len * n] = '\0';
	return out;
}

/* ---- tokens ------------------------------------------------------------ */

static char secret[] = "0123456789abcdef0123456789abcdef-fuzz";

static struct token_keys
hs256_keys(void)
{
	struct config cfg = {0};
	struct token_keys k;
	char why[256] = "";

	cfg.jwt_alg = "HS256";
	cfg.jwt_secret = (unsigned char *)secret;
	cfg.jwt_secret_len = sizeof secret - 1;
	cfg.jwt_issuer = "consortia";
	cfg.jwt_audience = "consortia";
	cfg.jwt_leeway = 60;
	cr_assert(token_keys_load(&k, &cfg, why, sizeof why), "%s", why);
	return k;
}

/* claims signed HS256 with the secret above; caller frees. */
static char *
hs256_token(const char *claims)
{
	jwt_t *jwt = NULL;
	char *s, *out;

	cr_assert(eq(int, jwt_new(&jwt), 0));
	cr_assert(eq(int, jwt_add_grants_json(jwt, claims), 0), "%s", claims);
	cr_assert(eq(int, jwt_set_alg(jwt, JWT_ALG_HS256, (unsigned char *)secret, sizeof secret - 1), 0));
	s = jwt_encode_str(jwt);
	cr_assert_not_null(s);
	out = strdup(s);
	free(s);
	jwt_free(jwt);
	return out;
}

/*
 * fuzz_token found: exp = 9223372036854775807 overflowed `exp + leeway`
 * (UBSan: signed integer overflow in token_verify). The largest exp is a
 * token that has not expired; the smallest one has.
 */
Test(fuzz_regressions, token_exp_at_the_limits_of_a_json_integer)
{
	struct token_keys keys = hs256_keys();
	struct token_claims c;
	struct problem p = {0};
	char *t;

	t = hs256_token("{\"iss\":\"consortia\",\"aud\":\"consortia\",\"sub\":\"m\",\"role\":\"admin\","
	                "\"exp\":9223372036854775807}");
	cr_assert(eq(int, token_verify(&keys, t, 1700000000, &c, &p), ERR_OK), "%s", p.detail);
	cr_assert(eq(i64, c.exp, 9223372036854775807LL));
	free(t);
	problem_clear(&p);

	t = hs256_token("{\"iss\":\"consortia\",\"aud\":\"consortia\",\"sub\":\"m\",\"role\":\"admin\","
	                "\"exp\":-9223372036854775808}");
	cr_assert(eq(int, token_verify(&keys, t, 1700000000, &c, &p), ERR_UNAUTHORIZED));
	cr_assert(strstr(p.detail, "expired") != NULL, "%s", p.detail);
	free(t);
	problem_clear(&p);

	t = hs256_token("{\"iss\":\"consortia\",\"aud\":\"consortia\",\"sub\":\"m\",\"role\":\"admin\","
	                "\"exp\":1700000900,\"nbf\":9223372036854775807}");
	cr_assert(eq(int, token_verify(&keys, t, 1700000000, &c, &p), ERR_UNAUTHORIZED));
	cr_assert(strstr(p.detail, "not yet valid") != NULL, "%s", p.detail);
	free(t);
	problem_clear(&p);
	token_keys_free(&keys);
}

Test(fuzz_regressions, token_past_8_kb_or_not_a_jwt_is_refused)
{
	struct token_keys keys = hs256_keys();
	struct token_claims c;
	struct problem p = {0};
	char *big = repeat("A", TOKEN_MAX_BYTES + 1);
	const char *junk[] = {"...", "eyJhbGciOiJIUzI1NiJ9.@@@.x", "a.b", "\xff\xfe.\xc3\x28.x"};

	cr_assert(eq(int, token_verify(&keys, big, 1700000000, &c, &p), ERR_UNAUTHORIZED));
	cr_assert(strstr(p.detail, "longer than 8 KB") != NULL, "%s", p.detail);
	problem_clear(&p);
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		cr_assert(eq(int, token_verify(&keys, junk[i], 1700000000, &c, &p), ERR_UNAUTHORIZED), "%s",
		          junk[i]);
		cr_assert(strncmp(p.detail, "invalid token: ", 15) == 0);
		problem_clear(&p);
	}
	free(big);
	token_keys_free(&keys);
}

/* ---- dates and eligibility --------------------------------------------- */

/*
 * fuzz_date found: "9999/00" was an academic year ending "0000-08-31",
 * which is no date (PostgreSQL refuses it in a fund's calculation).
 */
Test(fuzz_regressions, academic_year_ending_past_9999_is_refused)
{
	char start[11] = "", end[11] = "";
	struct record rec = {0};
	struct problem p = {0};
	json_t *body = json_loads("{\"la_code\": 937, \"kind\": \"other\", \"name\": \"F\", "
	                          "\"academic_year\": \"9999/00\", \"pot_pence\": 1}", 0, NULL);

	cr_assert_not(academic_year_parse("9999/00", start, end));
	cr_assert(academic_year_parse("9998/99", start, end));
	cr_assert(eq(str, start, "9998-09-01"));
	cr_assert(eq(str, end, "9999-08-31"));
	cr_assert(eq(int, record_from_json(fund_def.fields, body, RECORD_CREATE, &rec, &p), ERR_VALIDATION));
	cr_assert(problem_names(&p, "academic_year", "format"));
	cr_assert(eq(sz, problem_count(&p), 1));
	record_clear(&rec);
	problem_clear(&p);
	json_decref(body);
}

/*
 * fuzz_date found: three years after 9999-01-01 was written "0002-01-01",
 * so a head since 9998 had three years' headship before a 2020 term:
 * eligibility rule 1 passed. Past the calendar the date now stops at its
 * last day.
 */
Test(fuzz_regressions, three_years_after_9998_is_not_before_2020)
{
	char out[11] = "";
	char *verdict = NULL;
	struct problem p = {0};
	json_t *body = json_loads("{\"group_id\": 1, \"role\": \"chair\", \"person_name\": \"Pat\", "
	                          "\"email\": \"pat@school.example\", \"school_urn\": 900001, "
	                          "\"head_since\": \"9998-06-01\", \"start_date\": \"2020-09-01\", "
	                          "\"elected_on\": \"2020-07-10\"}", 0, NULL);
	json_t *v;

	date_add_years("9999-01-01", 3, out);
	cr_assert(eq(str, out, "9999-12-31"));
	date_add_years("0002-06-01", -3, out);
	cr_assert(eq(str, out, "0001-01-01"));
	date_add_years("2016-02-29", 3, out);
	cr_assert(eq(str, out, "2019-03-01"), "29 February still moves to 1 March");

	/* Such a date is no longer one a client may write at all (1900 to 2099). */
	cr_assert(eq(int, chair_eligibility(NULL, body, &verdict, &p), ERR_VALIDATION));
	v = json_array_get(p.errors, 0);
	cr_assert(eq(str, (char *)json_string_value(json_object_get(v, "field")), "head_since"));
	cr_assert(eq(str, (char *)json_string_value(json_object_get(v, "code")), "range"));
	free(verdict);
	problem_clear(&p);
	json_decref(body);
}

/* ---- the GIAS extract -------------------------------------------------- */

static char *gias_fields[] = {
	"URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
	"TypeOfEstablishment (name)", "EstablishmentTypeGroup (code)", "EstablishmentStatus (name)",
	"PhaseOfEducation (code)", "HeadTitle (name)", "HeadFirstName", "HeadLastName",
	"DistrictAdministrative (code)",
};

static void
gias_map(char *urn, char *la_name, char *head_last, char *district, struct gias_row *r)
{
	struct gias_header h;
	struct problem p = {0};
	char *f[] = {urn, "937", la_name, "2001", "Bulkington Primary", "Academy converter", "10", "Open",
	             "2", "Mrs", "Ann", head_last, district};

	cr_assert(eq(int, gias_header_parse(&h, gias_fields, 13, &p), ERR_OK));
	gias_row_map(&h, f, 13, 0, r);
}

/*
 * fuzz_import found: a URN cell longer than 15 bytes was cut inside a
 * UTF-8 character, so its rejection could not be written into the import
 * report (counted, not listed); an LA name cut at 200 bytes the same way
 * reached PostgreSQL as invalid UTF-8, failing the whole import.
 */
Test(fuzz_regressions, gias_cells_are_cut_at_a_character_boundary)
{
	struct gias_row r;
	char *urn = repeat("\xc3\xa9", 7), *la = repeat("\xc3\xa9", 150), *district = repeat("\xc3\xa9", 9);
	char *long_urn, *long_la;
	json_t *packed;

	cr_assert(asprintf(&long_urn, "9000%s", urn) > 0);
	cr_assert(asprintf(&long_la, "a%s", la) > 0);
	gias_map(long_urn, "Warwickshire", "Head", "E07000221", &r);
	cr_assert(eq(int, r.outcome, GIAS_REJECT));
	cr_assert(utf8_valid(r.urn, strlen(r.urn)), "the URN for the report is valid UTF-8");
	cr_assert(eq(str, r.urn, "9000\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), "cut to 14 of 15 bytes");
	packed = json_pack("{s:s}", "urn", r.urn);
	cr_assert_not_null(packed, "the report can hold it");
	json_decref(packed);
	gias_row_clear(&r);

	gias_map("900001", long_la, "Head", district, &r);
	cr_assert(eq(int, r.outcome, GIAS_IMPORT), "%s", r.reason);
	cr_assert(utf8_valid(r.la_name, strlen(r.la_name)));
	cr_assert(eq(sz, strlen(r.la_name), 199), "'a' and 99 two-byte characters");
	cr_assert(utf8_valid(r.district, strlen(r.district)));
	cr_assert(eq(sz, strlen(r.district), 14));
	gias_row_clear(&r);
	free(urn);
	free(la);
	free(district);
	free(long_urn);
	free(long_la);
}

/*
 * Found reading gias.c for fuzz_import: the head's name was built in 256
 * bytes, and a cut inside a character made json_string() fail, leaving
 * headteacher_name out: the import then stored no head at all. Now the
 * whole name is kept, and the school's field table refuses one that is
 * too long.
 */
Test(fuzz_regressions, gias_head_name_is_kept_whole_or_refused)
{
	struct gias_row r;
	struct record rec = {0};
	struct problem p = {0};
	char *last = repeat("\xc3\xa9", 130), *too_long = repeat("\xc3\xa9", 200), *want;

	gias_map("900001", "Warwickshire", last, "E07000221", &r);
	cr_assert(eq(int, r.outcome, GIAS_IMPORT), "%s", r.reason);
	cr_assert(asprintf(&want, "Mrs Ann %s", last) > 0);
	cr_assert_not_null(json_string_value(json_object_get(r.school, "headteacher_name")), "no head's name");
	cr_assert(eq(str, (char *)json_string_value(json_object_get(r.school, "headteacher_name")), want));
	cr_assert(eq(int, record_from_json(school_def.fields, r.school, RECORD_CREATE, &rec, &p), ERR_OK),
	          "%s", p.detail);
	record_clear(&rec);
	gias_row_clear(&r);

	gias_map("900001", "Warwickshire", too_long, "E07000221", &r);
	cr_assert(eq(int, json_typeof(json_object_get(r.school, "headteacher_name")), JSON_STRING));
	cr_assert(eq(int, record_from_json(school_def.fields, r.school, RECORD_CREATE, &rec, &p),
	             ERR_VALIDATION));
	cr_assert(problem_names(&p, "headteacher_name", "length"));
	record_clear(&rec);
	problem_clear(&p);
	gias_row_clear(&r);
	free(last);
	free(too_long);
	free(want);
}

Test(fuzz_regressions, windows_1252_with_a_nul_byte_is_refused)
{
	char *u;

	cr_assert_null(cp1252_to_utf8("War\0wick", 8));
	u = cp1252_to_utf8("\x80\x81\x8d\x8f\x90\x9d", 6);
	cr_assert_not_null(u);
	cr_assert(utf8_valid(u, strlen(u)), "the five undefined bytes become C1 controls");
	cr_assert(eq(sz, utf8_length(u), 6));
	free(u);
}

/* ---- request bodies ---------------------------------------------------- */

static enum err
validate(const struct field_set *fs, const char *text, size_t flags, struct problem *p)
{
	struct record rec = {0};
	json_t *body = json_loads(text, JSON_REJECT_DUPLICATES | flags, NULL);
	enum err e;

	cr_assert_not_null(body, "fixture JSON: %.80s", text);
	e = record_from_json(fs, body, RECORD_CREATE, &rec, p);
	record_clear(&rec);
	json_decref(body);
	return e;
}

Test(fuzz_regressions, deeply_nested_plan_priorities_are_a_type_fault)
{
	struct problem p = {0};
	char *open = repeat("[", 2000), *close = repeat("]", 2000), *text;

	cr_assert(asprintf(&text, "{\"group_id\": 1, \"fund_id\": 2, \"priorities\": %s%s}", open, close) > 0);
	cr_assert(eq(int, validate(plan_def.fields, text, 0, &p), ERR_VALIDATION));
	cr_assert(problem_names(&p, "priorities", "type"));
	cr_assert(eq(sz, problem_count(&p), 1));
	problem_clear(&p);
	free(text);
	free(open);
	free(close);
}

Test(fuzz_regressions, integers_at_the_limits_are_range_faults)
{
	struct problem p = {0};

	cr_assert(eq(int, validate(allocation_def.fields,
	                           "{\"fund_id\": 9223372036854775807, \"group_id\": -9223372036854775808, "
	                           "\"amount_pence\": 100000000000001}", 0, &p), ERR_VALIDATION));
	cr_assert(problem_names(&p, "group_id", "range"));
	cr_assert(problem_names(&p, "amount_pence", "range"));
	cr_assert_not(problem_names(&p, "fund_id", "range"), "the largest id is an id");
	cr_assert(eq(sz, problem_count(&p), 2));
	problem_clear(&p);
	cr_assert(eq(int, validate(la_def.fields, "{\"code\": 937.0, \"name\": \"W\"}", 0, &p), ERR_VALIDATION));
	cr_assert(problem_names(&p, "code", "type"), "937.0 is a real, not an integer");
	problem_clear(&p);
}

Test(fuzz_regressions, nul_characters_in_text_are_format_faults)
{
	struct problem p = {0};

	cr_assert(eq(int, validate(la_def.fields, "{\"code\": 937, \"name\": \"a\\u0000b\"}", JSON_ALLOW_NUL, &p),
	             ERR_VALIDATION));
	cr_assert(problem_names(&p, "name", "format"));
	problem_clear(&p);
	cr_assert(eq(int, validate(meeting_def.fields,
	                           "{\"group_id\": 1, \"held_on\": \"2021-01-12\", \"actions\": [{\"description\": "
	                           "\"a\\u0000b\", \"owner\": \"Chair\", \"due_date\": \"2021-02-01\"}]}",
	                           JSON_ALLOW_NUL, &p), ERR_VALIDATION));
	cr_assert(problem_names(&p, "actions", "type"));
	problem_clear(&p);
}

/*
 * fuzz_body: an unknown key of a plan action is written into the fault's
 * message ("has no field <key>"); problem_field cut the message at 511
 * bytes, inside a UTF-8 character, json_pack refused it and the fault was
 * dropped, so a create answered ERR_OK with actions null. The message is
 * now cut at a character boundary, and a fault is never dropped.
 */
Test(fuzz_regressions, plan_action_with_a_long_unknown_key)
{
	struct problem p = {0};
	char *key = repeat("\xc3\xa9", 300), *text;

	cr_assert(asprintf(&text, "{\"group_id\": 1, \"fund_id\": 2, \"actions\": [{\"description\": \"d\", "
	                          "\"success_criteria\": \"s\", \"responsible\": \"r\", "
	                          "\"completion_date\": \"2021-07-01\", \"level\": \"cooperation\", "
	                          "\"x%s\": 1}]}", key) > 0);
	cr_assert(eq(int, validate(plan_def.fields, text, 0, &p), ERR_VALIDATION));
	cr_assert(problem_names(&p, "actions[0]", "unknown"));
	problem_clear(&p);
	free(text);
	free(key);
}

/* ---- query strings and cursors ----------------------------------------- */

Test(fuzz_regressions, query_values_that_are_not_utf8_or_hold_nul_are_refused)
{
	const char *bad[] = {"/v1/schools?q=%C3%28", "/v1/schools?cursor=%00", "/v1/schools?q=%ED%A0%80",
	                     "/v1/schools?q=%C0%AF", "/v1/schools?q=%F4%90%80%80", "/v1/schools?q=%4"};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct query q = {0};
		struct problem p = {0};

		cr_assert(eq(int, query_parse(bad[i], &q, &p), ERR_MALFORMED), "%s", bad[i]);
		cr_assert(eq(sz, problem_count(&p), 1), "%s", bad[i]);
		cr_assert(eq(sz, q.n, 0));
		query_free(&q);
		problem_clear(&p);
	}
}

Test(fuzz_regressions, thirty_three_parameters_are_one_too_many)
{
	struct query q = {0};
	struct problem p = {0};
	char url[512] = "/v1/schools?";

	for (int i = 0; i <= QUERY_MAX_PARAMS; i++)
		snprintf(url + strlen(url), sizeof url - strlen(url), "p%d=%d&", i, i);
	cr_assert(eq(int, query_parse(url, &q, &p), ERR_MALFORMED));
	cr_assert(problem_names(&p, "p32", "range"));
	cr_assert(eq(sz, q.n, QUERY_MAX_PARAMS));
	query_free(&q);
	problem_clear(&p);
}

/*
 * fuzz_cursor found: a cursor made for a sort of 300 "é" echoed that sort
 * into its fault's message, cut inside a character at 511 bytes, so the
 * fault was dropped and the 400 named nothing. A sort that is not a sort
 * name is no longer echoed.
 */
Test(fuzz_regressions, a_cursor_for_a_strange_sort_still_names_the_cursor)
{
	char *sort = repeat("\xc3\xa9", 300), *c, *value = NULL, *key = NULL;
	struct problem p = {0};

	c = cursor_encode(sort, "1", "1");
	cr_assert_not_null(c);
	cr_assert(eq(int, cursor_decode(c, "id", &value, &key, &p), ERR_MALFORMED));
	cr_assert(problem_names(&p, "cursor", "format"));
	cr_assert(eq(sz, problem_count(&p), 1));
	problem_clear(&p);
	free(c);
	c = cursor_encode("-name", "Zo\xc3\xab", "900002");
	cr_assert(eq(int, cursor_decode(c, "name", &value, &key, &p), ERR_MALFORMED));
	cr_assert(strstr(json_string_value(json_object_get(json_array_get(p.errors, 0), "message")),
	                 "sort=-name") != NULL, "a real sort is still named");
	problem_clear(&p);
	free(c);
	free(sort);
}

Test(fuzz_regressions, cursors_with_nul_extra_members_or_past_2048_characters_are_refused)
{
	const char *bad[] = {
		"eyJzIjoiaWQiLCJ2IjoiYVx1MDAwMGIiLCJrIjoiMSJ9",    /* {"s":"id","v":"a\u0000b","k":"1"} */
		"eyJzIjoiaWQiLCJ2IjoiMSIsImsiOiIxIiwieCI6InkifQ",  /* {"s":"id","v":"1","k":"1","x":"y"} */
		"eyJzIjoiaWQiLCJ2IjoxLCJrIjoiMSJ9",                /* {"s":"id","v":1,"k":"1"} */
		"eyJzIjoiaWQiLCJ2IjoiMSIsImsiOiIxIn0=",            /* padded */
		"A", "+/+/",
	};
	char *value = NULL, *key = NULL, *big = repeat("A", 2049);
	struct problem p = {0};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert(eq(int, cursor_decode(bad[i], "id", &value, &key, &p), ERR_MALFORMED), "%s", bad[i]);
		cr_assert(problem_names(&p, "cursor", "format"));
		cr_assert_null(value);
		cr_assert_null(key);
		problem_clear(&p);
	}
	cr_assert(eq(int, cursor_decode(big, "id", &value, &key, &p), ERR_MALFORMED));
	problem_clear(&p);
	free(big);
}

/* ---- headers ----------------------------------------------------------- */

Test(fuzz_regressions, headers_at_their_edges)
{
	static const char *const json_or_csv[] = {"application/json", "text/csv", NULL};
	static char *const trusted[] = {"10.0.0.1", NULL};
	char out[64], charset[32], *hop;

	cr_assert(eq(int, accept_choose("text/csv;q=0, */*", json_or_csv), 0));
	cr_assert(eq(int, accept_choose("*/*;q=0", json_or_csv), -1));
	cr_assert(eq(int, accept_choose("text/csv;q=0.", json_or_csv), -1));
	cr_assert(eq(int, accept_choose(" , ;q=1", json_or_csv), -1));
	cr_assert_not(media_type_param("text/csv; charset=\"unterminated", "charset", charset, sizeof charset));
	cr_assert_not(media_type_param("text/csv; charset=", "charset", charset, sizeof charset));
	cr_assert(asprintf(&hop, "1.2.3.4,%070d", 0) > 0);
	forwarded_client("10.0.0.1", hop, trusted, out);
	cr_assert(eq(str, out, "10.0.0.1"), "an oversized hop is not believed");
	forwarded_client("10.0.0.1", " , ", trusted, out);
	cr_assert(eq(str, out, "10.0.0.1"));
	free(hop);
}
