/*
 * fund.c
 *    This module defines funds, allocations and payments, holds their SQL,
 *    and implements the calculation and the state changes (see fund.h).
 */
#include "fund.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "date.h"
#include "register.h"

/* ---- funds ------------------------------------------------------------ */

static const char *const fund_kinds[] = {"chair_funding", "recovery", "remote_learning", "other", NULL};

enum {
	FF_LA_CODE, FF_KIND, FF_NAME, FF_ACADEMIC_YEAR, FF_POT, FF_PER_CHAIR, FF_WEIGHTING, FF_MINIMUM,
	FF_FLAT, FF_PER_GROUP, FF_CENSUS_DATE, FF_PLAN_DEADLINE, FF_EVALUATION_DUE, FF_REQUIRES_PLAN,
	FF__COUNT
};

static bool
academic_year_ok(const char *s)
{
	char a[11], b[11];
	return academic_year_parse(s, a, b);
}

/* A weighting between 0 and 1 with at most six decimal places. */
static bool
weighting_ok(const char *s)
{
	const char *dot = strchr(s, '.');
	size_t decimals = dot ? strlen(dot + 1) : 0;

	if (!(s[0] == '0' || s[0] == '1') || (s[1] != '\0' && s[1] != '.') || decimals > 6 ||
	    (dot && decimals == 0) || (dot && strspn(dot + 1, "0123456789") != decimals))
		return false;
	return s[0] == '0' || !dot || strspn(dot + 1, "0") == decimals;
}


static const struct field fund_fields[FF__COUNT] = {
	[FF_LA_CODE] = {.name = "la_code", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 100, .max = 999},
	[FF_KIND] = {.name = "kind", .type = FT_ENUM, .flags = F_REQUIRED | F_CREATE_ONLY, .values = fund_kinds},
	[FF_NAME] = {.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .min = 1, .max = 200},
	[FF_ACADEMIC_YEAR] = {.name = "academic_year", .type = FT_TEXT, .flags = F_REQUIRED, .min = 7, .max = 7,
	                      .check = academic_year_ok, .format = "an academic year such as 2020/21"},
	[FF_POT] = {.name = "pot_pence", .type = FT_INT, .flags = F_REQUIRED, .min = 0, .max = MAX_PENCE},
	[FF_PER_CHAIR] = {.name = "per_chair_pence", .type = FT_INT, .min = 0, .max = MAX_PENCE, .dflt = "500000"},
	[FF_WEIGHTING] = {.name = "school_weighting", .type = FT_TEXT, .min = 1, .max = 8, .check = weighting_ok,
	                  .format = "a decimal from 0 to 1 with at most six places, such as \"0.5\"", .dflt = "0.5"},
	[FF_MINIMUM] = {.name = "primary_minimum_pence", .type = FT_INT, .min = 0, .max = MAX_PENCE, .dflt = "500000"},
	[FF_FLAT] = {.name = "network_flat_pence", .type = FT_INT, .min = 0, .max = MAX_PENCE, .dflt = "800000"},
	[FF_PER_GROUP] = {.name = "per_group_pence", .type = FT_INT, .min = 0, .max = MAX_PENCE, .dflt = "0"},
	[FF_CENSUS_DATE] = {.name = "census_date", .type = FT_DATE, .flags = F_NULLABLE},
	[FF_PLAN_DEADLINE] = {.name = "plan_deadline", .type = FT_DATE, .flags = F_NULLABLE},
	[FF_EVALUATION_DUE] = {.name = "evaluation_due", .type = FT_DATE, .flags = F_NULLABLE},
	[FF_REQUIRES_PLAN] = {.name = "requires_plan", .type = FT_BOOL, .dflt = "false"},
};

static const char *const fund_read_only[] = {"id", "currency", "created_at", "updated_at", "version", NULL};
static const struct field_set fund_field_set = {fund_fields, FF__COUNT, fund_read_only};

#define FUND_DOC                                                                                  \
	"json_build_object('id', f.id, 'la_code', l.code, 'kind', f.kind, 'name', f.name, "            \
	"'academic_year', f.academic_year, 'pot_pence', f.pot_pence, 'currency', 'GBP', "             \
	"'per_chair_pence', f.per_chair_pence, "                                                      \
	"'school_weighting', trim_scale(f.school_weight_ppm / 1000000.0)::text, "                    \
	"'primary_minimum_pence', f.primary_minimum_pence, 'network_flat_pence', f.network_flat_pence, " \
	"'per_group_pence', f.per_group_pence, 'census_date', f.census_date, "                        \
	"'plan_deadline', f.plan_deadline, 'evaluation_due', f.evaluation_due, "                      \
	"'requires_plan', f.requires_plan, 'created_at', api_ts(f.created_at), "                      \
	"'updated_at', api_ts(f.updated_at), 'version', f.version)"
#define FUND_FROM "fund f JOIN local_authority l ON l.id = f.la_id"
/* Funds belong to LAs: a school's or a group's caller sees its LA's. */
#define FUND_SCOPE                                                                                \
	" AND ($2::integer IS NULL OR l.code = $2::integer)"                                          \
	" AND ($3::integer IS NULL OR f.la_id = (SELECT la_id FROM school WHERE urn = $3::integer))"  \
	" AND ($4::bigint IS NULL OR f.la_id = (SELECT la_id FROM school_group WHERE id = $4::bigint))"

static const struct db_stmt FUND_GET = {"fund_get",
	"SELECT f.version, " FUND_DOC " FROM " FUND_FROM " WHERE f.id = $1::bigint" FUND_SCOPE};
/* Changing a fund is for the LA's officers: a school's or a group's caller only reads it. */
#define FUND_WRITE_SCOPE                                                                          \
	" AND ($2::integer IS NULL OR l.code = $2::integer) AND $3::integer IS NULL AND $4::bigint IS NULL"

static const struct db_stmt FUND_LOAD = {"fund_load",
	"SELECT f.version, l.code, f.kind, f.name, f.academic_year, f.pot_pence, f.per_chair_pence, "
	"trim_scale(f.school_weight_ppm / 1000000.0)::text, f.primary_minimum_pence, "
	"f.network_flat_pence, f.per_group_pence, f.census_date, f.plan_deadline, f.evaluation_due, "
	"f.requires_plan FROM " FUND_FROM " WHERE f.id = $1::bigint" FUND_WRITE_SCOPE " FOR UPDATE OF f"};
