/*
 * fund_allocations.c
 *    This module defines a fund's allocations to groups: their fields,
 *    SQL, rules and life (proposed, approved, paid or cancelled), as a
 *    table of actions (see fund.h).
 */
#include "fund.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund_sql.h"

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
	"id", "fund_name", "fund_kind", "academic_year", "la_code", "group_name", "chair_id", "kind", "currency",
	"status", "working", "plan_required", "plan_status", "payment_id", "first_approved_at", "approved_at",
	"cancelled_at",
	"cancel_reason", "created_at", "updated_at", "version", NULL};
static const struct field_set allocation_field_set = {allocation_fields, AF__N, allocation_read_only};

#define ALLOCATION_DOC                                                                             \
	"json_build_object('id', a.id, 'fund_id', a.fund_id, 'fund_name', f.name, 'fund_kind', f.kind, " \
	"'academic_year', f.academic_year, 'la_code', l.code, 'group_id', a.group_id, "                 \
	"'group_name', g.name, 'chair_id', a.chair_id, 'kind', a.kind, 'amount_pence', a.amount_pence, " \
	"'currency', 'GBP', 'payee_urn', a.payee_urn, 'status', a.status, 'working', a.working, "        \
	"'plan_required', f.requires_plan, "                                                            \
	"'plan_status', (SELECT x.status FROM action_plan x WHERE x.group_id = a.group_id "              \
	"AND x.fund_id = a.fund_id), "                                                                  \
	"'payment_id', (SELECT max(p.id) FROM payment p WHERE p.allocation_id = a.id "                   \
	"AND p.reverses_payment_id IS NULL), "                                                          \
	"'first_approved_at', api_ts(a.first_approved_at), 'approved_at', api_ts(a.approved_at), "      \
	"'cancelled_at', api_ts(a.cancelled_at), "                                                      \
	"'cancel_reason', a.cancel_reason, 'created_at', api_ts(a.created_at), "                        \
	"'updated_at', api_ts(a.updated_at), 'version', a.version)"
#define ALLOCATION_FROM                                                                            \
	"fund_allocation a JOIN fund f ON f.id = a.fund_id JOIN local_authority l ON l.id = f.la_id "    \
	"JOIN school_group g ON g.id = a.group_id"

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

static const char *const allocation_statuses[] = {"proposed", "awaiting_second_approval", "approved", "paid",
                                                  "cancelled", NULL};
static const char *const allocation_kinds[] = {"allocation", "top_up", "reduction", NULL};

static const struct filter_def allocation_filters[] = {
	{.name = "fund_id", .kind = FILTER_INT, .sql = "a.fund_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "group_id", .kind = FILTER_INT, .sql = "a.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "status", .kind = FILTER_ENUM, .sql = "a.status = $%d", .values = allocation_statuses},
	{.name = "kind", .kind = FILTER_ENUM, .sql = "a.kind = $%d", .values = allocation_kinds},
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
	{"allocation_amount_check", "amount_pence", "range",
	 "must not be negative (only a reduction, which a fund allocated again proposes, is)"},
	{"allocation_kind_check", "kind", "enum", "must be allocation, top_up or reduction"},
	{"fund_allocation_status_check", "status", "enum",
	 "must be proposed, awaiting_second_approval, approved, paid or cancelled"},
	{"allocation_chair_fkey", "chair_id", "reference", "does not name a chair appointment"},
	{"fund_open_rule", "fund_id", "rule", "names a fund still in draft: open it (status open) first"},
};

/* ---- state changes ------------------------------------------------------- */

/* Approval needs a payee and, when the fund asks for one, the group's plan submitted. */
static enum err
approvable(const json_t *row, const struct record *body, bool *unchanged, struct problem *p)
{
	(void)body;
	(void)unchanged;
	if (json_is_true(json_object_get(row, "plan_required"))) {
		const char *plan = json_string_value(json_object_get(row, "plan_status"));
		if (plan == NULL || (strcmp(plan, "submitted") != 0 && strcmp(plan, "accepted") != 0))
			return problem_set(p, ERR_CONFLICT,
			                   "the fund requires the group's action plan to be submitted before "
			                   "approval (the plan is %s)", plan ? plan : "missing");
	}
	if (json_is_null(json_object_get(row, "payee_urn"))) {
		problem_field(p, IN_BODY, "payee_urn", "required",
		              "the allocation has no payee: name a member school (PATCH payee_urn)");
		return problem_set(p, ERR_VALIDATION, "the allocation has no payee");
	}
	return ERR_OK;
}

/*
 * Approval makes the payment: due today, in today's financial year. Where
 * the LA asks for two approvals above an amount, the first approval of
 * such an allocation awaits the second, by another officer (the guard),
 * and the second makes the payment. $2 the approving officer.
 */
