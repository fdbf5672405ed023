/*
 * chair.c
 *    This module defines chair and deputy appointments and the leads a
 *    group nominates, and holds their SQL. Every appointment carries the
 *    verdict of the eligibility rules on it (eligibility.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "eligibility.h"
#include "group.h"
#include "people.h"
#include "register.h"

enum chair_field {
	CF_GROUP_ID, CF_ROLE, CF_PERSON_NAME, CF_EMAIL, CF_SCHOOL_URN, CF_HEAD_SINCE, CF_LED_GRADES,
	CF_GB_SUPPORT_ON, CF_GROUP_BACKING, CF_GROUP_BACKING_ON, CF_TIME_COMMITMENT,
	CF_IMPROVEMENT_NOTE, CF_START_DATE, CF_END_DATE, CF_ELECTED_ON,
	CF_OVERRIDE, CF_ELIGIBILITY, CF_PERSON_ID, CF__COUNT
};

static const char *const chair_roles[] = {"chair", "deputy", NULL};

static bool
grade_ok(const char *s)
{
	for (const char *const *g = ofsted_grades; *g; g++)
		if (strcmp(*g, s) == 0)
			return true;
	return false;
}

static const struct field chair_fields[CF__COUNT] = {
	[CF_GROUP_ID] = {.name = "group_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY,
	                 .min = 1, .max = 9223372036854775807LL},
	[CF_ROLE] = {.name = "role", .type = FT_ENUM, .flags = F_REQUIRED | F_CREATE_ONLY,
	             .values = chair_roles},
	/* the person's, when person_id names them; else they find or make the person */
	[CF_PERSON_NAME] = {.name = "person_name", .type = FT_TEXT, .flags = F_OPTIONAL | F_NAME, .min = 1, .max = 200},
	[CF_EMAIL] = {.name = "email", .type = FT_TEXT, .flags = F_OPTIONAL, .min = 3, .max = 254,
	              .check = email_ok, .format = "an email address"},
	[CF_SCHOOL_URN] = {.name = "school_urn", .type = FT_INT, .flags = F_REQUIRED, .min = 100000,
	                   .max = 999999},
	[CF_HEAD_SINCE] = {.name = "head_since", .type = FT_DATE, .flags = F_REQUIRED},
	[CF_LED_GRADES] = {.name = "led_school_grades", .type = FT_TEXT_ARRAY, .min = 1, .max = 20,
	                   .max_items = 20,
	                   .check = grade_ok, .format = "an Ofsted grade", .dflt = "{}"},
	[CF_GB_SUPPORT_ON] = {.name = "governing_body_support_on", .type = FT_DATE, .flags = F_NULLABLE},
	[CF_GROUP_BACKING] = {.name = "group_backing", .type = FT_TEXT, .flags = F_NULLABLE, .min = 1,
	                      .max = 500},
	[CF_GROUP_BACKING_ON] = {.name = "group_backing_on", .type = FT_DATE, .flags = F_NULLABLE},
	[CF_TIME_COMMITMENT] = {.name = "time_commitment", .type = FT_BOOL, .dflt = "false"},
	[CF_IMPROVEMENT_NOTE] = {.name = "improvement_note", .type = FT_TEXT, .flags = F_NULLABLE,
	                         .min = 1, .max = 2000},
	[CF_START_DATE] = {.name = "start_date", .type = FT_DATE, .flags = F_REQUIRED},
	[CF_END_DATE] = {.name = "end_date", .type = FT_DATE, .flags = F_NULLABLE},
	[CF_ELECTED_ON] = {.name = "elected_on", .type = FT_DATE, .flags = F_REQUIRED},
	[CF_OVERRIDE] = {.name = "override_justification", .type = FT_TEXT, .flags = F_NULLABLE,
	                 .min = 10, .max = 2000},
	[CF_ELIGIBILITY] = {.name = "eligibility", .type = FT_TEXT, .flags = F_DERIVED | F_NULLABLE},
	[CF_PERSON_ID] = {.name = "person_id", .type = FT_INT, .flags = F_OPTIONAL, .min = 1,
	                  .max = 9223372036854775807LL},
};

static const char *const chair_read_only[] = {
	"id", "group_kind", "la_code", "review_due_on", "review_status", "confirmations", "created_at",
	"updated_at",
	"version", NULL};

static const struct field_set chair_field_set = {chair_fields, CF__COUNT, chair_read_only};

