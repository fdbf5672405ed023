/*
 * plan_parts.c
 *    This module defines what is done under a strategic plan's work area:
 *    its success criteria, its actions and sub-actions, the dated reviews of
 *    both, and the plan's benchmarking targets. The rules across rows (a
 *    sub-action under an action of its own work area, the body
 *    responsible being the plan's, a review only of a measurable criterion)
 *    are the database's (schema/0019_strategic_plans.sql).
 */
#include <string.h>

#include "strategic_plan.h"

static const struct db_stmt PLAN_PARENT = {"plan_benchmark_parent",
	"SELECT l.code, NULL::bigint, p.region_id FROM strategic_plan p "
	"LEFT JOIN local_authority l ON l.id = p.la_id WHERE p.id = $1::bigint"};
static const struct db_stmt WORK_AREA_PARENT = PART_PARENT("plan_work_area_parent", "plan_work_area");
static const struct db_stmt ACTION_PARENT = PART_PARENT("plan_action_parent", "plan_action");
static const struct db_stmt CRITERION_PARENT = PART_PARENT("plan_criterion_parent", "plan_criterion");

#define WORK_AREA_FILTER                                                                           \
	{.name = "work_area_id", .kind = FILTER_INT, .sql = "x.work_area_id = $%d::bigint", .min = 1, .max = ID_MAX}
#define ID_SORTS {"id", "x.id", "bigint", false}, {"-id", "x.id", "bigint", true}
#define PART_KEPT(field) {"plan_part_kept", field, "rule", "the plan is agreed: its parts are kept"}

/* ---- success criteria -------------------------------------------------------- */

enum { CR_WORK_AREA, CR_TEXT, CR_TEXT_CY, CR_TARGET, CR_UNIT, CR__N };

static const struct field criterion_fields[CR__N] = {
	[CR_WORK_AREA] = ID_FIELD("work_area_id", F_REQUIRED | F_CREATE_ONLY),
	[CR_TEXT] = TEXT_FIELD("text", F_REQUIRED, 2000),
	[CR_TEXT_CY] = TEXT_FIELD("text_cy", F_NULLABLE, 2000),
	[CR_TARGET] = {.name = "target", .type = FT_INT, .flags = F_NULLABLE, .min = 0, .max = 1000000000},
	[CR_UNIT] = TEXT_FIELD("unit", F_NULLABLE, 60),
};
static const char *const criterion_read_only[] = PART_READ_ONLY("plan_id", "measurable", "last_review");
static const struct field_set criterion_field_set = {criterion_fields, CR__N, criterion_read_only};

static void
criterion_check(const struct record *rec, struct problem *p)
{
	if ((rec->val[CR_TARGET] == NULL) != (rec->val[CR_UNIT] == NULL))
		problem_field(p, IN_BODY, rec->val[CR_TARGET] ? "unit" : "target", "rule",
		              "a measurable criterion has a target and its unit; others have neither");
}

static const struct db_stmt CRITERION_INSERT = {"plan_criterion_insert",
	"INSERT INTO plan_criterion (work_area_id, text, text_cy, target, unit) "
	"VALUES ($1::bigint, $2, $3, $4::integer, $5) RETURNING id"};
static const struct db_stmt CRITERION_UPDATE = {"plan_criterion_update",
	"UPDATE plan_criterion SET text = $3, text_cy = $4, target = $5::integer, unit = $6, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt CRITERION_DELETE = {"plan_criterion_delete",
	"DELETE FROM plan_criterion WHERE id = $1::bigint"};

