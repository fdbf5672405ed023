/*
 * Service accounts and the token endpoint (OAuth 2.0 client credentials),
 * failed-login limits, and the audit trail of every write.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cursor.h"

struct account {
	long long id;
	char *client_id, *secret, path[64];
};

static struct account
new_account(const char *body)
{
	struct account a;
	struct resp *r = http_json("POST", "/v1/service-accounts", token("admin"), body, NULL);
	char *loc = resp_header(r, "Location");

	cr_assert_eq(r->status, 201, "%s", r->body);
	a.id = json_integer_value(json_object_get(r->json, "id"));
	a.client_id = strdup(json_string_value(json_object_get(r->json, "client_id")));
	a.secret = strdup(json_string_value(json_object_get(r->json, "client_secret")));
	snprintf(a.path, sizeof a.path, "/v1/service-accounts/%lld", a.id);
	cr_assert_str_eq(loc, a.path);
	cr_assert(strlen(a.secret) >= 40, "a long random secret");
	free(loc);
	resp_free(r);
	return a;
}

/* POST /v1/auth/token with HTTP Basic credentials, and any X-Forwarded-For. */
static struct resp *
basic_token_via(const char *client_id, const char *secret, const char *source, const char *forwarded_for)
{
	char *cred = NULL, *b64, auth[512], xff[128];
	const char *h[] = {auth, "Content-Type: application/x-www-form-urlencoded", forwarded_for ? xff : NULL, NULL};

	cr_assert(asprintf(&cred, "%s:%s", client_id, secret) > 0);
	/* Basic uses standard base64; our ids and secrets need no escaping. */
	b64 = base64url_encode((unsigned char *)cred, strlen(cred));
	for (char *c = b64; *c; c++)
		*c = *c == '-' ? '+' : *c == '_' ? '/' : *c;
	snprintf(auth, sizeof auth, "Authorization: Basic %s%s", b64,
	         strlen(b64) % 4 == 2 ? "==" : strlen(b64) % 4 == 3 ? "=" : "");
	free(cred);
	free(b64);
	if (forwarded_for)
		snprintf(xff, sizeof xff, "X-Forwarded-For: %s", forwarded_for);
	return http_from(source, "POST", "/v1/auth/token", NULL, "grant_type=client_credentials", h);
}

static struct resp *
basic_token(const char *client_id, const char *secret, const char *source)
{
	return basic_token_via(client_id, secret, source, NULL);
}

static void
assert_oauth_error(const struct resp *r, long status, const char *code)
{
	char *ct = resp_header(r, "Content-Type");

	cr_assert_eq(r->status, status, "%s", r->body);
	cr_assert_str_eq(ct, "application/json");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "error")), code);
	cr_assert(json_string_length(json_object_get(r->json, "error_description")) > 0);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "status")), status);
	free(ct);
}

Test(accounts, create_then_trade_the_secret_for_a_token)
{
	struct account a = new_account("{\"name\": \"finance system\", \"role\": \"finance\"}");
	struct resp *r = http("GET", a.path, token("admin"), NULL, NULL);
	const char *tok;

	cr_assert_eq(r->status, 200);
	cr_assert_null(json_object_get(r->json, "client_secret"), "the secret is shown once");
	cr_assert(strstr(r->body, "argon2") == NULL, "the hash is never shown");
	resp_free(r);
	cr_assert_eq(db_scalar("SELECT count(*) FROM service_account WHERE secret_hash LIKE '$argon2id$%' "
	                       "AND client_id = $1", a.client_id), 1);

	r = basic_token(a.client_id, a.secret, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "token_type")), "Bearer");
	cr_assert_eq(json_integer_value(json_object_get(r->json, "expires_in")), 900);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "scope")), "finance");
	{
		char *cc = resp_header(r, "Cache-Control");
		cr_assert_str_eq(cc, "no-store");
		free(cc);
	}
	tok = strdup(json_string_value(json_object_get(r->json, "access_token")));
	resp_free(r);

	r = http("GET", "/v1/schools?limit=1", tok, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = http_json("POST", "/v1/local-authorities", tok, "{\"code\": 996, \"name\": \"X\"}", NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);

	/* the login is in the audit trail, the secret nowhere */
	cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event WHERE action = 'token' AND "
	                       "resource = 'service-account' AND resource_id = $1::text",
	                       a.path + strlen("/v1/service-accounts/")), 1);
	cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event WHERE changes::text LIKE '%' || $1 || '%'",
	                       a.secret), 0);
}

