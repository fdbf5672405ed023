/*
 * auth.c
 *    POST /v1/auth/token: OAuth 2.0 client credentials (RFC 6749 4.4). A
 *    service account trades its client id and secret, sent with HTTP Basic
 *    or in the body (a form or a JSON object), for a bearer token.
 *
 * Failures answer RFC 6749 5.2 errors (`error`, `error_description`) in a
 * body that is also a problem document; past the limits, 429. They are
 * counted per client id and address (AUTH_FAILURES_PER_CLIENT), so that
 * guessing from elsewhere does not lock a client out of its own address;
 * per address (AUTH_FAILURES_PER_ADDRESS); and per client id from every
 * address (AUTH_FAILURES_PER_CLIENT_TOTAL), a ceiling on guessing spread
 * over many addresses that spares the addresses the client has obtained a
 * token from in the last KNOWN_ADDRESS_DAYS days.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/forwarded.h"
#include "../http/query_string.h"
#include "../lib/account.h"
#include "../lib/log.h"
#include "../lib/ratelimit.h"
#include "handlers.h"

#define KNOWN_ADDRESS_DAYS 30

/* The counters of one attempt: "<kind>:<client id>|<address>" and the like. */
struct attempt_keys {
	char client_addr[200], addr[80], client[128], known[200];
};

static void
attempt_keys(struct attempt_keys *k, const char *client_id, const char *addr)
{
	snprintf(k->client_addr, sizeof k->client_addr, "client-addr:%s|%s", client_id, addr);
	snprintf(k->addr, sizeof k->addr, "addr:%s", addr);
	snprintf(k->client, sizeof k->client, "client:%s", client_id);
	snprintf(k->known, sizeof k->known, "known:%s|%s", client_id, addr);
}

/* Fail with an RFC 6749 error code. */
static enum err
oauth_fail(struct req *r, enum err e, const char *code, const char *detail)
{
	problem_clear(&r->problem);
	r->oauth_error = code;
	return problem_set(&r->problem, e, "%s", detail);
}

/* The caller's address, as the rate limit keys it (behind TRUSTED_PROXIES, the forwarded one). */
void
req_client_address(const struct req *r, char out[64])
{
	const struct sockaddr *sa = r->in->client_address;
	char peer[64] = "unknown";

	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, peer, sizeof peer);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, peer, sizeof peer);
	forwarded_client(peer, req_header(r, "X-Forwarded-For"), r->app->cfg.trusted_proxies, out);
}

struct token_request {
	struct query form;               /* a form body, parsed */
	const char *grant_type, *client_id, *secret, *scope;
};

/* A parameter from the form or the JSON body; NULL if absent or not a string. */
static const char *
param(const struct req *r, const struct token_request *t, const char *name)
{
	if (r->body)
		return json_string_value(json_object_get(r->body, name));
	return query_get(&t->form, name);
}

static enum err
read_request(struct req *r, struct token_request *t)
{
	const char *u = r->in->auth_basic_user, *pw = r->in->auth_basic_password;
	const char *body_id, *body_secret;

	if (r->body == NULL) {
		char *text = NULL;
		struct problem ignored = {0};
		enum err e;

		if (asprintf(&text, "?%.*s", (int)r->in->binary_body_length,
		             r->in->binary_body ? (const char *)r->in->binary_body : "") < 0)
			return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
		e = query_parse(text, &t->form, &ignored);
		free(text);
		problem_clear(&ignored);
		if (e != ERR_OK)
			return oauth_fail(r, ERR_MALFORMED, "invalid_request",
			                  "the form is malformed or repeats a parameter");
	}
	t->grant_type = param(r, t, "grant_type");
	t->scope = param(r, t, "scope");
	body_id = param(r, t, "client_id");
	body_secret = param(r, t, "client_secret");
	if (t->grant_type == NULL)
		return oauth_fail(r, ERR_MALFORMED, "invalid_request", "grant_type is required");
	if (strcmp(t->grant_type, "client_credentials") != 0)
		return oauth_fail(r, ERR_MALFORMED, "unsupported_grant_type",
		                  "only grant_type=client_credentials is supported");
	if (u && (body_id || body_secret))
		return oauth_fail(r, ERR_MALFORMED, "invalid_request",
		                  "send the client credentials either with HTTP Basic or in the body");
	t->client_id = u ? u : body_id;
	t->secret = u ? pw : body_secret;
	if (t->client_id == NULL || t->secret == NULL || *t->client_id == '\0' ||
	    strlen(t->client_id) > 100 || strlen(t->secret) > 200)
		return oauth_fail(r, ERR_UNAUTHORIZED, "invalid_client",
		                  "client authentication failed");
	return ERR_OK;
}

/* Count a failed attempt against every key; the answer stays invalid_client. */
static void
count_failure(struct req *r, struct db_conn *c, const struct attempt_keys *k)
{
	struct problem ignored = {0};
	const struct config *cfg = &r->app->cfg;

	ratelimit_fail(c, k->client_addr, cfg->auth_failure_window, &ignored);
	ratelimit_fail(c, k->addr, cfg->auth_failure_window, &ignored);
	ratelimit_fail(c, k->client, cfg->auth_failure_window, &ignored);
	problem_clear(&ignored);
}

