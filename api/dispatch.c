/*
 * dispatch.c
 *    This module implements a request's way through the service once the
 *    router found its route: an id, the caller (bearer token, account
 *    still valid, rate), the role, the query and body checks, the handler
 *    (a write's inside its unit of work, unit.c), an error turned into
 *    application/problem+json, the common headers and one log line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "../http/problem.h"
#include "../http/query_string.h"
#include "../lib/log.h"
#include "dispatch.h"

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
	r->who.scope.region_id = r->claims.region_id;
	r->who.scope.subject = r->claims.sub;
	return ERR_OK;
}

void
respond_problem(struct req *r)
{
	const struct http_error *info = http_error_info(r->problem.err);
	json_t *o = problem_to_json(&r->problem, r->in->url_path, r->id, r->oauth_error);
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	char fallback[256];

	if (text == NULL) {   /* out of memory: a body that needs no allocation */
		info = http_error_info(ERR_INTERNAL);
		snprintf(fallback, sizeof fallback,
		         "{\"type\":\"urn:consortia:problem:internal\",\"title\":\"Internal error\","
		         "\"status\":500,\"detail\":\"out of memory\",\"instance\":\"/\","
		         "\"request_id\":\"%s\"}", r->id);
	}
	ulfius_set_binary_body_response(r->out, (unsigned int)info->status, text ? text : fallback,
	                                 strlen(text ? text : fallback));
	/* RFC 6749 wants its token errors as application/json. */
	respond_header(r, "Content-Type",
	               r->oauth_error ? "application/json" : "application/problem+json");
	if (info->status == 401 && r->oauth_error)
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
			respond_header(r, "Vary", u_map_get(r->out->map_header, "Vary") ? "Accept-Language, Origin" : "Origin");
			respond_header(r, "Access-Control-Expose-Headers",
			               "ETag, Location, Link, X-Request-Id, Retry-After, RateLimit-Limit, "
			               "RateLimit-Remaining, RateLimit-Reset");
			return;
		}
	}
}

void
finish(struct req *r)
{
	struct timespec end;
	unsigned round_trips;
	bool standby;
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
	if (conns_draining(r->app->conns))
		respond_header(r, "Connection", "close");
	round_trips = (r->db ? r->db->round_trips : 0) + r->statements_later;
	standby = r->db && r->db->pool == &r->app->reads;
	if (r->db)
		db_release(r->db->pool, r->db);
	r->db = NULL;

	clock_gettime(CLOCK_MONOTONIC, &end);
	us = (json_int_t)(end.tv_sec - r->start.tv_sec) * 1000000 +
	     (end.tv_nsec - r->start.tv_nsec) / 1000;
	metrics_record(r->app->metrics, r->route, r->status, us, round_trips);
	/* A path that holds a secret (a calendar feed's address) is logged as its handler says. */
	line = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:i, s:I, s:i, s:s?, s:s?, s:s?}", "level", "info",
	                 "event", "request", "request_id", r->id, "method", r->in->http_verb, "path",
	                 r->log_path ? r->log_path : r->in->url_path,
	                 "status", r->status, "duration_us", us, "statements",
	                 (int)round_trips, "sub", r->claims.sub[0] ? r->claims.sub : NULL, "role",
	                 r->claims.role ? role_name(r->claims.role) : NULL, "database",
	                 standby ? "standby" : NULL);
	if (line) {
		log_json(line);
		json_decref(line);
	}
	query_free(&r->query);
	json_decref(r->body);
	free(r->replay_body);
	problem_clear(&r->problem);
}

void
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

/* Does route read records a region's caller may reach (a list, a record or an export of them)? */
static bool
region_reads(const struct route *route)
{
	return strcmp(route->method, "GET") == 0 && route->def && route->def->scope_region &&
	       (route->handler == api_resource_list || route->handler == api_resource_get ||
	        route->handler == api_resource_export);
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
		/* A region's token reads the region's records and what its members share, and writes its own. */
		if (r->claims.region_id && !region_reads(route) && !(route->def && route->def->region_writes))
			return problem_set(&r->problem, ERR_FORBIDDEN,
			                   "a region's token reaches only the region's records and its members' registers");
		/* A group's casework is its chair's: a chair's token reads it only for its group. */
		if (r->claims.role == ROLE_CHAIR && route->def && route->def->group_kept &&
		    r->claims.group_id == 0)
			return problem_set(&r->problem, ERR_FORBIDDEN,
			                   "a chair's token must name its group (claim `group`) to reach its casework");
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
	    route->handler != api_payments && (e = req_check_query(r)) != ERR_OK)
		return e;
	if (route->body != BODY_NONE && (e = req_read_body(r)) != ERR_OK)
		return e;
	return ERR_OK;
}

/* Answer r with e (an error made a problem), then the common headers and the log line; frees r. */
static void
close_request(struct req *r, enum err e)
{
	const struct sockaddr *peer = r->in->client_address;
	struct conns *cs = r->app->conns;

	if (e != ERR_OK) {
		if (r->problem.err == ERR_OK)
			problem_set(&r->problem, e, "%s", http_error_info(e)->title);
		r->problem.err = e;
		respond_problem(r);
	}
	finish(r);
	free(r);
	conns_handling(cs, peer, false);
}

struct req *
dispatch(const struct _u_request *in, struct _u_response *out, const struct binding *b)
{
	struct req *r = malloc(sizeof *r);
	enum err e;

	if (r == NULL) {
		static const char oom[] = "{\"type\":\"urn:consortia:problem:internal\",\"title\":"
		                          "\"Internal error\",\"status\":500,\"detail\":\"out of memory\"}";

		ulfius_set_binary_body_response(out, 500, oom, sizeof oom - 1);
		u_map_put(out->map_header, "Content-Type", "application/problem+json");
		return NULL;
	}
	conns_handling(b->app->conns, in->client_address, true);
	req_init(r, b->app, b->route, in, out);
	e = admit(r);
	if (e == ERR_OK)
		e = route_writes(b->route) ? run_unit(r) : b->route->handler(r);
	if (e == ERR_OK && r->then)
		return r;   /* the front door sends r->later; dispatch_resume answers */
	pipeline_query_clear(&r->later);
	if (read_again_on_primary(r, e))
		e = b->route->handler(r);
	close_request(r, e);
	return NULL;
}

void
dispatch_resume(struct req *r)
{
	enum err e = r->later.err;

	r->statements_later++;
	if (e == ERR_OK)
		e = r->then(r, r->later.res);
	r->then = NULL;
	pipeline_query_clear(&r->later);
	close_request(r, e);
}

void
dispatch_abandon(struct req *r)
{
	struct conns *cs = r->app->conns;
	const struct sockaddr *peer = r->in->client_address;

	r->status = 499;
	r->then = NULL;
	pipeline_query_clear(&r->later);
	finish(r);
	free(r);
	conns_handling(cs, peer, false);
}

/* Does path match the ulfius pattern (":name" matches one segment)? */
