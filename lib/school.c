/*
 * school.c
 *    This module defines the school resource (addressed by URN) and holds
 *    its SQL.
 */
#include <string.h>

#include "group.h"
#include "region.h"
#include "register.h"

const char *const school_phases[] = {"nursery", "primary", "middle", "secondary", "all_through",
                                     "special", "pru", "sixteen_plus", NULL};
const char *const school_types[] = {"maintained", "academy", "free_school", "independent",
                                    "other", NULL};
const char *const school_statuses[] = {"open", "closed", "proposed", NULL};
const char *const ofsted_grades[] = {"outstanding", "good", "requires_improvement",
                                     "inadequate", "none", NULL};
/* Welsh Government's categories of a school by its use of Welsh. */
static const char *const language_categories[] = {"english_medium", "english_with_significant_welsh",
                                                  "dual_stream", "transitional", "bilingual", "welsh_medium",
                                                  NULL};
/* Estyn's summary judgements, given until August 2022 (none since). */
static const char *const estyn_judgements[] = {"excellent", "good", "adequate", "unsatisfactory", "none", NULL};

static const struct field school_fields[SF__COUNT] = {
	/* left out (a Welsh school with none): the school is keyed by its LA code and establishment number */
	[SF_URN] = {.name = "urn", .type = FT_INT, .flags = F_NULLABLE | F_CREATE_ONLY,
	            .min = 100000, .max = 999999},
	[SF_LA_CODE] = {.name = "la_code", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY,
	                .min = 100, .max = 999},
	[SF_ESTABLISHMENT_NUMBER] = {.name = "establishment_number", .type = FT_INT,
	                             .flags = F_REQUIRED, .min = 0, .max = 9999},
	[SF_NAME] = {.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .min = 1, .max = 200},
	[SF_PHASE] = {.name = "phase", .type = FT_ENUM, .flags = F_REQUIRED, .values = school_phases},
	[SF_TYPE] = {.name = "type", .type = FT_ENUM, .flags = F_REQUIRED, .values = school_types},
	[SF_STATUS] = {.name = "status", .type = FT_ENUM, .values = school_statuses, .dflt = "open"},
	[SF_OFSTED_GRADE] = {.name = "ofsted_grade", .type = FT_ENUM, .values = ofsted_grades,
	                     .dflt = "none"},
	[SF_OFSTED_DATE] = {.name = "ofsted_date", .type = FT_DATE, .flags = F_NULLABLE},
	[SF_PUPILS] = {.name = "pupils", .type = FT_INT, .flags = F_NULLABLE, .min = 0, .max = 100000},
	[SF_SUPPORT_CATEGORY] = {.name = "support_category", .type = FT_INT, .flags = F_NULLABLE,
	                         .min = 1, .max = 4},
	[SF_VULNERABLE] = {.name = "vulnerable", .type = FT_BOOL, .dflt = "false"},
	[SF_VULNERABLE_REASON] = {.name = "vulnerable_reason", .type = FT_TEXT, .flags = F_NULLABLE,
	                          .min = 1, .max = 2000},
	[SF_HEADTEACHER_NAME] = {.name = "headteacher_name", .type = FT_TEXT, .flags = F_NULLABLE,
	                         .min = 1, .max = 200},
	[SF_HEADTEACHER_APPOINTED_ON] = {.name = "headteacher_appointed_on", .type = FT_DATE,
	                                 .flags = F_NULLABLE},
	[SF_AREA_ID] = {.name = "area_id", .type = FT_INT, .flags = F_NULLABLE, .min = 1,
	                .max = 9223372036854775807LL},
	[SF_OPENED_ON] = {.name = "opened_on", .type = FT_DATE, .flags = F_NULLABLE},
	[SF_CLOSED_ON] = {.name = "closed_on", .type = FT_DATE, .flags = F_NULLABLE},
	[SF_LANGUAGE_CATEGORY] = {.name = "language_category", .type = FT_ENUM, .flags = F_NULLABLE,
	                          .values = language_categories},
	[SF_ESTYN_JUDGEMENT] = {.name = "estyn_judgement", .type = FT_ENUM, .values = estyn_judgements,
	                        .dflt = "none"},
	[SF_ESTYN_DATE] = {.name = "estyn_date", .type = FT_DATE, .flags = F_NULLABLE},
};

