/*
 * meeting.c
 *    This module defines a group's meetings (attendance, agreements and
 *    actions) and the support brokered for vulnerable schools, and holds
 *    their SQL.
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "group.h"

static bool
urns_ok(const json_t *v, const char *name, struct problem *p)
{
	size_t i;
	json_t *it;
	bool ok = true;

	if (!json_is_array(v) || json_array_size(v) > 200) {
		problem_field(p, IN_BODY, name, "type", "must be an array of at most 200 URNs");
		return false;
	}
	json_array_foreach(v, i, it) {
		if (!json_is_integer(it) || json_integer_value(it) < 100000 || json_integer_value(it) > 999999) {
			problem_field(p, IN_BODY, name, "type", "item %zu must be a 6-digit URN", i);
			ok = false;
		}
		for (size_t k = 0; k < i; k++)
			if (json_equal(json_array_get(v, k), it)) {
				problem_field(p, IN_BODY, name, "duplicate", "item %zu repeats item %zu", i, k);
				ok = false;
			}
	}
	return ok;
}

static bool
short_texts_ok(const json_t *v, const char *name, struct problem *p)
{
	size_t i;
	json_t *it;
	bool ok = true;

	if (!json_is_array(v) || json_array_size(v) > 100) {
		problem_field(p, IN_BODY, name, "type", "must be an array of at most 100 strings");
		return false;
	}
	json_array_foreach(v, i, it)
		if (!json_text_ok(it, 1000)) {
			problem_field(p, IN_BODY, name, "type", "item %zu must be a string of 1 to 1000 characters", i);
			ok = false;
		}
	return ok;
}

/* Meeting actions: {description, owner, due_date}. Support notes: {on, note}. */
static bool
records_ok(const json_t *v, const char *name, struct problem *p, const char *text_key,
           const char *who_key, const char *date_key)
{
	size_t i;
	json_t *it;
	bool ok = true;

	if (!json_is_array(v) || json_array_size(v) > 200) {
		problem_field(p, IN_BODY, name, "type", "must be an array of at most 200 entries");
		return false;
	}
	json_array_foreach(v, i, it) {
		const json_t *t = json_object_get(it, text_key), *w = who_key ? json_object_get(it, who_key) : NULL;
		const json_t *dt = json_object_get(it, date_key);
		size_t want = who_key ? 3 : 2;
		if (!json_is_object(it) || json_object_size(it) != want || !json_text_ok(t, 2000) ||
		    (who_key && !json_text_ok(w, 200)) || !json_is_string(dt) ||
		    !date_within(json_string_value(dt), DATE_LAST_YEAR)) {
			if (who_key)
				problem_field(p, IN_BODY, name, "type",
				              "item %zu must be {\"%s\": text, \"%s\": text, \"%s\": YYYY-MM-DD}", i,
				              text_key, who_key, date_key);
			else
				problem_field(p, IN_BODY, name, "type", "item %zu must be {\"%s\": YYYY-MM-DD, \"%s\": text}",
				              i, date_key, text_key);
			ok = false;
		}
	}
	return ok;
}

static bool
actions_ok(const json_t *v, const char *name, struct problem *p)
{
	return records_ok(v, name, p, "description", "owner", "due_date");
}

static bool
notes_ok(const json_t *v, const char *name, struct problem *p)
{
	return records_ok(v, name, p, "note", NULL, "on");
}

/* ---- meetings ----------------------------------------------------------- */

enum { MF_GROUP_ID, MF_HELD_ON, MF_ATTENDED, MF_AGREEMENTS, MF_ACTIONS, MF_FUNDS_NOTE, MF__COUNT };

static const struct field meeting_fields[MF__COUNT] = {
	[MF_GROUP_ID] = {.name = "group_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 1,
	                 .max = 9223372036854775807LL},
	[MF_HELD_ON] = {.name = "held_on", .type = FT_DATE, .flags = F_REQUIRED},
	[MF_ATTENDED] = {.name = "attended_urns", .type = FT_JSON, .json_check = urns_ok, .dflt = "[]"},
	[MF_AGREEMENTS] = {.name = "agreements", .type = FT_JSON, .json_check = short_texts_ok, .dflt = "[]"},
	[MF_ACTIONS] = {.name = "actions", .type = FT_JSON, .json_check = actions_ok, .dflt = "[]"},
	[MF_FUNDS_NOTE] = {.name = "funds_note", .type = FT_TEXT, .flags = F_NULLABLE, .min = 1, .max = 2000},
};

static const char *const meeting_read_only[] = {"id", "group_name", "la_code", "academic_year", "term",
                                                "members", "created_at", "updated_at", "version", NULL};