static const struct db_stmt FUND_INSERT = {"fund_insert",
	"INSERT INTO fund (la_id, kind, name, academic_year, pot_pence, per_chair_pence, "
	"school_weight_ppm, primary_minimum_pence, network_flat_pence, per_group_pence, census_date, "
	"plan_deadline, evaluation_due, requires_plan) "
	"SELECT l.id, $2, $3, $4, $5::bigint, $6::bigint, round($7::numeric * 1000000)::integer, "
	"$8::bigint, $9::bigint, $10::bigint, "
	"coalesce($11::date, (left($4, 4) || '-10-01')::date), $12::date, $13::date, $14::boolean "
	"FROM local_authority l WHERE l.code = $1::integer RETURNING id"};
static const struct db_stmt FUND_UPDATE = {"fund_update",
	"UPDATE fund SET name = $4, academic_year = $5, pot_pence = $6::bigint, "
	"per_chair_pence = $7::bigint, school_weight_ppm = round($8::numeric * 1000000)::integer, "
	"primary_minimum_pence = $9::bigint, network_flat_pence = $10::bigint, "
	"per_group_pence = $11::bigint, census_date = coalesce($12::date, census_date), "
	"plan_deadline = $13::date, evaluation_due = $14::date, requires_plan = $15::boolean, "
	"updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::integer IS NOT NULL AND $3::text IS NOT NULL"};
static const struct db_stmt FUND_DELETE = {"fund_delete", "DELETE FROM fund WHERE id = $1::bigint"};

static const struct filter_def fund_filters[] = {
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "kind", .kind = FILTER_ENUM, .sql = "f.kind = $%d", .values = fund_kinds},
	{.name = "academic_year", .kind = FILTER_TEXT, .sql = "f.academic_year = $%d", .max = 7,
	 .check = academic_year_ok, .format = "an academic year such as 2020/21"},
};

static const struct sort_def fund_sorts[] = {
	{"id", "f.id", "bigint", false}, {"-id", "f.id", "bigint", true},
	{"name", "f.name", "text", false}, {"-name", "f.name", "text", true},
};

