/*
 * server.c
 *    This module implements request dispatch: every route goes through
 *    dispatch(), which gives the request an id, authenticates it, checks
 *    its role, query and body, calls the handler, turns an error into
 *    application/problem+json, adds the common headers and logs one line.
 *    It also starts and stops the HTTP server.
 */
#include "server.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../lib/accept.h"
#include "../lib/hash.h"
#include "../lib/idempotency.h"
#include "../lib/log.h"

/* ---- helpers for handlers ------------------------------------------ */

static enum err unit_begin(struct req *r);

enum err
req_db(struct req *r, struct db_conn **out)
{
	enum err e;

	*out = NULL;
	if (r->db == NULL && (e = db_acquire(&r->app->pool, 5000, &r->db, &r->problem)) != ERR_OK)
		return e;
	if (r->unit && !r->db->in_tx && (e = unit_begin(r)) != ERR_OK)
		return e;
	*out = r->db;
	return ERR_OK;
}

enum err
req_key(struct req *r, char key[24])
{
	const struct resource_def *def = r->route->def;
	return resource_key(def, req_param(r, def->key_field), key, &r->problem);
}

enum err
req_target(struct req *r, char key[24], const char **if_match, struct db_conn **c)
{
	enum err e;

	if ((e = req_key(r, key)) != ERR_OK || (e = req_if_match(r, if_match)) != ERR_OK)
		return e;
	return req_db(r, c);
}

enum err
req_if_match(struct req *r, const char **out)
{
	*out = req_header(r, "If-Match");
	if (*out == NULL || **out == '\0')
		return problem_set(&r->problem, ERR_PRECONDITION_REQUIRED,
		                   "send If-Match with the ETag you last read");
	return ERR_OK;
}

const char *
req_param(const struct req *r, const char *name)
{
	return u_map_get(r->in->map_url, name);
}

const char *
req_header(const struct req *r, const char *name)
{
	return u_map_get_case(r->in->map_header, name);
}

void
respond_header(struct req *r, const char *name, const char *value)
{
	u_map_put(r->out->map_header, name, value);
}

void
respond_json(struct req *r, int status, const char *body, size_t len)
{
	ulfius_set_binary_body_response(r->out, (unsigned int)status, body, len);
	respond_header(r, "Content-Type", "application/json; charset=utf-8");
	r->status = status;
}

void
respond_doc(struct req *r, int status, const struct doc *d)
{
	char etag[24];

	etag_format(d->version, etag);
	respond_json(r, status, d->body, strlen(d->body));
	respond_header(r, "ETag", etag);
}

void
respond_empty(struct req *r, int status)
{
	ulfius_set_empty_body_response(r->out, (unsigned int)status);
	r->status = status;
}

/* ---- the pieces of dispatch ----------------------------------------- */

static void
new_request_id(char out[33])
{
	unsigned char raw[16];
	static const char hex[] = "0123456789abcdef";

	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		memset(raw, 0, sizeof raw);
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[32] = '\0';
}

/* Accept a caller's X-Request-Id only in our own form: 32 lowercase hex. */
static void
take_request_id(struct req *r)
{
	const char *in = req_header(r, "X-Request-Id");

	if (in && strlen(in) == 32 && strspn(in, "0123456789abcdef") == 32)
		memcpy(r->id, in, 33);
	else
		new_request_id(r->id);
}

/*
 * A token the service issued to a service account holds only while the
 * account is at the generation the token names: revoking, rotating or
 * changing the role or scope ends it at once. Memory answers, except just
 * after a change or while the listener reconnects: then the database.
 */
static enum err
account_still_grants(struct req *r)
{
	long long id = account_subject_id(r->claims.sub);
	struct db_conn *c;
	bool revoked, found;
	int gen;
	enum err e;

	if (id == 0 || strcmp(r->claims.iss, r->app->keys.issuers[0].issuer) != 0)
		return ERR_OK;
	switch (account_states_check(r->app->accounts, id, r->claims.generation)) {
	case ACCOUNT_CURRENT:
		return ERR_OK;
	case ACCOUNT_ENDED:
		break;
	case ACCOUNT_UNKNOWN:
		if ((e = req_db(r, &c)) != ERR_OK ||
		    (e = account_state_read(c, id, &gen, &revoked, &found, &r->problem)) != ERR_OK)
			return e;
		if (found)
			account_states_put(r->app->accounts, id, gen, revoked);
		if (found && !revoked && gen == r->claims.generation)
			return ERR_OK;
		break;
	}
	log_msg("info", "auth_refused", "%s: the account was revoked or changed", r->claims.sub);
	return problem_set(&r->problem, ERR_UNAUTHORIZED,
	                   "the token is no longer valid: its account was revoked or changed");
}

