/*
 * account.c
 *    This module defines the service account resource, holds its SQL, and
 *    implements credentials (see account.h).
 */
#include "account.h"

#include <argon2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cursor.h"

/* OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane. */
#define ARGON2_T 2
#define ARGON2_M 19456
#define ARGON2_P 1

static const char *const roles[] = {"admin", "officer", "finance", "chair", "viewer", NULL};

enum { AF_NAME, AF_ROLE, AF_LA_CODE, AF_SCHOOL_URN, AF_GROUP_ID, AF__COUNT };

static const struct field account_fields[AF__COUNT] = {
	[AF_NAME] = {.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .min = 1, .max = 200},
	[AF_ROLE] = {.name = "role", .type = FT_ENUM, .flags = F_REQUIRED, .values = roles},
	[AF_LA_CODE] = {.name = "la_code", .type = FT_INT, .flags = F_NULLABLE, .min = 100, .max = 999},
	[AF_SCHOOL_URN] = {.name = "school_urn", .type = FT_INT, .flags = F_NULLABLE, .min = 100000,
	                   .max = 999999},
	[AF_GROUP_ID] = {.name = "group_id", .type = FT_INT, .flags = F_NULLABLE, .min = 1,
	                 .max = 9223372036854775807LL},
};

static const char *const account_read_only[] = {
	"id", "client_id", "client_secret", "revoked", "revoked_at", "secret_rotated_at",
	"created_at", "updated_at", "version", NULL};

static const struct field_set account_field_set = {account_fields, AF__COUNT, account_read_only};

#define ACCOUNT_DOC                                                                           \
	"json_build_object('id', a.id, 'name', a.name, 'role', a.role, 'la_code', a.la_code, "    \
	"'school_urn', a.school_urn, 'group_id', a.group_id, 'client_id', a.client_id, "                                  \
	"'revoked', a.revoked_at IS NOT NULL, 'revoked_at', api_ts(a.revoked_at), "               \
	"'secret_rotated_at', api_ts(a.secret_rotated_at), 'created_at', api_ts(a.created_at), " \
	"'updated_at', api_ts(a.updated_at), 'version', a.version)"

static const struct db_stmt ACCOUNT_INSERT = {"account_insert",
	"INSERT INTO service_account (name, role, la_code, school_urn, group_id, client_id, secret_hash) "
	"VALUES ($1, $2, $3::integer, $4::integer, $5::bigint, $6, $7) RETURNING id"};
static const struct db_stmt ACCOUNT_UPDATE = {"account_update",
	"UPDATE service_account SET name = $2, role = $3, la_code = $4::integer, "
	"school_urn = $5::integer, group_id = $6::bigint, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint"};
static const struct db_stmt ACCOUNT_ROTATE = {"account_rotate",
	"UPDATE service_account SET secret_hash = $2, secret_rotated_at = now(), updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint"};
static const struct db_stmt ACCOUNT_REVOKE = {"account_revoke",
	"UPDATE service_account SET revoked_at = now(), updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint"};
static const struct db_stmt ACCOUNT_BY_CLIENT = {"account_by_client",
	"SELECT id, role, la_code, school_urn, secret_hash, revoked_at IS NOT NULL, group_id, "
	"token_generation FROM service_account WHERE client_id = $1"};

static const struct filter_def account_filters[] = {
	{.name = "role", .kind = FILTER_ENUM, .sql = "a.role = $%d", .values = roles},
	{.name = "la", .kind = FILTER_INT, .sql = "a.la_code = $%d::integer", .min = 100, .max = 999},
	{.name = "revoked", .kind = FILTER_BOOL, .sql = "(a.revoked_at IS NOT NULL) = $%d::boolean"},
};

static const struct sort_def account_sorts[] = {
	{"id", "a.id", "bigint", false},   {"-id", "a.id", "bigint", true},
	{"name", "a.name", "text", false}, {"-name", "a.name", "text", true},
};

