/*
 * fund.c
 *    This module defines funds (their fields, SQL and rules) and their
 *    summary, reconciled to the penny (see fund.h). The calculation is in
 *    fund_calculate.c, allocations in fund_allocations.c, payments in
 *    fund_payments.c.
 */
#include "fund.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "fund_sql.h"

/* ---- funds ------------------------------------------------------------ */

static const char *const fund_kinds[] = {"chair_funding", "recovery", "remote_learning", "other", NULL};

enum {
	FF_LA_CODE, FF_KIND, FF_NAME, FF_ACADEMIC_YEAR, FF_POT, FF_PER_CHAIR, FF_WEIGHTING, FF_MINIMUM,
	FF_FLAT, FF_PER_GROUP, FF_CENSUS_DATE, FF_PLAN_DEADLINE, FF_EVALUATION_DUE, FF_REQUIRES_PLAN,
	FF_NAME_CY, FF_STATUS, FF_RECURRING, FF__COUNT
};

static const char *const fund_statuses[] = {"draft", "open", NULL};

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
	[FF_NAME_CY] = {.name = "name_cy", .type = FT_TEXT, .flags = F_NULLABLE | F_NAME, .min = 1, .max = 200},
	[FF_STATUS] = {.name = "status", .type = FT_ENUM, .values = fund_statuses, .dflt = "open"},
	/* absent when made: a chair funding fund recurs, another does not */
	[FF_RECURRING] = {.name = "recurring", .type = FT_BOOL, .flags = F_OPTIONAL},
};

static const char *const fund_read_only[] = {"id", "currency", "copied_from_id", "created_at", "updated_at",
                                             "version", NULL};
static const struct field_set fund_field_set = {fund_fields, FF__COUNT, fund_read_only};

#define FUND_DOC                                                                                  \
	"json_build_object('id', f.id, 'la_code', l.code, 'kind', f.kind, 'name', f.name, 'name_cy', f.name_cy, " \
	"'academic_year', f.academic_year, 'pot_pence', f.pot_pence, 'currency', 'GBP', "             \
	"'per_chair_pence', f.per_chair_pence, "                                                      \
	"'school_weighting', trim_scale(f.school_weight_ppm / 1000000.0)::text, "                    \
	"'primary_minimum_pence', f.primary_minimum_pence, 'network_flat_pence', f.network_flat_pence, " \
	"'per_group_pence', f.per_group_pence, 'census_date', f.census_date, "                        \
	"'plan_deadline', f.plan_deadline, 'evaluation_due', f.evaluation_due, "                      \
	"'requires_plan', f.requires_plan, 'status', f.status, 'recurring', f.recurring, "             \
	"'copied_from_id', f.copied_from_id, 'created_at', api_ts(f.created_at), "                    \
	"'updated_at', api_ts(f.updated_at), 'version', f.version)"


static const struct db_stmt FUND_INSERT = {"fund_insert",
	"INSERT INTO fund (la_id, kind, name, academic_year, pot_pence, per_chair_pence, "
	"school_weight_ppm, primary_minimum_pence, network_flat_pence, per_group_pence, census_date, "
	"plan_deadline, evaluation_due, requires_plan, name_cy, status, recurring) "
	"SELECT l.id, $2, $3, $4, $5::bigint, $6::bigint, round($7::numeric * 1000000)::integer, "
	"$8::bigint, $9::bigint, $10::bigint, "
	"coalesce($11::date, (left($4, 4) || '-10-01')::date), $12::date, $13::date, $14::boolean, $15, $16, "
	"coalesce($17::boolean, $2 = 'chair_funding') "
	"FROM local_authority l WHERE l.code = $1::integer RETURNING id"};
static const struct db_stmt FUND_UPDATE = {"fund_update",
	"UPDATE fund SET name = $4, academic_year = $5, pot_pence = $6::bigint, "
	"per_chair_pence = $7::bigint, school_weight_ppm = round($8::numeric * 1000000)::integer, "
	"primary_minimum_pence = $9::bigint, network_flat_pence = $10::bigint, "
	"per_group_pence = $11::bigint, census_date = coalesce($12::date, census_date), "
	"plan_deadline = $13::date, evaluation_due = $14::date, requires_plan = $15::boolean, name_cy = $16, "
	"status = $17, recurring = $18::boolean, updated_at = now(), version = version + 1 "
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
	{"fund_name_cy_check", "name_cy", "length", "must be 1 to 200 characters long"},
	{"fund_academic_year_check", "academic_year", "format", "must be an academic year such as 2020/21"},
	{"fund_pot_pence_check", "pot_pence", "range", "must not be negative"},
	{"fund_per_chair_pence_check", "per_chair_pence", "range", "must not be negative"},
	{"fund_school_weight_ppm_check", "school_weighting", "range", "must be 0 to 1"},
	{"fund_primary_minimum_pence_check", "primary_minimum_pence", "range", "must not be negative"},
	{"fund_network_flat_pence_check", "network_flat_pence", "range", "must not be negative"},
	{"fund_per_group_pence_check", "per_group_pence", "range", "must not be negative"},
	{"fund_status_check", "status", "enum", "must be draft or open"},
	{"fund_draft_rule", "status", "rule", "cannot go back to draft: the fund has allocations"},
	{"fund_copied_from_fkey", "copied_from_id", "reference", "does not name a fund"},
	{"fund_copied_once", "copied_from_id", "duplicate", "the fund was copied into the next year already"},
};