static const char *const school_read_only[] = {"id", "dfe_number", "headteacher_newly_appointed",
                                               "consortium", "area_network",
                                               "created_at", "updated_at", "version", NULL};

static const struct field_set school_field_set = {school_fields, SF__COUNT, school_read_only};

void
school_check(const struct record *rec, struct problem *p)
{
	const char *vulnerable = rec->val[SF_VULNERABLE];
	const char *opened = rec->val[SF_OPENED_ON], *closed = rec->val[SF_CLOSED_ON];

	if (vulnerable && strcmp(vulnerable, "true") == 0 && rec->val[SF_VULNERABLE_REASON] == NULL)
		problem_field(p, IN_BODY, "vulnerable_reason", "required",
		              "is required when the school is flagged vulnerable");
	/* ISO dates compare as strings. */
	if (opened && closed && strcmp(closed, opened) < 0)
		problem_field(p, IN_BODY, "closed_on", "rule", "must not be before opened_on");
	/* Estyn gave summary judgements until August 2022, each with its inspection's day. */
	if (rec->val[SF_ESTYN_JUDGEMENT] && strcmp(rec->val[SF_ESTYN_JUDGEMENT], "none") != 0 &&
	    (rec->val[SF_ESTYN_DATE] == NULL || strcmp(rec->val[SF_ESTYN_DATE], "2022-09-01") >= 0))
		problem_field(p, IN_BODY, "estyn_date", rec->val[SF_ESTYN_DATE] ? "rule" : "required",
		              "a summary judgement goes with the day of its inspection, before September 2022");
}

/*
 * Why the school was vulnerable on date d (its record of that day), or
 * NULL; asked only of a school with any record at all.
 */
#define VULNERABLE_ON(d)                                                                        \
	"CASE WHEN s.vulnerability_recorded THEN school_vulnerability_on(s.urn, " d ") END"

/*
 * The group of `kind` on date d as the document's JSON text: the one the
 * row keeps when d is among the days it holds for, else asked of the
 * memberships (schema 0027).
 */
#define SCHOOL_GROUP_TEXT(kind, d)                                                             \
	"CASE WHEN s." kind "_span @> " d " THEN s." kind "_doc "                                  \
	"ELSE school_group_doc_on(s.urn, '" kind "', " d ") END"

/*
 * NB: the representation; every read of a school goes through it, as of
 * date d. The row keeps the JSON of its own fields, in the four runs
 * between the members that depend on the day (doc_parts, schema 0027); the
 * read joins them as text, in json_build_object's own layout.
 */
#define SCHOOL_DOC(d)                                                                          \
	"('{' || s.doc_parts[1] || ', \"vulnerable\" : ' || ((" VULNERABLE_ON(d) ") IS NOT NULL)::text " \
	"|| ', \"vulnerable_reason\" : ' || coalesce(to_json(" VULNERABLE_ON(d) ")::text, 'null') "    \
	"|| ', ' || s.doc_parts[2] || ', \"headteacher_newly_appointed\" : ' "                    \
	"|| coalesce((s.headteacher_appointed_on > t.new_since)::text, 'null') "                    \
	"|| ', ' || s.doc_parts[3] "                                                               \
	"|| ', \"consortium\" : ' || " SCHOOL_GROUP_TEXT("consortium", d) " "                     \
	"|| ', \"area_network\" : ' || " SCHOOL_GROUP_TEXT("area_network", d) " "                 \
	"|| ', ' || s.doc_parts[4] || '}')"
/*
 * The days a read of schools depends on, once a statement (a subquery
 * OFFSET 0 stays one row, joined once, where an expression would be
 * evaluated wherever it is written): the day asked for ($1, default
 * today), and the day after which a head's appointment is still new.
 */
#define SCHOOL_DAYS                                                                             \
	"CROSS JOIN (SELECT coalesce($1::date, london_today()) AS on_day, "                         \
	"(london_today() - interval '2 years')::date AS new_since OFFSET 0) t"
#define SCHOOL_FROM "school s JOIN local_authority l ON l.id = s.la_id " SCHOOL_DAYS
/*
 * One school's read, lock and record: the row alone (its document carries
 * its LA's code); the LA's code by its key where a lock loads it.
 */
