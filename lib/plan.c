/*
 * plan.c
 *    This module defines action plans (one per group and fund) and the
 *    evaluations of allocations, holds their SQL and implements their
 *    state changes: a plan is draft, then submitted (late after the fund's
 *    deadline), then accepted or returned with comments and submitted
 *    again; an evaluation is draft, then submitted, then reported to the
 *    area's Analysis Group.
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

/* ---- the shapes of a plan's parts ----------------------------------------- */

static const char *const levels[] = {"networking", "coordination", "cooperation", "collaboration",
                                     "full_integration", NULL};

static bool
text_item(const json_t *v, size_t max, bool required)
{
	return v == NULL || json_is_null(v) ? !required : json_text_ok(v, max);
}

static bool
priorities_ok(const json_t *v, const char *name, struct problem *p)
{
	size_t i;
	json_t *it;
	bool ok = true;

	if (!json_is_array(v) || json_array_size(v) > 20) {
		problem_field(p, IN_BODY, name, "type", "must be an array of at most 20 strings");
		return false;
	}
	json_array_foreach(v, i, it) {
		if (!text_item(it, 500, true)) {
			problem_field(p, IN_BODY, name, "type", "item %zu must be a string of 1 to 500 characters", i);
			ok = false;
		}
	}
	return ok;
}

static bool
actions_ok(const json_t *v, const char *name, struct problem *p)
{
	static const char *const keys[] = {"description", "success_criteria", "responsible", "resources",
	                                   "cost_pence", "completion_date", "level", "done", NULL};
	size_t i;
	json_t *a;
	bool ok = true;

	if (!json_is_array(v) || json_array_size(v) > 100) {
		problem_field(p, IN_BODY, name, "type", "must be an array of at most 100 actions");
		return false;
	}
	json_array_foreach(v, i, a) {
		char at[64];
		const char *key;
		json_t *x;

		snprintf(at, sizeof at, "%s[%zu]", name, i);
		if (!json_is_object(a)) {
			problem_field(p, IN_BODY, at, "type", "must be an object");
			ok = false;
			continue;
		}
		json_object_foreach(a, key, x) {
			bool known = false;
			for (const char *const *k = keys; *k; k++)
				known |= strcmp(*k, key) == 0;
			if (!known) {
				problem_field(p, IN_BODY, at, "unknown", "has no field %s", key);
				ok = false;
			}
		}
#define FAULT(code, ...) do { problem_field(p, IN_BODY, at, code, __VA_ARGS__); ok = false; } while (0)
		if (!text_item(json_object_get(a, "description"), 1000, true))
			FAULT("required", "needs a description of 1 to 1000 characters");
		if (!text_item(json_object_get(a, "success_criteria"), 1000, true))
			FAULT("required", "needs success_criteria of 1 to 1000 characters");
		if (!text_item(json_object_get(a, "responsible"), 200, true))
			FAULT("required", "needs who is responsible (1 to 200 characters)");
		if (!text_item(json_object_get(a, "resources"), 1000, false))
			FAULT("type", "resources must be a string of 1 to 1000 characters, or null");
		x = json_object_get(a, "cost_pence");
		if (x && !json_is_null(x) && !json_is_integer(x))
			FAULT("type", "cost_pence must be a whole number of pence, or null");
		else if (x && json_is_integer(x) &&
		         (json_integer_value(x) < 0 || json_integer_value(x) > MAX_PENCE))
			FAULT("range", "cost_pence must be between 0 and %lld", MAX_PENCE);
		x = json_object_get(a, "completion_date");
		if (!json_is_string(x) || !date_within(json_string_value(x), DATE_LAST_YEAR))
			FAULT("format", "needs a completion_date as YYYY-MM-DD, from %d-01-01 to %d-12-31",
			      DATE_FIRST_YEAR, DATE_LAST_YEAR);
		x = json_object_get(a, "level");
		{
			bool found = false;
			for (const char *const *l = levels; *l && json_is_string(x); l++)
				found |= strcmp(*l, json_string_value(x)) == 0;
			if (!found)
				FAULT("enum", "level must be one of networking, coordination, cooperation, "
				              "collaboration, full_integration");
		}
		x = json_object_get(a, "done");
		if (x && !json_is_boolean(x))
			FAULT("type", "done must be true or false");
#undef FAULT
	}
	return ok;
}

/* ---- plans ------------------------------------------------------------------ */

enum { PF_GROUP_ID, PF_FUND_ID, PF_PRIORITIES, PF_ACTIONS, PF__COUNT };