/* Does a PostgreSQL array literal of grades hold good or outstanding? */
static bool
has_good_grade(const char *arr)
{
	return arr && (strstr(arr, "\"good\"") || strstr(arr, "\"outstanding\"") ||
	               strstr(arr, "{good") || strstr(arr, ",good") || strstr(arr, "outstanding"));
}

/* The rules' input: the declaration, and what the register knows of the school led. */
static struct eligibility_input
input_of(const struct record *rec)
{
	const char *grade = json_string_value(json_object_get(rec->facts, "ofsted_grade"));
	struct eligibility_input in = {
		.head_since = rec->val[CF_HEAD_SINCE],
		.start_date = rec->val[CF_START_DATE],
		.led_good_school = has_good_grade(rec->val[CF_LED_GRADES]),
		.governing_body_support = rec->val[CF_GB_SUPPORT_ON] != NULL,
		.group_backing = rec->val[CF_GROUP_BACKING] != NULL || rec->val[CF_GROUP_BACKING_ON] != NULL,
		.time_commitment = rec->val[CF_TIME_COMMITMENT] && strcmp(rec->val[CF_TIME_COMMITMENT], "true") == 0,
		.improvement_note = rec->val[CF_IMPROVEMENT_NOTE] != NULL,
		.school_urn = rec->val[CF_SCHOOL_URN] ? atoi(rec->val[CF_SCHOOL_URN]) : 0,
		.register_head_since = json_string_value(json_object_get(rec->facts, "head_appointed_on")),
		.register_grade = grade && strcmp(grade, "none") != 0 ? grade : NULL,
	};
	return in;
}

/* The rules bind a chair; a deputy's verdict is for information (seeds 000, 001 set them for the chair). */
static bool
held_to_rules(const struct record *rec)
{
	return rec->val[CF_ROLE] && strcmp(rec->val[CF_ROLE], "chair") == 0;
}

/* The verdict as JSON text: {"eligible": bool, "applies": bool, "rules": [...]}; caller frees. */
static char *
verdict(const struct record *rec, int *failed)
{
	struct eligibility_input in = input_of(rec);
	struct eligibility_rule rules[ELIGIBILITY_RULES];
	json_t *o, *list = json_array();
	char *text;

	*failed = eligibility_check(&in, rules);
	for (int i = 0; i < ELIGIBILITY_RULES; i++)
		json_array_append_new(list, json_pack("{s:i, s:s, s:b, s:s}", "rule", rules[i].rule, "code",
		                                      rules[i].code, "passed", rules[i].passed, "reason",
		                                      rules[i].reason));
	o = json_pack("{s:b, s:b, s:o}", "eligible", *failed == 0, "applies", held_to_rules(rec), "rules",
	              list);
	text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	return text;
}

static bool
chair_derive(struct record *rec)
{
	int failed;
	char *text = verdict(rec, &failed);

	if (text == NULL)
		return false;
	json_t *old = rec->val[CF_ELIGIBILITY] ? json_loads(rec->val[CF_ELIGIBILITY], 0, NULL) : NULL;
	json_t *now = json_loads(text, 0, NULL);
	bool same = old && now && json_equal(old, now);

	json_decref(old);
	json_decref(now);
	if (!same) {
		free(rec->val[CF_ELIGIBILITY]);
		rec->val[CF_ELIGIBILITY] = text;
		rec->set[CF_ELIGIBILITY] = true;
	} else {
		free(text);
	}
	return true;
}

/*
 * The rules are enforced when a chair is appointed and when a patch
 * changes what they judge; a patch of anything else (an email) to an
 * appointment made before a rule existed is taken, its verdict updated.
 */
static bool
rules_judged(const struct record *rec)
{
	static const int inputs[] = {CF_GROUP_ID, CF_SCHOOL_URN, CF_HEAD_SINCE, CF_LED_GRADES,
	                             CF_GB_SUPPORT_ON, CF_GROUP_BACKING, CF_GROUP_BACKING_ON,
	                             CF_TIME_COMMITMENT, CF_IMPROVEMENT_NOTE, CF_START_DATE, CF_OVERRIDE};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
		if (rec->set[inputs[i]])
			return true;
	return false;
}