static const struct constraint_def account_constraints[] = {
	{"service_account_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"service_account_school_fkey", "school_urn", "reference", "does not name a school"},
	{"service_account_group_fkey", "group_id", "reference", "does not name a consortium or area network"},
	{"service_account_name_check", "name", "length", "must be 1 to 200 characters long"},
	{"service_account_role_check", "role", "enum", "must be admin, officer, finance, chair or viewer"},
	{"service_account_client_id_key", "client_id", "duplicate", "is already the client id of another account"},
};

/* ---- state changes --------------------------------------------------------- */

static const char *const account_states[] = {"active", "revoked", NULL};

static const char *
account_state(const json_t *row)
{
	return json_is_true(json_object_get(row, "revoked")) ? "revoked" : "active";
}

/* A new secret: its hash for the change, the secret itself for the answer, once. */
static bool
new_secret(struct made_value *m)
{
	struct credentials cr;
	bool ok = credentials_new(&cr);

	if (ok && (m->param = strdup(cr.hash)) != NULL)
		memcpy(m->shown, cr.secret, sizeof cr.secret);
	credentials_clear(&cr);
	return ok && m->param != NULL;
}

static const char *const from_active[] = {"active", NULL};

static const struct action_def account_actions[] = {
	{.name = "rotate", .from = from_active, .change = &ACCOUNT_ROTATE, .if_match = true,
	 .make = new_secret, .show_as = "client_secret"},
	{.name = "revoke", .from = from_active, .change = &ACCOUNT_REVOKE, .if_match = true},
};

const struct resource_def account_def = {
	.noun = "service account",
	.resource = "service-account",
	.path = "/v1/service-accounts",
	.key_field = "id",
	.key_min = 1,
	.key_max = 9223372036854775807LL,
	.fields = &account_field_set,
	.load_cols = "a.name, a.role, a.la_code, a.school_urn, a.group_id",
	.insert = &ACCOUNT_INSERT,
	.update = &ACCOUNT_UPDATE,
	.list_doc = ACCOUNT_DOC,
	.list_from = "service_account a",
	.key_expr = "a.id",
	.key_type = "bigint",
	.q_expr = "a.name",
	.scope_la = "a.la_code = $%d::integer",
	.scope_school = "a.school_urn = $%d::integer",
	.scope_group = "a.group_id = $%d::bigint",
	.la_field = "la_code",
	.filters = account_filters,
	.nfilters = sizeof account_filters / sizeof account_filters[0],
	.sorts = account_sorts,
	.nsorts = sizeof account_sorts / sizeof account_sorts[0],
	.constraints = account_constraints,
	.nconstraints = sizeof account_constraints / sizeof account_constraints[0],
	.states = account_states,
	.state_of = account_state,
	.actions = account_actions,
	.nactions = sizeof account_actions / sizeof account_actions[0],
};

bool
credentials_new(struct credentials *cr)
{
	unsigned char id[16], secret[32], salt[16];
	static const char hex[] = "0123456789abcdef";
	char *b64;
	size_t enclen = argon2_encodedlen(ARGON2_T, ARGON2_M, ARGON2_P, sizeof salt, 32, Argon2_id);

	memset(cr, 0, sizeof *cr);
	if (getrandom(id, sizeof id, 0) != sizeof id || getrandom(secret, sizeof secret, 0) != sizeof secret ||
	    getrandom(salt, sizeof salt, 0) != sizeof salt)
		return false;
	memcpy(cr->client_id, "sa_", 3);
	for (size_t i = 0; i < sizeof id; i++) {
		cr->client_id[3 + 2 * i] = hex[id[i] >> 4];
		cr->client_id[4 + 2 * i] = hex[id[i] & 15];
	}
	cr->client_id[3 + 2 * sizeof id] = '\0';
	if ((b64 = base64url_encode(secret, sizeof secret)) == NULL)
		return false;
	snprintf(cr->secret, sizeof cr->secret, "%s", b64);
	free(b64);
	if ((cr->hash = malloc(enclen)) == NULL)
		return false;
	if (argon2id_hash_encoded(ARGON2_T, ARGON2_M, ARGON2_P, cr->secret, strlen(cr->secret), salt,
	                          sizeof salt, 32, cr->hash, enclen) != ARGON2_OK) {
		credentials_clear(cr);
		return false;
	}
	return true;
}

void
credentials_clear(struct credentials *cr)
{
	if (cr == NULL)
		return;
	free(cr->hash);
	explicit_bzero(cr, sizeof *cr);
}

enum err
account_create(struct db_conn *c, const struct actor *who, const json_t *body, struct doc *out,
               char secret[48], struct problem *p)
{
	struct credentials cr;
	const char *extra[2];
	enum err e;

	if (!credentials_new(&cr))
		return problem_set(p, ERR_INTERNAL, "could not make credentials");
	extra[0] = cr.client_id;
	extra[1] = cr.hash;
	e = resource_create(c, &account_def, body, who, extra, 2, out, p);
	if (e == ERR_OK)
		memcpy(secret, cr.secret, sizeof cr.secret);
	credentials_clear(&cr);
	return e;
}

/* A hash of a secret nobody has, to spend the same time on unknown clients. */
static char decoy[128];
static pthread_once_t decoy_once = PTHREAD_ONCE_INIT;

static void
make_decoy(void)
{
	struct credentials cr;

	if (credentials_new(&cr))
		snprintf(decoy, sizeof decoy, "%s", cr.hash);
	credentials_clear(&cr);
}

enum err
account_authenticate(struct db_conn *c, const char *client_id, const char *secret,
                     struct account_grant *out, struct problem *p)
{
	const char *v[] = {client_id};
	PGresult *res = NULL;
	enum err e;
	bool known, revoked, match;

	memset(out, 0, sizeof *out);
	pthread_once(&decoy_once, make_decoy);
	if ((e = db_exec(c, &ACCOUNT_BY_CLIENT, 1, v, &res, p)) != ERR_OK)
		return e;
	known = PQntuples(res) == 1;
	match = argon2id_verify(known ? PQgetvalue(res, 0, 4) : decoy, secret, strlen(secret)) ==
	        ARGON2_OK;
	if (!known || !match) {
		PQclear(res);
		return problem_set(p, ERR_UNAUTHORIZED, known ? "wrong client secret" : "unknown client");
	}
	revoked = PQgetvalue(res, 0, 5)[0] == 't';
	out->id = atoll(PQgetvalue(res, 0, 0));
	out->role = role_parse(PQgetvalue(res, 0, 1));
	out->la_code = PQgetisnull(res, 0, 2) ? 0 : atoi(PQgetvalue(res, 0, 2));
	out->school_urn = PQgetisnull(res, 0, 3) ? 0 : atoi(PQgetvalue(res, 0, 3));
	out->group_id = PQgetisnull(res, 0, 6) ? 0 : atoll(PQgetvalue(res, 0, 6));
	out->generation = atoi(PQgetvalue(res, 0, 7));
	PQclear(res);
	if (revoked)
		return problem_set(p, ERR_UNAUTHORIZED, "the account is revoked");
	return ERR_OK;
}
