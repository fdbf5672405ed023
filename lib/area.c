/*
 * area.c
 *    This module defines the area resource (an LA's districts grouped for
 *    its Area Analysis Group) and holds its SQL.
 */
#include <string.h>

#include "region.h"
#include "register.h"

bool
area_code_valid(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return false;
	return strlen(s) <= 40 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s);
}

/* A GSS code of an English or Welsh district: E or W and 8 digits. */
static bool
gss_code_ok(const char *s)
{
	return (s[0] == 'E' || s[0] == 'W') && strlen(s) == 9 &&
	       strspn(s + 1, "0123456789") == 8;
}

static const struct field area_fields[] = {
	{.name = "la_code", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 100, .max = 999},
	{.name = "code", .type = FT_TEXT, .flags = F_REQUIRED, .min = 1, .max = 40,
	 .check = area_code_valid, .format = "lower-case letters, digits and hyphens"},
	{.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .min = 1, .max = 200},
	{.name = "district_codes", .type = FT_TEXT_ARRAY, .min = 9, .max = 9, .max_items = 100,
	 .check = gss_code_ok,
	 .format = "a district's GSS code (E or W and 8 digits)", .dflt = "{}"},
	{.name = "name_cy", .type = FT_TEXT, .flags = F_NULLABLE | F_NAME, .min = 1, .max = 200},
};

static const char *const area_read_only[] = {"id", "created_at", "updated_at", "version", NULL};

static const struct field_set area_field_set = {area_fields, sizeof area_fields / sizeof area_fields[0], area_read_only};

#define AREA_DOC                                                                       \
	"json_build_object('id', a.id, 'la_code', l.code, 'code', a.code, 'name', a.name, 'name_cy', a.name_cy, " \
	"'district_codes', to_json(a.district_codes), 'created_at', api_ts(a.created_at), " \
	"'updated_at', api_ts(a.updated_at), 'version', a.version)"
#define AREA_FROM "area a JOIN local_authority l ON l.id = a.la_id"


static const struct db_stmt AREA_INSERT = {"area_insert",
	"INSERT INTO area (la_id, code, name, district_codes, name_cy) "
	"SELECT l.id, $2, $3, $4::text[], $5 FROM local_authority l WHERE l.code = $1::integer "
	"RETURNING id"};
static const struct db_stmt AREA_UPDATE = {"area_update",
	"UPDATE area SET code = $3, name = $4, district_codes = $5::text[], name_cy = $6, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND $2::integer IS NOT NULL"};
static const struct db_stmt AREA_DELETE = {"area_delete",
	"DELETE FROM area WHERE id = $1::bigint"};

static const struct filter_def area_filters[] = {
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
};

static const struct sort_def area_sorts[] = {
	{"id", "a.id", "bigint", false},   {"-id", "a.id", "bigint", true},
	{"name", "a.name", "text", false}, {"-name", "a.name", "text", true},
};

static const struct constraint_def area_constraints[] = {
	{"area_la_code_key", "code", "duplicate", "is already the code of an area of this local authority"},
	{"area_code_check", "code", "format", "must be lower-case letters, digits and hyphens, at most 40"},
	{"area_name_check", "name", "length", "must be 1 to 200 characters long"},
	{"area_name_cy_check", "name_cy", "length", "must be 1 to 200 characters long"},
	{"area_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"area_id_la_key", "id", "duplicate", "is already an area of this local authority"},
};

const struct resource_def area_def = {
	.noun = "area",
	.resource = "area",
	.path = "/v1/areas",
	.key_field = "id",
	.key_min = 1,
	.key_max = 9223372036854775807LL,
	.fields = &area_field_set,
	.load_cols = "l.code, a.code, a.name, a.district_codes, a.name_cy",
	.insert = &AREA_INSERT,
	.insert_miss_field = "la_code",
	.update = &AREA_UPDATE,
	.del = &AREA_DELETE,
	.del_conflict = "the area still has schools",
	.list_doc = AREA_DOC,
	.list_from = AREA_FROM,
	.key_expr = "a.id",
	.key_type = "bigint",
	.q_expr = "a.name",
	.scope_la = "l.code = $%d::integer",
	.scope_school = "a.id = (SELECT area_id FROM school WHERE urn = $%d::integer)",
	.scope_group = "a.id = (SELECT area_id FROM school_group WHERE id = $%d::bigint)",
	.scope_region = "a.la_id IN (" REGION_LAS("$%d") ")",
	.la_field = "la_code",
	.filters = area_filters,
	.nfilters = sizeof area_filters / sizeof area_filters[0],
	.sorts = area_sorts,
	.nsorts = sizeof area_sorts / sizeof area_sorts[0],
	.constraints = area_constraints,
	.nconstraints = sizeof area_constraints / sizeof area_constraints[0],
};