#define SCHOOL_ONE_FROM "school s " SCHOOL_DAYS
#define SCHOOL_LA_CODE "(SELECT code FROM local_authority WHERE id = s.la_id)"


static const struct db_stmt SCHOOL_INSERT = {"school_insert",
	"INSERT INTO school (urn, la_id, establishment_number, name, phase, type, status, "
	"ofsted_grade, ofsted_date, pupils, support_category, vulnerable, vulnerable_reason, "
	"headteacher_name, headteacher_appointed_on, area_id, opened_on, closed_on, language_category, "
	"estyn_judgement, estyn_date) "
	"SELECT coalesce($1::integer, l.code * 10000 + $3::integer), l.id, $3::integer, $4, $5, $6, $7, $8, $9::date, "
	"$10::integer, $11::smallint, $12::boolean, $13, $14, $15::date, $16::bigint, $17::date, $18::date, $19, "
	"$20, $21::date FROM local_authority l WHERE l.code = $2::integer RETURNING urn"};
static const struct db_stmt SCHOOL_UPDATE = {"school_update",
	"UPDATE school SET establishment_number = $4::integer, name = $5, phase = $6, type = $7, "
	"status = $8, ofsted_grade = $9, ofsted_date = $10::date, pupils = $11::integer, "
	"support_category = $12::smallint, vulnerable = $13::boolean, vulnerable_reason = $14, "
	"headteacher_name = $15, headteacher_appointed_on = $16::date, area_id = $17::bigint, "
	"opened_on = $18::date, closed_on = $19::date, language_category = $20, estyn_judgement = $21, "
	"estyn_date = $22::date, updated_at = now(), version = version + 1 "
	"WHERE urn = $1::integer AND num_nulls($2::integer, $3::integer) >= 0"};
static const struct db_stmt SCHOOL_DELETE = {"school_delete",
	"DELETE FROM school WHERE urn = $1::integer"};

static const struct filter_def school_filters[] = {
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "area", .kind = FILTER_ID_OR_CODE, .sql = "s.area_id = $%d::bigint",
	 .alt_sql = "s.area_id IN (SELECT id FROM area WHERE code = $%d)", .check = area_code_valid,
	 .format = "an area code (lower-case letters, digits and hyphens)"},
	{.name = "phase", .kind = FILTER_ENUM, .sql = "s.phase = $%d", .values = school_phases},
	{.name = "type", .kind = FILTER_ENUM, .sql = "s.type = $%d", .values = school_types},
	{.name = "status", .kind = FILTER_ENUM, .sql = "s.status = $%d", .values = school_statuses},
	{.name = "ofsted", .kind = FILTER_ENUM, .sql = "s.ofsted_grade = $%d", .values = ofsted_grades},
	{.name = "vulnerable", .kind = FILTER_BOOL,
	 .sql = "((" VULNERABLE_ON("coalesce($1::date, london_today())") ") IS NOT NULL) = $%d::boolean"},
	{.name = "support_category", .kind = FILTER_INT, .sql = "s.support_category = $%d::smallint",
	 .min = 1, .max = 4},
};

static const struct sort_def school_sorts[] = {
	{"urn", "s.urn", "integer", false},
	{"-urn", "s.urn", "integer", true},
	{"name", "s.name", "text", false},
	{"-name", "s.name", "text", true},
	{"updated_at", "s.updated_at", "timestamptz", false},
	{"-updated_at", "s.updated_at", "timestamptz", true},
};

