/*
 * body.c
 *    This module defines the bodies that meet (one model for every kind:
 *    a consortium's or area network's body, an Area Analysis Group, the
 *    chairs' board, the boards, forums and groups of seed 004) and their
 *    members, and holds their SQL. A group's body and an area's AAG are
 *    made by the database with the group or area (schema/0016_bodies.sql).
 */
#include <string.h>

#include "people.h"

/* ---- bodies ---------------------------------------------------------------- */

/*
 * An LA's callers read its bodies and its regions' (of which it is a member
 * today), and change its own; a region's body is changed by the region's
 * callers (and admins), whichever LA hosts it.
 */
#define BODY_SCOPE_LA(b)                                                                           \
	.scope_la = "EXISTS (SELECT 1 FROM local_authority xl WHERE xl.code = $%d::integer AND "       \
	            "((xl.id = " b ".la_id AND " b ".region_id IS NULL) OR " b ".region_id IN "         \
	            "(SELECT rm.region_id FROM region_member rm WHERE rm.la_id = xl.id "                 \
	            "AND rm.valid @> london_today())))",                                                \
	.scope_la_lock = "l.code = $%d::integer AND " b ".region_id IS NULL"

enum { BF_LA_CODE, BF_KIND, BF_NAME, BF_AREA_ID, BF_PER_YEAR, BF_PER_TERM, BF_ATTENDANCE, BF_CLOSED_ON,
       BF_ESTABLISHED_ON, BF_REGION_ID, BF_NAME_CY, BF__COUNT };

static const char *const body_kinds[] = {
	"consortium", "area_network", "area_analysis_group", "chairs_board", "education_challenge_board",
	"school_improvement_board", "headteacher_forum", "strategic_group", "operational_group",
	"task_and_finish_group", NULL};

static const struct field body_fields[BF__COUNT] = {
	/* a region's body: left out, hosted by the region's lead */
	[BF_LA_CODE] = {.name = "la_code", .type = FT_INT, .flags = F_OPTIONAL | F_CREATE_ONLY, .min = 100,
	                .max = 999},
	[BF_KIND] = {.name = "kind", .type = FT_ENUM, .flags = F_REQUIRED | F_CREATE_ONLY, .values = body_kinds},
	[BF_NAME] = {.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .min = 1, .max = 200},
	[BF_AREA_ID] = {.name = "area_id", .type = FT_INT, .flags = F_NULLABLE, .min = 1,
	                .max = 9223372036854775807LL},
	[BF_PER_YEAR] = {.name = "meetings_per_year", .type = FT_INT, .flags = F_NULLABLE, .min = 1, .max = 366},
	[BF_PER_TERM] = {.name = "meetings_per_term", .type = FT_INT, .flags = F_NULLABLE, .min = 1, .max = 100},
	[BF_ATTENDANCE] = {.name = "attendance_target_percent", .type = FT_INT, .flags = F_NULLABLE, .min = 1,
	                   .max = 100},
	[BF_CLOSED_ON] = {.name = "closed_on", .type = FT_DATE, .flags = F_NULLABLE},
	/* left out: the day it is recorded */
	[BF_ESTABLISHED_ON] = {.name = "established_on", .type = FT_DATE, .flags = F_OPTIONAL},
	[BF_REGION_ID] = {.name = "region_id", .type = FT_INT, .flags = F_NULLABLE | F_CREATE_ONLY, .min = 1,
	                  .max = 9223372036854775807LL},
	[BF_NAME_CY] = {.name = "name_cy", .type = FT_TEXT, .flags = F_NULLABLE | F_NAME, .min = 1, .max = 200},
};

static const char *const body_read_only[] = {"id", "group_id", "members", "created_at", "updated_at",
                                             "version", NULL};
static const struct field_set body_field_set = {body_fields, BF__COUNT, body_read_only};