static enum err
authenticate(struct req *r)
{
	const char *h = req_header(r, "Authorization");
	char token[TOKEN_MAX_BYTES + 1];
	size_t len;
	time_t now;
	enum err e;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return problem_set(&r->problem, ERR_UNAUTHORIZED,
		                   "send a bearer token: Authorization: Bearer <token>");
	h += 7;
	while (*h == ' ' || *h == '\t')
		h++;
	/* A field value's trailing white space is not part of it (RFC 9110 5.5). */
	len = strlen(h);
	while (len > 0 && (h[len - 1] == ' ' || h[len - 1] == '\t'))
		len--;
	if (len > TOKEN_MAX_BYTES)
		return problem_set(&r->problem, ERR_UNAUTHORIZED, "the bearer token is longer than 8 KB");
	memcpy(token, h, len);
	token[len] = '\0';
	h = token;
	now = time(NULL);
	if (!token_cache_get(r->app->tokens, h, now, r->app->keys.leeway, &r->claims)) {
		e = token_verify(&r->app->keys, h, now, &r->claims, &r->problem);
		if (e != ERR_OK) {
			log_msg("info", "auth_refused", "%s", r->problem.detail);
			return e;
		}
		token_cache_put(r->app->tokens, h, &r->claims);
	}
	if ((e = account_still_grants(r)) != ERR_OK)
		return e;
	r->who.audit.subject = r->claims.sub;
	r->who.audit.role = r->claims.role;
	r->who.audit.issuer = r->claims.iss;
	r->who.scope.la_code = r->claims.la_code;
	r->who.scope.school_urn = r->claims.school_urn;
	r->who.scope.group_id = r->claims.group_id;
	r->who.scope.admin = r->claims.role == ROLE_ADMIN;
	return ERR_OK;
}

static bool
media_type_is(const char *header, const char *want)
{
	size_t n = strlen(want);

	if (header == NULL || strncasecmp(header, want, n) != 0)
		return false;
	return header[n] == '\0' || header[n] == ';' || header[n] == ' ';
}

static enum err
read_body(struct req *r)
{
	const char *ct = req_header(r, "Content-Type");
	const char *cl = req_header(r, "Content-Length");
	size_t max = r->route->body == BODY_CSV ? r->app->cfg.import_max_body : r->app->cfg.max_body;
	long long declared;
	json_error_t jerr;

	if (cl && parse_int(cl, 0, 9223372036854775807LL, &declared) && (size_t)declared > max)
		return problem_set(&r->problem, ERR_TOO_LARGE,
		                   "the body is %lld bytes; this route takes at most %zu", declared, max);
	if (r->in->binary_body_length > max)
		return problem_set(&r->problem, ERR_TOO_LARGE, "the body is larger than %zu bytes", max);
	if (r->route->body == BODY_CSV) {
		if (!media_type_is(ct, "text/csv"))
			return problem_set(&r->problem, ERR_UNSUPPORTED_MEDIA,
			                   "send the extract as Content-Type: text/csv");
		return ERR_OK;
	}
	{
		/* JSON and forms are UTF-8 here; a body in another charset would be stored mangled. */
		char charset[32];
		bool named = media_type_param(ct, "charset", charset, sizeof charset);
		if ((named && strcasecmp(charset, "utf-8") != 0) ||
		    (!named && ct && strcasestr(ct, "charset") != NULL))
			return problem_set(&r->problem, ERR_UNSUPPORTED_MEDIA,
			                   "send the body in UTF-8 (charset=utf-8, or no charset)");
	}
	if (r->route->body == BODY_FORM && media_type_is(ct, "application/x-www-form-urlencoded"))
		return ERR_OK;   /* the handler reads the form */
	if (!media_type_is(ct, "application/json") &&
	    !(strcmp(r->route->method, "PATCH") == 0 &&
	      media_type_is(ct, "application/merge-patch+json")))
		return problem_set(&r->problem, ERR_UNSUPPORTED_MEDIA, "send JSON: Content-Type: %s",
		                   strcmp(r->route->method, "PATCH") == 0
		                       ? "application/merge-patch+json or application/json"
		                       : "application/json");
	r->body = json_loadb(r->in->binary_body ? r->in->binary_body : "",
	                     r->in->binary_body_length, JSON_REJECT_DUPLICATES, &jerr);
	if (r->body == NULL) {
		problem_field(&r->problem, IN_BODY, "body", "format", "is not valid JSON: %s", jerr.text);
		return problem_set(&r->problem, ERR_MALFORMED,
		                   "the body is not valid JSON: %s (line %d, column %d)", jerr.text,
		                   jerr.line, jerr.column);
	}
	if (!json_is_object(r->body)) {
		problem_field(&r->problem, IN_BODY, "body", "type", "must be a JSON object");
		return problem_set(&r->problem, ERR_MALFORMED, "the body must be a JSON object");
	}
	return ERR_OK;
}

