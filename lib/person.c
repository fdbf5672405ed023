/*
 * person.c
 *    This module defines the people of the scheme (a name, a work email,
 *    the date they became a head) and the roles they hold at schools over
 *    dates, and holds their SQL. Appointments, nominations, the register's
 *    headteacher and bodies refer to people; the database keeps the names
 *    those records copy in step (schema/0015_people.sql).
 */
#include <string.h>

#include "people.h"

bool
email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at != s && at[1] && !strchr(at + 1, '@') && !strpbrk(s, " \t\r\n<>");
}

/* ---- people --------------------------------------------------------------- */

enum { PF_LA_CODE, PF_NAME, PF_EMAIL, PF_HEAD_SINCE, PF__COUNT };

static const struct field person_fields[PF__COUNT] = {
	[PF_LA_CODE] = {.name = "la_code", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 100,
	                .max = 999},
	[PF_NAME] = {.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .min = 1, .max = 200},
	[PF_EMAIL] = {.name = "email", .type = FT_TEXT, .flags = F_NULLABLE, .min = 3, .max = 254,
	              .check = email_ok, .format = "an email address"},
	[PF_HEAD_SINCE] = {.name = "head_since", .type = FT_DATE, .flags = F_NULLABLE},
};

static const char *const person_read_only[] = {"id", "status", "erased_at", "erased_by", "roles",
                                               "created_at", "updated_at", "version", NULL};
static const struct field_set person_field_set = {person_fields, PF__COUNT, person_read_only};

#define PERSON_STATUS "CASE WHEN p.erased_at IS NULL THEN 'active' ELSE 'erased' END"

#define PERSON_DOC                                                                                 \
	"json_build_object('id', p.id, 'la_code', l.code, 'name', p.name, 'email', p.email, "         \
	"'head_since', p.head_since, 'status', " PERSON_STATUS ", 'erased_at', api_ts(p.erased_at), " \
	"'erased_by', p.erased_by, 'roles', coalesce((SELECT json_agg(json_build_object('id', r.id, " \
	"'role', r.role, 'school_urn', r.school_urn, 'start_date', r.start_date, "                     \
	"'end_date', r.end_date) ORDER BY r.start_date NULLS FIRST, r.id) FROM person_role r "         \
	"WHERE r.person_id = p.id), '[]'::json), 'created_at', api_ts(p.created_at), "                 \
	"'updated_at', api_ts(p.updated_at), 'version', p.version)"
#define PERSON_FROM "person p JOIN local_authority l ON l.id = p.la_id"

static const struct db_stmt PERSON_INSERT = {"person_insert",
	"INSERT INTO person (la_id, name, email, head_since) "
	"SELECT l.id, $2, $3, $4::date FROM local_authority l WHERE l.code = $1::integer RETURNING id"};
static const struct db_stmt PERSON_UPDATE = {"person_update",
	"UPDATE person SET name = $3, email = $4, head_since = $5::date, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND $2::integer IS NOT NULL"};
static const struct db_stmt PERSON_DELETE = {"person_delete", "DELETE FROM person WHERE id = $1::bigint"};

/* The erasure, by the caller ($2): see person_erase in schema/0016_bodies.sql. */
static const struct db_stmt PERSON_ERASE = {"person_erase",
	"SELECT person_erase($1::bigint, $2::text)"};

static const char *const person_states[] = {"active", "erased", NULL};
static const char *const from_active[] = {"active", NULL};

static const struct action_def person_actions[] = {
	{.name = "erase", .from = from_active, .change = &PERSON_ERASE, .actor = true, .forget_before = true,
	 .hint = "an erased person's data is gone already"},
};

static const char *const role_values[] = {
	"headteacher", "deputy_headteacher", "assistant_headteacher", "teacher", "peer_coach",
	"system_leader", "school_improvement_partner", "governor", "officer", "other", NULL};