static const struct field plan_fields[PF__COUNT] = {
	[PF_GROUP_ID] = {.name = "group_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 1,
	                 .max = 9223372036854775807LL},
	[PF_FUND_ID] = {.name = "fund_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 1,
	                .max = 9223372036854775807LL},
	[PF_PRIORITIES] = {.name = "priorities", .type = FT_JSON, .json_check = priorities_ok, .dflt = "[]"},
	[PF_ACTIONS] = {.name = "actions", .type = FT_JSON, .json_check = actions_ok, .dflt = "[]"},
};

static const char *const plan_read_only[] = {
	"id", "la_code", "group_name", "fund_name", "plan_deadline", "status", "submitted_at",
	"first_submitted_at", "late",
	"accepted_at", "return_comments", "total_cost_pence", "created_at", "updated_at", "version", NULL};
static const struct field_set plan_field_set = {plan_fields, PF__COUNT, plan_read_only};

#define PLAN_DOC                                                                                   \
	"json_build_object('id', x.id, 'group_id', x.group_id, 'group_name', g.name, 'la_code', l.code, " \
	"'fund_id', x.fund_id, 'fund_name', f.name, 'plan_deadline', f.plan_deadline, "                \
	"'priorities', x.priorities, 'actions', x.actions, "                                           \
	"'total_cost_pence', (SELECT coalesce(sum((a->>'cost_pence')::bigint), 0) "                    \
	"FROM jsonb_array_elements(x.actions) a), 'status', x.status, "                                \
	"'submitted_at', api_ts(x.submitted_at), 'first_submitted_at', api_ts(x.first_submitted_at), 'late', x.late, 'accepted_at', api_ts(x.accepted_at), " \
	"'return_comments', x.return_comments, 'created_at', api_ts(x.created_at), "                   \
	"'updated_at', api_ts(x.updated_at), 'version', x.version)"
#define PLAN_FROM                                                                                  \
	"action_plan x JOIN school_group g ON g.id = x.group_id JOIN fund f ON f.id = x.fund_id "        \
	"JOIN local_authority l ON l.id = g.la_id"

/* A plan is for a fund of its group's LA. */
static const struct db_stmt PLAN_INSERT = {"plan_insert",
	/* a fund of another LA than the group's is the database's to refuse (plan_fund_la_rule) */
	"INSERT INTO action_plan (group_id, fund_id, priorities, actions) "
	"VALUES ($1::bigint, $2::bigint, $3::jsonb, $4::jsonb) RETURNING id"};
static const struct db_stmt PLAN_UPDATE = {"plan_update",
	"UPDATE action_plan SET priorities = $4::jsonb, actions = $5::jsonb, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL AND $3::bigint IS NOT NULL"};
static const struct db_stmt PLAN_DELETE = {"plan_delete", "DELETE FROM action_plan WHERE id = $1::bigint"};

static const char *const plan_statuses[] = {"draft", "submitted", "accepted", "returned", NULL};

static const struct filter_def plan_filters[] = {
	{.name = "group_id", .kind = FILTER_INT, .sql = "x.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "fund_id", .kind = FILTER_INT, .sql = "x.fund_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "status", .kind = FILTER_ENUM, .sql = "x.status = $%d", .values = plan_statuses},
	{.name = "late", .kind = FILTER_BOOL, .sql = "x.late = $%d::boolean"},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
};

static const struct sort_def plan_sorts[] = {
	{"id", "x.id", "bigint", false}, {"-id", "x.id", "bigint", true},
};

static const struct constraint_def plan_constraints[] = {
	{"plan_once", "fund_id", "duplicate", "already has a plan from this group"},
	{"plan_locked", "actions", "rule", "cannot change once the plan is submitted or accepted"},
	{"plan_group_fkey", "group_id", "reference", "does not name a group"},
	{"plan_fund_la_rule", "fund_id", "reference", "does not name a fund of the group's local authority"},
	{"plan_fund_fkey", "fund_id", "reference", "does not name a fund of the group's local authority"},
	{"action_plan_status_check", "status", "enum", "must be draft, submitted, accepted or returned"},
};

/* ---- a plan's state changes ---------------------------------------------- */

static enum err
has_actions(const json_t *row, const struct record *body, bool *unchanged, struct problem *p)
{
	(void)body;
	(void)unchanged;
	if (json_array_size(json_object_get(row, "actions")) > 0)
		return ERR_OK;
	problem_field(p, IN_BODY, "actions", "required", "a plan needs at least one action to be submitted");
	return problem_set(p, ERR_VALIDATION, "the plan has no actions");
}