static const struct db_stmt ALLOCATION_APPROVE = {"allocation_approve",
	"WITH cur AS (SELECT a.id, a.status = 'proposed' AS first, "
	"(l.second_approval_over_pence IS NOT NULL AND abs(a.amount_pence) > l.second_approval_over_pence) AS two "
	"FROM fund_allocation a JOIN fund f ON f.id = a.fund_id JOIN local_authority l ON l.id = f.la_id "
	"WHERE a.id = $1::bigint), "
	"a AS (UPDATE fund_allocation x SET "
	"status = CASE WHEN cur.first AND cur.two THEN 'awaiting_second_approval' ELSE 'approved' END, "
	"first_approved_by = CASE WHEN cur.first THEN $2 ELSE x.first_approved_by END, "
	"first_approved_at = CASE WHEN cur.first THEN now() ELSE x.first_approved_at END, "
	"approved_by = CASE WHEN cur.first AND cur.two THEN NULL ELSE $2 END, "
	"approved_at = CASE WHEN cur.first AND cur.two THEN NULL ELSE now() END, "
	"updated_at = now(), version = x.version + 1 FROM cur WHERE x.id = cur.id RETURNING x.*) "
	"INSERT INTO payment (allocation_id, reference, fund_id, payee_urn, la_code, "
	"establishment_number, amount_pence, academic_year, due_on, financial_year) "
	"SELECT a.id, '', a.fund_id, a.payee_urn, l.code, s.establishment_number, a.amount_pence, "
	"f.academic_year, london_today(), " FINANCIAL_YEAR " FROM a JOIN fund f ON f.id = a.fund_id "
	"JOIN school s ON s.urn = a.payee_urn JOIN local_authority l ON l.id = s.la_id "
	"WHERE a.status = 'approved'"};

/* Who may not approve: see allocation_approver_refusal (schema/0013_finance_answers.sql). */
static const struct db_stmt ALLOCATION_APPROVER = {"allocation_approver",
	"SELECT allocation_approver_refusal($1::bigint, $2)"};

static const struct db_stmt ALLOCATION_CANCEL = {"allocation_cancel",
	"WITH a AS (UPDATE fund_allocation SET status = 'cancelled', cancelled_at = now(), "
	"cancel_reason = $2, updated_at = now(), version = version + 1 WHERE id = $1::bigint "
	"RETURNING id) UPDATE payment SET status = 'cancelled', updated_at = now(), "
	"version = version + 1 FROM a WHERE payment.allocation_id = a.id "
	"AND payment.status IN ('due', 'acknowledged')"};

static const char *const from_proposed[] = {"proposed", "awaiting_second_approval", NULL};
static const char *const from_live[] = {"proposed", "awaiting_second_approval", "approved", NULL};

static const struct action_def allocation_actions[] = {
	{.name = "approve", .from = from_proposed, .change = &ALLOCATION_APPROVE, .if_match = true,
	 .check = approvable, .actor = true, .guard = &ALLOCATION_APPROVER},
	{.name = "cancel", .from = from_live, .body = &reason_set, .change = &ALLOCATION_CANCEL,
	 .if_match = true, .hint = "a paid allocation is corrected by reversing its payment"},
};

static const char *const allocation_csv[] = {
	"id", "fund_id", "fund_name", "fund_kind", "academic_year", "la_code", "group_id", "group_name", "kind", "amount_pence", "payee_urn", "status", "plan_status", "payment_id", "approved_at", "cancelled_at", "cancel_reason", NULL};

const struct resource_def allocation_def = {
	.csv_columns = allocation_csv,
	.noun = "allocation", .resource = "fund-allocation", .path = "/v1/fund-allocations",
	.key_field = "id", .key_min = 1, .key_max = 9223372036854775807LL,
	.fields = &allocation_field_set, .load_cols = "a.fund_id, a.group_id, a.amount_pence, a.payee_urn",
	.insert = &ALLOCATION_INSERT, .insert_miss_field = "fund_id", .update = &ALLOCATION_UPDATE,
	.list_doc = ALLOCATION_DOC, .list_from = ALLOCATION_FROM, .key_expr = "a.id",
	.key_type = "bigint", .scope_la = "l.code = $%d::integer",
	.scope_school = "a.payee_urn = $%d::integer", .scope_group = "a.group_id = $%d::bigint",
	.la_field = "la_code", .group_field = "group_id", .filters = allocation_filters,
	.nfilters = sizeof allocation_filters / sizeof allocation_filters[0],
	.sorts = allocation_sorts, .nsorts = sizeof allocation_sorts / sizeof allocation_sorts[0],
	.constraints = allocation_constraints,
	.nconstraints = sizeof allocation_constraints / sizeof allocation_constraints[0],
	.states = allocation_statuses, .actions = allocation_actions,
	.nactions = sizeof allocation_actions / sizeof allocation_actions[0],
};