static const struct constraint_def fund_constraints[] = {
	{"fund_name_key", "name", "duplicate", "is already the name of a fund of this LA for this year"},
	{"fund_locked", "pot_pence", "rule",
	 "and the other money rules cannot change while the fund has live allocations"},
	{"fund_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"fund_kind_check", "kind", "enum", "must be chair_funding, recovery, remote_learning or other"},
	{"fund_name_check", "name", "length", "must be 1 to 200 characters long"},
	{"fund_academic_year_check", "academic_year", "format", "must be an academic year such as 2020/21"},
	{"fund_pot_pence_check", "pot_pence", "range", "must not be negative"},
	{"fund_per_chair_pence_check", "per_chair_pence", "range", "must not be negative"},
	{"fund_school_weight_ppm_check", "school_weighting", "range", "must be 0 to 1"},
	{"fund_primary_minimum_pence_check", "primary_minimum_pence", "range", "must not be negative"},
	{"fund_network_flat_pence_check", "network_flat_pence", "range", "must not be negative"},
	{"fund_per_group_pence_check", "per_group_pence", "range", "must not be negative"},
};

const struct resource_def fund_def = {
	.noun = "fund", .resource = "fund", .path = "/v1/funds", .key_field = "id", .key_min = 1,
	.key_max = 9223372036854775807LL, .fields = &fund_field_set, .get = &FUND_GET,
	.load = &FUND_LOAD, .insert = &FUND_INSERT, .insert_miss_field = "la_code",
	.update = &FUND_UPDATE, .del = &FUND_DELETE,
	.del_conflict = "the fund has allocations; it cannot be deleted",
	.list_doc = FUND_DOC, .list_from = FUND_FROM, .key_expr = "f.id", .key_type = "bigint",
	.q_expr = "f.name", .scope_la = "l.code = $%d::integer",
	.scope_school = "f.la_id = (SELECT la_id FROM school WHERE urn = $%d::integer)",
	.scope_group = "f.la_id = (SELECT la_id FROM school_group WHERE id = $%d::bigint)",
	.la_field = "la_code", .filters = fund_filters,
	.nfilters = sizeof fund_filters / sizeof fund_filters[0], .sorts = fund_sorts,
	.nsorts = sizeof fund_sorts / sizeof fund_sorts[0], .constraints = fund_constraints,
	.nconstraints = sizeof fund_constraints / sizeof fund_constraints[0],
};

/* ---- allocations -------------------------------------------------------- */

enum { AF_FUND_ID, AF_GROUP_ID, AF_AMOUNT, AF_PAYEE, AF__N };

static const struct field allocation_fields[AF__N] = {
	[AF_FUND_ID] = {.name = "fund_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 1,
	                .max = 9223372036854775807LL},
	[AF_GROUP_ID] = {.name = "group_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 1,
	                 .max = 9223372036854775807LL},
	[AF_AMOUNT] = {.name = "amount_pence", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 0,
	               .max = MAX_PENCE},
	[AF_PAYEE] = {.name = "payee_urn", .type = FT_INT, .flags = F_NULLABLE, .min = 100000, .max = 999999},
};

static const char *const allocation_read_only[] = {
	"id", "fund_name", "fund_kind", "academic_year", "la_code", "group_name", "chair_id", "currency",
	"status", "working", "plan_required", "plan_status", "payment_id", "approved_at", "cancelled_at",
	"cancel_reason", "created_at", "updated_at", "version", NULL};
static const struct field_set allocation_field_set = {allocation_fields, AF__N, allocation_read_only};

#define ALLOCATION_DOC                                                                             \
	"json_build_object('id', a.id, 'fund_id', a.fund_id, 'fund_name', f.name, 'fund_kind', f.kind, " \
	"'academic_year', f.academic_year, 'la_code', l.code, 'group_id', a.group_id, "                 \
	"'group_name', g.name, 'chair_id', a.chair_id, 'amount_pence', a.amount_pence, "                 \
	"'currency', 'GBP', 'payee_urn', a.payee_urn, 'status', a.status, 'working', a.working, "        \
	"'plan_required', f.requires_plan, "                                                            \
	"'plan_status', (SELECT x.status FROM action_plan x WHERE x.group_id = a.group_id "              \
	"AND x.fund_id = a.fund_id), "                                                                  \
	"'payment_id', (SELECT max(p.id) FROM payment p WHERE p.allocation_id = a.id "                   \
	"AND p.reverses_payment_id IS NULL), "                                                          \
	"'approved_at', api_ts(a.approved_at), 'cancelled_at', api_ts(a.cancelled_at), "               \
	"'cancel_reason', a.cancel_reason, 'created_at', api_ts(a.created_at), "                        \
	"'updated_at', api_ts(a.updated_at), 'version', a.version)"
#define ALLOCATION_FROM                                                                            \
	"fund_allocation a JOIN fund f ON f.id = a.fund_id JOIN local_authority l ON l.id = f.la_id "    \
	"JOIN school_group g ON g.id = a.group_id"
#define ALLOCATION_SCOPE                                                                           \
	" AND ($2::integer IS NULL OR l.code = $2::integer)"                                           \
	" AND ($3::integer IS NULL OR a.payee_urn = $3::integer)"                                      \
	" AND ($4::bigint IS NULL OR a.group_id = $4::bigint)"

static const struct db_stmt ALLOCATION_GET = {"allocation_get",
	"SELECT a.version, " ALLOCATION_DOC " FROM " ALLOCATION_FROM " WHERE a.id = $1::bigint"
	ALLOCATION_SCOPE};
static const struct db_stmt ALLOCATION_LOAD = {"allocation_load",
	"SELECT a.version, a.fund_id, a.group_id, a.amount_pence, a.payee_urn FROM " ALLOCATION_FROM
	" WHERE a.id = $1::bigint" ALLOCATION_SCOPE " FOR UPDATE OF a"};
/* One by one only for a fund of kind 'other': the others are calculated. */
static const struct db_stmt ALLOCATION_INSERT = {"allocation_insert",
	"INSERT INTO fund_allocation (fund_id, group_id, amount_pence, payee_urn, working) "
	"SELECT f.id, g.id, $3::bigint, $4::integer, '{\"rule\": \"set by hand\"}' FROM fund f "
	"JOIN school_group g ON g.id = $2::bigint AND g.la_id = f.la_id "
	"WHERE f.id = $1::bigint AND f.kind = 'other' RETURNING id"};
static const struct db_stmt ALLOCATION_UPDATE = {"allocation_update",
	"UPDATE fund_allocation SET payee_urn = $5::integer, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::bigint IS NOT NULL AND $3::bigint IS NOT NULL "
	"AND $4::bigint IS NOT NULL"};

static const char *const allocation_statuses[] = {"proposed", "approved", "paid", "cancelled", NULL};

static const struct filter_def allocation_filters[] = {
	{.name = "fund_id", .kind = FILTER_INT, .sql = "a.fund_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "group_id", .kind = FILTER_INT, .sql = "a.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "status", .kind = FILTER_ENUM, .sql = "a.status = $%d", .values = allocation_statuses},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
};

static const struct sort_def allocation_sorts[] = {
	{"id", "a.id", "bigint", false}, {"-id", "a.id", "bigint", true},
};

static const struct constraint_def allocation_constraints[] = {
	{"allocation_payee_rule", "payee_urn", "rule", "must be a member school of the group"},
	{"allocation_final", "payee_urn", "rule", "is settled once the allocation is approved"},
	{"allocation_once", "group_id", "duplicate", "already has a live allocation from this fund"},
	{"allocation_payee_la_rule", "payee_urn", "reference", "does not name a school of the group's local authority"},
	{"allocation_payee_fkey", "payee_urn", "reference", "does not name a school of the group's local authority"},
	{"allocation_fund_la_rule", "fund_id", "reference", "does not name a fund of the group's local authority"},
	{"allocation_fund_fkey", "fund_id", "reference", "does not name a fund of the group's local authority"},
	{"allocation_group_fkey", "group_id", "reference", "does not name a group"},
	{"fund_allocation_amount_pence_check", "amount_pence", "range", "must not be negative"},
	{"fund_allocation_status_check", "status", "enum", "must be proposed, approved, paid or cancelled"},
	{"allocation_chair_fkey", "chair_id", "reference", "does not name a chair appointment"},
};

const struct resource_def allocation_def = {
	.noun = "allocation", .resource = "fund-allocation", .path = "/v1/fund-allocations",
	.key_field = "id", .key_min = 1, .key_max = 9223372036854775807LL,
	.fields = &allocation_field_set, .get = &ALLOCATION_GET, .load = &ALLOCATION_LOAD,
	.insert = &ALLOCATION_INSERT, .insert_miss_field = "fund_id", .update = &ALLOCATION_UPDATE,
	.list_doc = ALLOCATION_DOC, .list_from = ALLOCATION_FROM, .key_expr = "a.id",
	.key_type = "bigint", .scope_la = "l.code = $%d::integer",
	.scope_school = "a.payee_urn = $%d::integer", .scope_group = "a.group_id = $%d::bigint",
	.la_field = "la_code", .group_field = "group_id", .filters = allocation_filters,
	.nfilters = sizeof allocation_filters / sizeof allocation_filters[0],
	.sorts = allocation_sorts, .nsorts = sizeof allocation_sorts / sizeof allocation_sorts[0],
	.constraints = allocation_constraints,
	.nconstraints = sizeof allocation_constraints / sizeof allocation_constraints[0],
};

/* ---- payments ------------------------------------------------------------ */

#define PAYMENT_FROM "payment p JOIN fund_allocation a ON a.id = p.allocation_id"
#define PAYMENT_SCOPE                                                                              \
	" AND ($2::integer IS NULL OR p.la_code = $2::integer)"                                        \
	" AND ($3::integer IS NULL OR p.payee_urn = $3::integer)"                                      \
	" AND ($4::bigint IS NULL OR a.group_id = $4::bigint)"

static const struct db_stmt PAYMENT_GET = {"payment_get",
	"SELECT p.version, payment_json(p) FROM " PAYMENT_FROM " WHERE p.id = $1::bigint" PAYMENT_SCOPE};
static const struct db_stmt PAYMENT_LOAD = {"payment_load",
	"SELECT p.version FROM " PAYMENT_FROM " WHERE p.id = $1::bigint" PAYMENT_SCOPE
	" FOR UPDATE OF p"};

static const char *const payment_statuses[] = {"due", "paid", "cancelled", NULL};

static const struct filter_def payment_filters[] = {
	{.name = "status", .kind = FILTER_ENUM, .sql = "p.status = $%d", .values = payment_statuses},
	{.name = "fund_id", .kind = FILTER_INT, .sql = "p.fund_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "payee_urn", .kind = FILTER_INT, .sql = "p.payee_urn = $%d::integer", .min = 100000,
	 .max = 999999},
	{.name = "academic_year", .kind = FILTER_TEXT, .sql = "p.academic_year = $%d", .max = 7,
	 .check = academic_year_ok, .format = "an academic year such as 2020/21"},
	{.name = "financial_year", .kind = FILTER_TEXT, .sql = "p.financial_year = $%d", .max = 7,
	 .check = academic_year_ok, .format = "a financial year such as 2020/21"},
	{.name = "la", .kind = FILTER_INT, .sql = "p.la_code = $%d::integer", .min = 100, .max = 999},
};

static const struct sort_def payment_sorts[] = {
	{"id", "p.id", "bigint", false}, {"-id", "p.id", "bigint", true},
};

static const struct field_set no_fields = {NULL, 0, NULL};

static const char *const payment_csv_columns[] = {
	"id", "reference", "allocation_id", "fund_id", "payee_urn", "la_code", "establishment_number",
	"dfe_number", "amount_pence", "currency", "academic_year", "due_on", "financial_year", "status",
	"remittance_reference", "paid_on", "reverses_payment_id", "reason", "created_at", "updated_at",
	"version", NULL};

static const struct constraint_def payment_constraints[] = {
	{"payment_final", "status", "rule", "is final once the payment is paid or cancelled"},
	{"payment_paid_check", "remittance_reference", "required",
	 "and paid_on are required to record a payment paid"},
	{"payment_reversed_once", "reason", "duplicate", "the payment has been reversed already"},
	{"payment_reference_key", "reference", "duplicate", "is already the reference of a payment"},
	{"payment_status_check", "status", "enum", "must be due, paid or cancelled"},
	{"payment_allocation_fkey", "allocation_id", "reference", "does not name an allocation"},
	{"payment_reverses_fkey", "reverses_payment_id", "reference", "does not name a payment"},
};

const struct resource_def payment_def = {
	.noun = "payment", .resource = "payment", .path = "/v1/payments", .key_field = "id",
	.key_min = 1, .key_max = 9223372036854775807LL, .fields = &no_fields, .get = &PAYMENT_GET,
	.load = &PAYMENT_LOAD, .list_doc = "payment_json(p)", .list_from = PAYMENT_FROM,
	.key_expr = "p.id", .key_type = "bigint", .scope_la = "p.la_code = $%d::integer",
	.scope_school = "p.payee_urn = $%d::integer", .scope_group = "a.group_id = $%d::bigint",
	.la_field = "la_code", .filters = payment_filters,
	.nfilters = sizeof payment_filters / sizeof payment_filters[0], .sorts = payment_sorts,
	.nsorts = sizeof payment_sorts / sizeof payment_sorts[0],
	.csv_columns = payment_csv_columns,
	.constraints = payment_constraints,
	.nconstraints = sizeof payment_constraints / sizeof payment_constraints[0],
};

/* ---- calculation ------------------------------------------------------------ */


static const struct db_stmt FUND_CONTEXT = {"fund_context",
	"SELECT f.kind, f.pot_pence, f.per_chair_pence, f.school_weight_ppm, f.primary_minimum_pence, "
	"f.network_flat_pence, f.per_group_pence, f.census_date, f.academic_year, f.la_id "
	"FROM " FUND_FROM " WHERE f.id = $1::bigint" FUND_WRITE_SCOPE " FOR UPDATE OF f"};

/*
 * Every active group of the LA with members on the census date: its
 * schools, its pupils (each school's latest census on or before the date,
 * else its pupils on roll), and its chair on that date.
 */
static const struct db_stmt FUND_GROUPS = {"fund_groups",
	"SELECT g.id, g.kind, g.name, count(*) AS schools, "
	"sum(coalesce((SELECT sc.pupils FROM school_census sc WHERE sc.urn = m.school_urn "
	"AND sc.census_date <= $2::date ORDER BY sc.census_date DESC LIMIT 1), s.pupils, 0)) AS pupils, "
	"(SELECT c.id FROM chair_appointment c WHERE c.group_id = g.id AND c.role = 'chair' "
	"AND c.term @> $2::date) AS chair_id, "
	"(SELECT c.school_urn FROM chair_appointment c WHERE c.group_id = g.id AND c.role = 'chair' "
	"AND c.term @> $2::date) AS payee "
	"FROM school_group g JOIN membership m ON m.group_id = g.id AND m.valid @> $2::date "
	"JOIN school s ON s.urn = m.school_urn WHERE g.la_id = $1::bigint AND g.status = 'active' "
	"GROUP BY g.id ORDER BY g.id"};

/* Confirmed chairs in office during the academic year [$2, $3]. */
static const struct db_stmt FUND_CHAIRS = {"fund_chairs",
	"SELECT g.id, g.kind, g.name, 0, 0, c.id, c.school_urn FROM chair_appointment c "
	"JOIN school_group g ON g.id = c.group_id WHERE g.la_id = $1::bigint AND c.role = 'chair' "
	"AND c.confirmed_on IS NOT NULL AND c.term && daterange($2::date, $3::date, '[]') "
	"ORDER BY g.id, c.id"};

/* Consortia with a remote learning lead on the census date; the lead's school is paid. */
static const struct db_stmt FUND_LEADS = {"fund_leads",
	"SELECT g.id, g.kind, g.name, 0, 0, NULL, n.school_urn FROM nomination n "
	"JOIN school_group g ON g.id = n.group_id WHERE g.la_id = $1::bigint AND g.kind = 'consortium' "
	"AND g.status = 'active' AND n.role = 'remote_learning_lead' AND n.term @> $2::date "
	"ORDER BY g.id"};

static const struct db_stmt FUND_LIVE = {"fund_live",
	"SELECT count(*) FROM fund_allocation WHERE fund_id = $1::bigint AND status <> 'cancelled'"};

static const struct db_stmt ALLOCATION_STORE = {"allocation_store",
	"INSERT INTO fund_allocation (fund_id, group_id, chair_id, amount_pence, payee_urn, working) "
	"VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::integer, $6::jsonb) RETURNING id"};

struct planned {
	long long group_id, chair_id;
	char kind[16], name[208];
	int payee;
	struct alloc_group g;
	const char *rule;
};

static json_t *
working_of(const struct planned *pl)
{
	char first[48], exact[48];
	json_t *w = json_pack("{s:s}", "rule", pl->rule);

	if (strcmp(pl->rule, "pro_rata") == 0 || strcmp(pl->rule, "minimum") == 0) {
		share_format(pl->g.first_num, pl->g.first_den, first);
		share_format(pl->g.exact_num, pl->g.exact_den, exact);
		json_object_set_new(w, "schools", json_integer(pl->g.schools));
		json_object_set_new(w, "pupils", json_integer(pl->g.pupils));
		json_object_set_new(w, "share_before_minimum", json_string(first));
		json_object_set_new(w, "raised_to_minimum", json_boolean(pl->g.raised));
		json_object_set_new(w, "exact_share", json_string(exact));
		json_object_set_new(w, "rounding_penny", json_boolean(pl->g.rounding_penny));
	} else if (strcmp(pl->rule, "flat") == 0) {
		json_object_set_new(w, "schools", json_integer(pl->g.schools));
		json_object_set_new(w, "pupils", json_integer(pl->g.pupils));
	}
	return w;
}

enum err
fund_calculate(struct db_conn *c, const struct actor *who, const char *key, bool store,
               char **out, struct problem *p)
{
	char la[16], school[16], group[24], start[11], end[11], census[11], year[8];
	const char *sv[] = {key, who->scope.la_code ? la : NULL, who->scope.school_urn ? school : NULL,
	                    who->scope.group_id ? group : NULL};
	PGresult *ctx = NULL, *res = NULL;
	struct planned *pl = NULL;
	struct alloc_rules rules = {0};
	json_t *result = NULL, *list = NULL;
	char kind[24], la_id[24];
	long long per = 0, total = 0, need;
	size_t n = 0;
	enum err e;

	*out = NULL;
	snprintf(la, sizeof la, "%d", who->scope.la_code);
	snprintf(school, sizeof school, "%d", who->scope.school_urn);
	snprintf(group, sizeof group, "%lld", who->scope.group_id);
	if ((e = db_exec(c, &FUND_CONTEXT, 4, sv, &ctx, p)) != ERR_OK)
		goto out;
	if (PQntuples(ctx) == 0) {
		e = problem_set(p, ERR_NOT_FOUND, "no fund %s", key);
		goto out;
	}
	snprintf(kind, sizeof kind, "%s", PQgetvalue(ctx, 0, 0));
	rules.pot = atoll(PQgetvalue(ctx, 0, 1));
	rules.weight_ppm = atoll(PQgetvalue(ctx, 0, 3));
	rules.minimum = atoll(PQgetvalue(ctx, 0, 4));
	rules.flat = atoll(PQgetvalue(ctx, 0, 5));
	snprintf(census, sizeof census, "%s", PQgetvalue(ctx, 0, 7));
	snprintf(year, sizeof year, "%s", PQgetvalue(ctx, 0, 8));
	snprintf(la_id, sizeof la_id, "%s", PQgetvalue(ctx, 0, 9));
	academic_year_parse(year, start, end);

	if (strcmp(kind, "other") == 0) {
		e = problem_set(p, ERR_CONFLICT,
		                "a fund of kind 'other' is allocated one by one (POST /v1/fund-allocations)");
		goto out;
	}
	{
		const char *gv[] = {la_id, strcmp(kind, "chair_funding") == 0 ? start : census, end};
		const struct db_stmt *st = strcmp(kind, "recovery") == 0        ? &FUND_GROUPS
		                           : strcmp(kind, "chair_funding") == 0 ? &FUND_CHAIRS
		                                                                : &FUND_LEADS;
		int np = st == &FUND_CHAIRS ? 3 : 2;
		if ((e = db_exec(c, st, np, gv, &res, p)) != ERR_OK)
			goto out;
	}
	n = (size_t)PQntuples(res);
	if ((pl = calloc(n ? n : 1, sizeof *pl)) == NULL) {
		e = problem_set(p, ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		pl[i].group_id = atoll(PQgetvalue(res, (int)i, 0));
		snprintf(pl[i].kind, sizeof pl[i].kind, "%s", PQgetvalue(res, (int)i, 1));
		snprintf(pl[i].name, sizeof pl[i].name, "%s", PQgetvalue(res, (int)i, 2));
		pl[i].chair_id = PQgetisnull(res, (int)i, 5) ? 0 : atoll(PQgetvalue(res, (int)i, 5));
		pl[i].payee = PQgetisnull(res, (int)i, 6) ? 0 : atoi(PQgetvalue(res, (int)i, 6));
		pl[i].g.id = pl[i].group_id;
		pl[i].g.schools = atoll(PQgetvalue(res, (int)i, 3));
		pl[i].g.pupils = atoll(PQgetvalue(res, (int)i, 4));
		pl[i].g.flat = strcmp(pl[i].kind, "area_network") == 0;
	}
	if (strcmp(kind, "recovery") == 0) {
		struct alloc_group *g = calloc(n ? n : 1, sizeof *g);
		if (g == NULL) {
			e = problem_set(p, ERR_INTERNAL, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			g[i] = pl[i].g;
		need = allocate_pot(&rules, g, n);
		if (need < 0) {
			/* not a shortfall: nothing was computed, and nothing may be stored */
			free(g);
			e = problem_set(p, ERR_INTERNAL, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			pl[i].g = g[i];
			pl[i].rule = g[i].flat ? "flat" : g[i].raised ? "minimum" : "pro_rata";
		}
		free(g);
	} else {
		per = atoll(PQgetvalue(ctx, 0, strcmp(kind, "chair_funding") == 0 ? 2 : 6));
		need = (long long)n * per - rules.pot;
		for (size_t i = 0; i < n; i++) {
			pl[i].g.amount = per;
			pl[i].rule = strcmp(kind, "chair_funding") == 0 ? "per_chair" : "per_group";
		}
	}
	if (need > 0) {
		problem_field(p, IN_BODY, "pot_pence", "range",
		              "is %lld pence short of the flat amounts and minimums", need);
		e = problem_set(p, ERR_VALIDATION, "the pot is too small: %lld pence more are needed", need);
		goto out;
	}
	if (store) {
		PGresult *live = NULL;
		const char *fv[] = {key};
		if ((e = db_exec(c, &FUND_LIVE, 1, fv, &live, p)) != ERR_OK)
			goto out;
		need = atoll(PQgetvalue(live, 0, 0));
		PQclear(live);
		if (need > 0) {
			e = problem_set(p, ERR_CONFLICT,
			                "the fund has %lld live allocations: cancel them to allocate again", need);
			goto out;
		}
	}
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *w = working_of(&pl[i]);
		json_t *item = json_pack("{s:I, s:s, s:s, s:o, s:o, s:I, s:s, s:o}", "group_id",
		                         (json_int_t)pl[i].group_id, "group_name", pl[i].name, "kind",
		                         pl[i].kind, "chair_id",
		                         pl[i].chair_id ? json_integer(pl[i].chair_id) : json_null(),
		                         "payee_urn", pl[i].payee ? json_integer(pl[i].payee) : json_null(),
		                         "amount_pence", (json_int_t)pl[i].g.amount, "currency", "GBP",
		                         "working", w);
		total += pl[i].g.amount;
		if (store) {
			char gid[24], cid[24], amount[24], payee[16], *wtext = json_dumps(w, JSON_COMPACT);
			const char *v[] = {key, gid, pl[i].chair_id ? cid : NULL, amount, pl[i].payee ? payee : NULL, wtext};
			PGresult *ins = NULL;
			struct doc d = {0};
			snprintf(gid, sizeof gid, "%lld", pl[i].group_id);
			snprintf(cid, sizeof cid, "%lld", pl[i].chair_id);
			snprintf(amount, sizeof amount, "%lld", pl[i].g.amount);
			snprintf(payee, sizeof payee, "%d", pl[i].payee);
			e = db_exec(c, &ALLOCATION_STORE, 6, v, &ins, p);
			free(wtext);
			const struct constraint_def *cd =
				e != ERR_OK ? resource_constraint(&allocation_def, p->constraint) : NULL;
			if (cd) {
				/* which group's allocation broke which rule, in the words of a created one */
				problem_field(p, IN_BODY, cd->field, cd->code, "group %lld (%s): %s %s",
				              pl[i].group_id, pl[i].name, cd->field, cd->message);
				snprintf(p->detail, sizeof p->detail, "the allocation to group %lld (%s): %s %s",
				         pl[i].group_id, pl[i].name, cd->field, cd->message);
			}
			if (e == ERR_OK) {
				char id[24];
				snprintf(id, sizeof id, "%s", PQgetvalue(ins, 0, 0));
				json_object_set_new(item, "id", json_integer(atoll(id)));
				if ((e = resource_fetch(c, &allocation_def, who, id, &d, p)) == ERR_OK)
					e = resource_audit(c, &allocation_def, who, id, "create", NULL, d.body, p);
				doc_free(&d);
			}
			PQclear(ins);
			if (e != ERR_OK) {
				json_decref(item);
				goto out;
			}
		}
		json_array_append_new(list, item);
	}
	result = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:O}", "fund_id",
	                   (json_int_t)atoll(key), "kind", kind, "census_date", census, "pot_pence",
	                   (json_int_t)rules.pot, "allocated_pence", (json_int_t)total,
	                   "unallocated_pence", (json_int_t)(rules.pot - total), "currency", "GBP",
	                   "academic_year", year, "allocations", list);
	if (result == NULL || (*out = json_dumps(result, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
		e = problem_set(p, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (store) {
		struct doc fund = {0};
		json_t *summary = json_pack("{s:n, s:{s:I, s:I}}", "before", "after", "allocations",
		                            (json_int_t)n, "allocated_pence", (json_int_t)total);
		if ((e = resource_fetch(c, &fund_def, who, key, &fund, p)) == ERR_OK)
			e = audit_write(c, &who->audit, "fund", key, "allocate", summary,
			                doc_la_code(fund.body, "la_code"), p);
		json_decref(summary);
		doc_free(&fund);
	}
out:
	if (e != ERR_OK) {
		free(*out);
		*out = NULL;
	}
	json_decref(result);
	json_decref(list);
	free(pl);
	PQclear(ctx);
	PQclear(res);
	return e;
}

/* ---- summary -------------------------------------------------------------- */

static const struct db_stmt FUND_SUMMARY = {"fund_summary",
	"SELECT json_build_object('fund_id', f.id, 'currency', 'GBP', 'pot_pence', f.pot_pence, "
	"'allocated_pence', t.allocated, 'unallocated_pence', f.pot_pence - t.allocated, "
	"'proposed_pence', t.proposed, 'approved_pence', t.approved, "
	"'paid_pence', m.paid, 'outstanding_pence', m.outstanding, 'corrected_pence', m.corrected, "
	"'allocations', t.n)::text FROM " FUND_FROM " CROSS JOIN LATERAL (SELECT "
	"count(*) FILTER (WHERE a.status <> 'cancelled') AS n, "
	"coalesce(sum(a.amount_pence) FILTER (WHERE a.status <> 'cancelled'), 0) AS allocated, "
	"coalesce(sum(a.amount_pence) FILTER (WHERE a.status = 'proposed'), 0) AS proposed, "
	"coalesce(sum(a.amount_pence) FILTER (WHERE a.status IN ('approved', 'paid')), 0) AS approved "
	"FROM fund_allocation a WHERE a.fund_id = f.id) t CROSS JOIN LATERAL (SELECT "
	"coalesce(sum(p.amount_pence) FILTER (WHERE p.status = 'paid'), 0) AS paid, "
	"coalesce(sum(p.amount_pence) FILTER (WHERE p.status = 'due'), 0) AS outstanding, "
	"-coalesce(sum(p.amount_pence) FILTER (WHERE p.reverses_payment_id IS NOT NULL "
	"AND p.status <> 'cancelled'), 0) AS corrected FROM payment p WHERE p.fund_id = f.id) m "
	"WHERE f.id = $1::bigint" FUND_SCOPE};

enum err
fund_summary(struct db_conn *c, const struct actor *who, const char *key, char **out,
             struct problem *p)
{
	char la[16], school[16], group[24];
	const char *v[] = {key, who->scope.la_code ? la : NULL, who->scope.school_urn ? school : NULL,
	                   who->scope.group_id ? group : NULL};
	PGresult *res = NULL;
	enum err e;

	*out = NULL;
	snprintf(la, sizeof la, "%d", who->scope.la_code);
	snprintf(school, sizeof school, "%d", who->scope.school_urn);
	snprintf(group, sizeof group, "%lld", who->scope.group_id);
	if ((e = db_exec(c, &FUND_SUMMARY, 4, v, &res, p)) != ERR_OK)
		return e;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return problem_set(p, ERR_NOT_FOUND, "no fund %s", key);
	}
	*out = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *out ? ERR_OK : problem_set(p, ERR_INTERNAL, "out of memory");
}

/* ---- allocation actions ------------------------------------------------------ */

static enum err
refuse_state(struct problem *p, const json_t *doc, const char *what)
{
	const char *status = json_string_value(json_object_get(doc, "status"));
	return problem_set(p, ERR_CONFLICT, "the allocation is %s: it cannot be %s", status ? status : "?",
	                   what);
}

static enum err
approvable(const json_t *doc, struct problem *p)
{
	if (strcmp(json_string_value(json_object_get(doc, "status")), "proposed") != 0)
		return refuse_state(p, doc, "approved");
	if (json_is_true(json_object_get(doc, "plan_required"))) {
		const char *plan = json_string_value(json_object_get(doc, "plan_status"));
		if (plan == NULL || (strcmp(plan, "submitted") != 0 && strcmp(plan, "accepted") != 0))
			return problem_set(p, ERR_CONFLICT,
			                   "the fund requires the group's action plan to be submitted before "
			                   "approval (the plan is %s)", plan ? plan : "missing");
	}
	if (json_is_null(json_object_get(doc, "payee_urn"))) {
		problem_field(p, IN_BODY, "payee_urn", "required",
		              "the allocation has no payee: name a member school (PATCH payee_urn)");
		return problem_set(p, ERR_VALIDATION, "the allocation has no payee");
	}
	return ERR_OK;
}

/* The financial year (April to March) of today, as "2020/21". */
#define FINANCIAL_YEAR                                                                             \
	"to_char(current_date - interval '3 months', 'YYYY') || '/' || "                               \
	"to_char(current_date + interval '9 months', 'YY')"

/* Approval makes the payment: due today, in today's financial year. */
static const struct db_stmt ALLOCATION_APPROVE = {"allocation_approve",
	"WITH a AS (UPDATE fund_allocation SET status = 'approved', approved_at = now(), "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint RETURNING *) "
	"INSERT INTO payment (allocation_id, reference, fund_id, payee_urn, la_code, "
	"establishment_number, amount_pence, academic_year, due_on, financial_year) "
	"SELECT a.id, '', a.fund_id, a.payee_urn, l.code, s.establishment_number, a.amount_pence, "
	"f.academic_year, current_date, " FINANCIAL_YEAR " FROM a JOIN fund f ON f.id = a.fund_id "
	"JOIN school s ON s.urn = a.payee_urn JOIN local_authority l ON l.id = s.la_id"};

enum err
allocation_approve(struct db_conn *c, const struct actor *who, const char *key, const char *if_match,
                   struct doc *out, struct problem *p)
{
	return resource_action(c, &allocation_def, who, key, if_match, "approve", approvable,
	                       &ALLOCATION_APPROVE, NULL, 0, out, p);
}

static enum err
cancellable(const json_t *doc, struct problem *p)
{
	const char *s = json_string_value(json_object_get(doc, "status"));

	if (strcmp(s, "proposed") != 0 && strcmp(s, "approved") != 0)
		return refuse_state(p, doc, "cancelled (a paid one is corrected by reversing its payment)");
	return ERR_OK;
}

static const struct db_stmt ALLOCATION_CANCEL = {"allocation_cancel",
	"WITH a AS (UPDATE fund_allocation SET status = 'cancelled', cancelled_at = now(), "
	"cancel_reason = $2, updated_at = now(), version = version + 1 WHERE id = $1::bigint "
	"RETURNING id) UPDATE payment SET status = 'cancelled', updated_at = now(), "
	"version = version + 1 FROM a WHERE payment.allocation_id = a.id AND payment.status = 'due'"};

static const struct field reason_fields[] = {
	{.name = "reason", .type = FT_TEXT, .flags = F_REQUIRED, .min = 1, .max = 500},
};
static const struct field_set reason_set = {reason_fields, 1, NULL};

enum err
allocation_cancel(struct db_conn *c, const struct actor *who, const char *key, const char *if_match,
                  const json_t *body, struct doc *out, struct problem *p)
{
	struct record r = {0};
	enum err e = record_from_json(&reason_set, body, RECORD_CREATE, &r, p);
	const char *extra[1];

	memset(out, 0, sizeof *out);
	if (e == ERR_OK) {
		extra[0] = r.val[0];
		e = resource_action(c, &allocation_def, who, key, if_match, "cancel", cancellable,
		                    &ALLOCATION_CANCEL, extra, 1, out, p);
	}
	record_clear(&r);
	return e;
}

/* ---- payment actions ---------------------------------------------------------- */

static const struct field paid_fields[] = {
	{.name = "remittance_reference", .type = FT_TEXT, .flags = F_REQUIRED, .min = 1, .max = 100},
	{.name = "paid_on", .type = FT_DATE, .flags = F_REQUIRED | F_PAST},
};
static const struct field_set paid_set = {paid_fields, 2, NULL};

static const struct db_stmt PAYMENT_STATE = {"payment_state",
	"SELECT status, remittance_reference, paid_on, allocation_id FROM payment WHERE id = $1::bigint"};
static const struct db_stmt PAYMENT_PAY = {"payment_pay",
	"WITH p AS (UPDATE payment SET status = 'paid', remittance_reference = $2, paid_on = $3::date, "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint RETURNING allocation_id) "
	"UPDATE fund_allocation a SET status = 'paid', updated_at = now(), version = a.version + 1 "
	"FROM p WHERE a.id = p.allocation_id AND a.status = 'approved'"};

enum err
payment_paid(struct db_conn *c, const struct actor *who, const char *key, const json_t *body,
             struct doc *out, struct problem *p)
{
	struct record r = {0};
	struct doc before = {0};
	PGresult *res = NULL;
	const char *v[3] = {key};
	enum err e;

	memset(out, 0, sizeof *out);
	if ((e = record_from_json(&paid_set, body, RECORD_CREATE, &r, p)) != ERR_OK)
		goto out;
	v[1] = r.val[0];
	v[2] = r.val[1];
	if ((e = resource_lock(c, &payment_def, who, key, "*", NULL, p)) != ERR_OK ||
	    (e = resource_fetch(c, &payment_def, who, key, &before, p)) != ERR_OK ||
	    (e = db_exec(c, &PAYMENT_STATE, 1, v, &res, p)) != ERR_OK)
		goto out;
	if (strcmp(PQgetvalue(res, 0, 0), "paid") == 0) {
		/* The same call again records nothing new; a different one is a conflict. */
		if (strcmp(PQgetvalue(res, 0, 1), r.val[0]) == 0 && strcmp(PQgetvalue(res, 0, 2), r.val[1]) == 0) {
			*out = before;
			memset(&before, 0, sizeof before);
			goto out;
		}
		e = problem_set(p, ERR_CONFLICT, "the payment is already paid, with remittance %s on %s",
		                PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
		goto out;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "due") != 0) {
		e = problem_set(p, ERR_CONFLICT, "the payment is %s: it cannot be paid", PQgetvalue(res, 0, 0));
		goto out;
	}
	PQclear(res);
	res = NULL;
	if ((e = db_exec(c, &PAYMENT_PAY, 3, v, &res, p)) != ERR_OK ||
	    (e = resource_fetch(c, &payment_def, who, key, out, p)) != ERR_OK ||
	    (e = resource_audit(c, &payment_def, who, key, "pay", before.body, out->body, p)) != ERR_OK)
		goto out;
out:
	if (e != ERR_OK)
		doc_free(out);
	PQclear(res);
	doc_free(&before);
	record_clear(&r);
	return e;
}

static const struct db_stmt PAYMENT_REVERSE = {"payment_reverse",
	"INSERT INTO payment (allocation_id, reference, fund_id, payee_urn, la_code, "
	"establishment_number, amount_pence, academic_year, due_on, financial_year, "
	"reverses_payment_id, reason) SELECT allocation_id, '', fund_id, payee_urn, la_code, "
	"establishment_number, -amount_pence, academic_year, current_date, " FINANCIAL_YEAR ", id, $2 FROM payment "
	"WHERE id = $1::bigint AND status = 'paid' AND reverses_payment_id IS NULL RETURNING id"};

enum err
payment_reverse(struct db_conn *c, const struct actor *who, const char *key, const json_t *body,
                struct doc *out, char **location, struct problem *p)
{
	struct record r = {0};
	PGresult *res = NULL;
	char id[24];
	const char *v[2] = {key};
	enum err e;

	memset(out, 0, sizeof *out);
	*location = NULL;
	if ((e = record_from_json(&reason_set, body, RECORD_CREATE, &r, p)) != ERR_OK)
		goto out;
	v[1] = r.val[0];
	if ((e = resource_lock(c, &payment_def, who, key, "*", NULL, p)) != ERR_OK)
		goto out;
	if ((e = db_exec(c, &PAYMENT_REVERSE, 2, v, &res, p)) != ERR_OK) {
		if (strcmp(p->sqlstate, "23505") == 0) {
			p->err = ERR_OK;
			e = problem_set(p, ERR_CONFLICT, "the payment has been reversed already");
		}
		goto out;
	}
	if (PQntuples(res) != 1) {
		e = problem_set(p, ERR_CONFLICT,
		                "only a paid payment that is not itself a reversal can be reversed");
		goto out;
	}
	snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
	e = resource_made(c, &payment_def, who, id, "reverse", out, location, p);
out:
	if (e != ERR_OK) {
		doc_free(out);
		free(*location);
		*location = NULL;
	}
	PQclear(res);
	record_clear(&r);
	return e;
}

/* ---- the change feed ------------------------------------------------------------ */

static const struct db_stmt PAYMENT_FEED = {"payment_feed",
	"SELECT json_build_object('items', coalesce(json_agg(json_build_object('position', c.position, "
	"'changed_at', api_ts(c.changed_at), 'payment', c.payment) ORDER BY c.position), '[]'::json), "
	"'last_position', coalesce(max(c.position), $1::bigint))::text FROM ("
	"SELECT c.* FROM payment_change c JOIN payment p ON p.id = c.payment_id "
	"JOIN fund_allocation a ON a.id = p.allocation_id WHERE c.position > $1::bigint"
	" AND ($3::integer IS NULL OR c.la_code = $3::integer)"
	" AND ($4::integer IS NULL OR p.payee_urn = $4::integer)"
	" AND ($5::bigint IS NULL OR a.group_id = $5::bigint)"
	" ORDER BY c.position LIMIT $2::integer) c"};

enum err
payment_feed(struct db_conn *c, const struct actor *who, long long after, long limit, char **out,
             struct problem *p)
{
	char a[24], l[16], la[16], school[16], group[24];
	const char *v[] = {a, l, who->scope.la_code ? la : NULL, who->scope.school_urn ? school : NULL,
	                   who->scope.group_id ? group : NULL};
	PGresult *res = NULL;
	enum err e;

	snprintf(a, sizeof a, "%lld", after);
	snprintf(l, sizeof l, "%ld", limit);
	snprintf(la, sizeof la, "%d", who->scope.la_code);
	snprintf(school, sizeof school, "%d", who->scope.school_urn);
	snprintf(group, sizeof group, "%lld", who->scope.group_id);
	*out = NULL;
	if ((e = db_exec(c, &PAYMENT_FEED, 5, v, &res, p)) != ERR_OK)
		return e;
	*out = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *out ? ERR_OK : problem_set(p, ERR_INTERNAL, "out of memory");
}