static const struct constraint_def school_constraints[] = {
	{"school_pkey", "urn", "duplicate", "is already the URN of a school"},
	{"school_la_estab_key", "establishment_number", "duplicate",
	 "is already the establishment number of a school of this local authority"},
	{"school_area_fkey", "area_id", "reference", "must be an area of the school's local authority"},
	{"school_dates_check", "closed_on", "rule", "must not be before opened_on"},
	{"school_vulnerable_check", "vulnerable_reason", "required",
	 "is required when the school is flagged vulnerable"},
	{"school_urn_check", "urn", "range", "must be a URN from 100000 to 999999"},
	{"school_urn_required", "urn", "required", "is required: only a school of a Welsh authority goes without one"},
	{"school_welsh_id_rule", "establishment_number", "rule",
	 "is part of the id of a school with no URN: it does not change"},
	{"school_language_category_check", "language_category", "enum", "is not a language category"},
	{"school_estyn_judgement_check", "estyn_judgement", "enum", "is not an Estyn summary judgement"},
	{"school_estyn_check", "estyn_date", "rule",
	 "a summary judgement goes with the day of its inspection, before September 2022"},
	{"school_la_fkey", "la_code", "reference", "does not name a local authority"},
	{"school_establishment_number_check", "establishment_number", "range", "must be 0 to 9999"},
	{"school_name_check", "name", "length", "must be 1 to 200 characters long"},
	{"school_phase_check", "phase", "enum", "is not a phase of education the register knows"},
	{"school_type_check", "type", "enum", "is not a type of school the register knows"},
	{"school_status_check", "status", "enum", "must be open, closed or proposed"},
	{"school_ofsted_grade_check", "ofsted_grade", "enum", "is not an Ofsted grade"},
	{"school_pupils_check", "pupils", "range", "must be 0 to 100000"},
	{"school_support_category_check", "support_category", "range", "must be 1 to 4"},
	{"school_vulnerable_reason_check", "vulnerable_reason", "length", "must be at most 2000 characters long"},
	{"school_headteacher_name_check", "headteacher_name", "length", "must be at most 200 characters long"},
	{"vulnerability_no_overlap", "vulnerable", "overlap",
	 "from today overlaps a vulnerability recorded for the school from a later day"},
	{"school_la_kept", "la_code", "rule", "cannot change while groups, chairs, nominations or allocations of its local authority name the school"},
};

const struct resource_def school_def = {
	.noun = "school",
	.resource = "school",
	.path = "/v1/schools",
	.key_field = "urn",
	.key_min = 100000,
	.key_max = 9999999,   /* a URN, or a Welsh school's LA code and establishment number */
	.fields = &school_field_set,
	.load_cols = "CASE WHEN s.urn < 1000000 THEN s.urn END, " SCHOOL_LA_CODE ", s.establishment_number, s.name, s.phase, s.type, s.status, "
	             "s.ofsted_grade, s.ofsted_date, s.pupils, s.support_category, "
	             "(" VULNERABLE_ON("london_today()") ") IS NOT NULL, " VULNERABLE_ON("london_today()") ", "
	             "s.headteacher_name, s.headteacher_appointed_on, s.area_id, "
	             "s.opened_on, s.closed_on, s.language_category, s.estyn_judgement, s.estyn_date",
	.insert = &SCHOOL_INSERT,
	.insert_miss_field = "la_code",
	.update = &SCHOOL_UPDATE,
	.del = &SCHOOL_DELETE,
	.del_conflict = "the school is referred to; close it instead (PATCH status to closed)",
	.list_doc = SCHOOL_DOC("t.on_day"),
	.as_of = true,
	.list_from = SCHOOL_FROM,
	.one_from = SCHOOL_ONE_FROM,
	.key_expr = "s.urn",
	.key_type = "integer",
	.q_expr = "s.name",
	.scope_la = "s.la_id = (SELECT id FROM local_authority WHERE code = $%d::integer)",
	.scope_school = "s.urn = $%d::integer",
	.scope_group = "s.urn IN (" GROUP_SCHOOLS("$%d") ")",
	.scope_region = "s.la_id IN (" REGION_LAS("$%d") ")",
	.la_field = "la_code",
	.filters = school_filters,
	.nfilters = sizeof school_filters / sizeof school_filters[0],
	.sorts = school_sorts,
	.nsorts = sizeof school_sorts / sizeof school_sorts[0],
	.constraints = school_constraints,
	.nconstraints = sizeof school_constraints / sizeof school_constraints[0],
	.check = school_check,
	.csv_columns = school_csv_columns,
};

const char *const school_csv_columns[] = {
	"id", "urn", "la_code", "establishment_number", "dfe_number", "name", "phase", "type", "status",
	"ofsted_grade", "ofsted_date", "pupils", "support_category", "vulnerable",
	"vulnerable_reason", "headteacher_name", "headteacher_appointed_on",
	"headteacher_newly_appointed", "area_id",
	"opened_on", "closed_on", "language_category", "estyn_judgement", "estyn_date", "consortium.id",
	"consortium.name", "area_network.id", "area_network.name", "created_at", "updated_at", "version", NULL};