/* ERR_RATE_LIMITED when one of the attempt's counters is past its limit. */
static enum err
check_limits(struct req *r, struct db_conn *c, const struct attempt_keys *k)
{
	const struct config *cfg = &r->app->cfg;
	bool known;
	enum err e;

	if ((e = ratelimit_check(c, k->client_addr, cfg->auth_failures_client,
	                         cfg->auth_failure_window, &r->problem)) != ERR_OK ||
	    (e = ratelimit_check(c, k->addr, cfg->auth_failures_address, cfg->auth_failure_window,
	                         &r->problem)) != ERR_OK)
		return e;
	if ((e = ratelimit_known(c, k->known, KNOWN_ADDRESS_DAYS, &known, &r->problem)) != ERR_OK ||
	    known)
		return e;
	return ratelimit_check(c, k->client, cfg->auth_failures_client_total,
	                       cfg->auth_failure_window, &r->problem);
}

static enum err
audit_login(struct req *r, struct db_conn *c, const struct account_grant *g, const char *subject)
{
	char id[24];
	struct audit_actor who = {subject, g->role, r->app->keys.issuers[0].issuer, r->id};
	enum err e;

	snprintf(id, sizeof id, "%lld", g->id);
	if ((e = db_begin(c, &r->problem)) != ERR_OK)
		return e;
	if ((e = audit_write(c, &who, "service-account", id, "token", NULL, g->la_code,
	                     &r->problem)) != ERR_OK) {
		db_rollback(c);
		return e;
	}
	return db_commit(c, &r->problem);
}

enum err
api_token(struct req *r)
{
	const struct config *cfg = &r->app->cfg;
	struct token_request t = {0};
	struct account_grant g;
	struct db_conn *c;
	struct attempt_keys keys;
	char addr[64], subject[48], scope[64], *token = NULL, *body;
	json_t *answer;
	enum err e;

	if ((e = read_request(r, &t)) != ERR_OK)
		goto out;
	req_client_address(r, addr);
	attempt_keys(&keys, t.client_id, addr);
	if ((e = req_db(r, &c)) != ERR_OK)
		goto out;
	if ((e = check_limits(r, c, &keys)) != ERR_OK) {
		if (e == ERR_RATE_LIMITED) {
			r->oauth_error = "temporarily_unavailable";
			log_msg("warn", "token_rate_limited", "client %s from %s", t.client_id, addr);
		}
		goto out;
	}
	if ((e = account_authenticate(c, t.client_id, t.secret, &g, &r->problem)) != ERR_OK) {
		if (e == ERR_UNAUTHORIZED) {
			/* The log says why; the client learns only that it failed. */
			log_msg("info", "token_refused", "client %s from %s: %s", t.client_id, addr,
			        r->problem.detail);
			count_failure(r, c, &keys);
			e = oauth_fail(r, ERR_UNAUTHORIZED, "invalid_client", "client authentication failed");
		}
		goto out;
	}
	if (t.scope && *t.scope && strcmp(t.scope, role_name(g.role)) != 0) {
		e = oauth_fail(r, ERR_MALFORMED, "invalid_scope",
		               "the scope must be the account's role, or left out");
		goto out;
	}
	{
		struct problem ignored = {0};
		ratelimit_clear(c, keys.client_addr, &ignored);
		ratelimit_remember(c, keys.known, &ignored);
		problem_clear(&ignored);
	}
	snprintf(subject, sizeof subject, "service-account/%lld", g.id);
	if ((e = audit_login(r, c, &g, subject)) != ERR_OK)
		goto out;
	if (token_sign(&r->app->keys, subject, g.role, g.la_code, g.school_urn, g.group_id, g.generation,
	               cfg->jwt_ttl, time(NULL), &token) != ERR_OK) {
		e = problem_set(&r->problem, ERR_INTERNAL, "could not sign the token");
		goto out;
	}
	if (g.la_code)
		snprintf(scope, sizeof scope, "%s la:%d", role_name(g.role), g.la_code);
	else if (g.school_urn)
		snprintf(scope, sizeof scope, "%s school:%d", role_name(g.role), g.school_urn);
	else if (g.group_id)
		snprintf(scope, sizeof scope, "%s group:%lld", role_name(g.role), g.group_id);
	else
		snprintf(scope, sizeof scope, "%s", role_name(g.role));
	answer = json_pack("{s:s, s:s, s:i, s:s}", "access_token", token, "token_type", "Bearer",
	                   "expires_in", cfg->jwt_ttl, "scope", scope);
	body = answer ? json_dumps(answer, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(answer);
	free(token);
	if (body == NULL) {
		e = problem_set(&r->problem, ERR_INTERNAL, "out of memory");
		goto out;
	}
	respond_json(r, 200, body, strlen(body));
	respond_header(r, "Cache-Control", "no-store");
	respond_header(r, "Pragma", "no-cache");
	free(body);
out:
	query_free(&t.form);
	return e;
}
