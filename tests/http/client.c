/*
 * client.c
 *    This module implements the HTTP test client (see client.h).
 */
#include "client.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "token.h"

const char *
base_url(void)
{
	const char *u = getenv("CONSORTIA_URL");
	cr_assert(u != NULL, "CONSORTIA_URL is not set: run through tests/http/run.sh");
	return u;
}

size_t
http_collect(char *ptr, size_t size, size_t n, void *userdata)
{
	struct http_buf *b = userdata;
	size_t add = size * n;
	char *grown = realloc(b->data, b->len + add + 1);

	if (grown == NULL)
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, ptr, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

char *
resp_header(const struct resp *r, const char *name)
{
	size_t n = strlen(name);
	const char *line = r->headers;

	while (line && *line) {
		const char *end = strstr(line, "\r\n");
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
			const char *v = line + n + 1;
			while (*v == ' ')
				v++;
			return strndup(v, len - (size_t)(v - line));
		}
		line = end ? end + 2 : NULL;
	}
	return NULL;
}

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* Append the exchange to CONTRACT_LOG for tests/contract/check.mjs. */
static void
log_for_contract(const char *method, const char *path, const struct resp *r)
{
	const char *file = getenv("CONTRACT_LOG");
	json_t *entry, *headers;
	const char *line;
	FILE *f;
	char *text;

	if (file == NULL || strncmp(path, "http", 4) == 0)
		return;
	headers = json_object();
	for (line = r->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *colon = memchr(line, ':', len);
		if (colon) {
			char *name = strndup(line, (size_t)(colon - line));
			const char *v = colon + 1;
			while (*v == ' ')
				v++;
			for (char *c = name; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			json_object_set_new(headers, name, json_stringn(v, len - (size_t)(v - line)));
			free(name);
		}
		line = end ? end + 2 : NULL;
	}
	entry = json_pack("{s:s, s:s, s:i, s:o, s:o, s:s%}", "method", method, "path", path,
	                  "status", (int)r->status, "content_type",
	                  json_object_get(headers, "content-type")
	                      ? json_incref(json_object_get(headers, "content-type"))
	                      : json_null(),
	                  "headers", headers, "body", r->body ? r->body : "", r->len);
	if (entry == NULL)
		return;
	text = json_dumps(entry, JSON_COMPACT);
	pthread_mutex_lock(&log_lock);   /* tests may send from several threads */
	if (text && (f = fopen(file, "a")) != NULL) {
		fprintf(f, "%s\n", text);
		fclose(f);
	}
	pthread_mutex_unlock(&log_lock);
	free(text);
	json_decref(entry);
}

struct resp *
http(const char *method, const char *path, const char *tok, const char *body,
     const char *const *headers)
{
	return http_from(NULL, method, path, tok, body, headers);
}

struct resp *
http_from(const char *source, const char *method, const char *path, const char *tok,
          const char *body, const char *const *headers)
{
	CURL *curl = curl_easy_init();
	struct curl_slist *list = NULL;
	struct http_buf b = {0}, h = {0};
	struct resp *r = calloc(1, sizeof *r);
	char *url = NULL, auth[9000];
	CURLcode rc;

	cr_assert(curl != NULL && r != NULL);
	cr_assert(asprintf(&url, "%s%s", strncmp(path, "http", 4) == 0 ? "" : base_url(), path) > 0);
	if (tok) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
		list = curl_slist_append(list, auth);
	}
	list = curl_slist_append(list, "Expect:");
	for (const char *const *x = headers; x && *x; x++)
		list = curl_slist_append(list, *x);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	if (source) {
		char iface[64];
		snprintf(iface, sizeof iface, "host!%s", source);
		curl_easy_setopt(curl, CURLOPT_INTERFACE, iface);
	}
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	if (body) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, http_collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, http_collect);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	rc = curl_easy_perform(curl);
	cr_assert(rc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(list);
	curl_easy_cleanup(curl);
	free(url);
	r->body = b.data ? b.data : strdup("");
	r->len = b.len;
	r->headers = h.data ? h.data : strdup("");
	if (r->len > 0)
		r->json = json_loadb(r->body, r->len, 0, NULL);
	log_for_contract(method, path, r);
	return r;
}

struct resp *
http_json(const char *method, const char *path, const char *tok, const char *body,
          const char *if_match)
{
	char im[64];
	const char *headers[] = {"Content-Type: application/json", NULL, NULL};

	if (if_match) {
		snprintf(im, sizeof im, "If-Match: %s", if_match);
		headers[1] = im;
	}
	return http(method, path, tok, body, headers);
}

