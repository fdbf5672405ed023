/*
 * group.c
 *    This module defines consortia and area networks (one table, two
 *    kinds) and their memberships, and holds their SQL.
 */
#include "group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register.h"

static const char *const group_statuses[] = {"active", "closed", NULL};

enum { GF_LA_CODE, GF_AREA_ID, GF_NAME, GF_STATUS, GF_CREATED_ON, GF_CLOSED_ON, GF_NAME_CY, GF__COUNT };

static const struct field group_fields[GF__COUNT] = {
	[GF_LA_CODE] = {.name = "la_code", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY,
	                .min = 100, .max = 999},
	[GF_AREA_ID] = {.name = "area_id", .type = FT_INT, .flags = F_NULLABLE, .min = 1,
	                .max = 9223372036854775807LL},
	[GF_NAME] = {.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .min = 1, .max = 200},
	[GF_STATUS] = {.name = "status", .type = FT_ENUM, .values = group_statuses, .dflt = "active"},
	[GF_CREATED_ON] = {.name = "created_on", .type = FT_DATE, .flags = F_NULLABLE},
	[GF_CLOSED_ON] = {.name = "closed_on", .type = FT_DATE, .flags = F_NULLABLE},
	[GF_NAME_CY] = {.name = "name_cy", .type = FT_TEXT, .flags = F_NULLABLE | F_NAME, .min = 1, .max = 200},
};

static const char *const group_read_only[] = {
	"id", "kind", "as_of", "school_count", "pupil_count", "members", "chair", "deputy",
	"nominations", "warnings", "created_at", "updated_at", "version", NULL};

static const struct field_set group_field_set = {group_fields, GF__COUNT, group_read_only};

static void
group_check(const struct record *rec, struct problem *p)
{
	const char *created = rec->val[GF_CREATED_ON], *closed = rec->val[GF_CLOSED_ON];

	if (created && closed && strcmp(closed, created) < 0)
		problem_field(p, IN_BODY, "closed_on", "rule", "must not be before created_on");
}

/* An appointment (chair or deputy) of the group current on date d, or null. */
#define GROUP_CHAIR(role, d)                                                                   \
	"(SELECT json_build_object('id', c.id, 'person_name', c.person_name, 'email', c.email, "   \
	"'school_urn', c.school_urn, 'start_date', c.start_date, 'end_date', c.end_date, "         \
	"'review_due_on', c.review_due_on, 'confirmed_on', (SELECT k.confirmed_on "                \
	"FROM chair_confirmation k WHERE k.group_id = g.id AND k.academic_year = academic_year_of(" d ") " \
	"AND (k.chair_id = c.id OR k.deputy_id = c.id))) "                                         \
	"FROM chair_appointment c WHERE c.group_id = g.id AND c.role = '" role "' AND c.term @> " d ")"

/* The representation of group g as of date d; needs the lateral `mc` of GROUP_FROM. */
#define GROUP_DOC(d)                                                                            \
	"json_build_object('id', g.id, 'kind', g.kind, 'la_code', l.code, 'area_id', g.area_id, "  \
	"'name', g.name, 'name_cy', g.name_cy, 'status', g.status, 'created_on', g.created_on, 'closed_on', g.closed_on, " \
	"'as_of', " d ", 'school_count', mc.n, 'pupil_count', mc.pupils, 'members', mc.members, "   \
	"'chair', " GROUP_CHAIR("chair", d) ", 'deputy', " GROUP_CHAIR("deputy", d) ", "           \
	"'nominations', coalesce((SELECT json_agg(json_build_object('id', n.id, 'role', n.role, "  \
	"'person_name', n.person_name, 'school_urn', n.school_urn, 'start_date', n.start_date, "    \
	"'end_date', n.end_date) ORDER BY n.role) FROM nomination n WHERE n.group_id = g.id "        \
	"AND n.term @> " d "), '[]'::json), "                                                       \
	"'warnings', CASE WHEN g.kind = 'consortium' AND mc.n NOT BETWEEN 8 AND 22 THEN "           \
	"json_build_array(format('has %s member schools; a consortium normally has 8 to 22', mc.n)) " \
	"ELSE '[]'::json END, "                                                                     \
	"'created_at', api_ts(g.created_at), 'updated_at', api_ts(g.updated_at), 'version', g.version)"

/*
 * A group's rows with its LA (la: how it is joined) and its members on date
 * d. A list joins the LA table once for its page; one group's read looks its
 * LA up by key instead (OFFSET 0 keeps the planner from flattening it into a
 * hash of the whole table on every execution).
 */
#define GROUP_LA_JOIN "JOIN local_authority l ON l.id = g.la_id"
#define GROUP_LA_LOOKUP "CROSS JOIN LATERAL (SELECT code FROM local_authority WHERE id = g.la_id OFFSET 0) l"
#define GROUP_FROM(la, d)                                                                       \
	"school_group g " la " CROSS JOIN LATERAL ("                                                \
	"SELECT count(*) AS n, coalesce(sum(s.pupils), 0) AS pupils, "                              \
	"coalesce(json_agg(json_build_object('membership_id', m.id, 'urn', s.urn, 'name', s.name, " \
	"'phase', s.phase, 'pupils', s.pupils, 'start_date', m.start_date, 'end_date', m.end_date) " \
	"ORDER BY s.name, s.urn), '[]'::json) AS members FROM membership m "                        \
	"JOIN school s ON s.urn = m.school_urn WHERE m.group_id = g.id AND m.valid @> " d ") mc"