static const struct field_set meeting_field_set = {meeting_fields, MF__COUNT, meeting_read_only};

#define MEETING_DOC                                                                                \
	"json_build_object('id', m.id, 'group_id', m.group_id, 'group_name', g.name, 'la_code', l.code, " \
	"'held_on', m.held_on, 'academic_year', academic_year_of(m.held_on), "                          \
	"'term', school_term(m.held_on), 'attended_urns', m.attended_urns, "                             \
	"'members', (SELECT count(*) FROM membership mb WHERE mb.group_id = m.group_id "                \
	"AND mb.valid @> m.held_on), 'agreements', m.agreements, 'actions', m.actions, "                \
	"'funds_note', m.funds_note, 'created_at', api_ts(m.created_at), "                              \
	"'updated_at', api_ts(m.updated_at), 'version', m.version)"
#define MEETING_FROM "meeting m JOIN school_group g ON g.id = m.group_id JOIN local_authority l ON l.id = g.la_id"

static const struct db_stmt MEETING_INSERT = {"meeting_insert",
	"INSERT INTO meeting (group_id, held_on, attended_urns, agreements, actions, funds_note) "
	"VALUES ($1::bigint, $2::date, $3::jsonb, $4::jsonb, $5::jsonb, $6) RETURNING id"};