static const struct filter_def person_filters[] = {
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "email", .kind = FILTER_TEXT, .sql = "lower(p.email) = lower($%d)", .max = 254},
	{.name = "status", .kind = FILTER_ENUM, .sql = PERSON_STATUS " = $%d", .values = person_states},
	{.name = "school_urn", .kind = FILTER_INT, .min = 100000, .max = 999999,
	 .sql = "EXISTS (SELECT 1 FROM person_role r WHERE r.person_id = p.id AND r.school_urn = $%d::integer)"},
	{.name = "role", .kind = FILTER_ENUM, .values = role_values,
	 .sql = "EXISTS (SELECT 1 FROM person_role r WHERE r.person_id = p.id AND r.role = $%d)"},
};

static const struct sort_def person_sorts[] = {
	{"name", "lower(p.name)", "text", false}, {"-name", "lower(p.name)", "text", true},
	{"id", "p.id", "bigint", false}, {"-id", "p.id", "bigint", true},
};

static const struct constraint_def person_constraints[] = {
	{"person_email_key", "email", "duplicate", "is the work email of another person of this local authority"},
	{"person_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"person_erased_kept", "name", "rule", "the person is erased: their data cannot be set again"},
	{"person_name_check", "name", "length", "must be 1 to 200 characters long"},
	{"person_email_check", "email", "length", "must be 3 to 254 characters long"},
};

static const char *const person_csv[] = {
	"id", "la_code", "name", "email", "head_since", "status", NULL};

const struct resource_def person_def = {
	.csv_columns = person_csv,
	.noun = "person", .resource = "person", .path = "/v1/people", .key_field = "id", .key_min = 1,
	.key_max = 9223372036854775807LL, .fields = &person_field_set,
	.load_cols = "l.code, p.name, p.email, p.head_since", .insert = &PERSON_INSERT,
	.insert_miss_field = "la_code", .update = &PERSON_UPDATE, .del = &PERSON_DELETE,
	.del_conflict = "the person is named by other records: erase them instead",
	.list_doc = PERSON_DOC, .list_from = PERSON_FROM, .key_expr = "p.id", .key_type = "bigint",
	.q_expr = "p.name", .scope_la = "l.code = $%d::integer", .la_field = "la_code",
	.filters = person_filters, .nfilters = sizeof person_filters / sizeof person_filters[0],
	.sorts = person_sorts, .nsorts = sizeof person_sorts / sizeof person_sorts[0],
	.constraints = person_constraints,
	.nconstraints = sizeof person_constraints / sizeof person_constraints[0],
	.states = person_states, .actions = person_actions,
	.nactions = sizeof person_actions / sizeof person_actions[0],
};

/* ---- their roles at schools ---------------------------------------------- */

enum { RF_PERSON_ID, RF_SCHOOL_URN, RF_ROLE, RF_START_DATE, RF_END_DATE, RF__COUNT };

static const struct field role_fields[RF__COUNT] = {
	[RF_PERSON_ID] = {.name = "person_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 1,
	                  .max = 9223372036854775807LL},
	[RF_SCHOOL_URN] = {.name = "school_urn", .type = FT_INT, .flags = F_NULLABLE, .min = 100000,
	                   .max = 999999},
	[RF_ROLE] = {.name = "role", .type = FT_ENUM, .flags = F_REQUIRED, .values = role_values},
	[RF_START_DATE] = {.name = "start_date", .type = FT_DATE, .flags = F_NULLABLE},
	[RF_END_DATE] = {.name = "end_date", .type = FT_DATE, .flags = F_NULLABLE},
};

static const char *const role_read_only[] = {"id", "person_name", "la_code", "source", "created_at",
                                             "updated_at", "version", NULL};
static const struct field_set role_field_set = {role_fields, RF__COUNT, role_read_only};

static void
role_check(const struct record *rec, struct problem *p)
{
	const char *a = rec->val[RF_START_DATE], *b = rec->val[RF_END_DATE];
	if (a && b && strcmp(b, a) < 0)
		problem_field(p, IN_BODY, "end_date", "rule", "must not be before start_date");
}

#define ROLE_DOC                                                                                   \
	"json_build_object('id', r.id, 'person_id', r.person_id, 'person_name', p.name, "            \
	"'la_code', l.code, 'school_urn', r.school_urn, 'role', r.role, 'start_date', r.start_date, " \
	"'end_date', r.end_date, 'source', r.source, 'created_at', api_ts(r.created_at), "           \
	"'updated_at', api_ts(r.updated_at), 'version', r.version)"
#define ROLE_FROM "person_role r JOIN person p ON p.id = r.person_id JOIN local_authority l ON l.id = p.la_id"

static const struct db_stmt ROLE_INSERT = {"person_role_insert",
	"INSERT INTO person_role (person_id, school_urn, role, start_date, end_date) "
	"VALUES ($1::bigint, $2::integer, $3, $4::date, $5::date) RETURNING id"};
static const struct db_stmt ROLE_UPDATE = {"person_role_update",
	"UPDATE person_role SET school_urn = $3::integer, role = $4, start_date = $5::date, "
	"end_date = $6::date, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt ROLE_DELETE = {"person_role_delete", "DELETE FROM person_role WHERE id = $1::bigint"};
static const struct db_stmt ROLE_PARENT = {"person_role_parent",
	"SELECT l.code, NULL FROM person p JOIN local_authority l ON l.id = p.la_id WHERE p.id = $1::bigint"};

static const struct filter_def role_filters[] = {
	{.name = "person_id", .kind = FILTER_INT, .sql = "r.person_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "school_urn", .kind = FILTER_INT, .sql = "r.school_urn = $%d::integer", .min = 100000,
	 .max = 999999},
	{.name = "role", .kind = FILTER_ENUM, .sql = "r.role = $%d", .values = role_values},
	{.name = "on", .kind = FILTER_DATE, .sql = "r.term @> $%d::date"},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
};

static const struct sort_def role_sorts[] = {
	{"id", "r.id", "bigint", false}, {"-id", "r.id", "bigint", true},
};

static const struct constraint_def role_constraints[] = {
	{"person_role_one_head", "start_date", "overlap", "overlaps another headship of this school"},
	{"person_role_person_fkey", "person_id", "reference", "does not name a person"},
	{"person_role_school_fkey", "school_urn", "reference", "does not name a school of the person's local authority"},
	{"person_role_school_la_rule", "school_urn", "reference", "does not name a school of the person's local authority"},
	{"person_role_school_needed", "school_urn", "required", "is needed for a role held at a school"},
	{"person_role_dates_check", "end_date", "rule", "must not be before start_date"},
	{"person_role_role_check", "role", "enum", "is not a role"},
};

const struct resource_def person_role_def = {
	.noun = "role", .resource = "person-role", .path = "/v1/person-roles", .key_field = "id",
	.key_min = 1, .key_max = 9223372036854775807LL, .fields = &role_field_set,
	.load_cols = "r.person_id, r.school_urn, r.role, r.start_date, r.end_date",
	.insert = &ROLE_INSERT, .update = &ROLE_UPDATE, .del = &ROLE_DELETE,
	.del_conflict = "the role is referred to", .list_doc = ROLE_DOC, .list_from = ROLE_FROM,
	.key_expr = "r.id", .key_type = "bigint", .scope_la = "l.code = $%d::integer", .la_field = "la_code",
	.parent_field = "person_id", .parent_scope = &ROLE_PARENT, .filters = role_filters,
	.nfilters = sizeof role_filters / sizeof role_filters[0], .sorts = role_sorts,
	.nsorts = sizeof role_sorts / sizeof role_sorts[0], .constraints = role_constraints,
	.nconstraints = sizeof role_constraints / sizeof role_constraints[0], .check = role_check,
};