#define GROUP_STATEMENTS(prefix, kind)                                                          \
	static const struct db_stmt prefix##_INSERT = {#prefix "_insert",                            \
		"INSERT INTO school_group (kind, la_id, area_id, name, status, created_on, closed_on, name_cy) " \
		"SELECT '" kind "', l.id, $2::bigint, $3, $4, coalesce($5::date, london_today()), $6::date, $7 " \
		"FROM local_authority l WHERE l.code = $1::integer RETURNING id"};                       \
	static const struct db_stmt prefix##_UPDATE = {#prefix "_update",                            \
		"UPDATE school_group SET area_id = $3::bigint, name = $4, status = $5, "                 \
		"created_on = coalesce($6::date, created_on), closed_on = $7::date, name_cy = $8, "      \
		"updated_at = now(), "                                                                   \
		"version = version + 1 WHERE id = $1::bigint AND $2::integer IS NOT NULL"};             \
	static const struct db_stmt prefix##_DELETE = {#prefix "_delete",                            \
		"DELETE FROM school_group WHERE id = $1::bigint"}

GROUP_STATEMENTS(CONSORTIUM, "consortium");
GROUP_STATEMENTS(NETWORK, "area_network");

static const struct filter_def group_filters[] = {
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "area", .kind = FILTER_ID_OR_CODE, .sql = "g.area_id = $%d::bigint",
	 .alt_sql = "g.area_id IN (SELECT id FROM area WHERE code = $%d)", .check = area_code_valid,
	 .format = "an area code (lower-case letters, digits and hyphens)"},
	{.name = "status", .kind = FILTER_ENUM, .sql = "g.status = $%d", .values = group_statuses},
};

static const struct sort_def group_sorts[] = {
	{"id", "g.id", "bigint", false},   {"-id", "g.id", "bigint", true},
	{"name", "g.name", "text", false}, {"-name", "g.name", "text", true},
};

static const struct constraint_def group_constraints[] = {
	{"school_group_name_key", "name", "duplicate", "is already the name of a group of this kind in this local authority"},
	{"school_group_area_fkey", "area_id", "reference", "must be an area of the group's local authority"},
	{"school_group_dates_check", "closed_on", "rule", "must not be before created_on"},
	{"school_group_name_check", "name", "length", "must be 1 to 200 characters long"},
	{"school_group_name_cy_check", "name_cy", "length", "must be 1 to 200 characters long"},
	{"school_group_kind_check", "kind", "enum", "must be consortium or area_network"},
	{"school_group_status_check", "status", "enum", "must be active or closed"},
	{"school_group_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"school_group_id_kind_key", "id", "duplicate", "is already a group of this kind"},
};

/* A group's row of the "attached list": its counts, chair and deputy as of the day. */
static const char *const group_csv[] = {
	"id", "kind", "la_code", "area_id", "name", "name_cy", "status", "created_on", "closed_on", "as_of",
	"school_count", "pupil_count", "chair.person_name", "chair.school_urn", "chair.email", "chair.review_due_on",
	"deputy.person_name", "deputy.school_urn", "deputy.email", NULL};

#define GROUP_DEF(prefix, noun_, resource_, path_, kind)                                        \
	{                                                                                           \
		.noun = noun_, .resource = resource_, .path = path_, .key_field = "id", .key_min = 1,    \
		.csv_columns = group_csv,                                                                \
		.key_max = 9223372036854775807LL, .fields = &group_field_set,                            \
		.load_cols = "l.code, g.area_id, g.name, g.status, g.created_on, g.closed_on, g.name_cy", \
		.insert = &prefix##_INSERT, .insert_miss_field = "la_code",                               \
		.update = &prefix##_UPDATE, .del = &prefix##_DELETE,                                    \
		.del_conflict = "the group has members, chairs, nominations or service accounts; close it instead", \
		.as_of = true, .list_doc = GROUP_DOC("coalesce($1::date, london_today())"),                \
		.list_from = GROUP_FROM(GROUP_LA_JOIN, "coalesce($1::date, london_today())"),              \
		.one_from = GROUP_FROM(GROUP_LA_LOOKUP, "coalesce($1::date, london_today())"),            \
		.list_where = "g.kind = '" kind "'", .filters = group_filters,                           \
		.nfilters = sizeof group_filters / sizeof group_filters[0],                               \
		.key_expr = "g.id", .key_type = "bigint", .q_expr = "g.name",                             \
		.scope_la = "l.code = $%d::integer",                                                     \
		.scope_school = "g.id IN (SELECT group_id FROM membership WHERE school_urn = $%d::integer)", \
		.scope_group = "g.id = $%d::bigint", .la_field = "la_code", .sorts = group_sorts,         \
		.nsorts = sizeof group_sorts / sizeof group_sorts[0], .constraints = group_constraints,   \
		.nconstraints = sizeof group_constraints / sizeof group_constraints[0],                 \
		.check = group_check,                                                                   \
	}

const struct resource_def consortium_def = GROUP_DEF(CONSORTIUM, "consortium", "consortium",
                                                     "/v1/consortia", "consortium");
const struct resource_def network_def = GROUP_DEF(NETWORK, "area network", "area-network",
                                                  "/v1/area-networks", "area_network");
