/*
 * confirmation.c
 *    This module defines the yearly confirmation of a group's chair (and
 *    deputy) to the LA: one per group and academic year, on or after the
 *    LA's deadline for that year (late), and holds its SQL. A confirmation
 *    counts for its year alone; chair funding follows it.
 */
#include "date.h"
#include "group.h"

enum { KF_GROUP_ID, KF_YEAR, KF_CHAIR_ID, KF_DEPUTY_ID, KF_CONFIRMED_BY, KF_CONFIRMED_ON, KF__N };

static const struct field confirmation_fields[KF__N] = {
	[KF_GROUP_ID] = {.name = "group_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 1,
	                 .max = 9223372036854775807LL},
	[KF_YEAR] = {.name = "academic_year", .type = FT_TEXT, .flags = F_REQUIRED | F_CREATE_ONLY,
	             .min = 7, .max = 7, .check = academic_year_ok,
	             .format = "an academic year such as 2020/21"},
	[KF_CHAIR_ID] = {.name = "chair_id", .type = FT_INT, .flags = F_REQUIRED, .min = 1,
	                 .max = 9223372036854775807LL},
	[KF_DEPUTY_ID] = {.name = "deputy_id", .type = FT_INT, .flags = F_NULLABLE, .min = 1,
	                  .max = 9223372036854775807LL},
	[KF_CONFIRMED_BY] = {.name = "confirmed_by", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME,
	                     .min = 1, .max = 200},
	[KF_CONFIRMED_ON] = {.name = "confirmed_on", .type = FT_DATE, .flags = F_REQUIRED | F_PAST},
};

static const char *const confirmation_read_only[] = {
	"id", "group_name", "la_code", "chair_name", "chair_school_urn", "deputy_name", "deadline",
	"late", "created_at", "updated_at", "version", NULL};
static const struct field_set confirmation_field_set = {confirmation_fields, KF__N,
                                                        confirmation_read_only};

/* The LA's deadline for the confirmation's year. */
#define DEADLINE                                                                                   \
	"make_date(left(k.academic_year, 4)::integer, split_part(l.confirmation_deadline, '-', 1)::integer, " \
	"split_part(l.confirmation_deadline, '-', 2)::integer)"

#define CONFIRMATION_DOC                                                                           \
	"json_build_object('id', k.id, 'group_id', k.group_id, 'group_name', g.name, "                \
	"'la_code', l.code, 'academic_year', k.academic_year, 'chair_id', k.chair_id, "                \
	"'chair_name', ch.person_name, 'chair_school_urn', ch.school_urn, 'deputy_id', k.deputy_id, "  \
	"'deputy_name', dp.person_name, 'confirmed_by', k.confirmed_by, "                              \
	"'confirmed_on', k.confirmed_on, 'deadline', " DEADLINE ", "                                   \
	"'late', k.confirmed_on > " DEADLINE ", 'created_at', api_ts(k.created_at), "                   \
	"'updated_at', api_ts(k.updated_at), 'version', k.version)"
#define CONFIRMATION_FROM                                                                          \
	"chair_confirmation k JOIN school_group g ON g.id = k.group_id "                              \
	"JOIN local_authority l ON l.id = g.la_id JOIN chair_appointment ch ON ch.id = k.chair_id "    \
	"LEFT JOIN chair_appointment dp ON dp.id = k.deputy_id"

static const struct db_stmt CONFIRMATION_INSERT = {"confirmation_insert",
	"INSERT INTO chair_confirmation (group_id, academic_year, chair_id, deputy_id, confirmed_by, "
	"confirmed_on) VALUES ($1::bigint, $2, $3::bigint, $4::bigint, $5, $6::date) RETURNING id"};
static const struct db_stmt CONFIRMATION_UPDATE = {"confirmation_update",
	"UPDATE chair_confirmation SET chair_id = $4::bigint, deputy_id = $5::bigint, confirmed_by = $6, "
	"confirmed_on = $7::date, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::bigint IS NOT NULL AND $3::text IS NOT NULL"};
static const struct db_stmt CONFIRMATION_DELETE = {"confirmation_delete",
	"DELETE FROM chair_confirmation WHERE id = $1::bigint"};

static const struct filter_def confirmation_filters[] = {
	{.name = "group_id", .kind = FILTER_INT, .sql = "k.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "academic_year", .kind = FILTER_TEXT, .sql = "k.academic_year = $%d", .max = 7,
	 .check = academic_year_ok, .format = "an academic year such as 2020/21"},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "late", .kind = FILTER_BOOL, .sql = "(k.confirmed_on > " DEADLINE ") = $%d::boolean"},
};

static const struct sort_def confirmation_sorts[] = {
	{"id", "k.id", "bigint", false}, {"-id", "k.id", "bigint", true},
};

static const struct constraint_def confirmation_constraints[] = {
	{"confirmation_once", "academic_year", "duplicate",
	 "is already confirmed for this group: change that confirmation"},
	{"confirmation_chair_rule", "chair_id", "rule",
	 "must name a chair of the group in office during the academic year"},
	{"confirmation_deputy_rule", "deputy_id", "rule",
	 "must name a deputy of the group in office during the academic year"},
	{"confirmation_group_fkey", "group_id", "reference", "does not name a group"},
	{"confirmation_chair_fkey", "chair_id", "reference", "does not name an appointment"},
	{"confirmation_deputy_fkey", "deputy_id", "reference", "does not name an appointment"},
	{"confirmation_year_check", "academic_year", "format", "must be an academic year such as 2020/21"},
	{"confirmation_by_check", "confirmed_by", "length", "must be 1 to 200 characters long"},
};

const struct resource_def confirmation_def = {
	.noun = "confirmation",
	.resource = "chair-confirmation",
	.path = "/v1/chair-confirmations",
	.key_field = "id",
	.key_min = 1,
	.key_max = 9223372036854775807LL,
	.fields = &confirmation_field_set,
	.load_cols = "k.group_id, k.academic_year, k.chair_id, k.deputy_id, k.confirmed_by, k.confirmed_on",
	.insert = &CONFIRMATION_INSERT,
	.update = &CONFIRMATION_UPDATE,
	.del = &CONFIRMATION_DELETE,
	.list_doc = CONFIRMATION_DOC,
	.list_from = CONFIRMATION_FROM,
	.key_expr = "k.id",
	.key_type = "bigint",
	.q_expr = "g.name",
	.scope_la = "l.code = $%d::integer",
	.scope_school = "k.group_id IN (SELECT group_id FROM membership WHERE school_urn = $%d::integer)",
	.scope_group = "k.group_id = $%d::bigint",
	.la_field = "la_code",
	.group_field = "group_id",
	.filters = confirmation_filters,
	.nfilters = sizeof confirmation_filters / sizeof confirmation_filters[0],
	.sorts = confirmation_sorts,
	.nsorts = sizeof confirmation_sorts / sizeof confirmation_sorts[0],
	.constraints = confirmation_constraints,
	.nconstraints = sizeof confirmation_constraints / sizeof confirmation_constraints[0],
};