/*
 * Submitting after the fund's deadline (the day in England) is allowed, and
 * marked late; a plan returned and submitted again keeps the verdict of its
 * first submission.
 */
static const struct db_stmt PLAN_SUBMIT = {"plan_submit",
	"UPDATE action_plan x SET status = 'submitted', submitted_at = now(), "
	"first_submitted_at = coalesce(x.first_submitted_at, now()), "
	"late = CASE WHEN x.first_submitted_at IS NULL THEN (SELECT plan_late(now(), f.plan_deadline) "
	"FROM fund f WHERE f.id = x.fund_id) ELSE x.late END, "
	"return_comments = NULL, updated_at = now(), version = version + 1 WHERE x.id = $1::bigint"};
static const struct db_stmt PLAN_ACCEPT = {"plan_accept",
	"UPDATE action_plan SET status = 'accepted', accepted_at = now(), updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint"};
static const struct db_stmt PLAN_RETURN = {"plan_return",
	"UPDATE action_plan SET status = 'returned', return_comments = $2, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint"};

static const struct field comment_fields[] = {
	{.name = "comments", .type = FT_TEXT, .flags = F_REQUIRED, .min = 1, .max = 2000},
};
static const struct field_set comment_set = {comment_fields, 1, NULL};

static const char *const plan_submittable[] = {"draft", "returned", NULL};
static const char *const plan_submitted[] = {"submitted", NULL};

static const struct action_def plan_actions[] = {
	{.name = "submit", .from = plan_submittable, .change = &PLAN_SUBMIT, .if_match = true,
	 .check = has_actions},
	{.name = "accept", .from = plan_submitted, .change = &PLAN_ACCEPT, .if_match = true},
	{.name = "return", .from = plan_submitted, .body = &comment_set, .change = &PLAN_RETURN,
	 .if_match = true},
};

static const char *const plan_csv[] = {
	"id", "group_id", "group_name", "la_code", "fund_id", "fund_name", "plan_deadline", "priorities", "total_cost_pence", "status", "submitted_at", "late", "accepted_at", NULL};

const struct resource_def plan_def = {
	.csv_columns = plan_csv,
	.noun = "action plan", .resource = "action-plan", .path = "/v1/action-plans", .key_field = "id",
	.key_min = 1, .key_max = 9223372036854775807LL, .fields = &plan_field_set,
	.load_cols = "x.group_id, x.fund_id, x.priorities, x.actions", .insert = &PLAN_INSERT,
	.insert_miss_field = "fund_id",
	.update = &PLAN_UPDATE, .del = &PLAN_DELETE,
	.del_conflict = "only a draft plan can be deleted", .list_doc = PLAN_DOC,
	.list_from = PLAN_FROM, .key_expr = "x.id", .key_type = "bigint",
	.scope_la = "l.code = $%d::integer",
	.scope_school = "x.group_id IN (SELECT group_id FROM membership WHERE school_urn = $%d::integer)",
	.scope_group = "x.group_id = $%d::bigint", .la_field = "la_code", .group_field = "group_id",
	.filters = plan_filters, .nfilters = sizeof plan_filters / sizeof plan_filters[0],
	.sorts = plan_sorts, .nsorts = sizeof plan_sorts / sizeof plan_sorts[0],
	.constraints = plan_constraints, .nconstraints = sizeof plan_constraints / sizeof plan_constraints[0],
	.states = plan_statuses, .actions = plan_actions,
	.nactions = sizeof plan_actions / sizeof plan_actions[0],
};

/* ---- evaluations ------------------------------------------------------------ */

static const char *const ratings[] = {"exceeded", "met", "partly_met", "not_met", NULL};

static bool
impacts_ok(const json_t *v, const char *name, struct problem *p)
{
	size_t i;
	json_t *it;
	bool ok = true;

	if (!json_is_array(v) || json_array_size(v) > 100) {
		problem_field(p, IN_BODY, name, "type", "must be an array of at most 100 impacts");
		return false;
	}
	json_array_foreach(v, i, it) {
		if (!json_is_object(it) || json_object_size(it) != 2 ||
		    !text_item(json_object_get(it, "criterion"), 1000, true) ||
		    !text_item(json_object_get(it, "impact"), 2000, true)) {
			problem_field(p, IN_BODY, name, "type",
			              "item %zu must be {\"criterion\": text, \"impact\": text}", i);
			ok = false;
		}
	}
	return ok;
}

