/*
 * webhook.c
 *    Webhooks after the Standard Webhooks specification. A subscription (of
 *    an LA, for a service account) names a URL and the event types it
 *    wants; its secret, made here and shown once, signs every delivery
 *    (webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>"),
 *    and a rotation keeps the secret before valid for a day, both signing.
 *    The deliveries are written by the database in the transaction of the
 *    change they tell of (schema/0026_webhooks.sql); here is what the sender
 *    claims and records of them, and their log as a resource.
 */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "casework.h"   /* the fields, filters and sorts definitions share */
#include "webhook.h"

/* ---- the signature ------------------------------------------------------------------- */

static atomic_bool allow_http;

void
webhook_allow_http(bool allow)
{
	atomic_store(&allow_http, allow);
}

bool
webhook_url_allowed(const char *url)
{
	return strncmp(url, "https://", 8) == 0 || (atomic_load(&allow_http) && strncmp(url, "http://", 7) == 0);
}

bool
webhook_secret_new(char out[WEBHOOK_SECRET_LEN + 1])
{
	unsigned char key[32];

	if (getrandom(key, sizeof key, 0) != (ssize_t)sizeof key)
		return false;
	memcpy(out, "whsec_", 6);
	EVP_EncodeBlock((unsigned char *)out + 6, key, sizeof key);   /* 44 characters and the NUL */
	explicit_bzero(key, sizeof key);
	return true;
}

/* The key a secret holds: its base64 decoded, into key (24 to 64 bytes); its length, or -1. */
static int
secret_key(const char *secret, unsigned char key[64])
{
	const char *b64 = strncmp(secret, "whsec_", 6) == 0 ? secret + 6 : secret;
	size_t len = strlen(b64);
	unsigned char buf[96];
	int n;

	if (len == 0 || len % 4 != 0 || len > 88)
		return -1;
	if ((n = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)len)) < 0)
		return -1;
	n -= (b64[len - 1] == '=') + (b64[len - 2] == '=');   /* DecodeBlock counts the padding as zeros */
	if (n < 24 || n > 64)   /* the specification's bounds on a key */
		return -1;
	memcpy(key, buf, (size_t)n);
	explicit_bzero(buf, sizeof buf);
	return n;
}

bool
webhook_sign(const char *secret, const char *msg_id, long long timestamp, const char *body, size_t len,
             char out[64])
{
	unsigned char key[64], mac[EVP_MAX_MD_SIZE];
	char ts[24];
	size_t maclen = 0;
	int keylen = secret_key(secret, key);
	EVP_MAC *hmac = keylen > 0 ? EVP_MAC_fetch(NULL, "HMAC", NULL) : NULL;
	EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
	                       OSSL_PARAM_construct_end()};
	bool ok;

	snprintf(ts, sizeof ts, "%lld", timestamp);
	ok = ctx && EVP_MAC_init(ctx, key, (size_t)keylen, params) == 1 &&
	     EVP_MAC_update(ctx, (const unsigned char *)msg_id, strlen(msg_id)) == 1 &&
	     EVP_MAC_update(ctx, (const unsigned char *)".", 1) == 1 &&
	     EVP_MAC_update(ctx, (const unsigned char *)ts, strlen(ts)) == 1 &&
	     EVP_MAC_update(ctx, (const unsigned char *)".", 1) == 1 &&
	     EVP_MAC_update(ctx, (const unsigned char *)body, len) == 1 &&
	     EVP_MAC_final(ctx, mac, &maclen, sizeof mac) == 1 && maclen == 32;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(hmac);
	explicit_bzero(key, sizeof key);
	if (!ok)
		return false;
	memcpy(out, "v1,", 3);
	EVP_EncodeBlock((unsigned char *)out + 3, mac, 32);   /* 44 characters and the NUL */
	return true;
}

/* ---- subscriptions ---------------------------------------------------------------- */

static const char *const event_types[] = {"payment.due", "payment.changed", "allocation.approved", "plan.submitted",
                                          "evaluation.overdue", "chair.unconfirmed", "deadline.approaching", NULL};

