/*
 * strategic_plan.h
 *    A region's or an LA's strategic plan (seed 004) and its parts:
 *    strands, objectives, work areas, success criteria, actions and
 *    sub-actions, their reviews, and benchmarking targets
 *    (strategic_plan.c, plan_parts.c; schema/0019_strategic_plans.sql).
 *    Its reports and CSV import are in plan_report.c and plan_import.c.
 */
#ifndef CONSORTIA_STRATEGIC_PLAN_H
#define CONSORTIA_STRATEGIC_PLAN_H

#include "casework.h"   /* the fields, filters and sorts definitions share */

extern const struct resource_def strategic_plan_def;
extern const struct resource_def plan_strand_def;
extern const struct resource_def plan_objective_def;
extern const struct resource_def plan_work_area_def;
extern const struct resource_def plan_criterion_def;
extern const struct resource_def plan_action_def;
extern const struct resource_def plan_action_review_def;
extern const struct resource_def plan_criterion_review_def;
extern const struct resource_def plan_benchmark_def;

/* The continuum of working, from the loosest to the closest. */
extern const char *const plan_levels[];

/*
 * What reaches a plan, under alias p (and l, its LA): an LA's caller reads
 * its own plans and its regions' (members today), and changes its own; a
 * region's caller reads and changes the region's.
 */
#define PLAN_SCOPE_LA                                                                              \
	"EXISTS (SELECT 1 FROM local_authority xl WHERE xl.code = $%d::integer AND (xl.id = p.la_id "   \
	"OR p.region_id IN (SELECT m.region_id FROM region_member m WHERE m.la_id = xl.id "             \
	"AND m.valid @> london_today())))"
#define PLAN_SCOPE                                                                                 \
	.scope_la = PLAN_SCOPE_LA, .scope_la_lock = "l.code = $%d::integer",                           \
	.scope_region = "p.region_id = $%d::bigint", .region_writes = true, .la_field = "la_code"

/* ---- what every part of a plan shares (strategic_plan.c, plan_parts.c) ---- */

/* A part under alias x, with its plan p and the plan's LA l. */
#define PART_FROM(table) table " x JOIN strategic_plan p ON p.id = x.plan_id LEFT JOIN local_authority l ON l.id = p.la_id"
#define PART_DOC_HEAD "'id', x.id, 'plan_id', x.plan_id, 'region_id', p.region_id, 'la_code', l.code, "
#define PART_DOC_TAIL                                                                              \
	"'created_at', api_ts(x.created_at), 'updated_at', api_ts(x.updated_at), 'version', x.version"
#define PART_READ_ONLY(...) {"id", "region_id", "la_code", __VA_ARGS__, "created_at", "updated_at", "version", NULL}
#define PART_DEF                                                                                   \
	.key_field = "id", .key_min = 1, .key_max = ID_MAX, .key_expr = "x.id", .key_type = "bigint", PLAN_SCOPE
/* The parent's plan's LA code, no group, and its region: $1 the parent's id. */
#define PART_PARENT(name, table)                                                                   \
	{name, "SELECT l.code, NULL::bigint, p.region_id FROM " table " t JOIN strategic_plan p ON p.id = t.plan_id " \
	       "LEFT JOIN local_authority l ON l.id = p.la_id WHERE t.id = $1::bigint"}
#define PLAN_ID_FILTER {.name = "plan_id", .kind = FILTER_INT, .sql = "x.plan_id = $%d::bigint", .min = 1, .max = ID_MAX}

/* Is s a completion date: a month (YYYY-MM) or a day (YYYY-MM-DD)? */
bool plan_completion_valid(const char *s);

#endif