enum { EF_ALLOCATION_ID, EF_WHAT_DONE, EF_IMPACTS, EF_RATING, EF_SPENT, EF_OVERSPEND, EF__COUNT };

static const struct field evaluation_fields[EF__COUNT] = {
	[EF_ALLOCATION_ID] = {.name = "allocation_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY,
	                      .min = 1, .max = 9223372036854775807LL},
	[EF_WHAT_DONE] = {.name = "what_done", .type = FT_TEXT, .flags = F_NULLABLE, .min = 1, .max = 4000},
	[EF_IMPACTS] = {.name = "impacts", .type = FT_JSON, .json_check = impacts_ok, .dflt = "[]"},
	[EF_RATING] = {.name = "rating", .type = FT_ENUM, .flags = F_NULLABLE, .values = ratings},
	[EF_SPENT] = {.name = "spent_pence", .type = FT_INT, .flags = F_NULLABLE, .min = 0,
	              .max = MAX_PENCE},
	[EF_OVERSPEND] = {.name = "overspend_reason", .type = FT_TEXT, .flags = F_NULLABLE, .min = 1,
	                  .max = 2000},
};

static const char *const evaluation_read_only[] = {
	"id", "fund_id", "group_id", "la_code", "allocated_pence", "status", "submitted_at",
	"reported_on", "due_on", "overdue", "created_at", "updated_at", "version", NULL};
static const struct field_set evaluation_field_set = {evaluation_fields, EF__COUNT, evaluation_read_only};

#define EVALUATION_DOC                                                                             \
	"json_build_object('id', v.id, 'allocation_id', v.allocation_id, 'fund_id', a.fund_id, "          \
	"'group_id', a.group_id, 'la_code', l.code, 'allocated_pence', a.amount_pence, "                  \
	"'what_done', v.what_done, 'impacts', v.impacts, 'rating', v.rating, "                           \
	"'spent_pence', v.spent_pence, 'overspend_reason', v.overspend_reason, 'status', v.status, "     \
	"'submitted_at', api_ts(v.submitted_at), 'reported_on', v.reported_on, "                         \
	"'due_on', f.evaluation_due, 'overdue', v.status <> 'reported' AND f.evaluation_due < london_today(), " \
	"'created_at', api_ts(v.created_at), 'updated_at', api_ts(v.updated_at), 'version', v.version)"
#define EVALUATION_FROM                                                                            \
	"evaluation v JOIN fund_allocation a ON a.id = v.allocation_id JOIN fund f ON f.id = a.fund_id "   \
	"JOIN local_authority l ON l.id = f.la_id"

/* Only an allocation that was approved (or paid) is evaluated. */
static const struct db_stmt EVALUATION_INSERT = {"evaluation_insert",
	"INSERT INTO evaluation (allocation_id, what_done, impacts, rating, spent_pence, overspend_reason) "
	"SELECT a.id, $2, $3::jsonb, $4, $5::bigint, $6 FROM fund_allocation a "
	"WHERE a.id = $1::bigint AND a.status IN ('approved', 'paid') RETURNING id"};
