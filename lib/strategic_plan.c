/*
 * strategic_plan.c
 *    This module defines a strategic plan (a region's or an LA's, for a
 *    period, draft then agreed then reviewed) and the parts that give it its
 *    shape: strands with their aims, numbered objectives and work areas.
 *    What is done under a work area is in plan_parts.c. The rules that hold
 *    across rows are the database's (schema/0019_strategic_plans.sql).
 */
#include <string.h>

#include "date.h"
#include "strategic_plan.h"

const char *const plan_levels[] = {"networking", "coordination", "cooperation", "collaboration",
                                   "full_integration", NULL};

bool
plan_completion_valid(const char *s)
{
	int y, m, d;
	char day[11];

	if (strlen(s) == 7) {
		snprintf(day, sizeof day, "%s-01", s);
		return date_parse_iso(day, &y, &m, &d);
	}
	return date_parse_iso(s, &y, &m, &d);
}

/* ---- plans ----------------------------------------------------------------- */

enum { SP_REGION, SP_LA, SP_TITLE, SP_TITLE_CY, SP_START, SP_END, SP_STATUS, SP__N };

static const char *const plan_statuses[] = {"draft", "agreed", "reviewed", NULL};

static const struct field plan_fields[SP__N] = {
	[SP_REGION] = ID_FIELD("region_id", F_NULLABLE | F_CREATE_ONLY),
	[SP_LA] = {.name = "la_code", .type = FT_INT, .flags = F_NULLABLE | F_CREATE_ONLY, .min = 100, .max = 999},
	[SP_TITLE] = TEXT_FIELD("title", F_REQUIRED | F_NAME, 300),
	[SP_TITLE_CY] = TEXT_FIELD("title_cy", F_NULLABLE | F_NAME, 300),
	[SP_START] = {.name = "period_start", .type = FT_DATE, .flags = F_REQUIRED},
	[SP_END] = {.name = "period_end", .type = FT_DATE, .flags = F_REQUIRED},
	/* left out: a draft */
	[SP_STATUS] = {.name = "status", .type = FT_ENUM, .flags = F_OPTIONAL, .values = plan_statuses},
};
static const char *const plan_read_only[] = {"id", "region_name", "agreed_on", "reviewed_on", "strands",
                                             "actions", "created_at", "updated_at", "version", NULL};
static const struct field_set plan_field_set = {plan_fields, SP__N, plan_read_only};

static void
plan_check(const struct record *rec, struct problem *p)
{
	if ((rec->val[SP_REGION] == NULL) == (rec->val[SP_LA] == NULL))
		problem_field(p, IN_BODY, rec->val[SP_REGION] ? "la_code" : "region_id", "rule",
		              "a plan is one region's or one local authority's: give region_id or la_code");
	if (rec->val[SP_START] && rec->val[SP_END] && strcmp(rec->val[SP_END], rec->val[SP_START]) <= 0)
		problem_field(p, IN_BODY, "period_end", "rule", "must be after period_start");
}

static const struct db_stmt PLAN_INSERT = {"strategic_plan_insert",
	"INSERT INTO strategic_plan (region_id, la_id, title, title_cy, period_start, period_end, status) "
	"SELECT $1::bigint, l.id, $3, $4, $5::date, $6::date, coalesce($7, 'draft') "
	"FROM (SELECT NULL) x LEFT JOIN local_authority l ON l.code = $2::integer "
	"WHERE $2::integer IS NULL OR l.id IS NOT NULL RETURNING id"};
static const struct db_stmt PLAN_UPDATE = {"strategic_plan_update",
	"UPDATE strategic_plan SET title = $4, title_cy = $5, period_start = $6::date, period_end = $7::date, "
	"status = coalesce($8, status), updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND num_nulls($2::bigint, $3::integer) >= 0"};
static const struct db_stmt PLAN_DELETE = {"strategic_plan_delete",
	"DELETE FROM strategic_plan WHERE id = $1::bigint"};