static void
chair_check(const struct record *rec, struct problem *p)
{
	const char *start = rec->val[CF_START_DATE], *end = rec->val[CF_END_DATE];
	struct eligibility_input in = input_of(rec);
	struct eligibility_rule rules[ELIGIBILITY_RULES];

	if (start && end && strcmp(end, start) < 0)
		problem_field(p, IN_BODY, "end_date", "rule", "must not be before start_date");
	/* the person is named by person_id, or by name and email (found or made) */
	if (rec->val[CF_PERSON_ID] == NULL && rec->val[CF_PERSON_NAME] == NULL)
		problem_field(p, IN_BODY, "person_name", "required", "name the person, or give person_id");
	if (rec->val[CF_PERSON_ID] == NULL && rec->val[CF_EMAIL] == NULL)
		problem_field(p, IN_BODY, "email", "required", "give the person's work email, or person_id");
	/* An officer may appoint despite failed rules with a written justification. */
	if (held_to_rules(rec) && rules_judged(rec) && eligibility_check(&in, rules) > 0 &&
	    rec->val[CF_OVERRIDE] == NULL)
		for (int i = 0; i < ELIGIBILITY_RULES; i++)
			if (!rules[i].passed)
				problem_field(p, IN_BODY, rules[i].field, "eligibility", "rule %d (%s): %s",
				              rules[i].rule, rules[i].code, rules[i].reason);
}

/* What the register knows of the school an appointment names, for rules 1 and 2. */
static const struct db_stmt CHAIR_FACTS = {"chair_facts",
	"SELECT json_build_object('head_appointed_on', s.headteacher_appointed_on, "
	"'ofsted_grade', s.ofsted_grade)::text FROM school s WHERE s.urn = $1::integer"};

#define CHAIR_DOC                                                                                 \
	"json_build_object('id', c.id, 'group_id', c.group_id, 'group_kind', g.kind, 'la_code', l.code, " \
	"'role', c.role, 'person_id', c.person_id, 'person_name', c.person_name, 'email', c.email, "    \
	"'school_urn', c.school_urn, "                                                                  \
	"'head_since', c.head_since, 'led_school_grades', to_json(c.led_school_grades), "            \
	"'governing_body_support_on', c.governing_body_support_on, 'group_backing', c.group_backing, " \
	"'group_backing_on', c.group_backing_on, 'time_commitment', c.time_commitment, "             \
	"'improvement_note', c.improvement_note, 'start_date', c.start_date, 'end_date', c.end_date, " \
	"'elected_on', c.elected_on, 'review_due_on', c.review_due_on, "                              \
	"'review_status', CASE WHEN c.review_due_on < london_today() THEN 'overdue' "                  \
	"WHEN c.review_due_on <= london_today() + 30 THEN 'due' ELSE 'not_due' END, "                  \
	"'confirmations', coalesce((SELECT json_agg(json_build_object('id', k.id, "                   \
	"'academic_year', k.academic_year, 'confirmed_on', k.confirmed_on) ORDER BY k.academic_year) " \
	"FROM chair_confirmation k WHERE k.chair_id = c.id OR k.deputy_id = c.id), '[]'::json), "     \
	"'override_justification', c.override_justification, "                                       \
	"'eligibility', c.eligibility, 'created_at', api_ts(c.created_at), "                          \
	"'updated_at', api_ts(c.updated_at), 'version', c.version)"
#define CHAIR_FROM                                                                                \
	"chair_appointment c JOIN school_group g ON g.id = c.group_id "                               \
	"JOIN local_authority l ON l.id = g.la_id"

/* The review falls due the LA's review interval after the election. */
static const struct db_stmt CHAIR_INSERT = {"chair_insert",
	"INSERT INTO chair_appointment (group_id, role, person_name, email, school_urn, head_since, "
	"led_school_grades, governing_body_support_on, group_backing, group_backing_on, "
	"time_commitment, improvement_note, start_date, end_date, elected_on, review_due_on, "
	"override_justification, eligibility, person_id) "
	"SELECT g.id, $2, $3, $4, $5::integer, $6::date, $7::text[], $8::date, $9, $10::date, "
	"$11::boolean, $12, $13::date, $14::date, $15::date, "
	"($15::date + make_interval(months => l.review_interval_months))::date, $16, "
	"$17::jsonb, $18::bigint FROM school_group g JOIN local_authority l ON l.id = g.la_id "
	"WHERE g.id = $1::bigint RETURNING id"};