const struct resource_def fund_def = {
	.noun = "fund", .resource = "fund", .path = "/v1/funds", .key_field = "id", .key_min = 1,
	.key_max = 9223372036854775807LL, .fields = &fund_field_set, .lock_la_only = true,
	.load_cols = "l.code, f.kind, f.name, f.academic_year, f.pot_pence, f.per_chair_pence, "
	             "trim_scale(f.school_weight_ppm / 1000000.0)::text, f.primary_minimum_pence, "
	             "f.network_flat_pence, f.per_group_pence, f.census_date, f.plan_deadline, "
	             "f.evaluation_due, f.requires_plan, f.name_cy, f.status, f.recurring",
	.insert = &FUND_INSERT, .insert_miss_field = "la_code",
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

static const struct field reason_fields[] = {
	{.name = "reason", .type = FT_TEXT, .flags = F_REQUIRED, .min = 1, .max = 500},
};
const struct field_set reason_set = {reason_fields, 1, NULL};

/* ---- summary -------------------------------------------------------------- */

/* $1 the fund; restricted to the caller's scope by fund_def's. */
static const char FUND_SUMMARY[] =
	"SELECT json_build_object('fund_id', f.id, 'currency', 'GBP', 'pot_pence', f.pot_pence, "
	"'allocated_pence', t.allocated, 'unallocated_pence', f.pot_pence - t.allocated, "
	"'proposed_pence', t.proposed, 'approved_pence', t.approved, "
	"'paid_pence', m.paid, 'outstanding_pence', m.outstanding, 'rejected_pence', m.rejected, "
	"'corrected_pence', m.corrected, "
	"'allocations', t.n)::text FROM " FUND_FROM " CROSS JOIN LATERAL (SELECT "
	"count(*) FILTER (WHERE a.status <> 'cancelled') AS n, "
	"coalesce(sum(a.amount_pence) FILTER (WHERE a.status <> 'cancelled'), 0) AS allocated, "
	"coalesce(sum(a.amount_pence) FILTER (WHERE a.status IN ('proposed', 'awaiting_second_approval')), 0) "
	"AS proposed, "
	"coalesce(sum(a.amount_pence) FILTER (WHERE a.status IN ('approved', 'paid')), 0) AS approved "
	"FROM fund_allocation a WHERE a.fund_id = f.id) t CROSS JOIN LATERAL (SELECT "
	"coalesce(sum(p.amount_pence) FILTER (WHERE p.status = 'paid'), 0) AS paid, "
	"coalesce(sum(p.amount_pence) FILTER (WHERE p.status IN ('due', 'acknowledged')), 0) AS outstanding, "
	"coalesce(sum(p.amount_pence) FILTER (WHERE p.status = 'rejected' AND NOT x.reissued), 0) AS rejected, "
	"-coalesce(sum(p.amount_pence) FILTER (WHERE p.reverses_payment_id IS NOT NULL "
	"AND p.status <> 'cancelled' AND NOT x.reissued), 0) AS corrected FROM payment p "
	"CROSS JOIN LATERAL (SELECT p.status = 'rejected' AND EXISTS (SELECT 1 FROM payment r "
	"WHERE r.reissues_payment_id = p.id AND r.status <> 'cancelled') AS reissued) x "
	"WHERE p.fund_id = f.id) m "
	"WHERE f.id = $1::bigint";

enum err
fund_summary(struct db_conn *c, const struct actor *who, const char *key, char **out,
             struct problem *p)
{
	PGresult *res = NULL;
	enum err e;

	*out = NULL;
	if ((e = resource_exec_scoped(c, &fund_def, FUND_SUMMARY, NULL, &who->scope, false, 1, &key,
	                              &res, p)) != ERR_OK)
		return e;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return problem_set(p, ERR_NOT_FOUND, "no fund %s", key);
	}
	*out = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *out ? ERR_OK : problem_set(p, ERR_INTERNAL, "out of memory");
}