static const struct filter_def criterion_filters[] = {
	PLAN_ID_FILTER, WORK_AREA_FILTER,
	{.name = "measurable", .kind = FILTER_BOOL, .sql = "(x.target IS NOT NULL) = $%d::boolean"},
};
static const struct sort_def criterion_sorts[] = {ID_SORTS};
static const struct constraint_def criterion_constraints[] = {
	{"plan_criterion_work_area_fkey", "work_area_id", "reference", "does not name a work area"},
	{"plan_criterion_plan_fkey", "work_area_id", "reference", "does not name a work area"},
	{"plan_criterion_text_check", "text", "length", "must be 1 to 2000 characters long"},
	{"plan_criterion_text_cy_check", "text_cy", "length", "must be 1 to 2000 characters long"},
	{"plan_criterion_target_check", "target", "range", "must not be negative"},
	{"plan_criterion_unit_check", "unit", "length", "must be 1 to 60 characters long"},
	{"plan_criterion_measure_check", "unit", "rule", "a measurable criterion has a target and its unit"},
	PART_KEPT("work_area_id"),
};

/* last_review: the value reached at the latest review of a measurable criterion. */
const struct resource_def plan_criterion_def = {
	.noun = "success criterion", .resource = "plan-criterion", .path = "/v1/plan-criteria", PART_DEF,
	.fields = &criterion_field_set, .load_cols = "x.work_area_id, x.text, x.text_cy, x.target, x.unit",
	.insert = &CRITERION_INSERT, .update = &CRITERION_UPDATE, .del = &CRITERION_DELETE,
	.del_conflict = "the plan is agreed: its criteria are kept",
	.list_doc = "json_build_object(" PART_DOC_HEAD "'work_area_id', x.work_area_id, 'text', x.text, "
	            "'text_cy', x.text_cy, 'target', x.target, 'unit', x.unit, 'measurable', x.target IS NOT NULL, "
	            "'last_review', (SELECT json_build_object('reviewed_on', v.reviewed_on, 'value_reached', "
	            "v.value_reached, 'met', v.value_reached >= x.target) FROM plan_criterion_review v "
	            "WHERE v.criterion_id = x.id ORDER BY v.reviewed_on DESC, v.id DESC LIMIT 1), " PART_DOC_TAIL ")",
	.list_from = PART_FROM("plan_criterion"), .q_expr = "x.text", .parent_field = "work_area_id",
	.parent_scope = &WORK_AREA_PARENT, FILTERS(criterion_filters), SORTS(criterion_sorts),
	CONSTRAINTS(criterion_constraints), .check = criterion_check,
};

/* ---- actions and sub-actions ---------------------------------------------------- */

enum { AC_WORK_AREA, AC_PARENT, AC_NUMBER, AC_TEXT, AC_TEXT_CY, AC_LEVEL, AC_BODY, AC_RESPONSIBLE,
       AC_RESOURCES, AC_PENCE, AC_COMPLETION, AC_PART, AC__N };

static const char *const funding_parts[] = {"part_1", "part_2", NULL};

static bool
action_number_valid(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n >= 1 && n <= 4 && (s[n] == '\0' || (s[n] >= 'a' && s[n] <= 'z' && s[n + 1] == '\0'));
}

static const struct field action_fields[AC__N] = {
	[AC_WORK_AREA] = ID_FIELD("work_area_id", F_REQUIRED | F_CREATE_ONLY),
	[AC_PARENT] = ID_FIELD("parent_action_id", F_NULLABLE),
	[AC_NUMBER] = {.name = "number", .type = FT_TEXT, .flags = F_NULLABLE, .min = 1, .max = 5,
	               .check = action_number_valid, .format = "the plan's number for it: 38, or 38a"},
	[AC_TEXT] = TEXT_FIELD("text", F_REQUIRED, 2000),
	[AC_TEXT_CY] = TEXT_FIELD("text_cy", F_NULLABLE, 2000),
	[AC_LEVEL] = {.name = "level", .type = FT_ENUM, .flags = F_REQUIRED, .values = plan_levels},
	[AC_BODY] = ID_FIELD("responsible_body_id", F_NULLABLE),
	[AC_RESPONSIBLE] = TEXT_FIELD("responsible", F_NULLABLE, 200),
	[AC_RESOURCES] = TEXT_FIELD("resources", F_NULLABLE, 1000),
	[AC_PENCE] = {.name = "resources_pence", .type = FT_INT, .flags = F_NULLABLE, .min = 0,
	              .max = 100000000000LL},
	[AC_COMPLETION] = {.name = "completion", .type = FT_TEXT_ARRAY, .flags = F_REQUIRED, .min = 7, .max = 10,
	                   .max_items = 6, .check = plan_completion_valid,
	                   .format = "a month (YYYY-MM) or a day (YYYY-MM-DD)"},
	[AC_PART] = {.name = "funding_part", .type = FT_ENUM, .flags = F_NULLABLE, .values = funding_parts},
};
static const char *const action_read_only[] = PART_READ_ONLY("plan_id", "strand_id", "responsible_body_name",
                                                             "due_on", "progress", "overdue");