/* Routes that are not lists take only the parameters they name. */
static enum err
check_plain_query(struct req *r)
{
	for (size_t i = 0; i < r->query.n; i++) {
		bool ok = false;
		for (const char *const *q = r->route->query; q && *q && !ok; q++)
			ok = strcmp(*q, r->query.items[i].name) == 0;
		if (!ok)
			problem_field(&r->problem, IN_QUERY, r->query.items[i].name, "unknown",
			              "is not a parameter of this route");
	}
	if (problem_count(&r->problem) > 0)
		return problem_set(&r->problem, ERR_MALFORMED, "the query has unknown parameters");
	return ERR_OK;
}

static void
respond_problem(struct req *r)
{
	const struct error_info *info = error_info(r->problem.err);
	json_t *o = problem_to_json(&r->problem, r->in->url_path, r->id);
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	char fallback[256];

	if (text == NULL) {   /* out of memory: a body that needs no allocation */
		info = error_info(ERR_INTERNAL);
		snprintf(fallback, sizeof fallback,
		         "{\"type\":\"urn:consortia:problem:internal\",\"title\":\"Internal error\","
		         "\"status\":500,\"detail\":\"out of memory\",\"instance\":\"/\","
		         "\"request_id\":\"%s\"}", r->id);
	}
	ulfius_set_binary_body_response(r->out, (unsigned int)info->status, text ? text : fallback,
	                                 strlen(text ? text : fallback));
	/* RFC 6749 wants its token errors as application/json. */
	respond_header(r, "Content-Type",
	               r->problem.oauth_error ? "application/json" : "application/problem+json");
	if (info->status == 401 && r->problem.oauth_error)
		respond_header(r, "WWW-Authenticate", "Basic realm=\"consortia\"");
	else if (info->status == 401)
		respond_header(r, "WWW-Authenticate", req_header(r, "Authorization")
		                                          ? "Bearer realm=\"consortia\", error=\"invalid_token\""
		                                          : "Bearer realm=\"consortia\"");
	if (r->problem.retry_after > 0 || info->status == 503) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", r->problem.retry_after > 0 ? r->problem.retry_after : 5);
		respond_header(r, "Retry-After", ra);
	}
	r->status = info->status;
	free(text);
	json_decref(o);
}

static void
cors(struct req *r)
{
	const char *origin = req_header(r, "Origin");

	if (origin == NULL)
		return;
	for (char **o = r->app->cfg.cors_origins; o && *o; o++) {
		if (strcmp(*o, origin) == 0 || strcmp(*o, "*") == 0) {
			respond_header(r, "Access-Control-Allow-Origin", origin);
			respond_header(r, "Vary", "Origin");
			respond_header(r, "Access-Control-Expose-Headers",
			               "ETag, Location, Link, X-Request-Id, Retry-After, RateLimit-Limit, "
			               "RateLimit-Remaining, RateLimit-Reset");
			return;
		}
	}
}