static void
body_check(const struct record *rec, struct problem *p)
{
	const char *kind = rec->val[BF_KIND];

	if (rec->val[BF_LA_CODE] == NULL && rec->val[BF_REGION_ID] == NULL)
		problem_field(p, IN_BODY, "la_code", "required", "a body is an LA's or a region's (region_id)");

	if (kind && strcmp(kind, "area_analysis_group") == 0 && rec->val[BF_AREA_ID] == NULL)
		problem_field(p, IN_BODY, "area_id", "required", "an Area Analysis Group is its area's");
	if (rec->val[BF_ESTABLISHED_ON] && rec->val[BF_CLOSED_ON] &&
	    strcmp(rec->val[BF_CLOSED_ON], rec->val[BF_ESTABLISHED_ON]) < 0)
		problem_field(p, IN_BODY, "closed_on", "rule", "must not be before established_on");
}

/* members: how many sit on it today (a group's body: its member schools' heads too). */
#define BODY_DOC                                                                                    \
	"json_build_object('id', b.id, 'la_code', l.code, 'region_id', b.region_id, 'kind', b.kind, "  \
	"'name', b.name, 'name_cy', b.name_cy, "                                                       \
	"'area_id', b.area_id, 'group_id', b.group_id, 'meetings_per_year', b.meetings_per_year, "     \
	"'meetings_per_term', b.meetings_per_term, "                                                   \
	"'attendance_target_percent', b.attendance_target_percent, "                                   \
	"'established_on', b.established_on, 'closed_on', b.closed_on, "                                \
	"'members', (SELECT count(DISTINCT s.person_id) FROM body_seat s WHERE s.body_id = b.id "      \
	"AND s.valid @> london_today()), 'created_at', api_ts(b.created_at), "                          \
	"'updated_at', api_ts(b.updated_at), 'version', b.version)"
#define BODY_FROM "body b JOIN local_authority l ON l.id = b.la_id"

static const struct db_stmt BODY_INSERT = {"body_insert",
	"INSERT INTO body (la_id, kind, name, area_id, meetings_per_year, meetings_per_term, "
	"attendance_target_percent, closed_on, established_on, region_id, name_cy) SELECT l.id, $2, $3, $4::bigint, "
	"$5::integer, $6::integer, $7::integer, $8::date, coalesce($9::date, london_today()), $10::bigint, $11 "
	"FROM local_authority l WHERE CASE WHEN $10::bigint IS NULL THEN l.code = $1::integer "
	"WHEN $1::integer IS NULL THEN l.id = (SELECT lead_la_id FROM region WHERE id = $10::bigint) "
	"ELSE l.code = $1::integer AND l.id IN (SELECT la_id FROM region_member WHERE region_id = $10::bigint "
	"AND valid @> london_today()) END RETURNING id"};
static const struct db_stmt BODY_UPDATE = {"body_update",
	"UPDATE body SET name = $4, area_id = $5::bigint, meetings_per_year = $6::integer, "
	"meetings_per_term = $7::integer, attendance_target_percent = $8::integer, closed_on = $9::date, "
	"established_on = coalesce($10::date, established_on), name_cy = $12, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND num_nulls($2::integer, $3::text, $11::bigint) >= 0"};
static const struct db_stmt BODY_DELETE = {"body_delete", "DELETE FROM body WHERE id = $1::bigint"};

static const struct filter_def body_filters[] = {
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "kind", .kind = FILTER_ENUM, .sql = "b.kind = $%d", .values = body_kinds},
	{.name = "area_id", .kind = FILTER_INT, .sql = "b.area_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "group_id", .kind = FILTER_INT, .sql = "b.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "person_id", .kind = FILTER_INT, .min = 1, .max = 9223372036854775807LL,
	 .sql = "EXISTS (SELECT 1 FROM body_seat s WHERE s.body_id = b.id AND s.person_id = $%d::bigint)"},
	{.name = "region_id", .kind = FILTER_INT, .sql = "b.region_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "open", .kind = FILTER_BOOL,
	 .sql = "(b.closed_on IS NULL OR b.closed_on >= london_today()) = $%d::boolean"},
};

static const struct sort_def body_sorts[] = {
	{"name", "lower(b.name)", "text", false}, {"-name", "lower(b.name)", "text", true},
	{"id", "b.id", "bigint", false}, {"-id", "b.id", "bigint", true},
};