static const struct db_stmt EVALUATION_UPDATE = {"evaluation_update",
	"UPDATE evaluation SET what_done = $3, impacts = $4::jsonb, rating = $5, spent_pence = $6::bigint, "
	"overspend_reason = $7, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};

static const char *const evaluation_statuses[] = {"draft", "submitted", "reported", NULL};

static const struct filter_def evaluation_filters[] = {
	{.name = "fund_id", .kind = FILTER_INT, .sql = "a.fund_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "group_id", .kind = FILTER_INT, .sql = "a.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "status", .kind = FILTER_ENUM, .sql = "v.status = $%d", .values = evaluation_statuses},
	{.name = "overdue", .kind = FILTER_BOOL,
	 .sql = "(v.status <> 'reported' AND f.evaluation_due < london_today()) = $%d::boolean"},
};

static const struct sort_def evaluation_sorts[] = {
	{"id", "v.id", "bigint", false}, {"-id", "v.id", "bigint", true},
};

static const struct constraint_def evaluation_constraints[] = {
	{"evaluation_once", "allocation_id", "duplicate", "already has an evaluation"},
	{"evaluation_allocation_fkey", "allocation_id", "reference", "does not name an allocation"},
	{"evaluation_overspend", "overspend_reason", "required",
	 "is required when more is spent than was allocated"},
	{"evaluation_locked", "what_done", "rule", "cannot change once the evaluation is submitted"},
	{"evaluation_rating_check", "rating", "enum", "must be exceeded, met, partly_met or not_met"},
	{"evaluation_spent_pence_check", "spent_pence", "range", "must not be negative"},
	{"evaluation_status_check", "status", "enum", "must be draft, submitted or reported"},
};

static const struct db_stmt EVALUATION_PARENT = {"evaluation_parent",
	"SELECT l.code, a.group_id FROM fund_allocation a JOIN fund f ON f.id = a.fund_id "
	"JOIN local_authority l ON l.id = f.la_id WHERE a.id = $1::bigint"};

/* ---- an evaluation's state changes ----------------------------------------- */

static enum err
evaluation_complete(const json_t *row, const struct record *body, bool *unchanged,
                    struct problem *p)
{
	(void)body;
	(void)unchanged;
	if (json_is_null(json_object_get(row, "what_done")))
		problem_field(p, IN_BODY, "what_done", "required", "is needed to submit");
	if (json_is_null(json_object_get(row, "rating")))
		problem_field(p, IN_BODY, "rating", "required", "is needed to submit");
	if (json_is_null(json_object_get(row, "spent_pence")))
		problem_field(p, IN_BODY, "spent_pence", "required", "is needed to submit");
	if (json_array_size(json_object_get(row, "impacts")) == 0)
		problem_field(p, IN_BODY, "impacts", "required", "at least one impact is needed to submit");
	return problem_count(p) ? problem_set(p, ERR_VALIDATION, "the evaluation is not complete") : ERR_OK;
}

static const struct db_stmt EVALUATION_SUBMIT = {"evaluation_submit",
	"UPDATE evaluation SET status = 'submitted', submitted_at = now(), updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint"};
static const struct db_stmt EVALUATION_REPORT = {"evaluation_report",
	"UPDATE evaluation SET status = 'reported', reported_on = $2::date, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint"};

static const struct field report_fields[] = {
	{.name = "reported_on", .type = FT_DATE, .flags = F_REQUIRED | F_PAST},
};
static const struct field_set report_set = {report_fields, 1, NULL};

static const char *const evaluation_draft[] = {"draft", NULL};
static const char *const evaluation_submitted[] = {"submitted", NULL};

static const struct action_def evaluation_actions[] = {
	{.name = "submit", .from = evaluation_draft, .change = &EVALUATION_SUBMIT, .if_match = true,
	 .check = evaluation_complete},
	{.name = "report", .from = evaluation_submitted, .body = &report_set,
	 .change = &EVALUATION_REPORT, .if_match = true},
};

static const char *const evaluation_csv[] = {
	"id", "allocation_id", "fund_id", "group_id", "la_code", "allocated_pence", "rating", "spent_pence", "overspend_reason", "status", "submitted_at", "reported_on", "due_on", "overdue", NULL};

const struct resource_def evaluation_def = {
	.csv_columns = evaluation_csv,
	.noun = "evaluation", .resource = "evaluation", .path = "/v1/evaluations", .key_field = "id",
	.key_min = 1, .key_max = 9223372036854775807LL, .fields = &evaluation_field_set,
	.load_cols = "v.allocation_id, v.what_done, v.impacts, v.rating, v.spent_pence, "
	             "v.overspend_reason", .insert = &EVALUATION_INSERT,
	.insert_miss_field = "allocation_id", .update = &EVALUATION_UPDATE,
	.list_doc = EVALUATION_DOC, .list_from = EVALUATION_FROM, .key_expr = "v.id",
	.key_type = "bigint", .scope_la = "l.code = $%d::integer",
	.scope_school = "a.payee_urn = $%d::integer", .scope_group = "a.group_id = $%d::bigint",
	.la_field = "la_code", .parent_field = "allocation_id", .parent_scope = &EVALUATION_PARENT,
	.filters = evaluation_filters,
	.nfilters = sizeof evaluation_filters / sizeof evaluation_filters[0], .sorts = evaluation_sorts,
	.nsorts = sizeof evaluation_sorts / sizeof evaluation_sorts[0],
	.constraints = evaluation_constraints,
	.nconstraints = sizeof evaluation_constraints / sizeof evaluation_constraints[0],
	.states = evaluation_statuses, .actions = evaluation_actions,
	.nactions = sizeof evaluation_actions / sizeof evaluation_actions[0],
};
