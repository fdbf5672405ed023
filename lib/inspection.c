/*
 * inspection.c
 *    This module defines a school's inspections and who spoke for the
 *    consortium at each, and the LA's allocation of system leaders to
 *    schools, and holds their SQL. Who the seeds say speaks (the chair, the
 *    allocated system leader, the trust's CEO or school improvement
 *    partner) is the database's rule, `inspection_rule`, which an officer
 *    overrides with a reason (schema/0017_casework.sql).
 */
#include <string.h>

#include "casework.h"
#include "group.h"

/* ---- system leaders allocated to schools ------------------------------------ */

enum { SL_SCHOOL, SL_PERSON, SL_START, SL_END, SL__N };

static const struct field system_leader_fields[SL__N] = {
	[SL_SCHOOL] = URN_FIELD("school_urn", F_REQUIRED | F_CREATE_ONLY),
	[SL_PERSON] = ID_FIELD("person_id", F_REQUIRED),
	[SL_START] = {.name = "start_date", .type = FT_DATE, .flags = F_REQUIRED},
	[SL_END] = {.name = "end_date", .type = FT_DATE, .flags = F_NULLABLE},
};
static const char *const system_leader_read_only[] = {"id", "school_name", "la_code", "person_name",
	"current", "created_at", "updated_at", "version", NULL};
static const struct field_set system_leader_field_set = {system_leader_fields, SL__N, system_leader_read_only};

static void
system_leader_check(const struct record *rec, struct problem *p)
{
	casework_not_before(rec, SL_END, SL_START, system_leader_fields, p);
}

static const struct db_stmt SYSTEM_LEADER_INSERT = {"system_leader_insert",
	"INSERT INTO system_leader (school_urn, person_id, start_date, end_date) "
	"VALUES ($1::integer, $2::bigint, $3::date, $4::date) RETURNING id"};
static const struct db_stmt SYSTEM_LEADER_UPDATE = {"system_leader_update",
	"UPDATE system_leader SET person_id = $3::bigint, start_date = $4::date, end_date = $5::date, "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint AND $2::integer IS NOT NULL"};
static const struct db_stmt SYSTEM_LEADER_DELETE = {"system_leader_delete",
	"DELETE FROM system_leader WHERE id = $1::bigint"};
static const struct db_stmt SYSTEM_LEADER_PARENT = {"system_leader_parent",
	"SELECT l.code, NULL FROM school s JOIN local_authority l ON l.id = s.la_id WHERE s.urn = $1::integer"};

static const struct filter_def system_leader_filters[] = {
	{.name = "school_urn", .kind = FILTER_INT, .sql = "x.school_urn = $%d::integer", .min = 100000,
	 .max = 999999},
	{.name = "person_id", .kind = FILTER_INT, .sql = "x.person_id = $%d::bigint", .min = 1, .max = ID_MAX},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "on", .kind = FILTER_DATE, .sql = "x.term @> $%d::date"},
};
static const struct sort_def system_leader_sorts[] = {DATE_SORTS("start_date")};

static const struct constraint_def system_leader_constraints[] = {
	{"system_leader_school_fkey", "school_urn", "reference", "does not name a school"},
	{"system_leader_person_fkey", "person_id", "reference", "does not name a person of the school's LA"},
	{"system_leader_role_rule", "person_id", "rule", "must hold the role of system leader on start_date"},
	{"system_leader_dates_check", "end_date", "rule", "must not be before start_date"},
	{"system_leader_one_per_school", "start_date", "overlap",
	 "overlaps another system leader's allocation to the school"},
};

const struct resource_def system_leader_def = {
	.noun = "system leader allocation", .resource = "system-leader", .path = "/v1/system-leaders",
	.key_field = "id", .key_min = 1, .key_max = ID_MAX, .fields = &system_leader_field_set,
	.load_cols = "x.school_urn, x.person_id, x.start_date, x.end_date",
	.insert = &SYSTEM_LEADER_INSERT, .update = &SYSTEM_LEADER_UPDATE, .del = &SYSTEM_LEADER_DELETE,
	.list_doc = "json_build_object('id', x.id, 'school_urn', x.school_urn, 'school_name', s.name, "
	            "'la_code', l.code, 'person_id', x.person_id, 'person_name', p.name, 'start_date', x.start_date, "
	            "'end_date', x.end_date, 'current', x.term @> london_today(), " CASEWORK_DOC_TAIL ")",
	.list_from = "system_leader x JOIN school s ON s.urn = x.school_urn JOIN local_authority l ON l.id = s.la_id "
	             "JOIN person p ON p.id = x.person_id",
	.key_expr = "x.id", .key_type = "bigint", .scope_la = "l.code = $%d::integer",
	.scope_school = "x.school_urn = $%d::integer",
	.scope_group = "x.school_urn IN (" GROUP_SCHOOLS("$%d") ")", .la_field = "la_code",
	.parent_field = "school_urn", .parent_scope = &SYSTEM_LEADER_PARENT, FILTERS(system_leader_filters),
	SORTS(system_leader_sorts), CONSTRAINTS(system_leader_constraints), .check = system_leader_check,
};

/* ---- inspections and who spoke for the school ------------------------------- */

enum { IN_GROUP, IN_SCHOOL, IN_ON, IN_INSPECTORATE, IN_ROLE, IN_PERSON, IN_NAME, IN_OVERRIDE, IN_OUTCOME,
       IN__N };

static const char *const inspectorates[] = {"ofsted", "hmi", "estyn", NULL};
static const char *const speaker_roles[] = {"chair", "system_leader", "trust_ceo", "school_improvement_partner",
                                            "other", NULL};