static void
finish(struct req *r)
{
	struct timespec end;
	unsigned round_trips;
	json_int_t us;
	json_t *line;

	respond_header(r, "X-Request-Id", r->id);
	respond_header(r, "X-Content-Type-Options", "nosniff");
	respond_header(r, "Referrer-Policy", "no-referrer");
	respond_header(r, "X-Frame-Options", "DENY");
	if (r->rate_known) {
		char v[16];
		snprintf(v, sizeof v, "%d", r->rate.limit);
		respond_header(r, "RateLimit-Limit", v);
		snprintf(v, sizeof v, "%d", r->rate.remaining);
		respond_header(r, "RateLimit-Remaining", v);
		snprintf(v, sizeof v, "%d", r->rate.reset);
		respond_header(r, "RateLimit-Reset", v);
	}
	/* Nothing the service answers runs in a browser but the report pages, which set their own. */
	if (u_map_get_case(r->out->map_header, "Content-Security-Policy") == NULL)
		respond_header(r, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
	if (strncmp(r->in->url_path, "/v1", 3) == 0 && r->in->url_path[3] == '/')
		respond_header(r, "Cache-Control", "no-store");
	cors(r);
	if (conns_draining())
		respond_header(r, "Connection", "close");
	round_trips = r->db ? r->db->round_trips : 0;
	db_release(&r->app->pool, r->db);
	r->db = NULL;

	clock_gettime(CLOCK_MONOTONIC, &end);
	us = (json_int_t)(end.tv_sec - r->start.tv_sec) * 1000000 +
	     (end.tv_nsec - r->start.tv_nsec) / 1000;
	metrics_record(r->route, r->status, us, round_trips);
	line = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:i, s:I, s:i, s:s?, s:s?}", "level", "info",
	                 "event", "request", "request_id", r->id, "method", r->in->http_verb, "path",
	                 r->in->url_path, "status", r->status, "duration_us", us, "statements",
	                 (int)round_trips, "sub", r->claims.sub[0] ? r->claims.sub : NULL, "role",
	                 r->claims.role ? role_name(r->claims.role) : NULL);
	if (line) {
		log_json(line);
		json_decref(line);
	}
	query_free(&r->query);
	json_decref(r->body);
	free(r->replay_body);
	problem_clear(&r->problem);
}

static void
req_init(struct req *r, struct app *app, const struct route *route,
         const struct _u_request *in, struct _u_response *out)
{
	memset(r, 0, sizeof *r);
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->app = app;
	r->route = route;
	r->in = in;
	r->out = out;
	take_request_id(r);
	r->who.audit.request_id = r->id;
}

/* A route and the app it runs in, as route_request hands it to dispatch. */
struct binding {
	struct app *app;
	const struct route *route;
};

/* RATE_LIMIT_PER_MINUTE, per token subject (the token route has its own failure limit). */
static enum err
throttle_check(struct req *r)
{
	char key[400];
	struct timespec now;
	int retry;

	if (r->app->throttle == NULL || r->claims.sub[0] == '\0')
		return ERR_OK;
	snprintf(key, sizeof key, "%s|%s", r->claims.iss, r->claims.sub);
	clock_gettime(CLOCK_MONOTONIC, &now);
	r->rate_known = r->app->throttle != NULL;
	if (throttle_take_left(r->app->throttle, key, (double)now.tv_sec + now.tv_nsec / 1e9, &retry,
	                       &r->rate))
		return ERR_OK;
	r->problem.retry_after = retry;
	return problem_set(&r->problem, ERR_RATE_LIMITED,
	                   "more than %d requests a minute from this caller; try again in %d s",
	                   r->app->cfg.rate_per_minute, retry);
}

static enum err
admit(struct req *r)
{
	const struct route *route = r->route;
	enum err e;

	if (route->roles != 0) {
		if ((e = authenticate(r)) != ERR_OK)
			return e;
		/* Counted before the role: a refused request is a request, and is told its bucket. */
		if ((e = throttle_check(r)) != ERR_OK)
			return e;
		if (!(route->roles & ROLE_BIT(r->claims.role)))
			return problem_set(&r->problem, ERR_FORBIDDEN, "the %s role may not %s %s",
			                   role_name(r->claims.role), route->method, route->path);
		/* A chair writes for its own group: its token must name the group. */
		if (r->claims.role == ROLE_CHAIR && strcmp(route->method, "GET") != 0 &&
		    route->handler != api_chair_eligibility && r->claims.group_id == 0)
			return problem_set(&r->problem, ERR_FORBIDDEN,
			                   "a chair's token must name its group (claim `group`) to write");
	}
	/* ulfius decodes path parameters into C strings: "/1%00x" would name record 1. */
	{
		const char *url = r->in->http_url, *q = strchr(url, '?');

		if (memmem(url, q ? (size_t)(q - url) : strlen(url), "%00", 3) != NULL) {
			problem_field(&r->problem, IN_PATH, "path", "format", "must not hold %%00");
			return problem_set(&r->problem, ERR_MALFORMED, "the path holds an encoded NUL");
		}
	}
	if ((e = query_parse(r->in->http_url, &r->query, &r->problem)) != ERR_OK)
		return e;
	/* Lists check their own parameters (filters, sorts, cursors). */
	if (route->handler != api_resource_list && route->handler != api_resource_export &&
	    route->handler != api_payments && (e = check_plain_query(r)) != ERR_OK)
		return e;
	if (route->body != BODY_NONE && (e = read_body(r)) != ERR_OK)
		return e;
	return ERR_OK;
}