static bool
event_type_ok(const char *s)
{
	for (size_t i = 0; event_types[i]; i++)
		if (strcmp(s, event_types[i]) == 0)
			return true;
	return false;
}

static bool
url_ok(const char *s)
{
	return webhook_url_allowed(s) && strpbrk(s, " \t\r\n#@") == NULL && strchr(s + 8, '/') != s + 8;
}

enum { WS_LA, WS_ACCOUNT, WS_URL, WS_TYPES, WS_DESCRIPTION, WS_ENABLED, WS__N };

static const struct field subscription_fields[WS__N] = {
	[WS_LA] = {.name = "la_code", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 100, .max = 999},
	[WS_ACCOUNT] = ID_FIELD("account_id", F_REQUIRED),
	[WS_URL] = {.name = "url", .type = FT_TEXT, .flags = F_REQUIRED, .min = 10, .max = 2000, .check = url_ok,
	            .format = "an https:// URL"},
	[WS_TYPES] = {.name = "event_types", .type = FT_TEXT_ARRAY, .flags = F_REQUIRED, .min = 1, .max = 40,
	              .max_items = 20, .check = event_type_ok,
	              .format = "an event type: payment.due, payment.changed, allocation.approved, plan.submitted, "
	                        "evaluation.overdue, chair.unconfirmed or deadline.approaching"},
	[WS_DESCRIPTION] = TEXT_FIELD("description", F_NULLABLE, 200),
	[WS_ENABLED] = {.name = "enabled", .type = FT_BOOL, .dflt = "true"},
};
static const char *const subscription_read_only[] = {"id", "account_name", "previous_secret_expires_at",
                                                     "created_by", "created_at", "updated_at", "version", NULL};
static const struct field_set subscription_field_set = {subscription_fields, WS__N, subscription_read_only};

/* $1..$6 the fields, $7 the secret, $8 who made it. */
static const struct db_stmt SUBSCRIPTION_INSERT = {"webhook_subscription_insert",
	"INSERT INTO webhook_subscription (la_id, account_id, url, event_types, description, enabled, secret, "
	"created_by) SELECT l.id, $2::bigint, $3, $4::text[], $5, $6::boolean, $7, $8 "
	"FROM local_authority l WHERE l.code = $1::integer RETURNING id"};
static const struct db_stmt SUBSCRIPTION_UPDATE = {"webhook_subscription_update",
	"UPDATE webhook_subscription SET account_id = $3::bigint, url = $4, event_types = $5::text[], "
	"description = $6, enabled = $7::boolean, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND num_nulls($2::integer) >= 0"};
static const struct db_stmt SUBSCRIPTION_DELETE = {"webhook_subscription_delete",
	"DELETE FROM webhook_subscription WHERE id = $1::bigint"};
/* A new secret; the one before goes on signing for a day, so receivers can change over. */
static const struct db_stmt SUBSCRIPTION_ROTATE = {"webhook_subscription_rotate",
	"UPDATE webhook_subscription SET previous_secret = secret, previous_until = now() + interval '24 hours', "
	"secret = $2, updated_at = now(), version = version + 1 WHERE id = $1::bigint"};