void
resp_free(struct resp *r)
{
	if (r == NULL)
		return;
	json_decref(r->json);
	free(r->body);
	free(r->headers);
	free(r);
}

/* The server's own keys, as the test runner configured them. */
static struct token_keys *
keys(void)
{
	static struct token_keys k;
	static bool loaded;
	struct config cfg = {0};
	char why[256] = "";

	if (!loaded) {
		cfg.jwt_alg = "HS256";
		cfg.jwt_secret = (unsigned char *)getenv("JWT_SECRET");
		cr_assert(cfg.jwt_secret != NULL);
		cfg.jwt_secret_len = strlen(getenv("JWT_SECRET"));
		cfg.jwt_issuer = "consortia";
		cfg.jwt_audience = "consortia";
		cfg.jwt_leeway = 60;
		cr_assert(token_keys_load(&k, &cfg, why, sizeof why), "%s", why);
		loaded = true;
	}
	return &k;
}

const char *
token_scoped(const char *role, int la_code, int school_urn)
{
	return token_group(role, la_code, school_urn, 0);
}

/* A token of the claims c, for sub; one per call (the test process is short-lived). */
static const char *
signed_as(struct token_claims c, const char *sub)
{
	char *t = NULL;

	cr_assert(c.role != ROLE_NONE);
	snprintf(c.sub, sizeof c.sub, "%s", sub);
	cr_assert(token_sign_claims(keys(), &c, 3600, time(NULL), &t) == ERR_OK);
	return t;
}

static const char *
sign(const char *role, const char *sub, int la_code, int school_urn, long long group_id)
{
	return signed_as((struct token_claims){.role = role_parse(role), .la_code = la_code,
	                                       .school_urn = school_urn, .group_id = group_id}, sub);
}

const char *
token_full(const char *role, const char *sub, int la_code, long long group_id, long long body_id,
           long long person_id)
{
	return signed_as((struct token_claims){.role = role_parse(role), .la_code = la_code, .group_id = group_id,
	                                       .body_id = body_id, .person_id = person_id}, sub);
}

const char *
token_region(const char *role, const char *sub, long long region_id)
{
	return signed_as((struct token_claims){.role = role_parse(role), .region_id = region_id}, sub);
}

const char *
token_group(const char *role, int la_code, int school_urn, long long group_id)
{
	return sign(role, "tester", la_code, school_urn, group_id);
}

const char *
token_as(const char *role, const char *sub)
{
	return sign(role, sub, 0, 0, 0);
}

const char *
token(const char *role)
{
	static const char *cache[8];
	enum role ro = role_parse(role);

	cr_assert(ro != ROLE_NONE);
	if (cache[ro] == NULL)
		cache[ro] = token_scoped(role, 0, 0);
	return cache[ro];
}

static PGconn *
db(void)
{
	static PGconn *pg;

	if (pg == NULL) {
		pg = PQconnectdb(getenv("DATABASE_URL"));
		cr_assert(PQstatus(pg) == CONNECTION_OK, "database: %s", PQerrorMessage(pg));
	}
	return pg;
}

long long
db_scalar(const char *sql, const char *param)
{
	const char *v[] = {param};
	PGresult *res = PQexecParams(db(), sql, param ? 1 : 0, NULL, v, NULL, NULL, 0);
	long long out;

	cr_assert(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(db()));
	cr_assert(PQntuples(res) == 1, "%s: %d rows", sql, PQntuples(res));
	out = PQgetisnull(res, 0, 0) ? -1 : atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	return out;
}

void
db_rolled_back(const char *sql, const char *param)
{
	const char *v[] = {param};
	PGresult *res = PQexec(db(), "BEGIN");

	PQclear(res);
	res = PQexecParams(db(), sql, param ? 1 : 0, NULL, v, NULL, NULL, 0);
	cr_assert(PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql,
	          PQerrorMessage(db()));
	PQclear(res);
	res = PQexec(db(), "ROLLBACK");
	PQclear(res);
}

char *
db_error_of(const char *sql)
{
	PGresult *res = PQexec(db(), sql);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	char *out = state ? strdup(state) : NULL;

	PQclear(res);
	return out;
}

char *
db_fingerprint(void)
{
	PGresult *res = PQexec(db(),
		"SELECT concat_ws(',', "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM local_authority t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM area t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM school t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM idempotency_key t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM service_account t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM audit_event t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM person t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM person_role t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM body t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM body_member t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM meeting t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM support_record t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM head_support t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM support_review t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM panel_outcome t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM development_issue t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM assistance_request t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM school_support t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM system_leader t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM inspection t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM reference t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM region t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM region_member t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM strategic_plan t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM plan_strand t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM plan_objective t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM plan_work_area t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM plan_criterion t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM plan_action t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM plan_action_review t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM plan_criterion_review t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM plan_benchmark t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM regional_fund t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM fund_contribution t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM fund_draw t), "
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM calendar_feed t), "
		/* a subscription, not its deliveries: the senders work those in the background */
		"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM webhook_subscription t))");
	char *out;

	cr_assert(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQerrorMessage(db()));
	out = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return out;
}