static const struct db_stmt CHAIR_UPDATE = {"chair_update",
	"UPDATE chair_appointment c SET person_name = $4, email = $5, school_urn = $6::integer, "
	"head_since = $7::date, led_school_grades = $8::text[], governing_body_support_on = $9::date, "
	"group_backing = $10, group_backing_on = $11::date, time_commitment = $12::boolean, "
	"improvement_note = $13, start_date = $14::date, end_date = $15::date, elected_on = $16::date, "
	"review_due_on = ($16::date + make_interval(months => (SELECT l.review_interval_months "
	"FROM school_group g JOIN local_authority l ON l.id = g.la_id WHERE g.id = c.group_id)))::date, "
	"override_justification = $17, eligibility = $18::jsonb, person_id = $19::bigint, "
	"updated_at = now(), version = version + 1 "
	"WHERE c.id = $1::bigint AND $2::bigint IS NOT NULL AND $3::text IS NOT NULL"};
static const struct db_stmt CHAIR_DELETE = {"chair_delete",
	"DELETE FROM chair_appointment WHERE id = $1::bigint"};

static const struct filter_def chair_filters[] = {
	{.name = "group_id", .kind = FILTER_INT, .sql = "c.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "role", .kind = FILTER_ENUM, .sql = "c.role = $%d", .values = chair_roles},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "school_urn", .kind = FILTER_INT, .sql = "c.school_urn = $%d::integer",
	 .min = 100000, .max = 999999},
	{.name = "on", .kind = FILTER_DATE, .sql = "c.term @> $%d::date"},
	{.name = "person_id", .kind = FILTER_INT, .sql = "c.person_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "confirmed_for", .kind = FILTER_TEXT, .max = 7, .check = academic_year_ok,
	 .format = "an academic year such as 2020/21",
	 .sql = "EXISTS (SELECT 1 FROM chair_confirmation k WHERE (k.chair_id = c.id OR k.deputy_id = c.id) "
	        "AND k.academic_year = $%d)"},
};

static const struct sort_def chair_sorts[] = {
	{"id", "c.id", "bigint", false},
	{"-id", "c.id", "bigint", true},
	{"review_due_on", "c.review_due_on", "date", false},
	{"start_date", "c.start_date", "date", false},
	{"-start_date", "c.start_date", "date", true},
};

static const struct constraint_def chair_constraints[] = {
	{"chair_one_per_role", "start_date", "overlap",
	 "overlaps the term of another appointment to this role in this group"},
	{"chair_group_fkey", "group_id", "reference", "does not name a group"},
	{"chair_member_rule", "school_urn", "rule",
	 "must be a member school of the group when the appointment starts"},
	{"chair_confirmed_kept", "end_date", "rule",
	 "would end the term before a year the appointment is confirmed for"},
	{"chair_school_la_rule", "school_urn", "reference", "does not name a school of the group's local authority"},
	{"chair_school_fkey", "school_urn", "reference", "does not name a school of the group's local authority"},
	{"chair_dates_check", "end_date", "rule", "must not be before start_date"},
	{"chair_appointment_role_check", "role", "enum", "must be chair or deputy"},
	{"chair_appointment_person_name_check", "person_name", "length", "must be 1 to 200 characters long"},
	{"chair_appointment_email_check", "email", "length", "must be 3 to 254 characters long"},
	{"chair_email_required", "email", "required", "give the person's work email: the person has none"},
	{"chair_person_rule", "person_id", "reference", "does not name a person of the group's local authority"},
	{"chair_person_fkey", "person_id", "reference", "does not name a person of the group's local authority"},
	{"person_email_key", "email", "duplicate", "is the work email of another person of this local authority"},
};

static const char *const chair_csv[] = {
	"id", "group_id", "group_kind", "la_code", "role", "person_id", "person_name", "email", "school_urn", "start_date", "end_date", "elected_on", "review_due_on", "review_status", NULL};