static const struct filter_def subscription_filters[] = {
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "account_id", .kind = FILTER_INT, .sql = "x.account_id = $%d::bigint", .min = 1, .max = ID_MAX},
	{.name = "enabled", .kind = FILTER_BOOL, .sql = "x.enabled = $%d::boolean"},
};
static const struct sort_def subscription_sorts[] = {{"id", "x.id", "bigint", false}, {"-id", "x.id", "bigint", true}};
static const struct constraint_def subscription_constraints[] = {
	{"webhook_subscription_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"webhook_subscription_account_fkey", "account_id", "reference", "does not name a service account"},
	{"webhook_subscription_account_rule", "account_id", "reference", "names a service account of another LA"},
	{"webhook_subscription_url_check", "url", "format", "must be an http(s) URL of at most 2000 characters"},
	{"webhook_subscription_types_check", "event_types", "enum", "must name 1 to 20 known event types"},
	{"webhook_subscription_description_check", "description", "length", "must be 1 to 200 characters long"},
};

static const char *const subscription_states[] = {"enabled", "disabled", NULL};

static const char *
subscription_state(const json_t *row)
{
	return json_is_false(json_object_get(row, "enabled")) ? "disabled" : "enabled";
}

static bool
new_secret(struct made_value *m)
{
	char secret[WEBHOOK_SECRET_LEN + 1];

	if (!webhook_secret_new(secret) || (m->param = strdup(secret)) == NULL) {
		explicit_bzero(secret, sizeof secret);
		return false;
	}
	memcpy(m->shown, secret, sizeof secret);
	explicit_bzero(secret, sizeof secret);
	return true;
}

static const struct action_def subscription_actions[] = {
	{.name = "rotate", .from = subscription_states, .change = &SUBSCRIPTION_ROTATE, .if_match = true,
	 .make = new_secret, .show_as = "secret"},
};

const struct resource_def webhook_subscription_def = {
	.noun = "webhook subscription", .resource = "webhook-subscription", .path = "/v1/webhook-subscriptions",
	.key_field = "id", .key_min = 1, .key_max = ID_MAX, .fields = &subscription_field_set,
	.load_cols = "l.code, x.account_id, x.url, x.event_types, x.description, x.enabled",
	.insert = &SUBSCRIPTION_INSERT, .insert_miss_field = "la_code", .update = &SUBSCRIPTION_UPDATE,
	.del = &SUBSCRIPTION_DELETE,
	.list_doc = "json_build_object('id', x.id, 'la_code', l.code, 'account_id', x.account_id, "
	            "'account_name', a.name, 'url', x.url, 'event_types', to_json(x.event_types), "
	            "'description', x.description, 'enabled', x.enabled, "
	            "'previous_secret_expires_at', CASE WHEN x.previous_until > now() THEN api_ts(x.previous_until) END, "
	            "'created_by', x.created_by, 'created_at', api_ts(x.created_at), "
	            "'updated_at', api_ts(x.updated_at), 'version', x.version)",
	.list_from = "webhook_subscription x JOIN local_authority l ON l.id = x.la_id "
	             "JOIN service_account a ON a.id = x.account_id",
	.key_expr = "x.id", .key_type = "bigint", .scope_la = "l.code = $%d::integer", .la_field = "la_code",
	FILTERS(subscription_filters), SORTS(subscription_sorts), CONSTRAINTS(subscription_constraints),
	.states = subscription_states, .state_of = subscription_state, .actions = subscription_actions,
	.nactions = COUNT(subscription_actions),
};

enum err
webhook_subscription_create(struct db_conn *c, const struct actor *who, const json_t *body, struct doc *out,
                            char secret[WEBHOOK_SECRET_LEN + 1], struct problem *p)
{
	const char *extra[2];

	if (!webhook_secret_new(secret))
		return problem_set(p, ERR_INTERNAL, "could not make a secret");
	extra[0] = secret;
	extra[1] = who->audit.subject ? who->audit.subject : "";
	return resource_create(c, &webhook_subscription_def, body, who, extra, 2, out, p);
}

/* ---- the delivery log ------------------------------------------------------------------ */

static const char *const delivery_statuses[] = {"pending", "delivered", "failed", NULL};
static const char *const settled[] = {"delivered", "failed", NULL};

/* Sent again from the start of the schedule: a failed delivery, or a delivered one the receiver lost. */
static const struct db_stmt DELIVERY_RETRY = {"webhook_delivery_retry",
	"UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), "
	"delivered_at = NULL, version = version + 1 WHERE id = $1::bigint"};

static const struct action_def delivery_actions[] = {
	{.name = "retry", .from = settled, .change = &DELIVERY_RETRY},
};

static const struct filter_def delivery_filters[] = {
	{.name = "subscription_id", .kind = FILTER_INT, .sql = "d.subscription_id = $%d::bigint", .min = 1,
	 .max = ID_MAX},
	{.name = "status", .kind = FILTER_ENUM, .sql = "d.status = $%d", .values = delivery_statuses},
	{.name = "event_type", .kind = FILTER_ENUM, .sql = "e.type = $%d", .values = event_types},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
};
static const struct sort_def delivery_sorts[] = {{"-id", "d.id", "bigint", true}, {"id", "d.id", "bigint", false}};
static const char *const delivery_read_only[] = {NULL};
static const struct field_set delivery_field_set = {NULL, 0, delivery_read_only};

const struct resource_def webhook_delivery_def = {
	.noun = "webhook delivery", .resource = "webhook-delivery", .path = "/v1/webhook-deliveries",
	.key_field = "id", .key_min = 1, .key_max = ID_MAX, .fields = &delivery_field_set,
	.list_doc = "json_build_object('id', d.id, 'msg_id', 'msg_' || d.id, 'subscription_id', d.subscription_id, "
	            "'la_code', l.code, 'event_type', e.type, 'event', json_build_object('type', e.type, "
	            "'timestamp', api_ts(e.occurred_at), 'data', e.data), 'status', d.status, 'attempts', d.attempts, "
	            "'next_attempt_at', CASE WHEN d.status = 'pending' THEN api_ts(d.next_attempt_at) END, "
	            "'last_status', d.last_status, 'last_error', d.last_error, "
	            "'delivered_at', api_ts(d.delivered_at), 'created_at', api_ts(d.created_at), "
	            "'log', (SELECT coalesce(json_agg(json_build_object('attempted_at', api_ts(t.attempted_at), "
	            "'status_code', t.status_code, 'error', t.error, 'duration_ms', t.duration_ms) ORDER BY t.id), '[]') "
	            "FROM (SELECT * FROM webhook_attempt WHERE delivery_id = d.id ORDER BY id DESC LIMIT 50) t), "
	            "'version', d.version)",
	.list_from = "webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id "
	             "JOIN webhook_event e ON e.id = d.event_id JOIN local_authority l ON l.id = s.la_id",
	.key_expr = "d.id", .key_type = "bigint", .scope_la = "l.code = $%d::integer", .la_field = "la_code",
	FILTERS(delivery_filters), SORTS(delivery_sorts),
	.states = delivery_statuses, .actions = delivery_actions, .nactions = COUNT(delivery_actions),
};

/* ---- what the sender claims and records --------------------------------------------------- */

/*
 * $1 the time one attempt may take, $2 how many at most: sent one after
 * another, the n-th is leased for n attempts' time and 5 s.
 */
static const struct db_stmt CLAIM = {"webhook_claim",
	"WITH due AS (SELECT d.id, d.next_attempt_at FROM webhook_delivery d "
	"JOIN webhook_subscription s ON s.id = d.subscription_id JOIN service_account a ON a.id = s.account_id "
	"WHERE d.status = 'pending' AND d.next_attempt_at <= clock_timestamp() AND s.enabled AND a.revoked_at IS NULL "
	"ORDER BY d.next_attempt_at LIMIT $2::integer FOR UPDATE OF d SKIP LOCKED), "
	"ranked AS (SELECT id, row_number() OVER (ORDER BY next_attempt_at, id) AS n FROM due), "
	"claimed AS (UPDATE webhook_delivery d SET attempts = d.attempts + 1, "
	"next_attempt_at = clock_timestamp() + make_interval(secs => ranked.n * $1::integer + 5) "
	"FROM ranked, webhook_subscription s, webhook_event e "
	"WHERE d.id = ranked.id AND s.id = d.subscription_id AND e.id = d.event_id "
	"RETURNING d.id, d.attempts, s.url, s.secret, CASE WHEN s.previous_until > now() THEN s.previous_secret END, "
	"json_build_object('type', e.type, 'timestamp', api_ts(e.occurred_at), 'data', e.data)::text, ranked.n) "
	"SELECT * FROM claimed ORDER BY n"};

/* $1 delivery, $2 status (NULL: none), $3 error, $4 duration, $5 delivered, $6 attempts allowed, $7 wait. */
static const struct db_stmt RECORD = {"webhook_record",
	"WITH a AS (INSERT INTO webhook_attempt (delivery_id, status_code, error, duration_ms) "
	"VALUES ($1::bigint, $2::integer, $3, $4::integer)) "
	"UPDATE webhook_delivery SET last_status = $2::integer, last_error = $3, "
	"status = CASE WHEN $5::boolean THEN 'delivered' WHEN attempts >= $6::integer THEN 'failed' ELSE 'pending' END, "
	"delivered_at = CASE WHEN $5::boolean THEN clock_timestamp() END, "
	"next_attempt_at = clock_timestamp() + make_interval(secs => $7::integer), version = version + 1 "
	"WHERE id = $1::bigint"};

static const struct db_stmt SCAN = {"webhook_scan", "SELECT webhook_scan(london_today(), $1::integer)"};

static char *
dup_or_null(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : strdup(PQgetvalue(res, row, col));
}

void
webhook_jobs_free(struct webhook_job *jobs, size_t n)
{
	for (size_t i = 0; jobs && i < n; i++) {
		free(jobs[i].url);
		if (jobs[i].secret)
			explicit_bzero(jobs[i].secret, strlen(jobs[i].secret));
		if (jobs[i].previous_secret)
			explicit_bzero(jobs[i].previous_secret, strlen(jobs[i].previous_secret));
		free(jobs[i].secret);
		free(jobs[i].previous_secret);
		free(jobs[i].body);
	}
	free(jobs);
}

enum err
webhook_claim(struct db_conn *c, int attempt_s, int most, struct webhook_job **jobs, size_t *n, struct problem *p)
{
	char lease[16], limit[16];
	const char *v[] = {lease, limit};
	PGresult *res = NULL;
	enum err e;

	*jobs = NULL;
	*n = 0;
	snprintf(lease, sizeof lease, "%d", attempt_s);
	snprintf(limit, sizeof limit, "%d", most);
	if ((e = db_exec(c, &CLAIM, 2, v, &res, p)) != ERR_OK) {
		PQclear(res);
		return e;
	}
	if (PQntuples(res) > 0 && (*jobs = calloc((size_t)PQntuples(res), sizeof **jobs)) == NULL) {
		PQclear(res);
		return problem_set(p, ERR_INTERNAL, "out of memory");
	}
	for (int i = 0; i < PQntuples(res); i++) {
		struct webhook_job *j = &(*jobs)[i];

		j->delivery = atoll(PQgetvalue(res, i, 0));
		j->attempts = atoi(PQgetvalue(res, i, 1));
		snprintf(j->msg_id, sizeof j->msg_id, "msg_%lld", j->delivery);
		j->url = dup_or_null(res, i, 2);
		j->secret = dup_or_null(res, i, 3);
		j->previous_secret = dup_or_null(res, i, 4);
		j->body = dup_or_null(res, i, 5);
		*n = (size_t)i + 1;
		if (j->url == NULL || j->secret == NULL || j->body == NULL) {
			PQclear(res);
			return problem_set(p, ERR_INTERNAL, "out of memory");
		}
	}
	PQclear(res);
	return ERR_OK;
}

enum err
webhook_record(struct db_conn *c, const struct webhook_job *job, int status, const char *error, int duration_ms,
               const int *retry_s, int nretry, struct problem *p)
{
	char id[24], code[16], took[16], allowed[16], wait[16];
	bool delivered = status >= 200 && status < 300;
	const char *v[] = {id, status ? code : NULL, error, took, delivered ? "true" : "false", allowed, wait};
	PGresult *res = NULL;
	enum err e;

	snprintf(id, sizeof id, "%lld", job->delivery);
	snprintf(code, sizeof code, "%d", status);
	snprintf(took, sizeof took, "%d", duration_ms);
	snprintf(allowed, sizeof allowed, "%d", nretry + 1);
	snprintf(wait, sizeof wait, "%d", job->attempts - 1 < nretry ? retry_s[job->attempts - 1] : 0);
	e = db_exec(c, &RECORD, 7, v, &res, p);
	PQclear(res);
	return e;
}

enum err
webhook_scan(struct db_conn *c, int within_days, struct problem *p)
{
	char within[16];
	const char *v[] = {within};
	PGresult *res = NULL;
	enum err e;

	snprintf(within, sizeof within, "%d", within_days);
	e = db_exec(c, &SCAN, 1, v, &res, p);
	PQclear(res);
	return e;
}
