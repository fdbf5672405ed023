/*
 * regional_fund.c
 *    This module defines a region's pooled fund (seed 004), the
 *    contributions its pot is made of and the money drawn from it against
 *    the actions of the region's plan, and holds their SQL. The money's
 *    rules are the database's (schema/0020_regional_funds.sql): a part never
 *    holds less than is drawn from it, and money recorded is never edited
 *    nor deleted, only corrected by another entry. The region's callers keep
 *    it; its member LAs read it.
 */
#include <string.h>

#include "regional_fund.h"

/* What reaches a region's money, under alias f (the fund): see PLAN_SCOPE. */
#define MONEY_SCOPE                                                                                \
	.scope_la = "EXISTS (SELECT 1 FROM local_authority xl JOIN region_member m ON m.la_id = xl.id " \
	            "WHERE xl.code = $%d::integer AND m.region_id = f.region_id AND m.valid @> london_today())", \
	/* an LA's callers change none of a region's money (the LA's code is never null) */          \
	.scope_la_lock = "$%d::integer IS NULL", .scope_region = "f.region_id = $%d::bigint",          \
	.region_writes = true
#define PARTS_DOC(fund)                                                                            \
	"'part_1', regional_fund_part(" fund ", 'part_1'), 'part_2', regional_fund_part(" fund ", 'part_2')"

static const char *const parts[] = {"part_1", "part_2", NULL};

#define MONEY_FIELD(field_name, fl)                                                                \
	{.name = field_name, .type = FT_INT, .flags = (fl), .min = -100000000000000LL, .max = 100000000000000LL}
#define PART_FIELD {.name = "part", .type = FT_ENUM, .flags = F_REQUIRED | F_CREATE_ONLY, .values = parts}
#define FUND_FILTER                                                                                \
	{.name = "regional_fund_id", .kind = FILTER_INT, .sql = "x.regional_fund_id = $%d::bigint", .min = 1, \
	 .max = ID_MAX}
#define PART_FILTER {.name = "part", .kind = FILTER_ENUM, .sql = "x.part = $%d", .values = parts}

/* A correction takes money away, and says why. */
static void
money_check(const struct record *rec, int amount, int note, struct problem *p)
{
	const char *v = rec->val[amount];

	if (v && strcmp(v, "0") == 0)
		problem_field(p, IN_BODY, "amount_pence", "range", "must not be 0");
	else if (v && v[0] == '-' && rec->val[note] == NULL)
		problem_field(p, IN_BODY, "note", "required", "a correction (a negative amount) says why");
}

/* ---- the fund --------------------------------------------------------------------- */

enum { RF_REGION, RF_PLAN, RF_NAME, RF_NAME_CY, RF_START, RF_END, RF__N };

static const struct field fund_fields[RF__N] = {
	[RF_REGION] = ID_FIELD("region_id", F_REQUIRED | F_CREATE_ONLY),
	[RF_PLAN] = ID_FIELD("plan_id", F_NULLABLE),
	[RF_NAME] = TEXT_FIELD("name", F_REQUIRED | F_NAME, 200),
	[RF_NAME_CY] = TEXT_FIELD("name_cy", F_NULLABLE | F_NAME, 200),
	[RF_START] = {.name = "period_start", .type = FT_DATE, .flags = F_REQUIRED},
	[RF_END] = {.name = "period_end", .type = FT_DATE, .flags = F_REQUIRED},
};
static const char *const fund_read_only[] = {"id", "region_name", "pot_pence", "drawn_pence", "unallocated_pence",
                                             "parts", "currency", "created_at", "updated_at", "version", NULL};
static const struct field_set fund_field_set = {fund_fields, RF__N, fund_read_only};

static void
fund_check(const struct record *rec, struct problem *p)
{
	if (rec->val[RF_START] && rec->val[RF_END] && strcmp(rec->val[RF_END], rec->val[RF_START]) <= 0)
		problem_field(p, IN_BODY, "period_end", "rule", "must be after period_start");
}

static const struct db_stmt FUND_INSERT = {"regional_fund_insert",
	"INSERT INTO regional_fund (region_id, plan_id, name, name_cy, period_start, period_end) "
	"VALUES ($1::bigint, $2::bigint, $3, $4, $5::date, $6::date) RETURNING id"};
