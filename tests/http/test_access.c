/*
 * Who may do what: the role of every operation, LA and school scoping
 * (broken object level authorisation is the bug this guards against), and
 * tokens from an LA's own identity provider.
 */
#include <criterion/criterion.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"

/* Two LAs, each with an area and two schools. */
struct world {
	int la[2];
	long long la_id[2], area[2];
	int school[2][2];
};

static struct world w;

static long long
make_area(int la_code, const char *code)
{
	char body[256];
	struct resp *r;
	long long id;

	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"%s\", \"name\": \"%s\"}", la_code,
	         code, code);
	r = http_json("POST", "/v1/areas", token("admin"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	id = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);
	return id;
}

static void
put_in_area(int urn, long long area)
{
	char path[64], body[64];
	struct resp *r;

	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	snprintf(body, sizeof body, "{\"area_id\": %lld}", area);
	r = http_json("PATCH", path, token("admin"), body, "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
}

static void
build_world(void)
{
	for (int i = 0; i < 2; i++) {
		w.la[i] = unused_la_code();
		w.la_id[i] = make_la(w.la[i], i ? "Beta Shire" : "Alpha Shire");
		w.area[i] = make_area(w.la[i], "centre");
		for (int j = 0; j < 2; j++) {
			char name[32];
			snprintf(name, sizeof name, "%s School %d", i ? "Beta" : "Alpha", j);
			w.school[i][j] = make_school(w.la[i], j + 1, name, "primary");
		}
		put_in_area(w.school[i][0], w.area[i]);
	}
}

/* Every item of the list at path has field == want. */
static size_t
all_items(const char *tok, const char *path, const char *field, long long want)
{
	struct resp *r = http("GET", path, tok, NULL, NULL);
	json_t *items = json_object_get(r->json, "items"), *it;
	size_t i, n;

	cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
	json_array_foreach(items, i, it)
		cr_assert_eq(json_integer_value(json_object_get(it, field)), want, "%s: %s", path, r->body);
	n = json_array_size(items);
	resp_free(r);
	return n;
}

Test(scope, an_la_officer_sees_and_changes_only_its_la, .init = build_world)
{
	const char *a = token_scoped("officer", w.la[0], 0);
	char path[128], body[512], *before;
	struct resp *r;

	/* lists are filtered */
	cr_assert_geq(all_items(a, "/v1/schools?limit=500", "la_code", w.la[0]), 2);
	cr_assert_eq(all_items(a, "/v1/local-authorities", "code", w.la[0]), 1);
	cr_assert_eq(all_items(a, "/v1/areas", "la_code", w.la[0]), 1);
	snprintf(path, sizeof path, "/v1/schools?la=%d", w.la[1]);
	cr_assert_eq(all_items(a, path, "la_code", w.la[1]), 0, "asking for the other LA finds nothing");

	/* another LA's things do not exist for it */
	before = db_fingerprint();
	snprintf(path, sizeof path, "/v1/schools/%d", w.school[1][0]);
	r = http("GET", path, a, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = http_json("PATCH", path, a, "{\"name\": \"Taken Over\"}", "*");
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = http_json("DELETE", path, a, NULL, "*");
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/local-authorities/%lld", w.la_id[1]);
	r = http("GET", path, a, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/areas/%lld", w.area[1]);
	r = http_json("PATCH", path, a, "{\"name\": \"Mine\"}", "*");
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);

	/* and cannot be created */
	snprintf(body, sizeof body,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": 77, \"name\": \"Sneaky\", "
	         "\"phase\": \"primary\", \"type\": \"other\"}", unused_urn(), w.la[1]);
	r = http_json("POST", "/v1/schools", a, body, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"x\", \"name\": \"X\"}", w.la[1]);
	r = http_json("POST", "/v1/areas", a, body, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	r = http_json("POST", "/v1/local-authorities", a, "{\"code\": 999, \"name\": \"New\"}", NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/schools/import?la=%d", w.la[1]);
	{
		const char *csv[] = {"Content-Type: text/csv", NULL};
		r = http("POST", path, a, "URN\n", csv);
		assert_problem(r, 403, "forbidden", NULL);
		resp_free(r);
	}
	assert_unchanged(before);

	/* its own LA works */
	snprintf(path, sizeof path, "/v1/schools/%d", w.school[0][1]);
	r = http_json("PATCH", path, a, "{\"pupils\": 321}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(body, sizeof body,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": 78, \"name\": \"Own\", "
	         "\"phase\": \"primary\", \"type\": \"other\"}", unused_urn(), w.la[0]);
	r = http_json("POST", "/v1/schools", a, body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
}

Test(scope, the_csv_export_is_filtered_too, .init = build_world)
{
	const char *a = token_scoped("viewer", w.la[0], 0);
	struct resp *r = http("GET", "/v1/schools.csv", a, NULL, NULL);
	char needle[32];

	cr_assert_eq(r->status, 200);
	snprintf(needle, sizeof needle, ",%d,", w.school[1][0]);
	cr_assert(strstr(r->body, "Beta School") == NULL, "no school of the other LA");
	cr_assert(strstr(r->body, "Alpha School 0") != NULL);
	resp_free(r);
}

Test(scope, a_school_account_sees_its_school_its_area_and_its_la, .init = build_world)
{
	const char *s = token_scoped("viewer", 0, w.school[0][0]);
	char path[64];
	struct resp *r;

	cr_assert_eq(all_items(s, "/v1/schools", "urn", w.school[0][0]), 1);
	cr_assert_eq(all_items(s, "/v1/areas", "id", w.area[0]), 1);
	cr_assert_eq(all_items(s, "/v1/local-authorities", "code", w.la[0]), 1);
	snprintf(path, sizeof path, "/v1/schools/%d", w.school[0][1]);
	r = http("GET", path, s, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/areas/%lld", w.area[1]);
	r = http("GET", path, s, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
}

/* ---- the role of every operation ------------------------------------- */

struct op {
	const char *method;
	const char *path;     /* %d: a school's URN; %L: an LA id; %A: an area id; %S: an account id */
	const char *body;
	unsigned allowed;     /* bits by role: admin 1, officer 2, finance 4, chair 8, viewer 16 */
};

#define ALL 31u
#define WRITERS 3u
#define ADMIN 1u

static const struct op ops[] = {
	{"GET", "/v1/local-authorities", NULL, ALL},
	{"POST", "/v1/local-authorities", "{}", WRITERS},
	{"GET", "/v1/local-authorities/%L", NULL, ALL},
	{"PATCH", "/v1/local-authorities/%L", "{}", WRITERS},
	{"DELETE", "/v1/local-authorities/%L", NULL, WRITERS},
	{"GET", "/v1/areas", NULL, ALL},
	{"POST", "/v1/areas", "{}", WRITERS},
	{"GET", "/v1/areas/%A", NULL, ALL},
	{"PATCH", "/v1/areas/%A", "{}", WRITERS},
	{"DELETE", "/v1/areas/%A", NULL, WRITERS},
	{"GET", "/v1/schools", NULL, ALL},
	{"GET", "/v1/schools.csv", NULL, ALL},
	{"POST", "/v1/schools", "{}", WRITERS},
	{"POST", "/v1/schools/import", "", WRITERS},
	{"GET", "/v1/schools/%d", NULL, ALL},
	{"PATCH", "/v1/schools/%d", "{}", WRITERS},
	{"DELETE", "/v1/schools/%d", NULL, WRITERS},
	{"GET", "/v1/service-accounts", NULL, ADMIN},
	{"POST", "/v1/service-accounts", "{}", ADMIN},
	{"GET", "/v1/service-accounts/%S", NULL, ADMIN},
	{"PATCH", "/v1/service-accounts/%S", "{}", ADMIN},
	{"POST", "/v1/service-accounts/%S/rotate", NULL, ADMIN},
	{"POST", "/v1/service-accounts/%S/revoke", NULL, ADMIN},
	{"GET", "/v1/audit-events", NULL, WRITERS},
};

static long long
make_account(const char *role, const char *extra, char **secret, char **client_id)
{
	char body[256];
	struct resp *r;
	long long id;

	snprintf(body, sizeof body, "{\"name\": \"test %s\", \"role\": \"%s\"%s}", role, role,
	         extra ? extra : "");
	r = http_json("POST", "/v1/service-accounts", token("admin"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	id = json_integer_value(json_object_get(r->json, "id"));
	if (secret)
		*secret = strdup(json_string_value(json_object_get(r->json, "client_secret")));
	if (client_id)
		*client_id = strdup(json_string_value(json_object_get(r->json, "client_id")));
	resp_free(r);
	return id;
}

Test(roles, every_operation_for_every_role, .init = build_world)
{
	static const char *const roles[] = {"admin", "officer", "finance", "chair", "viewer"};
	long long account = make_account("viewer", NULL, NULL, NULL);
	char *before = db_fingerprint();

	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		char path[128] = "", *o = path;
		for (const char *c = ops[i].path; *c; c++) {
			if (*c == '%') {
				c++;
				o += *c == 'd' ? sprintf(o, "%d", w.school[0][0])
				   : *c == 'L' ? sprintf(o, "%lld", w.la_id[0])
				   : *c == 'A' ? sprintf(o, "%lld", w.area[0])
				               : sprintf(o, "%lld", account);
			} else {
				*o++ = *c;
				*o = '\0';
			}
		}
		for (size_t k = 0; k < 5; k++) {
			const char *h[] = {"Content-Type: application/json", "If-Match: \"999\"", NULL};
			const char *csv[] = {"Content-Type: text/csv", NULL};
			bool may = ops[i].allowed & (1u << k);
			struct resp *r = http(ops[i].method, path, token(roles[k]), ops[i].body,
			                      strstr(path, "import") ? csv : h);
			if (may)
				cr_assert(r->status != 401 && r->status != 403, "%s %s as %s: %ld %s",
				          ops[i].method, path, roles[k], r->status, r->body);
			else
				assert_problem(r, 403, "forbidden", NULL);
			resp_free(r);
		}
	}
	/* The allowed writes were all refused further on (bad body, stale If-Match). */
	assert_unchanged(before);
}

/* ---- tokens from an LA's identity provider ----------------------------- */

static char *
external_token(const char *alg, const char *key_file, const char *iss, const char *claims_extra)
{
	char path[512], claims[1024], *out;
	unsigned char key[8192];
	size_t n;
	FILE *f;
	jwt_t *jwt;
	long long now = (long long)time(NULL);

	snprintf(path, sizeof path, "%s/%s", getenv("TEST_KEYS"), key_file);
	f = fopen(path, "rb");
	cr_assert(f != NULL);
	n = fread(key, 1, sizeof key, f);
	fclose(f);
	snprintf(claims, sizeof claims,
	         "{\"iss\": \"%s\", \"aud\": \"consortia-api\", \"sub\": \"jo@la.example\", "
	         "\"role\": \"viewer\", \"exp\": %lld%s}", iss, now + 600, claims_extra);
	jwt_new(&jwt);
	cr_assert(jwt_add_grants_json(jwt, claims) == 0);
	cr_assert(jwt_set_alg(jwt, strcmp(alg, "RS256") == 0 ? JWT_ALG_RS256
	                           : strcmp(alg, "ES256") == 0 ? JWT_ALG_ES256 : JWT_ALG_HS256,
	                      key, (int)n) == 0);
	out = jwt_encode_str(jwt);
	jwt_free(jwt);
	return out;
}

Test(external_issuers, rs256_and_es256_tokens_from_configured_issuers_work)
{
	char *rs = external_token("RS256", "rs256-private.pem", "https://idp.warwickshire.example", "");
	char *es = external_token("ES256", "es256-private.pem", "https://idp.other.example", "");
	struct resp *r = http("GET", "/v1/local-authorities", rs, NULL, NULL);

	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = http("GET", "/v1/local-authorities", es, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	free(rs);
	free(es);
}

Test(external_issuers, forged_and_crossed_tokens_are_refused)
{
	/* HS256 keyed with the issuer's public key: the algorithm confusion attack */
	char *hs = external_token("HS256", "rs256-public.pem", "https://idp.warwickshire.example", "");
	/* the ES256 issuer's key used for the RS256 issuer's name */
	char *crossed = external_token("ES256", "es256-private.pem", "https://idp.warwickshire.example", "");
	/* an issuer nobody configured */
	char *stranger = external_token("RS256", "rs256-private.pem", "https://idp.stranger.example", "");
	/* a claim of the wrong type */
	char *typed = external_token("RS256", "rs256-private.pem", "https://idp.warwickshire.example",
	                             ", \"la\": \"937\"");
	char *tokens[] = {hs, crossed, stranger, typed};
	char *before = db_fingerprint();

	for (size_t i = 0; i < 4; i++) {
		struct resp *r = http("GET", "/v1/local-authorities", tokens[i], NULL, NULL);
		assert_problem(r, 401, "unauthorized", NULL);
		resp_free(r);
		free(tokens[i]);
	}
	assert_unchanged(before);
}
