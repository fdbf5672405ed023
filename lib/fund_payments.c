/*
 * fund_payments.c
 *    This module defines the payments the finance system pulls: their
 *    SQL, their life (due, paid or cancelled; a paid one corrected only by
 *    a reversing payment) as a table of actions, and the change feed (see
 *    fund.h).
 */
#include "fund.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "fund_sql.h"

#define PAYMENT_FROM "payment p JOIN fund_allocation a ON a.id = p.allocation_id"


static const char *const payment_statuses[] = {"due", "acknowledged", "paid", "rejected", "cancelled", NULL};

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
	"finance_reference", "acknowledged_at", "remittance_reference", "paid_on", "rejected_at",
	"rejection_reason", "reverses_payment_id", "reissues_payment_id", "reason", "created_at",
	"updated_at", "version", NULL};

static const struct constraint_def payment_constraints[] = {
	{"payment_final", "status", "rule", "is final once the payment is paid or cancelled"},
	{"payment_paid_check", "remittance_reference", "required",
	 "and paid_on are required to record a payment paid"},
	{"payment_reversed_once", "reason", "duplicate", "the payment has been reversed already"},
	{"payment_reference_key", "reference", "duplicate", "is already the reference of a payment"},
	{"payment_status_check", "status", "enum", "must be due, acknowledged, paid, rejected or cancelled"},
	{"payment_reissued_once", "reason", "duplicate", "the payment has been reissued already"},
	{"payment_reissues_fkey", "reissues_payment_id", "reference", "does not name a payment"},
	{"payment_finance_reference_check", "finance_reference", "length", "must be 1 to 100 characters long"},
	{"payment_rejection_reason_check", "reason", "length", "must be 1 to 500 characters long"},
	{"payment_acknowledged_check", "finance_reference", "required",
	 "is required to record a payment acknowledged"},
	{"payment_rejected_check", "reason", "required", "is required to record a payment rejected"},
	{"payment_allocation_fkey", "allocation_id", "reference", "does not name an allocation"},
	{"payment_reverses_fkey", "reverses_payment_id", "reference", "does not name a payment"},
};

/* ---- state changes -------------------------------------------------------- */

static const struct field paid_fields[] = {
	{.name = "remittance_reference", .type = FT_TEXT, .flags = F_REQUIRED, .min = 1, .max = 100},
	{.name = "paid_on", .type = FT_DATE, .flags = F_REQUIRED | F_PAST},
};
static const struct field_set paid_set = {paid_fields, 2, NULL};

/* Paid again with the same remittance: nothing new; with another: a conflict. */
static enum err
paid_again(const json_t *row, const struct record *body, bool *unchanged, struct problem *p)
{
	const char *ref = json_string_value(json_object_get(row, "remittance_reference"));
	const char *on = json_string_value(json_object_get(row, "paid_on"));

	if (strcmp(json_string_value(json_object_get(row, "status")), "paid") != 0)
		return ERR_OK;
	if (ref && on && strcmp(ref, body->val[0]) == 0 && strcmp(on, body->val[1]) == 0) {
		*unchanged = true;
		return ERR_OK;
	}
	return problem_set(p, ERR_CONFLICT, "the payment is already paid, with remittance %s on %s",
	                   ref ? ref : "?", on ? on : "?");
}

static enum err
not_a_reversal(const json_t *row, const struct record *body, bool *unchanged, struct problem *p)
{
	(void)body;
	(void)unchanged;
	if (!json_is_null(json_object_get(row, "reverses_payment_id")))
		return problem_set(p, ERR_CONFLICT,
		                   "only a paid payment that is not itself a reversal can be reversed");
	return ERR_OK;
}

static const struct field acknowledge_fields[] = {
	{.name = "finance_reference", .type = FT_TEXT, .flags = F_REQUIRED, .min = 1, .max = 100},
};
static const struct field_set acknowledge_set = {acknowledge_fields, 1, NULL};