const struct resource_def chair_def = {
	.csv_columns = chair_csv,
	.noun = "appointment",
	.resource = "chair",
	.path = "/v1/chairs",
	.key_field = "id",
	.key_min = 1,
	.key_max = 9223372036854775807LL,
	.fields = &chair_field_set,
	.load_cols = "c.group_id, c.role, c.person_name, c.email, c.school_urn, c.head_since, "
	             "c.led_school_grades, c.governing_body_support_on, c.group_backing, "
	             "c.group_backing_on, c.time_commitment, c.improvement_note, c.start_date, "
	             "c.end_date, c.elected_on, c.override_justification, "
	             "c.eligibility, c.person_id",
	.insert = &CHAIR_INSERT,
	.insert_miss_field = "group_id",
	.update = &CHAIR_UPDATE,
	.del = &CHAIR_DELETE,
	.del_conflict = "the appointment is referred to",
	.list_doc = CHAIR_DOC,
	.list_from = CHAIR_FROM,
	.key_expr = "c.id",
	.key_type = "bigint",
	.q_expr = "c.person_name",
	.scope_la = "l.code = $%d::integer",
	.scope_school = "c.group_id IN (SELECT group_id FROM membership WHERE school_urn = $%d::integer)",
	.scope_group = "c.group_id = $%d::bigint",
	.la_field = "la_code",
	.group_field = "group_id",
	.filters = chair_filters,
	.nfilters = sizeof chair_filters / sizeof chair_filters[0],
	.sorts = chair_sorts,
	.nsorts = sizeof chair_sorts / sizeof chair_sorts[0],
	.constraints = chair_constraints,
	.nconstraints = sizeof chair_constraints / sizeof chair_constraints[0],
	.facts = &CHAIR_FACTS,
	.facts_field = "school_urn",
	.derive = chair_derive,
	.check = chair_check,
};

enum err
chair_eligibility(struct db_conn *c, const json_t *body, char **out, struct problem *p)
{
	struct record rec = {0};
	enum err e;
	int failed;

	*out = NULL;
	e = record_from_json(&chair_field_set, body, RECORD_CREATE, &rec, p);
	if (e == ERR_OK)
		e = resource_load_facts(c, &chair_def, &rec, p);
	if (e == ERR_OK && (*out = verdict(&rec, &failed)) == NULL)
		e = problem_set(p, ERR_INTERNAL, "out of memory");
	record_clear(&rec);
	return e;
}

/* ---- nominated leads ------------------------------------------------- */

enum { NF_GROUP_ID, NF_ROLE, NF_PERSON_NAME, NF_EMAIL, NF_SCHOOL_URN, NF_START_DATE, NF_END_DATE,
       NF_PERSON_ID, NF__COUNT };

static const char *const nomination_roles[] = {"remote_learning_lead", NULL};

static const struct field nomination_fields[NF__COUNT] = {
	[NF_GROUP_ID] = {.name = "group_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY,
	                 .min = 1, .max = 9223372036854775807LL},
	[NF_ROLE] = {.name = "role", .type = FT_ENUM, .flags = F_REQUIRED | F_CREATE_ONLY,
	             .values = nomination_roles},
	[NF_PERSON_NAME] = {.name = "person_name", .type = FT_TEXT, .flags = F_OPTIONAL | F_NAME, .min = 1, .max = 200},
	[NF_EMAIL] = {.name = "email", .type = FT_TEXT, .flags = F_NULLABLE, .min = 3, .max = 254,
	              .check = email_ok, .format = "an email address"},
	[NF_SCHOOL_URN] = {.name = "school_urn", .type = FT_INT, .flags = F_REQUIRED, .min = 100000,
	                   .max = 999999},
	[NF_START_DATE] = {.name = "start_date", .type = FT_DATE, .flags = F_REQUIRED},
	[NF_END_DATE] = {.name = "end_date", .type = FT_DATE, .flags = F_NULLABLE},
	[NF_PERSON_ID] = {.name = "person_id", .type = FT_INT, .flags = F_OPTIONAL, .min = 1,
	                  .max = 9223372036854775807LL},
};

static const char *const nomination_read_only[] = {"id", "la_code", "created_at", "updated_at",
                                                   "version", NULL};
static const struct field_set nomination_field_set = {nomination_fields, NF__COUNT,
                                                      nomination_read_only};

static void
nomination_check(const struct record *rec, struct problem *p)
{
	const char *start = rec->val[NF_START_DATE], *end = rec->val[NF_END_DATE];

	if (start && end && strcmp(end, start) < 0)
		problem_field(p, IN_BODY, "end_date", "rule", "must not be before start_date");
	if (rec->val[NF_PERSON_ID] == NULL && rec->val[NF_PERSON_NAME] == NULL)
		problem_field(p, IN_BODY, "person_name", "required", "name the person, or give person_id");
}

