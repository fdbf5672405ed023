/*
 * casework.h
 *    The chairs' casework (seeds 000 and 001): what a chair keeps for its
 *    own group and the LA's officers for the LA (casework.c), the support
 *    brokered for vulnerable schools (meeting.c) and its reviews, and
 *    inspections with the allocation of system leaders (inspection.c).
 *    What is reported to an Area Analysis
 *    Group is marked with the meeting that received its pack.
 */
#ifndef CONSORTIA_CASEWORK_H
#define CONSORTIA_CASEWORK_H

#include "resource.h"

extern const struct resource_def head_support_def;
extern const struct resource_def support_review_def;
extern const struct resource_def panel_outcome_def;
extern const struct resource_def development_issue_def;
extern const struct resource_def assistance_request_def;
extern const struct resource_def school_support_def;
extern const struct resource_def system_leader_def;
extern const struct resource_def inspection_def;
extern const struct resource_def reference_def;

/* The caseworks' common pieces: a record a group keeps, under alias x. */
#define CASEWORK_FROM(table)                                                                       \
	table " x JOIN school_group g ON g.id = x.group_id JOIN local_authority l ON l.id = g.la_id"
#define CASEWORK_DOC_HEAD "'id', x.id, 'group_id', x.group_id, 'group_name', g.name, 'la_code', l.code, "
#define CASEWORK_DOC_TAIL                                                                          \
	"'created_at', api_ts(x.created_at), 'updated_at', api_ts(x.updated_at), 'version', x.version"

/*
 * The pieces the casework's definitions share (casework.c, inspection.c):
 * fields by kind, what every record a group keeps has, and its filters,
 * sorts and constraints.
 */
#define ID_MAX 9223372036854775807LL
#define ID_FIELD(field_name, fl) {.name = field_name, .type = FT_INT, .flags = (fl), .min = 1, .max = ID_MAX}
#define URN_FIELD(field_name, fl) {.name = field_name, .type = FT_INT, .flags = (fl), .min = 100000, .max = 999999}
#define TEXT_FIELD(field_name, fl, most) {.name = field_name, .type = FT_TEXT, .flags = (fl), .min = 1, .max = (most)}

/* What every record a group keeps shares: its key, its scope, its group's LA. */
#define CASEWORK_DEF                                                                               \
	.key_field = "id", .key_min = 1, .key_max = ID_MAX, .key_expr = "x.id", .key_type = "bigint",     \
	.scope_la = "l.code = $%d::integer", .scope_group = "x.group_id = $%d::bigint",                   \
	.la_field = "la_code", .group_field = "group_id", .group_kept = true

#define COUNT(a) (sizeof (a) / sizeof (a)[0])
#define FILTERS(a) .filters = (a), .nfilters = COUNT(a)
#define SORTS(a) .sorts = (a), .nsorts = COUNT(a)
#define CONSTRAINTS(a) .constraints = (a), .nconstraints = COUNT(a)

#define GROUP_FILTERS                                                                              \
	{.name = "group_id", .kind = FILTER_INT, .sql = "x.group_id = $%d::bigint", .min = 1, .max = ID_MAX}, \
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},       \
	{.name = "area_id", .kind = FILTER_INT, .sql = "g.area_id = $%d::bigint", .min = 1, .max = ID_MAX}
#define REPORTED_FILTER                                                                            \
	{.name = "reported", .kind = FILTER_BOOL, .sql = "(x.reported_meeting_id IS NOT NULL) = $%d::boolean"}
#define DATE_SORTS(col)                                                                            \
	{"-" col, "x." col, "date", true}, {col, "x." col, "date", false}, {"id", "x.id", "bigint", false}, \
	{"-id", "x.id", "bigint", true}

#define GROUP_CONSTRAINT(table)                                                                    \
	{table "_group_fkey", "group_id", "reference", "does not name a consortium or area network"}
#define MEETING_CONSTRAINTS(table)                                                                 \
	{table "_meeting_fkey", "reported_meeting_id", "reference", "does not name a meeting"},          \
	{"reported_meeting_rule", "reported_meeting_id", "rule", "must be a meeting of an Area Analysis Group"}

/* The fields the server sets on every record a group keeps, then those of one kind. */
#define CASEWORK_READ_ONLY(...) {"id", "group_name", "la_code", __VA_ARGS__, "created_at", "updated_at", "version", NULL}

/* A date field not before another: the fault names the later one. */
void casework_not_before(const struct record *rec, int later, int earlier, const struct field *f,
                         struct problem *p);

#endif