static const struct constraint_def body_constraints[] = {
	{"body_name_key", "name", "duplicate", "is already the name of a body of this kind in this local authority"},
	{"body_group_kind_check", "kind", "rule", "a consortium's or area network's body is made with its group"},
	{"body_group_kept", "name", "rule", "is its group's: change or delete the group instead"},
	{"body_aag_area_check", "area_id", "required", "an Area Analysis Group is its area's"},
	{"body_aag_key", "area_id", "duplicate", "already has its Area Analysis Group"},
	{"body_area_fkey", "area_id", "reference", "does not name an area of the body's local authority"},
	{"body_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"body_kind_check", "kind", "enum", "is not a kind of body"},
	{"body_name_check", "name", "length", "must be 1 to 200 characters long"},
	{"body_meetings_per_year_check", "meetings_per_year", "range", "must be 1 to 366"},
	{"body_meetings_per_term_check", "meetings_per_term", "range", "must be 1 to 100"},
	{"body_attendance_target_check", "attendance_target_percent", "range", "must be 1 to 100"},
	{"body_dates_check", "closed_on", "rule", "must not be before established_on"},
	{"body_region_fkey", "region_id", "reference", "does not name a region"},
	{"body_name_cy_check", "name_cy", "length", "must be 1 to 200 characters long"},
};

static const char *const body_csv[] = {
	"id", "la_code", "region_id", "kind", "name", "name_cy", "area_id", "group_id", "meetings_per_year", "meetings_per_term", "attendance_target_percent", "established_on", "closed_on", "members", NULL};

const struct resource_def body_def = {
	.csv_columns = body_csv,
	.noun = "body", .resource = "body", .path = "/v1/bodies", .key_field = "id", .key_min = 1,
	.key_max = 9223372036854775807LL, .fields = &body_field_set,
	.load_cols = "l.code, b.kind, b.name, b.area_id, b.meetings_per_year, b.meetings_per_term, "
	             "b.attendance_target_percent, b.closed_on, b.established_on, b.region_id, b.name_cy",
	.insert = &BODY_INSERT, .insert_miss_field = "la_code", .update = &BODY_UPDATE, .del = &BODY_DELETE,
	.del_conflict = "the body has members or meetings, or is a group's own (delete the group instead)", .list_doc = BODY_DOC, .list_from = BODY_FROM,
	.key_expr = "b.id", .key_type = "bigint", .q_expr = "b.name", BODY_SCOPE_LA("b"),
	.scope_region = "b.region_id = $%d::bigint", .region_writes = true, .region_field = "region_id",
	.scope_school = "b.group_id IN (SELECT group_id FROM membership WHERE school_urn = $%d::integer)",
	.scope_group = "b.group_id = $%d::bigint", .la_field = "la_code", .filters = body_filters,
	.nfilters = sizeof body_filters / sizeof body_filters[0], .sorts = body_sorts,
	.nsorts = sizeof body_sorts / sizeof body_sorts[0], .constraints = body_constraints,
	.nconstraints = sizeof body_constraints / sizeof body_constraints[0], .check = body_check,
};

/* ---- members ---------------------------------------------------------------- */

enum { MB_BODY_ID, MB_PERSON_ID, MB_ROLE, MB_START_DATE, MB_END_DATE, MB__COUNT };

static const char *const member_roles[] = {"chair", "vice_chair", "member", "secretary", "officer",
                                           "adviser", "observer", NULL};

static const struct field member_fields[MB__COUNT] = {
	[MB_BODY_ID] = {.name = "body_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 1,
	                .max = 9223372036854775807LL},
	[MB_PERSON_ID] = {.name = "person_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 1,
	                  .max = 9223372036854775807LL},
	[MB_ROLE] = {.name = "role", .type = FT_ENUM, .flags = F_REQUIRED, .values = member_roles},
	[MB_START_DATE] = {.name = "start_date", .type = FT_DATE, .flags = F_REQUIRED},
	[MB_END_DATE] = {.name = "end_date", .type = FT_DATE, .flags = F_NULLABLE},
};

static const char *const member_read_only[] = {"id", "body_name", "person_name", "la_code", "created_at",
                                               "updated_at", "version", NULL};
static const struct field_set member_field_set = {member_fields, MB__COUNT, member_read_only};

static void
member_check(const struct record *rec, struct problem *p)
{
	const char *a = rec->val[MB_START_DATE], *b = rec->val[MB_END_DATE];
	if (a && b && strcmp(b, a) < 0)
		problem_field(p, IN_BODY, "end_date", "rule", "must not be before start_date");
}

#define MEMBER_DOC                                                                                 \
	"json_build_object('id', m.id, 'body_id', m.body_id, 'body_name', b.name, 'la_code', l.code, " \
	"'person_id', m.person_id, 'person_name', p.name, 'role', m.role, "                            \
	"'start_date', m.start_date, 'end_date', m.end_date, 'created_at', api_ts(m.created_at), "     \
	"'updated_at', api_ts(m.updated_at), 'version', m.version)"
#define MEMBER_FROM                                                                                \
	"body_member m JOIN body b ON b.id = m.body_id JOIN person p ON p.id = m.person_id "          \
	"JOIN local_authority l ON l.id = b.la_id"

static const struct db_stmt MEMBER_INSERT = {"body_member_insert",
	"INSERT INTO body_member (body_id, person_id, role, start_date, end_date) "
	"VALUES ($1::bigint, $2::bigint, $3, $4::date, $5::date) RETURNING id"};
static const struct db_stmt MEMBER_UPDATE = {"body_member_update",
	"UPDATE body_member SET role = $4, start_date = $5::date, end_date = $6::date, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL AND $3::bigint IS NOT NULL"};
static const struct db_stmt MEMBER_DELETE = {"body_member_delete", "DELETE FROM body_member WHERE id = $1::bigint"};
static const struct db_stmt MEMBER_PARENT = {"body_member_parent",
	"SELECT CASE WHEN b.region_id IS NULL THEN l.code END, b.group_id, b.region_id FROM body b "
	"JOIN local_authority l ON l.id = b.la_id WHERE b.id = $1::bigint"};

static const struct filter_def member_filters[] = {
	{.name = "body_id", .kind = FILTER_INT, .sql = "m.body_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "person_id", .kind = FILTER_INT, .sql = "m.person_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "role", .kind = FILTER_ENUM, .sql = "m.role = $%d", .values = member_roles},
	{.name = "on", .kind = FILTER_DATE, .sql = "m.valid @> $%d::date"},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
};

static const struct sort_def member_sorts[] = {
	{"id", "m.id", "bigint", false}, {"-id", "m.id", "bigint", true},
	{"start_date", "m.start_date", "date", false},
};

static const struct constraint_def member_constraints[] = {
	{"body_member_once", "start_date", "overlap", "overlaps another membership of this person in this body"},
	{"body_member_person_rule", "person_id", "reference", "does not name a person of the body's local authority"},
	{"body_member_person_fkey", "person_id", "reference", "does not name a person of the body's local authority"},
	{"body_member_body_fkey", "body_id", "reference", "does not name a body"},
	{"body_member_dates_check", "end_date", "rule", "must not be before start_date"},
	{"body_member_role_check", "role", "enum", "is not a role in a body"},
};

const struct resource_def body_member_def = {
	.noun = "body member", .resource = "body-member", .path = "/v1/body-members", .key_field = "id",
	.key_min = 1, .key_max = 9223372036854775807LL, .fields = &member_field_set,
	.load_cols = "m.body_id, m.person_id, m.role, m.start_date, m.end_date", .insert = &MEMBER_INSERT,
	.update = &MEMBER_UPDATE, .del = &MEMBER_DELETE, .del_conflict = "the membership is referred to",
	.list_doc = MEMBER_DOC, .list_from = MEMBER_FROM, .key_expr = "m.id", .key_type = "bigint",
	BODY_SCOPE_LA("b"), .scope_region = "b.region_id = $%d::bigint", .region_writes = true,
	.scope_school = "b.group_id IN (SELECT group_id FROM membership WHERE school_urn = $%d::integer)",
	.scope_group = "b.group_id = $%d::bigint", .la_field = "la_code", .parent_field = "body_id",
	.parent_scope = &MEMBER_PARENT, .filters = member_filters,
	.nfilters = sizeof member_filters / sizeof member_filters[0], .sorts = member_sorts,
	.nsorts = sizeof member_sorts / sizeof member_sorts[0], .constraints = member_constraints,
	.nconstraints = sizeof member_constraints / sizeof member_constraints[0], .check = member_check,
};