int
unused_la_code(void)
{
	return (int)db_scalar("SELECT min(c) FROM generate_series(100, 999) c "
	                      "WHERE c NOT IN (SELECT code FROM local_authority)", NULL);
}

int
unused_urn(void)
{
	return (int)db_scalar("SELECT greatest(coalesce(max(urn), 0) + 1, 700000) FROM school "
	                      "WHERE urn < 900000", NULL);
}

long long
make_la(int code, const char *name)
{
	char body[256], *loc;
	struct resp *r;
	long long id;

	snprintf(body, sizeof body, "{\"code\": %d, \"name\": \"%s\"}", code, name);
	r = http_json("POST", "/v1/local-authorities", token("admin"), body, NULL);
	cr_assert(r->status == 201, "make_la: %ld %s", r->status, r->body);
	id = json_integer_value(json_object_get(r->json, "id"));
	loc = resp_header(r, "Location");
	free(loc);
	resp_free(r);
	return id;
}

int
make_school(int la_code, int estab, const char *name, const char *phase)
{
	char body[512];
	int urn = unused_urn();
	struct resp *r;

	snprintf(body, sizeof body,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": %d, \"name\": \"%s\", "
	         "\"phase\": \"%s\", \"type\": \"maintained\", \"pupils\": 200}",
	         urn, la_code, estab, name, phase);
	r = http_json("POST", "/v1/schools", token("officer"), body, NULL);
	cr_assert(r->status == 201, "make_school: %ld %s", r->status, r->body);
	resp_free(r);
	return urn;
}

void
assert_problem_at(const char *file, int line, const struct resp *r, long status, const char *slug,
                  const char *field)
{
	char *ct = resp_header(r, "Content-Type"), *rid = resp_header(r, "X-Request-Id");
	char type[96];

	snprintf(type, sizeof type, "urn:consortia:problem:%s", slug);
	cr_assert(r->status == status, "%s:%d: status %ld, wanted %ld: %s", file, line, r->status,
	          status, r->body);
	cr_assert(ct && strcmp(ct, "application/problem+json") == 0, "%s:%d: content type %s", file,
	          line, ct ? ct : "(none)");
	cr_assert(r->json != NULL, "%s:%d: body is not JSON", file, line);
	cr_assert(strcmp(json_string_value(json_object_get(r->json, "type")), type) == 0,
	          "%s:%d: type %s, wanted %s", file, line,
	          json_string_value(json_object_get(r->json, "type")), type);
	cr_assert(json_integer_value(json_object_get(r->json, "status")) == status);
	cr_assert(json_string_length(json_object_get(r->json, "detail")) > 0);
	cr_assert(rid && strcmp(rid, json_string_value(json_object_get(r->json, "request_id"))) == 0,
	          "%s:%d: request_id differs from X-Request-Id", file, line);
	if (field) {
		size_t i;
		json_t *e;
		bool found = false;
		json_array_foreach(json_object_get(r->json, "errors"), i, e)
			found |= strcmp(json_string_value(json_object_get(e, "field")), field) == 0;
		cr_assert(found, "%s:%d: errors do not name %s: %s", file, line, field, r->body);
	}
	free(ct);
	free(rid);
}

void
assert_unchanged(char *before)
{
	char *after = db_fingerprint();

	cr_assert(strcmp(before, after) == 0, "the database changed");
	free(before);
	free(after);
}

json_t *
http_get_json(const char *tok, const char *path)
{
	struct resp *r = http("GET", path, tok, NULL, NULL);
	json_t *o;

	cr_assert_eq(r->status, 200, "GET %s: %s", path, r->body);
	o = json_incref(r->json);
	resp_free(r);
	return o;
}

long long
post_created(const char *tok, const char *path, const char *body)
{
	struct resp *r = http_json("POST", path, tok, body, NULL);
	long long id;

	cr_assert_eq(r->status, 201, "POST %s: %s", path, r->body);
	id = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);
	return id;
}

void
assert_refused_at(const char *file, int line, const char *method, const char *path, const char *tok,
                  const char *body, long status, const char *slug, const char *field)
{
	char *before = db_fingerprint();
	struct resp *r = http_json(method, path, tok, body, "*");

	assert_problem_at(file, line, r, status, slug, field);
	resp_free(r);
	assert_unchanged(before);
}