#define NOMINATION_DOC                                                                           \
	"json_build_object('id', n.id, 'group_id', n.group_id, 'la_code', l.code, 'role', n.role, "  \
	"'person_id', n.person_id, 'person_name', n.person_name, 'email', n.email, "                 \
	"'school_urn', n.school_urn, "                                                                 \
	"'start_date', n.start_date, 'end_date', n.end_date, 'created_at', api_ts(n.created_at), "   \
	"'updated_at', api_ts(n.updated_at), 'version', n.version)"
#define NOMINATION_FROM                                                                          \
	"nomination n JOIN school_group g ON g.id = n.group_id JOIN local_authority l ON l.id = g.la_id"

static const struct db_stmt NOMINATION_INSERT = {"nomination_insert",
	"INSERT INTO nomination (group_id, role, person_name, email, school_urn, start_date, end_date, "
	"person_id) VALUES ($1::bigint, $2, $3, $4, $5::integer, $6::date, $7::date, $8::bigint) RETURNING id"};
static const struct db_stmt NOMINATION_UPDATE = {"nomination_update",
	"UPDATE nomination SET person_name = $4, email = $5, school_urn = $6::integer, "
	"start_date = $7::date, end_date = $8::date, person_id = $9::bigint, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL AND $3::text IS NOT NULL"};
static const struct db_stmt NOMINATION_DELETE = {"nomination_delete",
	"DELETE FROM nomination WHERE id = $1::bigint"};

static const struct filter_def nomination_filters[] = {
	{.name = "group_id", .kind = FILTER_INT, .sql = "n.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "role", .kind = FILTER_ENUM, .sql = "n.role = $%d", .values = nomination_roles},
	{.name = "on", .kind = FILTER_DATE, .sql = "n.term @> $%d::date"},
};

static const struct sort_def nomination_sorts[] = {
	{"id", "n.id", "bigint", false},
	{"-id", "n.id", "bigint", true},
};

static const struct constraint_def nomination_constraints[] = {
	{"nomination_one_per_role", "start_date", "overlap",
	 "overlaps another nomination to this role in this group"},
	{"nomination_member_rule", "school_urn", "rule",
	 "must be a member school of the group when the nomination starts"},
	{"nomination_group_fkey", "group_id", "reference", "does not name a group"},
	{"nomination_school_la_rule", "school_urn", "reference", "does not name a school of the group's local authority"},
	{"nomination_school_fkey", "school_urn", "reference", "does not name a school of the group's local authority"},
	{"nomination_dates_check", "end_date", "rule", "must not be before start_date"},
	{"nomination_role_check", "role", "enum", "must be remote_learning_lead"},
	{"nomination_person_name_check", "person_name", "length", "must be 1 to 200 characters long"},
	{"nomination_email_check", "email", "length", "must be 3 to 254 characters long"},
	{"nomination_person_rule", "person_id", "reference", "does not name a person of the group's local authority"},
	{"nomination_person_fkey", "person_id", "reference", "does not name a person of the group's local authority"},
	{"person_email_key", "email", "duplicate", "is the work email of another person of this local authority"},
};

const struct resource_def nomination_def = {
	.noun = "nomination",
	.resource = "nomination",
	.path = "/v1/nominations",
	.key_field = "id",
	.key_min = 1,
	.key_max = 9223372036854775807LL,
	.fields = &nomination_field_set,
	.load_cols = "n.group_id, n.role, n.person_name, n.email, n.school_urn, n.start_date, "
	             "n.end_date, n.person_id",
	.insert = &NOMINATION_INSERT,
	.update = &NOMINATION_UPDATE,
	.del = &NOMINATION_DELETE,
	.del_conflict = "the nomination is referred to",
	.list_doc = NOMINATION_DOC,
	.list_from = NOMINATION_FROM,
	.key_expr = "n.id",
	.key_type = "bigint",
	.q_expr = "n.person_name",
	.scope_la = "l.code = $%d::integer",
	.scope_school = "n.group_id IN (SELECT group_id FROM membership WHERE school_urn = $%d::integer)",
	.scope_group = "n.group_id = $%d::bigint",
	.la_field = "la_code",
	.group_field = "group_id",
	.filters = nomination_filters,
	.nfilters = sizeof nomination_filters / sizeof nomination_filters[0],
	.sorts = nomination_sorts,
	.nsorts = sizeof nomination_sorts / sizeof nomination_sorts[0],
	.constraints = nomination_constraints,
	.nconstraints = sizeof nomination_constraints / sizeof nomination_constraints[0],
	.check = nomination_check,
};