static const struct filter_def plan_filters[] = {
	{.name = "region_id", .kind = FILTER_INT, .sql = "p.region_id = $%d::bigint", .min = 1, .max = ID_MAX},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "status", .kind = FILTER_ENUM, .sql = "p.status = $%d", .values = plan_statuses},
	{.name = "on", .kind = FILTER_DATE, .sql = "$%d::date BETWEEN p.period_start AND p.period_end"},
};
static const struct sort_def plan_sorts[] = {
	{"-period_start", "p.period_start", "date", true}, {"period_start", "p.period_start", "date", false},
	{"id", "p.id", "bigint", false}, {"-id", "p.id", "bigint", true},
};
static const struct constraint_def plan_constraints[] = {
	{"strategic_plan_region_fkey", "region_id", "reference", "does not name a region"},
	{"strategic_plan_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"strategic_plan_title_key", "title", "duplicate", "is already the title of a plan for this period"},
	{"strategic_plan_title_check", "title", "length", "must be 1 to 300 characters long"},
	{"strategic_plan_title_cy_check", "title_cy", "length", "must be 1 to 300 characters long"},
	{"strategic_plan_owner_check", "region_id", "rule", "a plan is one region's or one local authority's"},
	{"strategic_plan_period_check", "period_end", "rule", "must be after period_start"},
	{"strategic_plan_status_check", "status", "enum", "is not a plan's status"},
	{"strategic_plan_status_rule", "status", "rule", "a plan goes from draft to agreed to reviewed, never back"},
	{"plan_part_kept", "status", "rule", "an agreed plan is kept: only a draft is deleted"},
};

#define PLAN_FROM "strategic_plan p LEFT JOIN local_authority l ON l.id = p.la_id LEFT JOIN region r ON r.id = p.region_id"

const struct resource_def strategic_plan_def = {
	.noun = "strategic plan", .resource = "strategic-plan", .path = "/v1/strategic-plans",
	.key_field = "id", .key_min = 1, .key_max = ID_MAX, .fields = &plan_field_set,
	.load_cols = "p.region_id, l.code, p.title, p.title_cy, p.period_start, p.period_end, p.status",
	.insert = &PLAN_INSERT, .insert_miss_field = "la_code", .update = &PLAN_UPDATE, .del = &PLAN_DELETE,
	.del_conflict = "an agreed plan is kept: only a draft is deleted",
	.list_doc = "json_build_object('id', p.id, 'region_id', p.region_id, 'region_name', r.name, "
	            "'la_code', l.code, 'title', p.title, 'title_cy', p.title_cy, 'period_start', p.period_start, "
	            "'period_end', p.period_end, 'status', p.status, 'agreed_on', p.agreed_on, "
	            "'reviewed_on', p.reviewed_on, "
	            "'strands', (SELECT count(*) FROM plan_strand WHERE plan_id = p.id), "
	            "'actions', (SELECT count(*) FROM plan_action WHERE plan_id = p.id), "
	            "'created_at', api_ts(p.created_at), 'updated_at', api_ts(p.updated_at), 'version', p.version)",
	.list_from = PLAN_FROM, .key_expr = "p.id", .key_type = "bigint", .q_expr = "p.title",
	PLAN_SCOPE, .region_field = "region_id", FILTERS(plan_filters), SORTS(plan_sorts),
	CONSTRAINTS(plan_constraints), .check = plan_check,
};

/* ---- what every part shares ------------------------------------------------- */

static const struct db_stmt PLAN_PARENT = {"plan_parent",
	"SELECT l.code, NULL::bigint, p.region_id FROM strategic_plan p "
	"LEFT JOIN local_authority l ON l.id = p.la_id WHERE p.id = $1::bigint"};
static const struct db_stmt STRAND_PARENT = PART_PARENT("plan_strand_parent", "plan_strand");

/* ---- strands ---------------------------------------------------------------- */

enum { ST_PLAN, ST_NUMBER, ST_NAME, ST_NAME_CY, ST_AIM, ST_AIM_CY, ST__N };

static const struct field strand_fields[ST__N] = {
	[ST_PLAN] = ID_FIELD("plan_id", F_REQUIRED | F_CREATE_ONLY),
	[ST_NUMBER] = {.name = "number", .type = FT_INT, .flags = F_REQUIRED, .min = 1, .max = 99},
	[ST_NAME] = TEXT_FIELD("name", F_REQUIRED | F_NAME, 300),
	[ST_NAME_CY] = TEXT_FIELD("name_cy", F_NULLABLE | F_NAME, 300),
	[ST_AIM] = TEXT_FIELD("aim", F_NULLABLE, 4000),
	[ST_AIM_CY] = TEXT_FIELD("aim_cy", F_NULLABLE, 4000),
};
static const char *const strand_read_only[] = PART_READ_ONLY("objectives");
static const struct field_set strand_field_set = {strand_fields, ST__N, strand_read_only};

static const struct db_stmt STRAND_INSERT = {"plan_strand_insert",
	"INSERT INTO plan_strand (plan_id, number, name, name_cy, aim, aim_cy) "
	"VALUES ($1::bigint, $2::integer, $3, $4, $5, $6) RETURNING id"};
static const struct db_stmt STRAND_UPDATE = {"plan_strand_update",
	"UPDATE plan_strand SET number = $3::integer, name = $4, name_cy = $5, aim = $6, aim_cy = $7, "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt STRAND_DELETE = {"plan_strand_delete", "DELETE FROM plan_strand WHERE id = $1::bigint"};

static const struct filter_def strand_filters[] = {PLAN_ID_FILTER};
static const struct sort_def strand_sorts[] = {
	{"number", "x.number", "integer", false}, {"-number", "x.number", "integer", true},
	{"id", "x.id", "bigint", false}, {"-id", "x.id", "bigint", true},
};
static const struct constraint_def strand_constraints[] = {
	{"plan_strand_plan_fkey", "plan_id", "reference", "does not name a strategic plan"},
	{"plan_strand_number_key", "number", "duplicate", "is already the number of a strand of the plan"},
	{"plan_strand_number_check", "number", "range", "must be 1 to 99"},
	{"plan_strand_name_check", "name", "length", "must be 1 to 300 characters long"},
	{"plan_strand_name_cy_check", "name_cy", "length", "must be 1 to 300 characters long"},
	{"plan_strand_aim_check", "aim", "length", "must be 1 to 4000 characters long"},
	{"plan_strand_aim_cy_check", "aim_cy", "length", "must be 1 to 4000 characters long"},
	{"plan_part_kept", "plan_id", "rule", "the plan is agreed: its parts are kept"},
};

const struct resource_def plan_strand_def = {
	.noun = "strand", .resource = "plan-strand", .path = "/v1/plan-strands", PART_DEF,
	.fields = &strand_field_set, .load_cols = "x.plan_id, x.number, x.name, x.name_cy, x.aim, x.aim_cy",
	.insert = &STRAND_INSERT, .update = &STRAND_UPDATE, .del = &STRAND_DELETE,
	.del_conflict = "the plan is agreed: its strands are kept",
	.list_doc = "json_build_object(" PART_DOC_HEAD "'number', x.number, 'name', x.name, 'name_cy', x.name_cy, "
	            "'aim', x.aim, 'aim_cy', x.aim_cy, "
	            "'objectives', (SELECT count(*) FROM plan_objective o WHERE o.strand_id = x.id), " PART_DOC_TAIL ")",
	.list_from = PART_FROM("plan_strand"), .q_expr = "x.name", .parent_field = "plan_id",
	.parent_scope = &PLAN_PARENT, FILTERS(strand_filters), SORTS(strand_sorts), CONSTRAINTS(strand_constraints),
};

/* ---- objectives ------------------------------------------------------------- */

enum { OB_STRAND, OB_NUMBER, OB_TEXT, OB_TEXT_CY, OB__N };

static bool
objective_number_valid(const char *s)
{
	size_t a = strspn(s, "0123456789"), b;

	if (a < 1 || a > 2 || s[a] != '.')
		return false;
	b = strspn(s + a + 1, "0123456789");
	return b >= 1 && b <= 2 && s[a + 1 + b] == '\0';
}

static const struct field objective_fields[OB__N] = {
	[OB_STRAND] = ID_FIELD("strand_id", F_REQUIRED | F_CREATE_ONLY),
	[OB_NUMBER] = {.name = "number", .type = FT_TEXT, .flags = F_REQUIRED, .min = 3, .max = 5,
	               .check = objective_number_valid, .format = "the strand's number, a dot, the objective's: 2.11"},
	[OB_TEXT] = TEXT_FIELD("text", F_REQUIRED, 4000),
	[OB_TEXT_CY] = TEXT_FIELD("text_cy", F_NULLABLE, 4000),
};
static const char *const objective_read_only[] = PART_READ_ONLY("plan_id");
static const struct field_set objective_field_set = {objective_fields, OB__N, objective_read_only};

static const struct db_stmt OBJECTIVE_INSERT = {"plan_objective_insert",
	"INSERT INTO plan_objective (strand_id, number, text, text_cy) VALUES ($1::bigint, $2, $3, $4) RETURNING id"};
static const struct db_stmt OBJECTIVE_UPDATE = {"plan_objective_update",
	"UPDATE plan_objective SET number = $3, text = $4, text_cy = $5, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt OBJECTIVE_DELETE = {"plan_objective_delete",
	"DELETE FROM plan_objective WHERE id = $1::bigint"};

static const struct filter_def objective_filters[] = {
	PLAN_ID_FILTER,
	{.name = "strand_id", .kind = FILTER_INT, .sql = "x.strand_id = $%d::bigint", .min = 1, .max = ID_MAX},
};
/* "2.11" after "2.9": by the strand's number, then the objective's. */
static const struct sort_def objective_sorts[] = {
	{"number", "(split_part(x.number, '.', 1)::int * 100 + split_part(x.number, '.', 2)::int)", "integer", false},
	{"id", "x.id", "bigint", false}, {"-id", "x.id", "bigint", true},
};
static const struct constraint_def objective_constraints[] = {
	{"plan_objective_strand_fkey", "strand_id", "reference", "does not name a strand"},
	{"plan_objective_plan_fkey", "strand_id", "reference", "does not name a strand"},
	{"plan_objective_number_key", "number", "duplicate", "is already the number of an objective of the strand"},
	{"plan_objective_number_check", "number", "format", "must be the strand's number, a dot, the objective's"},
	{"plan_objective_number_rule", "number", "rule", "must begin with its strand's number"},
	{"plan_objective_text_check", "text", "length", "must be 1 to 4000 characters long"},
	{"plan_objective_text_cy_check", "text_cy", "length", "must be 1 to 4000 characters long"},
	{"plan_part_kept", "strand_id", "rule", "the plan is agreed: its parts are kept"},
};

const struct resource_def plan_objective_def = {
	.noun = "objective", .resource = "plan-objective", .path = "/v1/plan-objectives", PART_DEF,
	.fields = &objective_field_set, .load_cols = "x.strand_id, x.number, x.text, x.text_cy",
	.insert = &OBJECTIVE_INSERT, .update = &OBJECTIVE_UPDATE, .del = &OBJECTIVE_DELETE,
	.del_conflict = "the plan is agreed: its objectives are kept",
	.list_doc = "json_build_object(" PART_DOC_HEAD "'strand_id', x.strand_id, 'number', x.number, "
	            "'text', x.text, 'text_cy', x.text_cy, " PART_DOC_TAIL ")",
	.list_from = PART_FROM("plan_objective"), .q_expr = "x.text", .parent_field = "strand_id",
	.parent_scope = &STRAND_PARENT, FILTERS(objective_filters), SORTS(objective_sorts),
	CONSTRAINTS(objective_constraints),
};

/* ---- work areas ------------------------------------------------------------- */

enum { WA_STRAND, WA_NAME, WA_NAME_CY, WA__N };

static const struct field work_area_fields[WA__N] = {
	[WA_STRAND] = ID_FIELD("strand_id", F_REQUIRED | F_CREATE_ONLY),
	[WA_NAME] = TEXT_FIELD("name", F_REQUIRED | F_NAME, 300),
	[WA_NAME_CY] = TEXT_FIELD("name_cy", F_NULLABLE | F_NAME, 300),
};
static const char *const work_area_read_only[] = PART_READ_ONLY("plan_id", "criteria", "actions");
static const struct field_set work_area_field_set = {work_area_fields, WA__N, work_area_read_only};

static const struct db_stmt WORK_AREA_INSERT = {"plan_work_area_insert",
	"INSERT INTO plan_work_area (strand_id, name, name_cy) VALUES ($1::bigint, $2, $3) RETURNING id"};
static const struct db_stmt WORK_AREA_UPDATE = {"plan_work_area_update",
	"UPDATE plan_work_area SET name = $3, name_cy = $4, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt WORK_AREA_DELETE = {"plan_work_area_delete",
	"DELETE FROM plan_work_area WHERE id = $1::bigint"};

static const struct filter_def work_area_filters[] = {
	PLAN_ID_FILTER,
	{.name = "strand_id", .kind = FILTER_INT, .sql = "x.strand_id = $%d::bigint", .min = 1, .max = ID_MAX},
};
static const struct sort_def work_area_sorts[] = {{"id", "x.id", "bigint", false}, {"-id", "x.id", "bigint", true}};
static const struct constraint_def work_area_constraints[] = {
	{"plan_work_area_strand_fkey", "strand_id", "reference", "does not name a strand"},
	{"plan_work_area_plan_fkey", "strand_id", "reference", "does not name a strand"},
	{"plan_work_area_name_key", "name", "duplicate", "is already the name of a work area of the strand"},
	{"plan_work_area_name_check", "name", "length", "must be 1 to 300 characters long"},
	{"plan_work_area_name_cy_check", "name_cy", "length", "must be 1 to 300 characters long"},
	{"plan_part_kept", "strand_id", "rule", "the plan is agreed: its parts are kept"},
};

const struct resource_def plan_work_area_def = {
	.noun = "work area", .resource = "plan-work-area", .path = "/v1/plan-work-areas", PART_DEF,
	.fields = &work_area_field_set, .load_cols = "x.strand_id, x.name, x.name_cy",
	.insert = &WORK_AREA_INSERT, .update = &WORK_AREA_UPDATE, .del = &WORK_AREA_DELETE,
	.del_conflict = "the plan is agreed: its work areas are kept",
	.list_doc = "json_build_object(" PART_DOC_HEAD "'strand_id', x.strand_id, 'name', x.name, 'name_cy', x.name_cy, "
	            "'criteria', (SELECT count(*) FROM plan_criterion c WHERE c.work_area_id = x.id), "
	            "'actions', (SELECT count(*) FROM plan_action a WHERE a.work_area_id = x.id), " PART_DOC_TAIL ")",
	.list_from = PART_FROM("plan_work_area"), .q_expr = "x.name", .parent_field = "strand_id",
	.parent_scope = &STRAND_PARENT, FILTERS(work_area_filters), SORTS(work_area_sorts),
	CONSTRAINTS(work_area_constraints),
};