/*
 * A payment already in `state` with `field` equal to the body's first
 * value: nothing new (*unchanged); with another value: 409 "the payment is
 * already <state><sep><value>".
 */
static enum err
already(const json_t *row, const char *state, const char *field, const char *sep,
        const struct record *body, bool *unchanged, struct problem *p)
{
	const char *was = json_string_value(json_object_get(row, field));

	if (strcmp(json_string_value(json_object_get(row, "status")), state) != 0)
		return ERR_OK;
	if (was && strcmp(was, body->val[0]) == 0) {
		*unchanged = true;
		return ERR_OK;
	}
	return problem_set(p, ERR_CONFLICT, "the payment is already %s%s%s", state, sep, was ? was : "?");
}

static enum err
acknowledged_again(const json_t *row, const struct record *body, bool *unchanged, struct problem *p)
{
	return already(row, "acknowledged", "finance_reference", ", under ", body, unchanged, p);
}

static enum err
rejected_again(const json_t *row, const struct record *body, bool *unchanged, struct problem *p)
{
	return already(row, "rejected", "rejection_reason", ": ", body, unchanged, p);
}

static const struct db_stmt PAYMENT_PAY = {"payment_pay",
	"WITH p AS (UPDATE payment SET status = 'paid', remittance_reference = $2, paid_on = $3::date, "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint RETURNING allocation_id) "
	"UPDATE fund_allocation a SET status = 'paid', updated_at = now(), version = a.version + 1 "
	"FROM p WHERE a.id = p.allocation_id AND a.status = 'approved'"};