static const struct db_stmt MEETING_UPDATE = {"meeting_update",
	"UPDATE meeting SET held_on = $3::date, attended_urns = $4::jsonb, agreements = $5::jsonb, "
	"actions = $6::jsonb, funds_note = $7, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt MEETING_DELETE = {"meeting_delete", "DELETE FROM meeting WHERE id = $1::bigint"};

static const char *const terms[] = {"autumn", "spring", "summer", NULL};

static const struct filter_def meeting_filters[] = {
	{.name = "group_id", .kind = FILTER_INT, .sql = "m.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "academic_year", .kind = FILTER_TEXT, .sql = "academic_year_of(m.held_on) = $%d", .max = 7,
	 .check = academic_year_ok, .format = "an academic year such as 2020/21"},
	{.name = "term", .kind = FILTER_ENUM, .sql = "school_term(m.held_on) = $%d", .values = terms},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
};

static const struct sort_def meeting_sorts[] = {
	{"held_on", "m.held_on", "date", false}, {"-held_on", "m.held_on", "date", true},
	{"id", "m.id", "bigint", false},
};

static const struct constraint_def meeting_constraints[] = {
	{"meeting_attendance_rule", "attended_urns", "rule",
	 "may list only schools that were members of the group on the day"},
	{"meeting_group_fkey", "group_id", "reference", "does not name a group"},
	{"meeting_funds_note_check", "funds_note", "length", "must be 1 to 2000 characters long"},
};

const struct resource_def meeting_def = {
	.noun = "meeting", .resource = "meeting", .path = "/v1/meetings", .key_field = "id", .key_min = 1,
	.key_max = 9223372036854775807LL, .fields = &meeting_field_set,
	.load_cols = "m.group_id, m.held_on, m.attended_urns, m.agreements, m.actions, m.funds_note",
	.insert = &MEETING_INSERT, .update = &MEETING_UPDATE, .del = &MEETING_DELETE,
	.del_conflict = "the meeting is referred to", .list_doc = MEETING_DOC, .list_from = MEETING_FROM,
	.key_expr = "m.id", .key_type = "bigint", .scope_la = "l.code = $%d::integer",
	.scope_school = "m.group_id IN (SELECT group_id FROM membership WHERE school_urn = $%d::integer)",
	.scope_group = "m.group_id = $%d::bigint", .la_field = "la_code", .group_field = "group_id",
	.filters = meeting_filters, .nfilters = sizeof meeting_filters / sizeof meeting_filters[0],
	.sorts = meeting_sorts, .nsorts = sizeof meeting_sorts / sizeof meeting_sorts[0],
	.constraints = meeting_constraints,
	.nconstraints = sizeof meeting_constraints / sizeof meeting_constraints[0],
};

/* ---- support for vulnerable schools -------------------------------------- */

enum { SR_SCHOOL, SR_BROKERED_BY, SR_SUPPORT, SR_STARTED_ON, SR_ENDED_ON, SR_NOTES, SR__COUNT };

static const struct field support_fields[SR__COUNT] = {
	[SR_SCHOOL] = {.name = "school_urn", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY,
	               .min = 100000, .max = 999999},
	[SR_BROKERED_BY] = {.name = "brokered_by", .type = FT_TEXT, .flags = F_REQUIRED, .min = 1, .max = 200},
	[SR_SUPPORT] = {.name = "support", .type = FT_TEXT, .flags = F_REQUIRED, .min = 1, .max = 2000},
	[SR_STARTED_ON] = {.name = "started_on", .type = FT_DATE, .flags = F_REQUIRED},
	[SR_ENDED_ON] = {.name = "ended_on", .type = FT_DATE, .flags = F_NULLABLE},
	[SR_NOTES] = {.name = "progress_notes", .type = FT_JSON, .json_check = notes_ok, .dflt = "[]"},
};

static const char *const support_read_only[] = {"id", "school_name", "la_code", "area_id", "created_at",
                                                "updated_at", "version", NULL};
static const struct field_set support_field_set = {support_fields, SR__COUNT, support_read_only};

static void
support_check(const struct record *rec, struct problem *p)
{
	const char *a = rec->val[SR_STARTED_ON], *b = rec->val[SR_ENDED_ON];
	if (a && b && strcmp(b, a) < 0)
		problem_field(p, IN_BODY, "ended_on", "rule", "must not be before started_on");
}

#define SUPPORT_DOC                                                                                \
	"json_build_object('id', r.id, 'school_urn', r.school_urn, 'school_name', s.name, "             \
	"'la_code', l.code, 'area_id', s.area_id, 'brokered_by', r.brokered_by, 'support', r.support, "  \
	"'started_on', r.started_on, 'ended_on', r.ended_on, 'progress_notes', r.progress_notes, "       \
	"'created_at', api_ts(r.created_at), 'updated_at', api_ts(r.updated_at), 'version', r.version)"
#define SUPPORT_FROM "support_record r JOIN school s ON s.urn = r.school_urn JOIN local_authority l ON l.id = s.la_id"

static const struct db_stmt SUPPORT_INSERT = {"support_insert",
	"INSERT INTO support_record (school_urn, brokered_by, support, started_on, ended_on, progress_notes) "
	"VALUES ($1::integer, $2, $3, $4::date, $5::date, $6::jsonb) RETURNING id"};
static const struct db_stmt SUPPORT_UPDATE = {"support_update",
	"UPDATE support_record SET brokered_by = $3, support = $4, started_on = $5::date, "
	"ended_on = $6::date, progress_notes = $7::jsonb, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::integer IS NOT NULL"};

static const struct filter_def support_filters[] = {
	{.name = "school_urn", .kind = FILTER_INT, .sql = "r.school_urn = $%d::integer", .min = 100000,
	 .max = 999999},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "area_id", .kind = FILTER_INT, .sql = "s.area_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "current", .kind = FILTER_BOOL, .sql = "(r.ended_on IS NULL OR r.ended_on >= london_today()) = $%d::boolean"},
};

static const struct sort_def support_sorts[] = {
	{"id", "r.id", "bigint", false}, {"-id", "r.id", "bigint", true},
};

static const struct constraint_def support_constraints[] = {
	{"support_vulnerable_rule", "school_urn", "rule", "must be a school flagged vulnerable"},
	{"support_school_fkey", "school_urn", "reference", "does not name a school"},
	{"support_dates_check", "ended_on", "rule", "must not be before started_on"},
	{"support_record_brokered_by_check", "brokered_by", "length", "must be 1 to 200 characters long"},
	{"support_record_support_check", "support", "length", "must be 1 to 2000 characters long"},
};

static const struct db_stmt SUPPORT_PARENT = {"support_parent",
	"SELECT l.code, NULL FROM school s JOIN local_authority l ON l.id = s.la_id WHERE s.urn = $1::integer"};

const struct resource_def support_def = {
	.noun = "support record", .resource = "support-record", .path = "/v1/support-records",
	.key_field = "id", .key_min = 1, .key_max = 9223372036854775807LL, .fields = &support_field_set,
	.load_cols = "r.school_urn, r.brokered_by, r.support, r.started_on, r.ended_on, "
	             "r.progress_notes", .insert = &SUPPORT_INSERT, .update = &SUPPORT_UPDATE,
	.list_doc = SUPPORT_DOC, .list_from = SUPPORT_FROM, .key_expr = "r.id", .key_type = "bigint",
	.scope_la = "l.code = $%d::integer", .scope_school = "r.school_urn = $%d::integer",
	.scope_group = "r.school_urn IN (" GROUP_SCHOOLS("$%d") ")",
	.la_field = "la_code", .parent_field = "school_urn", .parent_scope = &SUPPORT_PARENT,
	.filters = support_filters,
	.nfilters = sizeof support_filters / sizeof support_filters[0], .sorts = support_sorts,
	.nsorts = sizeof support_sorts / sizeof support_sorts[0], .constraints = support_constraints,
	.nconstraints = sizeof support_constraints / sizeof support_constraints[0], .check = support_check,
};