static const struct db_stmt FUND_UPDATE = {"regional_fund_update",
	"UPDATE regional_fund SET plan_id = $3::bigint, name = $4, name_cy = $5, period_start = $6::date, "
	"period_end = $7::date, updated_at = now(), version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt FUND_DELETE = {"regional_fund_delete", "DELETE FROM regional_fund WHERE id = $1::bigint"};

/* The pot is what was contributed; it reconciles as drawn + unallocated, in all and per part. */
#define FUND_DOC                                                                                   \
	"json_build_object('id', f.id, 'region_id', f.region_id, 'region_name', r.name, 'plan_id', f.plan_id, " \
	"'name', f.name, 'name_cy', f.name_cy, 'period_start', f.period_start, 'period_end', f.period_end, " \
	"'currency', 'GBP', 'pot_pence', t.contributed, 'drawn_pence', t.drawn, "                      \
	"'unallocated_pence', t.contributed - t.drawn, 'parts', json_build_object(" PARTS_DOC("f.id") "), " \
	"'created_at', api_ts(f.created_at), 'updated_at', api_ts(f.updated_at), 'version', f.version)"
#define FUND_FROM                                                                                  \
	"regional_fund f JOIN region r ON r.id = f.region_id CROSS JOIN LATERAL (SELECT "              \
	"(SELECT coalesce(sum(amount_pence), 0) FROM fund_contribution WHERE regional_fund_id = f.id)::bigint AS contributed, " \
	"(SELECT coalesce(sum(amount_pence), 0) FROM fund_draw WHERE regional_fund_id = f.id)::bigint AS drawn) t"

static const struct filter_def fund_filters[] = {
	{.name = "region_id", .kind = FILTER_INT, .sql = "f.region_id = $%d::bigint", .min = 1, .max = ID_MAX},
	{.name = "plan_id", .kind = FILTER_INT, .sql = "f.plan_id = $%d::bigint", .min = 1, .max = ID_MAX},
};
static const struct sort_def fund_sorts[] = {
	{"-period_start", "f.period_start", "date", true}, {"period_start", "f.period_start", "date", false},
	{"id", "f.id", "bigint", false}, {"-id", "f.id", "bigint", true},
};
static const struct constraint_def fund_constraints[] = {
	{"regional_fund_region_fkey", "region_id", "reference", "does not name a region"},
	{"regional_fund_plan_fkey", "plan_id", "reference", "does not name a strategic plan of the region"},
	{"regional_fund_plan_rule", "plan_id", "reference", "does not name a strategic plan of the region"},
	{"regional_fund_plan_kept", "plan_id", "rule", "money is drawn against the plan: it stays the fund's"},
	{"regional_fund_name_key", "name", "duplicate", "is already the name of a fund of the region for the period"},
	{"regional_fund_name_check", "name", "length", "must be 1 to 200 characters long"},
	{"regional_fund_name_cy_check", "name_cy", "length", "must be 1 to 200 characters long"},
	{"regional_fund_period_check", "period_end", "rule", "must be after period_start"},
};

const struct resource_def regional_fund_def = {
	.noun = "regional fund", .resource = "regional-fund", .path = "/v1/regional-funds", .key_field = "id",
	.key_min = 1, .key_max = ID_MAX, .fields = &fund_field_set,
	.load_cols = "f.region_id, f.plan_id, f.name, f.name_cy, f.period_start, f.period_end",
	.insert = &FUND_INSERT, .update = &FUND_UPDATE, .del = &FUND_DELETE,
	.del_conflict = "money was received into the fund or drawn from it: it is kept",
	.list_doc = FUND_DOC, .list_from = FUND_FROM, .key_expr = "f.id", .key_type = "bigint", .q_expr = "f.name",
	MONEY_SCOPE, .region_field = "region_id", FILTERS(fund_filters), SORTS(fund_sorts),
	CONSTRAINTS(fund_constraints), .check = fund_check,
};

/* ---- what a part's money shares ----------------------------------------------------- */

/* The fund's region: $1 the fund's id -> (no LA, no group, its region). */
static const struct db_stmt FUND_PARENT = {"regional_fund_parent",
	"SELECT NULL::integer, NULL::bigint, f.region_id FROM regional_fund f WHERE f.id = $1::bigint"};

#define MONEY_DEF                                                                                  \
	.key_field = "id", .key_min = 1, .key_max = ID_MAX, .key_expr = "x.id", .key_type = "bigint",     \
	.parent_field = "regional_fund_id", .parent_scope = &FUND_PARENT, MONEY_SCOPE,                   \
	.del_conflict = "money recorded is kept: record a correction"
#define MONEY_CONSTRAINTS(table)                                                                   \
	{table "_fund_fkey", "regional_fund_id", "reference", "does not name a regional fund"},          \
	{table "_part_check", "part", "enum", "must be part_1 or part_2"},                               \
	{table "_amount_check", "amount_pence", "range", "must not be 0"},                               \
	{table "_note_check", "note", "length", "must be 1 to 2000 characters long"},                     \
	{table "_correction_check", "note", "required", "a correction (a negative amount) says why"},    \
	{"regional_fund_overdrawn", "amount_pence", "rule",                                             \
	 "would leave the part holding less than is drawn from it"},                                    \
	{"regional_money_kept", "amount_pence", "read_only", "money recorded is kept: record a correction"}
#define MONEY_SORTS(col)                                                                           \
	{"-" col, "x." col, "date", true}, {col, "x." col, "date", false}, {"id", "x.id", "bigint", false}, \
	{"-id", "x.id", "bigint", true}

/* ---- contributions ------------------------------------------------------------------ */

enum { FC_FUND, FC_LA, FC_GRANTOR, FC_PART, FC_AMOUNT, FC_ON, FC_NOTE, FC__N };

static const struct field contribution_fields[FC__N] = {
	[FC_FUND] = ID_FIELD("regional_fund_id", F_REQUIRED | F_CREATE_ONLY),
	[FC_LA] = {.name = "la_code", .type = FT_INT, .flags = F_NULLABLE | F_CREATE_ONLY, .min = 100, .max = 999},
	[FC_GRANTOR] = TEXT_FIELD("grantor", F_NULLABLE | F_CREATE_ONLY | F_NAME, 200),
	[FC_PART] = PART_FIELD,
	[FC_AMOUNT] = MONEY_FIELD("amount_pence", F_REQUIRED | F_CREATE_ONLY),
	[FC_ON] = {.name = "received_on", .type = FT_DATE, .flags = F_REQUIRED | F_CREATE_ONLY | F_PAST},
	[FC_NOTE] = TEXT_FIELD("note", F_NULLABLE, 2000),
};
static const char *const contribution_read_only[] = {"id", "region_id", "la_name", "created_at", "updated_at",
                                                     "version", NULL};
static const struct field_set contribution_field_set = {contribution_fields, FC__N, contribution_read_only};

static void
contribution_check(const struct record *rec, struct problem *p)
{
	if ((rec->val[FC_LA] == NULL) == (rec->val[FC_GRANTOR] == NULL))
		problem_field(p, IN_BODY, rec->val[FC_LA] ? "grantor" : "la_code", "rule",
		              "a contribution is a member LA's (la_code) or a grant's (grantor), not both");
	money_check(rec, FC_AMOUNT, FC_NOTE, p);
}

static const struct db_stmt CONTRIBUTION_INSERT = {"fund_contribution_insert",
	"INSERT INTO fund_contribution (regional_fund_id, la_id, grantor, part, amount_pence, received_on, note) "
	"SELECT $1::bigint, l.id, $3, $4, $5::bigint, $6::date, $7 "
	"FROM (SELECT NULL) o LEFT JOIN local_authority l ON l.code = $2::integer "
	"WHERE $2::integer IS NULL OR l.id IS NOT NULL RETURNING id"};
static const struct db_stmt CONTRIBUTION_UPDATE = {"fund_contribution_update",
	"UPDATE fund_contribution SET note = $8, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND num_nulls($2::bigint, $3::integer, $4::text, $5::text, $6::bigint, $7::date) >= 0"};

static const struct filter_def contribution_filters[] = {
	FUND_FILTER, PART_FILTER,
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "grant", .kind = FILTER_BOOL, .sql = "(x.grantor IS NOT NULL) = $%d::boolean"},
};
static const struct sort_def contribution_sorts[] = {MONEY_SORTS("received_on")};
static const struct constraint_def contribution_constraints[] = {
	MONEY_CONSTRAINTS("fund_contribution"),
	{"fund_contribution_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"fund_contribution_grantor_check", "grantor", "length", "must be 1 to 200 characters long"},
	{"fund_contribution_source_check", "la_code", "rule", "a contribution is a member LA's or a grant's"},
	{"fund_contribution_member_rule", "la_code", "rule",
	 "does not name an LA that was a member of the region on the day it was received"},
};

const struct resource_def fund_contribution_def = {
	.noun = "contribution", .resource = "fund-contribution", .path = "/v1/fund-contributions", MONEY_DEF,
	.fields = &contribution_field_set,
	.load_cols = "x.regional_fund_id, l.code, x.grantor, x.part, x.amount_pence, x.received_on, x.note",
	.insert = &CONTRIBUTION_INSERT, .insert_miss_field = "la_code", .update = &CONTRIBUTION_UPDATE,
	.list_doc = "json_build_object('id', x.id, 'regional_fund_id', x.regional_fund_id, 'region_id', f.region_id, "
	            "'la_code', l.code, 'la_name', l.name, 'grantor', x.grantor, 'part', x.part, "
	            "'amount_pence', x.amount_pence, 'received_on', x.received_on, 'note', x.note, "
	            "'created_at', api_ts(x.created_at), 'updated_at', api_ts(x.updated_at), 'version', x.version)",
	.list_from = "fund_contribution x JOIN regional_fund f ON f.id = x.regional_fund_id "
	             "LEFT JOIN local_authority l ON l.id = x.la_id",
	FILTERS(contribution_filters), SORTS(contribution_sorts), CONSTRAINTS(contribution_constraints),
	.check = contribution_check,
};

/* ---- money drawn against the plan's actions ---------------------------------------- */

enum { FD_FUND, FD_ACTION, FD_PART, FD_AMOUNT, FD_ON, FD_NOTE, FD__N };

static const struct field draw_fields[FD__N] = {
	[FD_FUND] = ID_FIELD("regional_fund_id", F_REQUIRED | F_CREATE_ONLY),
	[FD_ACTION] = ID_FIELD("action_id", F_REQUIRED | F_CREATE_ONLY),
	[FD_PART] = PART_FIELD,
	[FD_AMOUNT] = MONEY_FIELD("amount_pence", F_REQUIRED | F_CREATE_ONLY),
	[FD_ON] = {.name = "drawn_on", .type = FT_DATE, .flags = F_REQUIRED | F_CREATE_ONLY | F_PAST},
	[FD_NOTE] = TEXT_FIELD("note", F_NULLABLE, 2000),
};
static const char *const draw_read_only[] = {"id", "region_id", "action_number", "action_text", "created_at",
                                             "updated_at", "version", NULL};
static const struct field_set draw_field_set = {draw_fields, FD__N, draw_read_only};

static void
draw_check(const struct record *rec, struct problem *p)
{
	money_check(rec, FD_AMOUNT, FD_NOTE, p);
}

static const struct db_stmt DRAW_INSERT = {"fund_draw_insert",
	"INSERT INTO fund_draw (regional_fund_id, action_id, part, amount_pence, drawn_on, note) "
	"VALUES ($1::bigint, $2::bigint, $3, $4::bigint, $5::date, $6) RETURNING id"};
static const struct db_stmt DRAW_UPDATE = {"fund_draw_update",
	"UPDATE fund_draw SET note = $7, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND num_nulls($2::bigint, $3::bigint, $4::text, $5::bigint, $6::date) >= 0"};

static const struct filter_def draw_filters[] = {
	FUND_FILTER, PART_FILTER,
	{.name = "action_id", .kind = FILTER_INT, .sql = "x.action_id = $%d::bigint", .min = 1, .max = ID_MAX},
};
static const struct sort_def draw_sorts[] = {MONEY_SORTS("drawn_on")};
static const struct constraint_def draw_constraints[] = {
	MONEY_CONSTRAINTS("fund_draw"),
	{"fund_draw_action_fkey", "action_id", "reference", "does not name an action of the fund's plan"},
	{"fund_draw_action_rule", "action_id", "reference", "does not name an action of the fund's plan"},
	{"fund_draw_part_rule", "part", "rule", "is not the part of the funding the action depends on"},
	{"fund_draw_correction_rule", "amount_pence", "rule", "would take the action below nothing drawn"},
};

const struct resource_def fund_draw_def = {
	.noun = "draw", .resource = "fund-draw", .path = "/v1/fund-draws", MONEY_DEF, .fields = &draw_field_set,
	.load_cols = "x.regional_fund_id, x.action_id, x.part, x.amount_pence, x.drawn_on, x.note",
	.insert = &DRAW_INSERT, .update = &DRAW_UPDATE,
	.list_doc = "json_build_object('id', x.id, 'regional_fund_id', x.regional_fund_id, 'region_id', f.region_id, "
	            "'action_id', x.action_id, 'action_number', a.number, 'action_text', a.text, 'part', x.part, "
	            "'amount_pence', x.amount_pence, 'drawn_on', x.drawn_on, 'note', x.note, "
	            "'created_at', api_ts(x.created_at), 'updated_at', api_ts(x.updated_at), 'version', x.version)",
	.list_from = "fund_draw x JOIN regional_fund f ON f.id = x.regional_fund_id JOIN plan_action a ON a.id = x.action_id",
	FILTERS(draw_filters), SORTS(draw_sorts), CONSTRAINTS(draw_constraints), .check = draw_check,
};