static const struct db_stmt PAYMENT_ACKNOWLEDGE = {"payment_acknowledge",
	"UPDATE payment SET status = 'acknowledged', finance_reference = $2, acknowledged_at = now(), "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint"};
static const struct db_stmt PAYMENT_REJECT = {"payment_reject",
	"UPDATE payment SET status = 'rejected', rejection_reason = $2, rejected_at = now(), "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint"};
static const struct db_stmt PAYMENT_REVERSE = {"payment_reverse",
	"INSERT INTO payment (allocation_id, reference, fund_id, payee_urn, la_code, "
	"establishment_number, amount_pence, academic_year, due_on, financial_year, "
	"reverses_payment_id, reason) SELECT allocation_id, '', fund_id, payee_urn, la_code, "
	"establishment_number, -amount_pence, academic_year, london_today(), " FINANCIAL_YEAR ", id, $2 FROM payment "
	"WHERE id = $1::bigint AND status = 'paid' AND reverses_payment_id IS NULL RETURNING id"};
/* A new payment of what was rejected, due today, to the school as the register now has it. */
static const struct db_stmt PAYMENT_REISSUE = {"payment_reissue",
	"INSERT INTO payment (allocation_id, reference, fund_id, payee_urn, la_code, "
	"establishment_number, amount_pence, academic_year, due_on, financial_year, "
	"reissues_payment_id, reverses_payment_id, reason) SELECT p.allocation_id, '', p.fund_id, "
	"p.payee_urn, l.code, s.establishment_number, p.amount_pence, p.academic_year, london_today(), "
	FINANCIAL_YEAR ", p.id, p.reverses_payment_id, $2 FROM payment p JOIN school s ON s.urn = p.payee_urn "
	"JOIN local_authority l ON l.id = s.la_id WHERE p.id = $1::bigint AND p.status = 'rejected' "
	"RETURNING id"};

static const char *const from_due_or_paid[] = {"due", "acknowledged", "paid", NULL};
static const char *const from_due[] = {"due", "acknowledged", NULL};
static const char *const from_unpaid[] = {"due", "acknowledged", "rejected", NULL};
static const char *const from_paid[] = {"paid", NULL};
static const char *const from_rejected[] = {"rejected", NULL};

static const struct action_def payment_actions[] = {
	{.name = "acknowledge", .from = from_due, .body = &acknowledge_set, .change = &PAYMENT_ACKNOWLEDGE,
	 .check = acknowledged_again},
	{.name = "paid", .audit = "pay", .from = from_due_or_paid, .body = &paid_set,
	 .change = &PAYMENT_PAY, .check = paid_again},
	{.name = "reject", .from = from_unpaid, .body = &reason_set, .change = &PAYMENT_REJECT,
	 .check = rejected_again, .hint = "a paid payment is corrected by reversing it"},
	{.name = "reissue", .from = from_rejected, .body = &reason_set, .change = &PAYMENT_REISSUE,
	 .creates = true, .refused = "only a rejected payment can be reissued",
	 .again = "the payment has been reissued already"},
	{.name = "reverse", .from = from_paid, .body = &reason_set, .change = &PAYMENT_REVERSE,
	 .creates = true, .check = not_a_reversal,
	 .refused = "only a paid payment that is not itself a reversal can be reversed",
	 .again = "the payment has been reversed already"},
};

const struct resource_def payment_def = {
	.noun = "payment", .resource = "payment", .path = "/v1/payments", .key_field = "id",
	.key_min = 1, .key_max = 9223372036854775807LL, .fields = &no_fields,
	.list_doc = "payment_json(p)", .list_from = PAYMENT_FROM,
	.key_expr = "p.id", .key_type = "bigint", .scope_la = "p.la_code = $%d::integer",
	.scope_school = "p.payee_urn = $%d::integer", .scope_group = "a.group_id = $%d::bigint",
	.la_field = "la_code", .filters = payment_filters,
	.nfilters = sizeof payment_filters / sizeof payment_filters[0], .sorts = payment_sorts,
	.nsorts = sizeof payment_sorts / sizeof payment_sorts[0],
	.csv_columns = payment_csv_columns,
	.constraints = payment_constraints,
	.nconstraints = sizeof payment_constraints / sizeof payment_constraints[0],
	.states = payment_statuses, .actions = payment_actions,
	.nactions = sizeof payment_actions / sizeof payment_actions[0],
};

/* ---- the change feed ------------------------------------------------------------ */

/*
 * $1 the position after which, $2 the limit. Each change keeps its item as
 * the feed sends it (schema/0029_feed_items.sql); the page joins them in
 * the layout json_build_object and json_agg give. An unscoped caller's
 * changes are all of them, an LA's those naming its LA (a payment's LA
 * never changes); a school's or a group's are those of the payments in its
 * scope, by payment_def's fragments over the payment and its allocation.
 */
#define PAYMENT_FEED_PAGE                                                                         \
	"SELECT '{\"items\" : [' || coalesce(string_agg(c.item, ', ' ORDER BY c.position), '') || "   \
	"'], \"last_position\" : ' || coalesce(max(c.position), $1::bigint) || '}' FROM ("
static const char PAYMENT_FEED[] =
	PAYMENT_FEED_PAGE "SELECT c.position, c.item FROM payment_change c JOIN payment p ON p.id = c.payment_id "
	"JOIN fund_allocation a ON a.id = p.allocation_id WHERE c.position > $1::bigint";
#define PAYMENT_FEED_ALONE PAYMENT_FEED_PAGE "SELECT c.position, c.item FROM payment_change c WHERE c.position > $1::bigint"
#define PAYMENT_FEED_ORDER " ORDER BY c.position LIMIT $2::integer) c"
static const char PAYMENT_FEED_BY_LA[] = PAYMENT_FEED_ALONE;
static const char PAYMENT_FEED_END[] = PAYMENT_FEED_ORDER;

const char *
payment_feed_sql(void)
{
	static const char unscoped[] = PAYMENT_FEED_ALONE PAYMENT_FEED_ORDER;

	return unscoped;
}

/* The scope of PAYMENT_FEED_BY_LA: an LA's caller's, by the LA the change names. */
static const struct resource_def feed_by_la = {.scope_la = "c.la_code = $%d::integer"};

enum err
payment_feed(struct db_conn *c, const struct actor *who, long long after, long limit, char **out,
             struct problem *p)
{
	bool by_la = (scope_mask(&payment_def, &who->scope) & ~(unsigned)SCOPE_LA) == 0;
	char a[24], l[16];
	const char *v[] = {a, l};
	PGresult *res = NULL;
	enum err e;

	snprintf(a, sizeof a, "%lld", after);
	snprintf(l, sizeof l, "%ld", limit);
	*out = NULL;
	if ((e = resource_exec_scoped(c, by_la ? &feed_by_la : &payment_def,
	                              by_la ? PAYMENT_FEED_BY_LA : PAYMENT_FEED, PAYMENT_FEED_END,
	                              &who->scope, false, 2, v, &res, p)) != ERR_OK)
		return e;
	*out = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *out ? ERR_OK : problem_set(p, ERR_INTERNAL, "out of memory");
}

/* ---- totals for the ledger ------------------------------------------------------ */

/*
 * $1 financial year, $2 academic year (each NULL: any); restricted to the
 * caller's scope by payment_def's. Totals per school budget (the DfE
 * number) within a fund, per fund, per financial year and in all.
 */
static const char PAYMENT_TOTALS[] =
	"SELECT json_build_object('financial_year', $1::text, 'academic_year', $2::text, "
	"'currency', 'GBP', 'items', coalesce(json_agg(t ORDER BY t.financial_year NULLS LAST, "
	"t.fund_id NULLS LAST, t.dfe_number NULLS LAST), '[]'::json))::text FROM ("
	"SELECT CASE WHEN grouping(p.la_code) = 0 THEN 'school' WHEN grouping(p.fund_id) = 0 THEN 'fund' "
	"WHEN grouping(p.financial_year) = 0 THEN 'year' ELSE 'all' END AS level, "
	"p.financial_year, p.fund_id, CASE WHEN grouping(p.fund_id) = 0 THEN max(f.name) END AS fund_name, "
	"CASE WHEN grouping(p.la_code) = 0 THEN p.la_code || '/' || lpad(p.establishment_number::text, 4, '0') "
	"END AS dfe_number, CASE WHEN grouping(p.la_code) = 0 THEN max(p.payee_urn) END AS payee_urn, "
	"count(p.id) AS payments, "
	"coalesce(sum(p.amount_pence) FILTER (WHERE p.status = 'paid'), 0) AS paid_pence, "
	"coalesce(sum(p.amount_pence) FILTER (WHERE p.status IN ('due', 'acknowledged')), 0) AS outstanding_pence, "
	"coalesce(sum(p.amount_pence) FILTER (WHERE p.status = 'rejected'), 0) AS rejected_pence "
	"FROM payment p JOIN fund_allocation a ON a.id = p.allocation_id JOIN fund f ON f.id = p.fund_id "
	"WHERE p.status <> 'cancelled' AND ($1::text IS NULL OR p.financial_year = $1::text) "
	"AND ($2::text IS NULL OR p.academic_year = $2::text)";
static const char PAYMENT_TOTALS_END[] =
	" GROUP BY GROUPING SETS ((p.financial_year, p.fund_id, p.la_code, p.establishment_number), "
	"(p.financial_year, p.fund_id), (p.financial_year), ())) t";

enum err
payment_totals(struct db_conn *c, const struct actor *who, const char *financial_year,
               const char *academic_year, char **out, struct problem *p)
{
	const char *v[] = {financial_year, academic_year};
	PGresult *res = NULL;
	enum err e;

	*out = NULL;
	if ((e = resource_exec_scoped(c, &payment_def, PAYMENT_TOTALS, PAYMENT_TOTALS_END, &who->scope,
	                              false, 2, v, &res, p)) != ERR_OK)
		return e;
	*out = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *out ? ERR_OK : problem_set(p, ERR_INTERNAL, "out of memory");
}
