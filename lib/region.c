/*
 * region.c
 *    This module defines regions (a consortium of LAs, its lead, its Welsh
 *    name) and their member LAs over dates, and holds their SQL. The lead
 *    joins with the region, and stays a member while it leads
 *    (schema/0018_regions.sql). An admin keeps both; an LA's callers read
 *    the regions their LA belongs to, a region's its own.
 */
#include <string.h>

#include "region.h"

#define ID_MAX 9223372036854775807LL

/* ---- regions ------------------------------------------------------------------- */

enum { RG_NAME, RG_NAME_CY, RG_LEAD, RG_ESTABLISHED_ON, RG_CLOSED_ON, RG__N };

static const struct field region_fields[RG__N] = {
	[RG_NAME] = {.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .min = 1, .max = 200},
	[RG_NAME_CY] = {.name = "name_cy", .type = FT_TEXT, .flags = F_NULLABLE | F_NAME, .min = 1, .max = 200},
	[RG_LEAD] = {.name = "lead_la_code", .type = FT_INT, .flags = F_REQUIRED, .min = 100, .max = 999},
	/* left out: the day it is recorded */
	[RG_ESTABLISHED_ON] = {.name = "established_on", .type = FT_DATE, .flags = F_OPTIONAL | F_CREATE_ONLY},
	[RG_CLOSED_ON] = {.name = "closed_on", .type = FT_DATE, .flags = F_NULLABLE},
};
static const char *const region_read_only[] = {"id", "members", "created_at", "updated_at", "version", NULL};
static const struct field_set region_field_set = {region_fields, RG__N, region_read_only};

static void
region_check(const struct record *rec, struct problem *p)
{
	const char *from = rec->val[RG_ESTABLISHED_ON], *to = rec->val[RG_CLOSED_ON];

	if (from && to && strcmp(to, from) < 0)
		problem_field(p, IN_BODY, "closed_on", "rule", "must not be before established_on");
}

/* members: the LAs that belong to it today, by code. */
#define REGION_DOC                                                                                  \
	"json_build_object('id', r.id, 'name', r.name, 'name_cy', r.name_cy, 'lead_la_code', l.code, "  \
	"'established_on', r.established_on, 'closed_on', r.closed_on, "                                \
	"'members', coalesce((SELECT json_agg(ml.code ORDER BY ml.code) FROM region_member m "           \
	"JOIN local_authority ml ON ml.id = m.la_id WHERE m.region_id = r.id AND m.valid @> london_today()), '[]'), " \
	"'created_at', api_ts(r.created_at), 'updated_at', api_ts(r.updated_at), 'version', r.version)"

static const struct db_stmt REGION_INSERT = {"region_insert",
	"INSERT INTO region (name, name_cy, lead_la_id, established_on, closed_on) "
	"SELECT $1, $2, l.id, coalesce($4::date, london_today()), $5::date FROM local_authority l "
	"WHERE l.code = $3::integer RETURNING id"};
static const struct db_stmt REGION_UPDATE = {"region_update",
	"UPDATE region SET name = $2, name_cy = $3, lead_la_id = (SELECT id FROM local_authority WHERE code = $4::integer), "
	"closed_on = $6::date, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $5::date IS NOT DISTINCT FROM established_on"};
static const struct db_stmt REGION_DELETE = {"region_delete", "DELETE FROM region WHERE id = $1::bigint"};

static const struct filter_def region_filters[] = {
	{.name = "la", .kind = FILTER_INT, .min = 100, .max = 999,
	 .sql = "r.id IN (SELECT m.region_id FROM region_member m JOIN local_authority ml ON ml.id = m.la_id "
	        "WHERE ml.code = $%d::integer)"},
};
static const struct sort_def region_sorts[] = {
	{"name", "r.name", "text", false}, {"-name", "r.name", "text", true},
	{"id", "r.id", "bigint", false},   {"-id", "r.id", "bigint", true},
};
static const struct constraint_def region_constraints[] = {
	{"region_name_key", "name", "duplicate", "is already the name of a region"},
	{"region_name_check", "name", "length", "must be 1 to 200 characters long"},
	{"region_name_cy_check", "name_cy", "length", "must be 1 to 200 characters long"},
	{"region_lead_fkey", "lead_la_code", "reference", "does not name a local authority"},
	{"region_lead_rule", "lead_la_code", "rule", "must name an LA that is a member of the region today"},
	{"region_dates_check", "closed_on", "rule", "must not be before established_on"},
};