static const struct field_set action_field_set = {action_fields, AC__N, action_read_only};

static void
action_check(const struct record *rec, struct problem *p)
{
	if (rec->val[AC_BODY] == NULL && rec->val[AC_RESPONSIBLE] == NULL)
		problem_field(p, IN_BODY, "responsible", "required",
		              "say who is responsible: a body (responsible_body_id) or a named role");
	if (rec->val[AC_COMPLETION] && strcmp(rec->val[AC_COMPLETION], "{}") == 0)
		problem_field(p, IN_BODY, "completion", "required", "give at least one completion date");
}

static const struct db_stmt ACTION_INSERT = {"plan_action_insert",
	"INSERT INTO plan_action (work_area_id, parent_action_id, number, text, text_cy, level, responsible_body_id, "
	"responsible, resources, resources_pence, completion, funding_part) VALUES ($1::bigint, $2::bigint, $3, $4, "
	"$5, $6, $7::bigint, $8, $9, $10::bigint, $11::text[], $12) RETURNING id"};
static const struct db_stmt ACTION_UPDATE = {"plan_action_update",
	"UPDATE plan_action SET parent_action_id = $3::bigint, number = $4, text = $5, text_cy = $6, level = $7, "
	"responsible_body_id = $8::bigint, responsible = $9, resources = $10, resources_pence = $11::bigint, "
	"completion = $12::text[], funding_part = $13, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt ACTION_DELETE = {"plan_action_delete", "DELETE FROM plan_action WHERE id = $1::bigint"};

static const struct filter_def action_filters[] = {
	PLAN_ID_FILTER, WORK_AREA_FILTER,
	{.name = "strand_id", .kind = FILTER_INT, .sql = "w.strand_id = $%d::bigint", .min = 1, .max = ID_MAX},
	{.name = "level", .kind = FILTER_ENUM, .sql = "x.level = $%d", .values = plan_levels},
	{.name = "funding_part", .kind = FILTER_ENUM, .sql = "x.funding_part = $%d", .values = funding_parts},
	{.name = "parent_action_id", .kind = FILTER_INT, .sql = "x.parent_action_id = $%d::bigint", .min = 1,
	 .max = ID_MAX},
	{.name = "sub_action", .kind = FILTER_BOOL, .sql = "(x.parent_action_id IS NOT NULL) = $%d::boolean"},
	{.name = "responsible_body_id", .kind = FILTER_INT, .sql = "x.responsible_body_id = $%d::bigint", .min = 1,
	 .max = ID_MAX},
};
static const struct sort_def action_sorts[] = {
	{"due_on", "plan_action_due(x.completion)", "date", false},
	{"-due_on", "plan_action_due(x.completion)", "date", true}, ID_SORTS,
};
static const struct constraint_def action_constraints[] = {
	{"plan_action_work_area_fkey", "work_area_id", "reference", "does not name a work area"},
	{"plan_action_plan_fkey", "work_area_id", "reference", "does not name a work area"},
	{"plan_action_parent_fkey", "parent_action_id", "reference", "does not name an action"},
	{"plan_action_parent_rule", "parent_action_id", "rule",
	 "must name an action (not a sub-action) of the same work area; an action with sub-actions is none"},
	{"plan_action_number_key", "number", "duplicate", "is already the number of an action of the plan"},
	{"plan_action_number_check", "number", "format", "must be the plan's number for it: 38, or 38a"},
	{"plan_action_text_check", "text", "length", "must be 1 to 2000 characters long"},
	{"plan_action_text_cy_check", "text_cy", "length", "must be 1 to 2000 characters long"},
	{"plan_action_level_check", "level", "enum", "is not a level of the continuum"},
	{"plan_action_body_fkey", "responsible_body_id", "reference", "does not name a body"},
	{"plan_action_body_rule", "responsible_body_id", "reference",
	 "does not name a body of the plan's local authority or region"},
	{"plan_action_responsible_check", "responsible", "length", "must be 1 to 200 characters long"},
	{"plan_action_owner_check", "responsible", "required", "say who is responsible"},
	{"plan_action_resources_check", "resources", "length", "must be 1 to 1000 characters long"},
	{"plan_action_pence_check", "resources_pence", "range", "must not be negative"},
	{"plan_action_completion_check", "completion", "length", "holds 1 to 6 dates"},
	{"plan_action_completion_rule", "completion", "format", "each is a month (YYYY-MM) or a day (YYYY-MM-DD)"},
	{"plan_action_part_check", "funding_part", "enum", "must be part_1 or part_2"},
	PART_KEPT("work_area_id"),
};

const struct resource_def plan_action_def = {
	.noun = "plan action", .resource = "plan-action", .path = "/v1/plan-actions", PART_DEF,
	.fields = &action_field_set,
	.load_cols = "x.work_area_id, x.parent_action_id, x.number, x.text, x.text_cy, x.level, "
	             "x.responsible_body_id, x.responsible, x.resources, x.resources_pence, "
	             "x.completion, x.funding_part",
	.insert = &ACTION_INSERT, .update = &ACTION_UPDATE, .del = &ACTION_DELETE,
	.del_conflict = "the plan is agreed, or money is drawn against the action: it is kept (drop it by a review)",
	/* where it stands (progress, overdue) as its reviews up to the day say: ?as_of=, or today */
	.as_of = true,
	.list_doc = "json_build_object(" PART_DOC_HEAD "'strand_id', w.strand_id, 'work_area_id', x.work_area_id, "
	            "'parent_action_id', x.parent_action_id, 'number', x.number, 'text', x.text, 'text_cy', x.text_cy, "
	            "'level', x.level, 'responsible_body_id', x.responsible_body_id, 'responsible_body_name', b.name, "
	            "'responsible', x.responsible, 'resources', x.resources, 'resources_pence', x.resources_pence, "
	            "'completion', x.completion, 'due_on', plan_action_due(x.completion), "
	            "'funding_part', x.funding_part, "
	            "'progress', plan_action_state(x.id, coalesce($1::date, london_today())) -> 'progress', "
	            "'overdue', plan_action_state(x.id, coalesce($1::date, london_today())) -> 'overdue', "
	            PART_DOC_TAIL ")",
	.list_from = PART_FROM("plan_action") " JOIN plan_work_area w ON w.id = x.work_area_id "
	             "LEFT JOIN body b ON b.id = x.responsible_body_id",
	.q_expr = "x.text", .parent_field = "work_area_id", .parent_scope = &WORK_AREA_PARENT,
	FILTERS(action_filters), SORTS(action_sorts), CONSTRAINTS(action_constraints), .check = action_check,
};

/* ---- reviews of actions ----------------------------------------------------------- */

enum { AR_ACTION, AR_ON, AR_STATUS, AR_NOTE, AR__N };

static const char *const action_statuses[] = {"not_started", "on_track", "at_risk", "complete", "dropped", NULL};

static const struct field action_review_fields[AR__N] = {
	[AR_ACTION] = ID_FIELD("action_id", F_REQUIRED | F_CREATE_ONLY),
	[AR_ON] = {.name = "reviewed_on", .type = FT_DATE, .flags = F_REQUIRED},
	[AR_STATUS] = {.name = "status", .type = FT_ENUM, .flags = F_REQUIRED, .values = action_statuses},
	[AR_NOTE] = TEXT_FIELD("note", F_NULLABLE, 4000),
};
static const char *const action_review_read_only[] = PART_READ_ONLY("plan_id", "action_number");
static const struct field_set action_review_field_set = {action_review_fields, AR__N, action_review_read_only};

static const struct db_stmt ACTION_REVIEW_INSERT = {"plan_action_review_insert",
	"INSERT INTO plan_action_review (action_id, reviewed_on, status, note) VALUES ($1::bigint, $2::date, $3, $4) "
	"RETURNING id"};
static const struct db_stmt ACTION_REVIEW_UPDATE = {"plan_action_review_update",
	"UPDATE plan_action_review SET reviewed_on = $3::date, status = $4, note = $5, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};

static const struct filter_def action_review_filters[] = {
	PLAN_ID_FILTER,
	{.name = "action_id", .kind = FILTER_INT, .sql = "x.action_id = $%d::bigint", .min = 1, .max = ID_MAX},
	{.name = "status", .kind = FILTER_ENUM, .sql = "x.status = $%d", .values = action_statuses},
};
static const struct sort_def review_sorts[] = {
	{"-reviewed_on", "x.reviewed_on", "date", true}, {"reviewed_on", "x.reviewed_on", "date", false}, ID_SORTS,
};
static const struct constraint_def action_review_constraints[] = {
	{"plan_action_review_action_fkey", "action_id", "reference", "does not name a plan action"},
	{"plan_action_review_plan_fkey", "action_id", "reference", "does not name a plan action"},
	{"plan_action_review_status_check", "status", "enum", "is not an action's progress"},
	{"plan_action_review_note_check", "note", "length", "must be 1 to 4000 characters long"},
};

const struct resource_def plan_action_review_def = {
	.noun = "action review", .resource = "plan-action-review", .path = "/v1/plan-action-reviews", PART_DEF,
	.fields = &action_review_field_set, .load_cols = "x.action_id, x.reviewed_on, x.status, x.note",
	.insert = &ACTION_REVIEW_INSERT, .update = &ACTION_REVIEW_UPDATE,
	.list_doc = "json_build_object(" PART_DOC_HEAD "'action_id', x.action_id, 'action_number', a.number, "
	            "'reviewed_on', x.reviewed_on, 'status', x.status, 'note', x.note, " PART_DOC_TAIL ")",
	.list_from = PART_FROM("plan_action_review") " JOIN plan_action a ON a.id = x.action_id",
	.parent_field = "action_id", .parent_scope = &ACTION_PARENT, FILTERS(action_review_filters),
	SORTS(review_sorts), CONSTRAINTS(action_review_constraints),
};

/* ---- reviews of measurable criteria ----------------------------------------------- */

enum { CV_CRITERION, CV_ON, CV_VALUE, CV_NOTE, CV__N };

static const struct field criterion_review_fields[CV__N] = {
	[CV_CRITERION] = ID_FIELD("criterion_id", F_REQUIRED | F_CREATE_ONLY),
	[CV_ON] = {.name = "reviewed_on", .type = FT_DATE, .flags = F_REQUIRED},
	[CV_VALUE] = {.name = "value_reached", .type = FT_INT, .flags = F_REQUIRED, .min = 0, .max = 1000000000},
	[CV_NOTE] = TEXT_FIELD("note", F_NULLABLE, 4000),
};
static const char *const criterion_review_read_only[] = PART_READ_ONLY("plan_id", "target", "unit", "met");
static const struct field_set criterion_review_field_set = {criterion_review_fields, CV__N,
                                                            criterion_review_read_only};

static const struct db_stmt CRITERION_REVIEW_INSERT = {"plan_criterion_review_insert",
	"INSERT INTO plan_criterion_review (criterion_id, reviewed_on, value_reached, note) "
	"VALUES ($1::bigint, $2::date, $3::integer, $4) RETURNING id"};
static const struct db_stmt CRITERION_REVIEW_UPDATE = {"plan_criterion_review_update",
	"UPDATE plan_criterion_review SET reviewed_on = $3::date, value_reached = $4::integer, note = $5, "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};

static const struct filter_def criterion_review_filters[] = {
	PLAN_ID_FILTER,
	{.name = "criterion_id", .kind = FILTER_INT, .sql = "x.criterion_id = $%d::bigint", .min = 1, .max = ID_MAX},
};
static const struct constraint_def criterion_review_constraints[] = {
	{"plan_criterion_review_criterion_fkey", "criterion_id", "reference", "does not name a success criterion"},
	{"plan_criterion_review_plan_fkey", "criterion_id", "reference", "does not name a success criterion"},
	{"plan_criterion_review_rule", "criterion_id", "rule", "names a criterion with no target to reach"},
	{"plan_criterion_review_value_check", "value_reached", "range", "must not be negative"},
	{"plan_criterion_review_note_check", "note", "length", "must be 1 to 4000 characters long"},
};

const struct resource_def plan_criterion_review_def = {
	.noun = "criterion review", .resource = "plan-criterion-review", .path = "/v1/plan-criterion-reviews",
	PART_DEF, .fields = &criterion_review_field_set,
	.load_cols = "x.criterion_id, x.reviewed_on, x.value_reached, x.note",
	.insert = &CRITERION_REVIEW_INSERT, .update = &CRITERION_REVIEW_UPDATE,
	.list_doc = "json_build_object(" PART_DOC_HEAD "'criterion_id', x.criterion_id, 'reviewed_on', x.reviewed_on, "
	            "'value_reached', x.value_reached, 'target', c.target, 'unit', c.unit, "
	            "'met', x.value_reached >= c.target, 'note', x.note, " PART_DOC_TAIL ")",
	.list_from = PART_FROM("plan_criterion_review") " JOIN plan_criterion c ON c.id = x.criterion_id",
	.parent_field = "criterion_id", .parent_scope = &CRITERION_PARENT, FILTERS(criterion_review_filters),
	SORTS(review_sorts), CONSTRAINTS(criterion_review_constraints),
};

/* ---- benchmarking targets --------------------------------------------------------- */

enum { BM_PLAN, BM_STRAND, BM_TEXT, BM_TEXT_CY, BM_TARGET, BM_UNIT, BM_SET_ON, BM_REVIEW_BY, BM_REVIEWED_ON,
       BM_VALUE, BM__N };

static const struct field benchmark_fields[BM__N] = {
	[BM_PLAN] = ID_FIELD("plan_id", F_REQUIRED | F_CREATE_ONLY),
	[BM_STRAND] = ID_FIELD("strand_id", F_NULLABLE),
	[BM_TEXT] = TEXT_FIELD("text", F_REQUIRED, 2000),
	[BM_TEXT_CY] = TEXT_FIELD("text_cy", F_NULLABLE, 2000),
	[BM_TARGET] = {.name = "target", .type = FT_INT, .flags = F_REQUIRED, .min = 0, .max = 1000000000},
	[BM_UNIT] = TEXT_FIELD("unit", F_REQUIRED, 60),
	[BM_SET_ON] = {.name = "set_on", .type = FT_DATE, .flags = F_REQUIRED},
	[BM_REVIEW_BY] = {.name = "review_by", .type = FT_DATE, .flags = F_NULLABLE},
	[BM_REVIEWED_ON] = {.name = "reviewed_on", .type = FT_DATE, .flags = F_NULLABLE},
	[BM_VALUE] = {.name = "value_reached", .type = FT_INT, .flags = F_NULLABLE, .min = 0, .max = 1000000000},
};
static const char *const benchmark_read_only[] = PART_READ_ONLY("met");
static const struct field_set benchmark_field_set = {benchmark_fields, BM__N, benchmark_read_only};

static void
benchmark_check(const struct record *rec, struct problem *p)
{
	const char *set = rec->val[BM_SET_ON], *by = rec->val[BM_REVIEW_BY], *on = rec->val[BM_REVIEWED_ON];

	if (set && by && strcmp(by, set) < 0)
		problem_field(p, IN_BODY, "review_by", "rule", "must not be before set_on");
	if ((on == NULL) != (rec->val[BM_VALUE] == NULL))
		problem_field(p, IN_BODY, on ? "value_reached" : "reviewed_on", "rule",
		              "a review gives its day and the value reached");
	else if (set && on && strcmp(on, set) < 0)
		problem_field(p, IN_BODY, "reviewed_on", "rule", "must not be before set_on");
}

static const struct db_stmt BENCHMARK_INSERT = {"plan_benchmark_insert",
	"INSERT INTO plan_benchmark (plan_id, strand_id, text, text_cy, target, unit, set_on, review_by, reviewed_on, "
	"value_reached) VALUES ($1::bigint, $2::bigint, $3, $4, $5::integer, $6, $7::date, $8::date, $9::date, "
	"$10::integer) RETURNING id"};
static const struct db_stmt BENCHMARK_UPDATE = {"plan_benchmark_update",
	"UPDATE plan_benchmark SET strand_id = $3::bigint, text = $4, text_cy = $5, target = $6::integer, unit = $7, "
	"set_on = $8::date, review_by = $9::date, reviewed_on = $10::date, value_reached = $11::integer, "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt BENCHMARK_DELETE = {"plan_benchmark_delete",
	"DELETE FROM plan_benchmark WHERE id = $1::bigint"};

static const struct filter_def benchmark_filters[] = {
	PLAN_ID_FILTER,
	{.name = "strand_id", .kind = FILTER_INT, .sql = "x.strand_id = $%d::bigint", .min = 1, .max = ID_MAX},
	{.name = "reviewed", .kind = FILTER_BOOL, .sql = "(x.reviewed_on IS NOT NULL) = $%d::boolean"},
};
static const struct sort_def benchmark_sorts[] = {
	{"set_on", "x.set_on", "date", false}, {"-set_on", "x.set_on", "date", true}, ID_SORTS,
};
static const struct constraint_def benchmark_constraints[] = {
	{"plan_benchmark_plan_fkey", "plan_id", "reference", "does not name a strategic plan"},
	{"plan_benchmark_strand_fkey", "strand_id", "reference", "does not name a strand of the plan"},
	{"plan_benchmark_strand_rule", "strand_id", "reference", "does not name a strand of the plan"},
	{"plan_benchmark_text_check", "text", "length", "must be 1 to 2000 characters long"},
	{"plan_benchmark_text_cy_check", "text_cy", "length", "must be 1 to 2000 characters long"},
	{"plan_benchmark_target_check", "target", "range", "must not be negative"},
	{"plan_benchmark_unit_check", "unit", "length", "must be 1 to 60 characters long"},
	{"plan_benchmark_value_check", "value_reached", "range", "must not be negative"},
	{"plan_benchmark_dates_check", "review_by", "rule", "must not be before set_on"},
	{"plan_benchmark_review_check", "reviewed_on", "rule", "a review gives its day, not before set_on, and the value"},
	PART_KEPT("plan_id"),
};

const struct resource_def plan_benchmark_def = {
	.noun = "benchmark", .resource = "plan-benchmark", .path = "/v1/plan-benchmarks", PART_DEF,
	.fields = &benchmark_field_set,
	.load_cols = "x.plan_id, x.strand_id, x.text, x.text_cy, x.target, x.unit, x.set_on, x.review_by, "
	             "x.reviewed_on, x.value_reached",
	.insert = &BENCHMARK_INSERT, .update = &BENCHMARK_UPDATE, .del = &BENCHMARK_DELETE,
	.del_conflict = "the plan is agreed: its benchmarks are kept",
	.list_doc = "json_build_object(" PART_DOC_HEAD "'strand_id', x.strand_id, 'text', x.text, 'text_cy', x.text_cy, "
	            "'target', x.target, 'unit', x.unit, 'set_on', x.set_on, 'review_by', x.review_by, "
	            "'reviewed_on', x.reviewed_on, 'value_reached', x.value_reached, "
	            "'met', x.value_reached >= x.target, " PART_DOC_TAIL ")",
	.list_from = PART_FROM("plan_benchmark"), .q_expr = "x.text", .parent_field = "plan_id",
	.parent_scope = &PLAN_PARENT, FILTERS(benchmark_filters), SORTS(benchmark_sorts),
	CONSTRAINTS(benchmark_constraints), .check = benchmark_check,
};