static const struct field inspection_fields[IN__N] = {
	[IN_GROUP] = ID_FIELD("group_id", F_REQUIRED | F_CREATE_ONLY),
	[IN_SCHOOL] = URN_FIELD("school_urn", F_REQUIRED),
	[IN_ON] = {.name = "inspected_on", .type = FT_DATE, .flags = F_REQUIRED},
	[IN_INSPECTORATE] = {.name = "inspectorate", .type = FT_ENUM, .flags = F_REQUIRED, .values = inspectorates},
	[IN_ROLE] = {.name = "speaker_role", .type = FT_ENUM, .flags = F_REQUIRED, .values = speaker_roles},
	[IN_PERSON] = ID_FIELD("speaker_person_id", F_NULLABLE),
	[IN_NAME] = TEXT_FIELD("speaker_name", F_NULLABLE | F_NAME, 200),
	[IN_OVERRIDE] = TEXT_FIELD("override_reason", F_NULLABLE | F_LA_ONLY, 2000),
	[IN_OUTCOME] = TEXT_FIELD("outcome", F_NULLABLE, 2000),
};
static const char *const inspection_read_only[] =
	CASEWORK_READ_ONLY("school_name", "expected_speaker_role", "expected_speaker_person_id");
static const struct field_set inspection_field_set = {inspection_fields, IN__N, inspection_read_only};

static void
inspection_check(const struct record *rec, struct problem *p)
{
	if (rec->val[IN_PERSON] == NULL && rec->val[IN_NAME] == NULL)
		problem_field(p, IN_BODY, "speaker_person_id", "required",
		              "name who spoke for the school: a person, or speaker_name");
}

static const struct db_stmt INSPECTION_INSERT = {"inspection_insert",
	"INSERT INTO inspection (group_id, school_urn, inspected_on, inspectorate, speaker_role, speaker_person_id, "
	"speaker_name, override_reason, outcome) VALUES ($1::bigint, $2::integer, $3::date, $4, $5, $6::bigint, "
	"$7, $8, $9) RETURNING id"};
static const struct db_stmt INSPECTION_UPDATE = {"inspection_update",
	"UPDATE inspection SET school_urn = $3::integer, inspected_on = $4::date, inspectorate = $5, "
	"speaker_role = $6, speaker_person_id = $7::bigint, speaker_name = $8, override_reason = $9, outcome = $10, "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt INSPECTION_DELETE = {"inspection_delete",
	"DELETE FROM inspection WHERE id = $1::bigint"};

static const struct filter_def inspection_filters[] = {
	GROUP_FILTERS,
	{.name = "school_urn", .kind = FILTER_INT, .sql = "x.school_urn = $%d::integer", .min = 100000,
	 .max = 999999},
	{.name = "overridden", .kind = FILTER_BOOL, .sql = "(x.override_reason IS NOT NULL) = $%d::boolean"},
};
static const struct sort_def inspection_sorts[] = {DATE_SORTS("inspected_on")};

static const struct constraint_def inspection_constraints[] = {
	GROUP_CONSTRAINT("inspection"),
	{"inspection_school_fkey", "school_urn", "reference", "does not name a school"},
	{"inspection_member_rule", "school_urn", "rule", "must be a member of the group on inspected_on"},
	{"inspection_speaker_fkey", "speaker_person_id", "reference", "does not name a person of the group's LA"},
	{"inspection_speaker_rule", "speaker_person_id", "rule",
	 "is not who speaks for this school: the group's chair for a category 1 or 2 school, the allocated "
	 "system leader for a maintained category 3 or 4 school, the trust's CEO or school improvement partner "
	 "for an academy (see expected_speaker_role); an officer may override with override_reason"},
	{"inspection_inspectorate_check", "inspectorate", "enum", "must be ofsted, hmi or estyn"},
	{"inspection_speaker_role_check", "speaker_role", "enum", "is not a speaker's role"},
	{"inspection_speaker_name_check", "speaker_name", "length", "must be 1 to 200 characters long"},
	{"inspection_override_check", "override_reason", "length", "must be 1 to 2000 characters long"},
	{"inspection_outcome_check", "outcome", "length", "must be 1 to 2000 characters long"},
	{"inspection_speaker_named", "speaker_person_id", "required",
	 "name who spoke for the school: a person, or speaker_name"},
};

const struct resource_def inspection_def = {
	.noun = "inspection", .resource = "inspection", .path = "/v1/inspections",
	.fields = &inspection_field_set,
	.load_cols = "x.group_id, x.school_urn, x.inspected_on, x.inspectorate, x.speaker_role, "
	             "x.speaker_person_id, x.speaker_name, x.override_reason, x.outcome",
	.insert = &INSPECTION_INSERT, .update = &INSPECTION_UPDATE, .del = &INSPECTION_DELETE,
	.list_doc = "json_build_object(" CASEWORK_DOC_HEAD "'school_urn', x.school_urn, 'school_name', s.name, "
	            "'inspected_on', x.inspected_on, 'inspectorate', x.inspectorate, 'speaker_role', x.speaker_role, "
	            "'speaker_person_id', x.speaker_person_id, 'speaker_name', coalesce(x.speaker_name, sp.name), "
	            "'override_reason', x.override_reason, 'outcome', x.outcome, "
	            "'expected_speaker_role', ex.role, 'expected_speaker_person_id', ex.person_id, "
	            CASEWORK_DOC_TAIL ")",
	.list_from = CASEWORK_FROM("inspection") " JOIN school s ON s.urn = x.school_urn "
	             "LEFT JOIN person sp ON sp.id = x.speaker_person_id "
	             "CROSS JOIN LATERAL inspection_speaker(x.group_id, x.school_urn, x.inspected_on) ex",
	CASEWORK_DEF, FILTERS(inspection_filters), SORTS(inspection_sorts), CONSTRAINTS(inspection_constraints),
	.check = inspection_check,
};