const struct resource_def region_def = {
	.noun = "region", .resource = "region", .path = "/v1/regions", .key_field = "id", .key_min = 1,
	.key_max = ID_MAX, .fields = &region_field_set,
	.load_cols = "r.name, r.name_cy, l.code, r.established_on, r.closed_on",
	.insert = &REGION_INSERT, .insert_miss_field = "lead_la_code", .update = &REGION_UPDATE,
	.del = &REGION_DELETE, .list_doc = REGION_DOC,
	.list_from = "region r JOIN local_authority l ON l.id = r.lead_la_id",
	.key_expr = "r.id", .key_type = "bigint", .q_expr = "r.name",
	.scope_la = "r.id IN (SELECT m.region_id FROM region_member m JOIN local_authority ml ON ml.id = m.la_id "
	            "WHERE ml.code = $%d::integer)",
	.scope_region = "r.id = $%d::bigint", .la_field = "lead_la_code",
	.filters = region_filters, .nfilters = sizeof region_filters / sizeof region_filters[0],
	.sorts = region_sorts, .nsorts = sizeof region_sorts / sizeof region_sorts[0],
	.constraints = region_constraints, .nconstraints = sizeof region_constraints / sizeof region_constraints[0],
	.check = region_check,
};

/* ---- member LAs ----------------------------------------------------------------- */

enum { RM_REGION, RM_LA, RM_START, RM_END, RM__N };

static const struct field region_member_fields[RM__N] = {
	[RM_REGION] = {.name = "region_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 1, .max = ID_MAX},
	[RM_LA] = {.name = "la_code", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 100, .max = 999},
	[RM_START] = {.name = "start_date", .type = FT_DATE, .flags = F_REQUIRED},
	[RM_END] = {.name = "end_date", .type = FT_DATE, .flags = F_NULLABLE},
};
static const char *const region_member_read_only[] = {"id", "la_name", "lead", "current", "created_at",
                                                      "updated_at", "version", NULL};
static const struct field_set region_member_field_set = {region_member_fields, RM__N, region_member_read_only};

static void
region_member_check(const struct record *rec, struct problem *p)
{
	const char *from = rec->val[RM_START], *to = rec->val[RM_END];

	if (from && to && strcmp(to, from) < 0)
		problem_field(p, IN_BODY, "end_date", "rule", "must not be before start_date");
}

static const struct db_stmt REGION_MEMBER_INSERT = {"region_member_insert",
	"INSERT INTO region_member (region_id, la_id, start_date, end_date) "
	"SELECT $1::bigint, l.id, $3::date, $4::date FROM local_authority l WHERE l.code = $2::integer RETURNING id"};
static const struct db_stmt REGION_MEMBER_UPDATE = {"region_member_update",
	"UPDATE region_member SET start_date = $4::date, end_date = $5::date, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL AND $3::integer IS NOT NULL"};
static const struct db_stmt REGION_MEMBER_DELETE = {"region_member_delete",
	"DELETE FROM region_member WHERE id = $1::bigint"};

static const struct filter_def region_member_filters[] = {
	{.name = "region_id", .kind = FILTER_INT, .sql = "m.region_id = $%d::bigint", .min = 1, .max = ID_MAX},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "on", .kind = FILTER_DATE, .sql = "m.valid @> $%d::date"},
};
static const struct sort_def region_member_sorts[] = {
	{"id", "m.id", "bigint", false}, {"-id", "m.id", "bigint", true},
	{"start_date", "m.start_date", "date", false},
};
static const struct constraint_def region_member_constraints[] = {
	{"region_member_region_fkey", "region_id", "reference", "does not name a region"},
	{"region_member_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"region_member_once", "start_date", "overlap", "overlaps another membership of the LA in the region"},
	{"region_member_dates_check", "end_date", "rule", "must not be before start_date"},
	{"region_lead_member_rule", "end_date", "rule",
	 "would end the membership of the LA that leads the region: name another lead first"},
};

const struct resource_def region_member_def = {
	.noun = "region membership", .resource = "region-member", .path = "/v1/region-members",
	.key_field = "id", .key_min = 1, .key_max = ID_MAX, .fields = &region_member_field_set,
	.load_cols = "m.region_id, l.code, m.start_date, m.end_date",
	.insert = &REGION_MEMBER_INSERT, .insert_miss_field = "la_code", .update = &REGION_MEMBER_UPDATE,
	.del = &REGION_MEMBER_DELETE,
	.list_doc = "json_build_object('id', m.id, 'region_id', m.region_id, 'la_code', l.code, 'la_name', l.name, "
	            "'lead', r.lead_la_id = m.la_id, 'start_date', m.start_date, 'end_date', m.end_date, "
	            "'current', m.valid @> london_today(), 'created_at', api_ts(m.created_at), "
	            "'updated_at', api_ts(m.updated_at), 'version', m.version)",
	.list_from = "region_member m JOIN region r ON r.id = m.region_id JOIN local_authority l ON l.id = m.la_id",
	.key_expr = "m.id", .key_type = "bigint",
	.scope_la = "m.region_id IN (SELECT x.region_id FROM region_member x JOIN local_authority xl ON xl.id = x.la_id "
	            "WHERE xl.code = $%d::integer)",
	.scope_region = "m.region_id = $%d::bigint", .la_field = "la_code",
	.filters = region_member_filters, .nfilters = sizeof region_member_filters / sizeof region_member_filters[0],
	.sorts = region_member_sorts, .nsorts = sizeof region_member_sorts / sizeof region_member_sorts[0],
	.constraints = region_member_constraints,
	.nconstraints = sizeof region_member_constraints / sizeof region_member_constraints[0],
	.check = region_member_check,
};