/* ---- the unit of work of a write ---------------------------------------- */

/* How many times a write that met a serialization failure or a deadlock is run. */
#define UNIT_ATTEMPTS 4

/*
 * Every POST, PATCH and DELETE of a signed-in caller; the unit begins only
 * when the handler asks for the database (a dry run such as the chair
 * eligibility check never does). The token route keeps its own books.
 */
static bool
route_writes(const struct route *route)
{
	return route->roles != 0 && strcmp(route->method, "GET") != 0;
}

/* A POST's Idempotency-Key, checked, and the digest of what it asks. */
static enum err
take_idempotency_key(struct req *r)
{
	const char *key = req_header(r, "Idempotency-Key");
	const void *parts[] = {"POST ", r->in->url_path, "\n", r->in->binary_body};
	size_t lens[] = {5, strlen(r->in->url_path), 1, r->in->binary_body_length};

	if (key == NULL || strcmp(r->route->method, "POST") != 0)
		return ERR_OK;
	if (!idem_key_valid(key)) {
		problem_field(&r->problem, IN_HEADER, "Idempotency-Key", "format",
		              "must be 1 to 200 printable ASCII characters");
		return problem_set(&r->problem, ERR_MALFORMED, "the Idempotency-Key is not valid");
	}
	sha256_hex(r->request_hash, r->in->binary_body ? 4 : 3, parts, lens);
	r->idempotency_key = key;
	return ERR_OK;
}

/* Answer again what was answered first to this Idempotency-Key. */
static void
respond_replay(struct req *r, const struct idem_replay *replay)
{
	json_t *o = json_loads(replay->body, 0, NULL);
	json_t *version = json_object_get(o, "version");

	respond_json(r, replay->status, replay->body, strlen(replay->body));
	if (replay->location)
		respond_header(r, "Location", replay->location);
	if (json_is_integer(version)) {
		char etag[24];
		etag_format((int)json_integer_value(version), etag);
		respond_header(r, "ETag", etag);
	}
	json_decref(o);
}

/* Begin the write's transaction and claim its Idempotency-Key. */
static enum err
unit_begin(struct req *r)
{
	struct idem_replay replay;
	enum err e;

	if ((e = db_begin(r->db, &r->problem)) != ERR_OK || r->idempotency_key == NULL)
		return e;
	e = idem_claim(r->db, r->claims.sub, r->idempotency_key, r->in->http_verb, r->in->url_path,
	               r->request_hash, &replay, &r->problem);
	if (e == ERR_OK && replay.status != 0) {
		respond_replay(r, &replay);
		e = ERR_ANSWERED;
	}
	idem_replay_free(&replay);
	return e;
}