Test(accounts, the_body_may_carry_the_credentials_as_a_form_or_json)
{
	struct account a = new_account("{\"name\": \"script\", \"role\": \"viewer\"}");
	char form[256], json[256];
	const char *fh[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	struct resp *r;

	snprintf(form, sizeof form, "grant_type=client_credentials&client_id=%s&client_secret=%s",
	         a.client_id, a.secret);
	r = http("POST", "/v1/auth/token", NULL, form, fh);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(json, sizeof json,
	         "{\"grant_type\": \"client_credentials\", \"client_id\": \"%s\", \"client_secret\": \"%s\", "
	         "\"scope\": \"viewer\"}", a.client_id, a.secret);
	r = http_json("POST", "/v1/auth/token", NULL, json, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
}

Test(accounts, token_endpoint_errors_follow_rfc_6749)
{
	struct account a = new_account("{\"name\": \"errs\", \"role\": \"viewer\"}");
	const char *fh[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	char body[256];
	struct resp *r;

	r = basic_token(a.client_id, "wrong-secret", NULL);
	assert_oauth_error(r, 401, "invalid_client");
	{
		char *www = resp_header(r, "WWW-Authenticate");
		cr_assert(www && strncmp(www, "Basic", 5) == 0);
		free(www);
	}
	resp_free(r);
	r = basic_token("sa_nobody", "whatever", NULL);
	assert_oauth_error(r, 401, "invalid_client");
	resp_free(r);
	r = http("POST", "/v1/auth/token", NULL, "grant_type=password&username=a&password=b", fh);
	assert_oauth_error(r, 400, "unsupported_grant_type");
	resp_free(r);
	r = http("POST", "/v1/auth/token", NULL, "client_id=x", fh);
	assert_oauth_error(r, 400, "invalid_request");
	resp_free(r);
	snprintf(body, sizeof body, "grant_type=client_credentials&client_id=%s&client_secret=%s&scope=admin",
	         a.client_id, a.secret);
	r = http("POST", "/v1/auth/token", NULL, body, fh);
	assert_oauth_error(r, 400, "invalid_scope");
	resp_free(r);
	r = http("POST", "/v1/auth/token", NULL, "grant_type=client_credentials", (const char *[]){"Content-Type: text/plain", NULL});
	assert_problem(r, 415, "unsupported-media-type", NULL);
	resp_free(r);
}

Test(accounts, rotate_replaces_the_secret_and_revoke_ends_new_tokens)
{
	struct account a = new_account("{\"name\": \"rotator\", \"role\": \"viewer\"}");
	char rotate[96], revoke[96], *fresh;
	struct resp *r;

	snprintf(rotate, sizeof rotate, "%s/rotate", a.path);
	snprintf(revoke, sizeof revoke, "%s/revoke", a.path);
	r = http_json("POST", rotate, token("admin"), NULL, NULL);
	assert_problem(r, 428, "precondition-required", NULL);
	resp_free(r);
	r = http_json("POST", rotate, token("admin"), NULL, "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	fresh = strdup(json_string_value(json_object_get(r->json, "client_secret")));
	cr_assert_str_neq(fresh, a.secret);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 2);
	resp_free(r);

	r = basic_token(a.client_id, a.secret, NULL);
	assert_oauth_error(r, 401, "invalid_client");
	resp_free(r);
	r = basic_token(a.client_id, fresh, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	r = http_json("POST", revoke, token("admin"), NULL, "\"2\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_true(json_object_get(r->json, "revoked")));
	resp_free(r);
	r = basic_token(a.client_id, fresh, NULL);
	assert_oauth_error(r, 401, "invalid_client");
	resp_free(r);
	r = http_json("POST", rotate, token("admin"), NULL, "*");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event WHERE resource = 'service-account' "
	                       "AND resource_id = $1::text AND action IN ('rotate', 'revoke')",
	                       a.path + strlen("/v1/service-accounts/")), 2);
	free(fresh);
}

/* A retried rotation (same Idempotency-Key) rotates once, and never shows the secret again. */
Test(accounts, a_replayed_rotation_rotates_once_and_hides_the_secret)
{
	struct account a = new_account("{\"name\": \"retried rotator\", \"role\": \"viewer\"}");
	char rotate[96], key[96], *fresh;
	const char *h[] = {"If-Match: *", key, NULL};
	struct resp *r;

	snprintf(rotate, sizeof rotate, "%s/rotate", a.path);
	snprintf(key, sizeof key, "Idempotency-Key: rotate-%s", a.client_id);
	r = http("POST", rotate, token("admin"), NULL, h);
	cr_assert_eq(r->status, 200, "%s", r->body);
	fresh = strdup(json_string_value(json_object_get(r->json, "client_secret")));
	resp_free(r);
	r = http("POST", rotate, token("admin"), NULL, h);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_null(json_object_get(r->json, "client_secret"), "the secret is shown once");
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 2, "rotated once");
	resp_free(r);
	r = basic_token(a.client_id, fresh, NULL);
	cr_assert_eq(r->status, 200, "the first rotation's secret holds: %s", r->body);
	resp_free(r);
	cr_assert_eq(db_scalar("SELECT count(*) FROM idempotency_key WHERE body LIKE '%client_secret%'", NULL), 0,
	             "no secret is kept with a key");
	free(fresh);
}

Test(accounts, fields_the_client_cannot_set_are_refused)
{
	char *before = db_fingerprint();
	struct resp *r = http_json("POST", "/v1/service-accounts", token("admin"),
	                           "{\"name\": \"x\", \"role\": \"root\", \"client_id\": \"mine\", "
	                           "\"client_secret\": \"s\", \"revoked\": false, \"la_code\": 99}", NULL);

	assert_problem(r, 422, "validation", "role");
	assert_problem(r, 422, "validation", "client_id");
	assert_problem(r, 422, "validation", "client_secret");
	assert_problem(r, 422, "validation", "revoked");
	assert_problem(r, 422, "validation", "la_code");
	resp_free(r);
	r = http_json("POST", "/v1/service-accounts", token("admin"),
	              "{\"name\": \"x\", \"role\": \"officer\", \"la_code\": 111}", NULL);
	if (db_scalar("SELECT count(*) FROM local_authority WHERE code = 111", NULL) == 0)
		assert_problem(r, 422, "validation", "la_code");
	resp_free(r);
	assert_unchanged(before);
}

Test(accounts, an_la_scoped_account_gets_an_la_scoped_token)
{
	int code = unused_la_code();
	char body[128];
	struct account a;
	struct resp *r;
	const char *tok;

	make_la(code, "Scopeshire");
	make_school(code, 1, "Scoped Primary", "primary");
	snprintf(body, sizeof body, "{\"name\": \"la officer\", \"role\": \"officer\", \"la_code\": %d}", code);
	a = new_account(body);
	r = basic_token(a.client_id, a.secret, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	{
		char scope[32];
		snprintf(scope, sizeof scope, "officer la:%d", code);
		cr_assert_str_eq(json_string_value(json_object_get(r->json, "scope")), scope);
	}
	tok = strdup(json_string_value(json_object_get(r->json, "access_token")));
	resp_free(r);
	r = http("GET", "/v1/schools?limit=500", tok, NULL, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1, "%s", r->body);
	resp_free(r);
}

Test(accounts, failures_are_limited_per_client)
{
	struct account a = new_account("{\"name\": \"guessed\", \"role\": \"viewer\"}");
	struct resp *r;

	for (int i = 0; i < 5; i++) {
		r = basic_token(a.client_id, "guess", "127.0.0.4");
		assert_oauth_error(r, 401, "invalid_client");
		resp_free(r);
	}
	/* now even the right secret waits */
	r = basic_token(a.client_id, a.secret, "127.0.0.4");
	assert_oauth_error(r, 429, "temporarily_unavailable");
	{
		char *ra = resp_header(r, "Retry-After");
		cr_assert(ra && atoi(ra) > 0 && atoi(ra) <= 300);
		free(ra);
	}
	resp_free(r);
}

Test(accounts, failures_are_limited_per_address)
{
	struct resp *r;

	/* naming other addresses in X-Forwarded-For does not spread the count */
	for (int i = 0; i < 20; i++) {
		char id[32], xff[32];
		snprintf(id, sizeof id, "sa_guess_%d", i);
		snprintf(xff, sizeof xff, "127.0.1.%d", i);
		r = basic_token_via(id, "guess", "127.0.0.3", xff);
		assert_oauth_error(r, 401, "invalid_client");
		resp_free(r);
	}
	r = basic_token("sa_guess_new", "guess", "127.0.0.3");
	assert_oauth_error(r, 429, "temporarily_unavailable");
	resp_free(r);
	/* another address is not held back, nor held back by naming the first */
	r = basic_token_via("sa_guess_new", "guess", "127.0.0.5", "127.0.0.3");
	assert_oauth_error(r, 401, "invalid_client");
	resp_free(r);
}

/* ---- a token ends with its account's grant ------------------------------ */

/* The access token an account's credentials get now (caller frees). */
static char *
access_token(const struct account *a, const char *secret)
{
	struct resp *r = basic_token(a->client_id, secret, NULL);
	char *tok;

	cr_assert_eq(r->status, 200, "%s", r->body);
	tok = strdup(json_string_value(json_object_get(r->json, "access_token")));
	resp_free(r);
	return tok;
}

/*
 * tok gets status at path from every replica: the replica that made the
 * change knows at once, the others as soon as the database's notification
 * reaches them (waited for up to two seconds, then asked six times over).
 */
static void
assert_everywhere(const char *tok, const char *path, long status)
{
	struct resp *r = NULL;

	for (int i = 0; i < 200; i++) {
		resp_free(r);
		r = http("GET", path, tok, NULL, NULL);
		if (r->status == status)
			break;
		usleep(10000);
	}
	cr_assert_eq(r->status, status, "%s: %s", path, r->body);
	resp_free(r);
	for (int i = 0; i < 6; i++) {
		r = http("GET", path, tok, NULL, NULL);
		cr_assert_eq(r->status, status, "ask %d of %s: %s", i, path, r->body);
		if (status == 401)
			assert_problem(r, 401, "unauthorized", NULL);
		resp_free(r);
	}
}

Test(accounts, revoking_ends_the_tokens_already_issued)
{
	struct account a = new_account("{\"name\": \"leaver\", \"role\": \"officer\"}");
	char *tok = access_token(&a, a.secret), revoke[96];
	struct resp *r;

	assert_everywhere(tok, "/v1/local-authorities", 200);
	snprintf(revoke, sizeof revoke, "%s/revoke", a.path);
	r = http_json("POST", revoke, token("admin"), NULL, "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	assert_everywhere(tok, "/v1/local-authorities", 401);
	{
		/* and it writes nothing either */
		char *before = db_fingerprint();
		r = http_json("POST", "/v1/local-authorities", tok, "{\"code\": 998, \"name\": \"Late\"}", NULL);
		assert_problem(r, 401, "unauthorized", NULL);
		resp_free(r);
		assert_unchanged(before);
	}
	free(tok);
}

Test(accounts, rotating_ends_the_tokens_of_the_old_secret)
{
	struct account a = new_account("{\"name\": \"rotated\", \"role\": \"viewer\"}");
	char *old = access_token(&a, a.secret), *fresh_secret, *fresh, rotate[96];
	struct resp *r;

	snprintf(rotate, sizeof rotate, "%s/rotate", a.path);
	r = http_json("POST", rotate, token("admin"), NULL, "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	fresh_secret = strdup(json_string_value(json_object_get(r->json, "client_secret")));
	resp_free(r);
	assert_everywhere(old, "/v1/local-authorities", 401);
	fresh = access_token(&a, fresh_secret);
	assert_everywhere(fresh, "/v1/local-authorities", 200);
	free(old);
	free(fresh);
	free(fresh_secret);
}

Test(accounts, a_change_of_role_or_scope_ends_tokens_and_a_rename_does_not)
{
	int la = unused_la_code(), other = 0;
	char body[160], *tok;
	struct account a;
	struct resp *r;

	make_la(la, "Roleshire");
	snprintf(body, sizeof body, "{\"name\": \"changing\", \"role\": \"officer\", \"la_code\": %d}", la);
	a = new_account(body);
	tok = access_token(&a, a.secret);
	/* a new name grants nothing new: the token holds */
	r = http_json("PATCH", a.path, token("admin"), "{\"name\": \"renamed\"}", "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	assert_everywhere(tok, "/v1/local-authorities", 200);
	/* demoted: the officer's token ends, a new one is a viewer's */
	r = http_json("PATCH", a.path, token("admin"), "{\"role\": \"viewer\"}", "\"2\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	assert_everywhere(tok, "/v1/local-authorities", 401);
	free(tok);
	tok = access_token(&a, a.secret);
	r = http_json("POST", "/v1/areas", tok, "{\"la_code\": 100, \"code\": \"x\", \"name\": \"X\"}", NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	/* moved to another LA: ended again */
	other = unused_la_code();
	make_la(other, "Elsewhereshire");
	snprintf(body, sizeof body, "{\"la_code\": %d}", other);
	r = http_json("PATCH", a.path, token("admin"), body, "\"3\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	assert_everywhere(tok, "/v1/local-authorities", 401);
	free(tok);
}

Test(accounts, a_guesser_elsewhere_does_not_lock_the_client_out)
{
	struct account a = new_account("{\"name\": \"finance link\", \"role\": \"finance\"}");
	struct resp *r;

	/* the finance system has its token from its own address */
	r = basic_token(a.client_id, a.secret, "127.0.0.6");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	/* someone else guesses from another address until held back there */
	for (int i = 0; i < 5; i++) {
		r = basic_token(a.client_id, "guess", "127.0.0.7");
		assert_oauth_error(r, 401, "invalid_client");
		resp_free(r);
	}
	r = basic_token(a.client_id, "guess", "127.0.0.7");
	assert_oauth_error(r, 429, "temporarily_unavailable");
	resp_free(r);
	/* the finance system is not */
	r = basic_token(a.client_id, a.secret, "127.0.0.6");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
}

Test(accounts, guessing_from_many_addresses_meets_a_ceiling_that_spares_known_ones)
{
	struct account a = new_account("{\"name\": \"ceilinged\", \"role\": \"viewer\"}");
	char source[32];
	struct resp *r;

	r = basic_token(a.client_id, a.secret, "127.0.0.8");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	/* AUTH_FAILURES_PER_CLIENT_TOTAL is 12 in this suite: 4 addresses, 3 guesses each */
	for (int i = 0; i < 12; i++) {
		snprintf(source, sizeof source, "127.0.2.%d", 10 + i / 3);
		r = basic_token(a.client_id, "guess", source);
		assert_oauth_error(r, 401, "invalid_client");
		resp_free(r);
	}
	/* a new address is held back, even with the right secret */
	r = basic_token(a.client_id, a.secret, "127.0.2.50");
	assert_oauth_error(r, 429, "temporarily_unavailable");
	resp_free(r);
	/* the address the client had its tokens from is not */
	r = basic_token(a.client_id, a.secret, "127.0.0.8");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
}

/* ---- the audit trail --------------------------------------------------- */

static json_t *
events(const char *tok, const char *query)
{
	char path[256];
	struct resp *r;
	json_t *items;

	snprintf(path, sizeof path, "/v1/audit-events%s", query);
	r = http("GET", path, tok, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
	items = json_incref(json_object_get(r->json, "items"));
	resp_free(r);
	return items;
}

Test(audit, every_write_is_recorded_with_what_changed)
{
	int code = unused_la_code(), urn;
	char path[64], query[128];
	json_t *ev, *e;
	struct resp *r;

	make_la(code, "Auditshire");
	urn = make_school(code, 1, "Audited Primary", "primary");
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	r = http_json("PATCH", path, token("officer"), "{\"pupils\": 250, \"name\": \"Audited Primary\"}", "\"1\"");
	cr_assert_eq(r->status, 200);
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"pupils\": \"many\"}", "\"2\"");
	cr_assert_eq(r->status, 422);
	resp_free(r);
	r = http_json("DELETE", path, token("admin"), NULL, "\"2\"");
	cr_assert_eq(r->status, 204);
	resp_free(r);

	snprintf(query, sizeof query, "?resource=school&resource_id=%d&sort=id", urn);
	ev = events(token("admin"), query);
	cr_assert_eq(json_array_size(ev), 3, "create, update, delete; the refused patch left nothing");
	e = json_array_get(ev, 0);
	cr_assert_str_eq(json_string_value(json_object_get(e, "action")), "create");
	cr_assert_str_eq(json_string_value(json_object_get(e, "role")), "officer");
	cr_assert_str_eq(json_string_value(json_object_get(e, "subject")), "tester");
	cr_assert_eq(json_integer_value(json_object_get(e, "la_code")), code);
	cr_assert_eq(strlen(json_string_value(json_object_get(e, "request_id"))), 32);
	cr_assert(json_is_null(json_object_get(json_object_get(e, "changes"), "before")));
	e = json_array_get(ev, 1);
	cr_assert_str_eq(json_string_value(json_object_get(e, "action")), "update");
	{
		json_t *before = json_object_get(json_object_get(e, "changes"), "before");
		json_t *after = json_object_get(json_object_get(e, "changes"), "after");
		cr_assert_eq(json_integer_value(json_object_get(before, "pupils")), 200);
		cr_assert_eq(json_integer_value(json_object_get(after, "pupils")), 250);
		cr_assert_null(json_object_get(after, "name"), "unchanged fields are left out");
		cr_assert_eq(json_object_size(after), 1);
	}
	e = json_array_get(ev, 2);
	cr_assert_str_eq(json_string_value(json_object_get(e, "action")), "delete");
	cr_assert(json_is_null(json_object_get(json_object_get(e, "changes"), "after")));
	json_decref(ev);
}

Test(audit, officers_see_their_la_and_nobody_changes_the_trail)
{
	int mine = unused_la_code(), theirs;
	const char *officer;
	json_t *ev, *e;
	size_t i;

	make_la(mine, "Mineshire");
	theirs = unused_la_code();
	make_la(theirs, "Theirshire");
	make_school(mine, 1, "Mine Primary", "primary");
	make_school(theirs, 1, "Their Primary", "primary");
	officer = token_scoped("officer", mine, 0);
	ev = events(officer, "?limit=500");
	cr_assert_gt(json_array_size(ev), 0);
	json_array_foreach(ev, i, e)
		cr_assert_eq(json_integer_value(json_object_get(e, "la_code")), mine);
	json_decref(ev);

	/* service accounts (client ids, roles, scopes, logins) are the admins' alone */
	{
		char body[128];
		snprintf(body, sizeof body, "{\"name\": \"la link\", \"role\": \"finance\", \"la_code\": %d}", mine);
		new_account(body);
		ev = events(officer, "?resource=service-account&limit=500");
		cr_assert_eq(json_array_size(ev), 0);
		json_decref(ev);
		ev = events(token("officer"), "?resource=service-account&limit=500");
		cr_assert_eq(json_array_size(ev), 0, "not to an officer of every LA either");
		json_decref(ev);
		ev = events(token("admin"), "?resource=service-account&limit=500");
		cr_assert_gt(json_array_size(ev), 0);
		json_decref(ev);
	}

	{
		struct resp *r = http("GET", "/v1/audit-events?from=yesterday", token("admin"), NULL, NULL);
		assert_problem(r, 400, "malformed", "from");
		resp_free(r);
		r = http_json("DELETE", "/v1/audit-events", token("admin"), NULL, "*");
		assert_problem(r, 405, "method-not-allowed", NULL);
		resp_free(r);
	}
	/* Not even the database lets the trail change. */
	{
		long long n = db_scalar("SELECT count(*) FROM audit_event", NULL);
		char *u = db_error_of("UPDATE audit_event SET action = 'nothing'");
		char *d = db_error_of("DELETE FROM audit_event");
		cr_assert_str_eq(u, "42501");
		cr_assert_str_eq(d, "42501");
		cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event", NULL), n);
		free(u);
		free(d);
	}
}