/* Keep the answer with the Idempotency-Key, in the write's own transaction. */
static enum err
unit_keep_answer(struct req *r)
{
	const char *location = u_map_get(r->out->map_header, "Location");
	char *body;
	enum err e;

	if (r->idempotency_key == NULL || r->status < 200 || r->status > 299 || r->db == NULL ||
	    !r->db->in_tx)
		return ERR_OK;
	body = r->replay_body ? strdup(r->replay_body)
	                      : strndup(r->out->binary_body ? r->out->binary_body : "",
	                                r->out->binary_body_length);
	if (body == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	e = idem_store(r->db, r->claims.sub, r->idempotency_key, r->status, body, location,
	               &r->problem);
	free(body);
	return e;
}

/* Undo one attempt's answer: its headers back to what they were before it. */
static void
unit_reset(struct req *r, const struct _u_map *headers)
{
	u_map_clean(r->out->map_header);
	u_map_init(r->out->map_header);
	u_map_copy_into(r->out->map_header, headers);
	problem_clear(&r->problem);
	free(r->replay_body);
	r->replay_body = NULL;
	r->after_commit = NULL;
	r->status = 0;
}

/*
 * A write: begin (at the handler's first req_db), claim the
 * Idempotency-Key, run the handler in the open transaction, keep its answer
 * with the key, commit. A serialization failure or a deadlock anywhere in
 * it runs the whole unit again, up to UNIT_ATTEMPTS times, then 503.
 */
static enum err
run_unit(struct req *r)
{
	struct _u_map headers;
	enum err e;

	if ((e = take_idempotency_key(r)) != ERR_OK)
		return e;
	if (u_map_init(&headers) != U_OK || u_map_copy_into(&headers, r->out->map_header) != U_OK) {
		u_map_clean(&headers);
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	}
	for (int attempt = 1;; attempt++) {
		r->unit = true;
		e = r->route->handler(r);
		r->unit = false;
		if (e == ERR_OK && (e = unit_keep_answer(r)) == ERR_OK && r->db && r->db->in_tx)
			e = db_commit(r->db, &r->problem);
		if (e == ERR_OK && r->after_commit)
			r->after_commit(r);
		if (e == ERR_ANSWERED)
			e = ERR_OK;   /* a replay: nothing was changed */
		if (r->db)
			db_rollback(r->db);
		if (e != ERR_RETRY || attempt == UNIT_ATTEMPTS)
			break;
		log_msg("info", "retry", "%s %s: %s (attempt %d)", r->in->http_verb, r->in->url_path,
		        r->problem.detail, attempt);
		unit_reset(r, &headers);
	}
	u_map_clean(&headers);
	return e;
}

static int
dispatch(const struct _u_request *in, struct _u_response *out, void *user_data)
{
	const struct binding *b = user_data;
	struct req r;
	enum err e;

	conns_handling(in->client_address, true);
	req_init(&r, b->app, b->route, in, out);
	e = admit(&r);
	if (e == ERR_OK)
		e = route_writes(b->route) ? run_unit(&r) : b->route->handler(&r);
	if (e != ERR_OK) {
		if (r.problem.err == ERR_OK)
			problem_set(&r.problem, e, "%s", error_info(e)->title);
		r.problem.err = e;
		respond_problem(&r);
	}
	finish(&r);
	conns_handling(in->client_address, false);
	return U_CALLBACK_COMPLETE;
}

/* Does path match the ulfius pattern (":name" matches one segment)? */
static bool
path_matches(const char *pattern, const char *path)
{
	while (*pattern && *path) {
		if (*pattern == ':') {
			if (*path == '/')
				return false;
			while (*pattern && *pattern != '/')
				pattern++;
			while (*path && *path != '/')
				path++;
		} else if (*pattern++ != *path++) {
			return false;
		}
	}
	if (*path == '/' && path[1] == '\0')
		path++;
	return *pattern == '\0' && *path == '\0';
}

/* No route matched: CORS preflight, 405 for a known path, else 404. */
/* Put each ":name" segment of path (which matches pattern), decoded, into params. */
static bool
take_params(const char *pattern, const char *path, struct _u_map *params)
{
	while (*pattern) {
		if (*pattern == ':') {
			const char *name = ++pattern, *value = path;
			char key[32], *raw, *decoded;
			size_t nlen, vlen;

			while (*pattern && *pattern != '/')
				pattern++;
			while (*path && *path != '/')
				path++;
			nlen = (size_t)(pattern - name);
			vlen = (size_t)(path - value);
			if (nlen >= sizeof key || (raw = strndup(value, vlen)) == NULL)
				return false;
			memcpy(key, name, nlen);
			key[nlen] = '\0';
			decoded = ulfius_url_decode(raw);
			free(raw);
			if (decoded == NULL || u_map_put(params, key, decoded) != U_OK) {
				free(decoded);
				return false;
			}
			free(decoded);
		} else {
			pattern++;
			path++;
		}
	}
	return true;
}

/* What the one endpoint given to ulfius carries: every route, in the table's order. */
struct router {
	struct app *app;
	struct binding *bindings;
};

static int fallback(const struct _u_request *in, struct _u_response *out, void *user_data);

/*
 * Refuse a request before routing, and close the connection. Used for a
 * request with both Content-Length and Transfer-Encoding, which a proxy in
 * front and this service could read two ways, so that a request hidden in
 * its body would be answered (request smuggling; RFC 9112 6.1): nothing
 * after it on the connection is read. And for a request target or header
 * fields past the service's limits.
 */
static int
refuse_early(const struct _u_request *in, struct _u_response *out, struct app *app, enum err e,
             const char *detail)
{
	static const struct route none = {.method = "", .path = ""};
	struct req r;

	req_init(&r, app, &none, in, out);
	problem_set(&r.problem, e, "%s", detail);
	respond_problem(&r);
	respond_header(&r, "Connection", "close");
	finish(&r);
	return U_CALLBACK_COMPLETE;
}

/* The bytes of the header fields as sent: "Name: value" and CRLF each. */
static size_t
header_bytes(const struct _u_map *headers)
{
	const char **keys = u_map_enum_keys(headers);
	size_t n = 0;

	for (size_t i = 0; keys && keys[i]; i++) {
		const char *v = u_map_get(headers, keys[i]);
		n += strlen(keys[i]) + 4 + (v ? strlen(v) : 0);
	}
	return n;
}

/* HEAD is answered wherever GET is (RFC 9110 9.3.2): libmicrohttpd sends the headers only. */
static bool
method_matches(const char *route_method, const char *verb)
{
	return strcmp(route_method, verb) == 0 ||
	       (strcmp(verb, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

/*
 * Every request comes here: the first route of the table whose method and
 * path match (literal routes come first, so they win over ":param" ones)
 * gets it, with its path parameters; otherwise 404, 405 or an OPTIONS
 * answer. ulfius would try each of the hundred routes itself, splitting the
 * path for each: the largest cost of a request once its token was known.
 */
static int
route_request(const struct _u_request *in, struct _u_response *out, void *user_data)
{
	const struct router *rt = user_data;

	if (u_map_get_case(in->map_header, "Transfer-Encoding") != NULL &&
	    u_map_get_case(in->map_header, "Content-Length") != NULL)
		return refuse_early(in, out, rt->app, ERR_MALFORMED,
		                    "a request may not carry both Content-Length and Transfer-Encoding");
	if (strlen(in->http_url) > rt->app->cfg.max_uri_bytes)
		return refuse_early(in, out, rt->app, ERR_URI_TOO_LONG,
		                    "the request target is longer than this service takes (MAX_URI_BYTES)");
	if (header_bytes(in->map_header) > rt->app->cfg.max_header_bytes)
		return refuse_early(in, out, rt->app, ERR_HEADERS_TOO_LARGE,
		                    "the header fields are larger than this service takes (MAX_HEADER_BYTES)");
	for (size_t i = 0; i < routes_count; i++) {
		if (!method_matches(routes[i].method, in->http_verb) ||
		    !path_matches(routes[i].path, in->url_path))
			continue;
		if (!take_params(routes[i].path, in->url_path, in->map_url))
			break;
		return dispatch(in, out, &rt->bindings[i]);
	}
	return fallback(in, out, rt->app);
}

static int
fallback(const struct _u_request *in, struct _u_response *out, void *user_data)
{
	struct app *app = user_data;
	static const struct route none = {.method = "", .path = ""};
	char allow[128] = "";
	size_t used = 0;
	struct req r;

	req_init(&r, app, &none, in, out);
	for (size_t i = 0; i < routes_count; i++)
		if (path_matches(routes[i].path, in->url_path) && used < sizeof allow)
			used += (size_t)snprintf(allow + used, sizeof allow - used, "%s%s%s",
			                         used ? ", " : "", routes[i].method,
			                         strcmp(routes[i].method, "GET") == 0 ? ", HEAD" : "");
	if (used > 0 && strcmp(in->http_verb, "OPTIONS") == 0) {
		respond_empty(&r, 204);
		respond_header(&r, "Allow", allow);
		if (req_header(&r, "Origin")) {
			respond_header(&r, "Access-Control-Allow-Methods", allow);
			respond_header(&r, "Access-Control-Allow-Headers",
			               "Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id");
			respond_header(&r, "Access-Control-Max-Age", "600");
		}
	} else if (used > 0) {
		problem_set(&r.problem, ERR_METHOD_NOT_ALLOWED, "%s is not allowed here; use %s",
		            in->http_verb, allow);
		respond_problem(&r);
		respond_header(&r, "Allow", allow);
	} else {
		problem_set(&r.problem, ERR_NOT_FOUND, "no such route");
		respond_problem(&r);
	}
	finish(&r);
	return U_CALLBACK_COMPLETE;
}

/* Let a file descriptor per connection through, and some for the pool and logs. */
static void
raise_fd_limit(int connections)
{
	struct rlimit lim;
	rlim_t want = (rlim_t)connections + 256;

	if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= want)
		return;
	lim.rlim_cur = lim.rlim_max == RLIM_INFINITY || lim.rlim_max >= want ? want : lim.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur < want)
		log_msg("warn", "config", "only %lu open files allowed; MAX_CONNECTIONS %d needs %lu",
		        (unsigned long)lim.rlim_cur, connections, (unsigned long)want);
}

int
server_run(struct app *app)
{
	struct binding *bindings = calloc(routes_count, sizeof *bindings);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)app->cfg.port)};
	const struct config *cfg = &app->cfg;
	struct router router;
	sigset_t stop;
	int sig, rc = 1;
	MHD_socket listener;

	if (bindings == NULL || !metrics_init()) {
		free(bindings);
		return 1;
	}
	/* An action route must name an action of its resource's table: checked here, not per request. */
	for (size_t i = 0; i < routes_count; i++)
		if (routes[i].handler == api_resource_action &&
		    resource_find_action(routes[i].def, strrchr(routes[i].path, '/') + 1) == NULL) {
			log_msg("error", "start", "%s %s names no action of its resource", routes[i].method,
			        routes[i].path);
			free(bindings);
			metrics_free();
			return 1;
		}
	if (inet_pton(AF_INET, cfg->bind_address, &addr.sin_addr) != 1) {
		log_msg("error", "config", "BIND_ADDRESS %s is not an IPv4 address", cfg->bind_address);
		free(bindings);
		metrics_free();
		return 1;
	}
	if (ulfius_init_instance(&app->inst, (unsigned int)cfg->port, &addr, NULL) != U_OK) {
		free(bindings);
		metrics_free();
		return 1;
	}
	/* ulfius truncates silently past this; read_body answers 413 from it. */
	app->inst.max_post_body_size = cfg->import_max_body + 1;
	app->inst.allowed_post_processor = U_POST_PROCESS_NONE;
	/* ulfius would drop a header that is not UTF-8 unseen (an Idempotency-Key, say); the
	 * service's own checks refuse it instead. */
	app->inst.check_utf8 = 0;
	for (size_t i = 0; i < routes_count; i++) {
		bindings[i].app = app;
		bindings[i].route = &routes[i];
	}
	router = (struct router){app, bindings};
	ulfius_set_default_endpoint(&app->inst, route_request, &router);
	app->throttle = throttle_new(cfg->rate_per_minute, cfg->rate_burst);
	app->tokens = token_cache_new();
	raise_fd_limit(cfg->max_connections);

	/* Block the stop signals in every thread; main waits for them below. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* After the mask: the listener thread must not take the stop signals. */
	app->accounts = account_states_new(cfg->database_url);
	if (app->accounts == NULL) {
		log_msg("error", "start", "cannot start the account listener");
		goto out;
	}
	if (!conns_start(cfg->connection_timeout, cfg->request_timeout))
		goto out;
	{
		struct MHD_OptionItem ops[] = {
			{MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)conns_completed, NULL},
			{MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)conns_uri_seen, NULL},
			{MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)conns_notify, NULL},
			{MHD_OPTION_SOCK_ADDR, 0, &addr},
			{MHD_OPTION_THREAD_POOL_SIZE, cfg->workers, NULL},
			{MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout, NULL},
			{MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections, NULL},
			{MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_connections_per_ip, NULL},
			/*
			 * The request line and headers must fit in this, or libmicrohttpd
			 * answers 414 or 431 itself, in HTML. Room beyond the service's own
			 * limits lets route_request answer those as problems. Every request
			 * zeroes the pool: keep it small.
			 */
			{MHD_OPTION_CONNECTION_MEMORY_LIMIT,
			 (intptr_t)(cfg->max_header_bytes + cfg->max_uri_bytes + 8192), NULL},
			{MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL},
			{MHD_OPTION_END, 0, NULL},
		};
		if (ulfius_start_framework_with_mhd_options(
			    &app->inst, MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC,
			    ops) != U_OK) {
			log_msg("error", "listen", "cannot listen on %s:%d", cfg->bind_address, cfg->port);
			conns_stop();
			goto out;
		}
	}
	log_msg("info", "listening", "http://%s:%d with %d workers", cfg->bind_address, cfg->port,
	        cfg->workers);
	sigwait(&stop, &sig);

	/* Stop taking connections, let the requests in flight finish, then stop. */
	log_msg("info", "stopping", "signal %d: finishing requests in flight (up to %d s)", sig,
	        cfg->shutdown_grace);
	listener = MHD_quiesce_daemon(app->inst.mhd_daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	if (!conns_drain(cfg->shutdown_grace))
		log_msg("warn", "stopping", "requests still in flight after %d s; cut",
		        cfg->shutdown_grace);
	ulfius_stop_framework(&app->inst);
	conns_stop();
	log_msg("info", "stopped", "all requests answered or cut; closing the pool");
	rc = 0;
out:
	ulfius_clean_instance(&app->inst);
	throttle_free(app->throttle);
	app->throttle = NULL;
	token_cache_free(app->tokens);
	app->tokens = NULL;
	account_states_free(app->accounts);
	app->accounts = NULL;
	free(bindings);
	metrics_free();
	return rc;
}
