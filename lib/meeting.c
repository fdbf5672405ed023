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

/* An array of at most `most` whole numbers in [min, max] (`what`), each once. */
static bool
numbers_ok(const json_t *v, const char *name, struct problem *p, size_t most, long long min, long long max,
           const char *what)
{
	size_t i;
	json_t *it;
	bool ok = true;

	if (!json_is_array(v) || json_array_size(v) > most) {
		problem_field(p, IN_BODY, name, "type", "must be an array of at most %zu %ss", most, what);
		return false;
	}
	json_array_foreach(v, i, it) {
		if (!json_is_integer(it) || json_integer_value(it) < min || json_integer_value(it) > max) {
			problem_field(p, IN_BODY, name, "type", "item %zu must be a %s", i, what);
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
urns_ok(const json_t *v, const char *name, struct problem *p)
{
	return numbers_ok(v, name, p, 200, 100000, 999999, "6-digit URN");
}

/* People's ids, each once. */
static bool
person_ids_ok(const json_t *v, const char *name, struct problem *p)
{
	return numbers_ok(v, name, p, 500, 1, 9223372036854775807LL, "person's id");
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

/* An action's optional keys, owner_person_id and done_on: how many it has, or -1 when one is bad. */
static int
action_extras(const json_t *it)
{
	const json_t *owner = json_object_get(it, "owner_person_id"), *done = json_object_get(it, "done_on");

	if ((owner && (!json_is_integer(owner) || json_integer_value(owner) < 1)) ||
	    (done && (!json_is_string(done) || !date_within(json_string_value(done), DATE_LAST_YEAR))))
		return -1;
	return (owner != NULL) + (done != NULL);
}

/*
 * Meeting actions (`action`): {description, owner, due_date} and optionally
 * owner_person_id and done_on. Support notes: {on, note}.
 */
static bool
records_ok(const json_t *v, const char *name, struct problem *p, bool action)
{
	const char *text_key = action ? "description" : "note", *date_key = action ? "due_date" : "on";
	size_t i;
	json_t *it;
	bool ok = true;

	if (!json_is_array(v) || json_array_size(v) > 200) {
		problem_field(p, IN_BODY, name, "type", "must be an array of at most 200 entries");
		return false;
	}
	json_array_foreach(v, i, it) {
		const json_t *t = json_object_get(it, text_key), *dt = json_object_get(it, date_key);
		int extras = action ? action_extras(it) : 0;
		if (!json_is_object(it) || extras < 0 || json_object_size(it) != (action ? 3u : 2u) + (size_t)extras ||
		    !json_text_ok(t, 2000) || (action && !json_text_ok(json_object_get(it, "owner"), 200)) ||
		    !json_is_string(dt) || !date_within(json_string_value(dt), DATE_LAST_YEAR)) {
			if (action)
				problem_field(p, IN_BODY, name, "type",
				              "item %zu must be {\"description\": text, \"owner\": text, \"due_date\": YYYY-MM-DD} "
				              "and may have \"owner_person_id\": a person's id, \"done_on\": YYYY-MM-DD", i);
			else
				problem_field(p, IN_BODY, name, "type", "item %zu must be {\"on\": YYYY-MM-DD, \"note\": text}", i);
			ok = false;
		}
	}
	return ok;
}

static bool
actions_ok(const json_t *v, const char *name, struct problem *p)
{
	return records_ok(v, name, p, true);
}

static const char *const item_kinds[] = {"report", "evaluation", "la_message", "other", NULL};

/* What a meeting received: {kind, title} and, for an evaluation, its evaluation_id. */
static bool
items_ok(const json_t *v, const char *name, struct problem *p)
{
	size_t i;
	json_t *it;
	bool ok = true;

	if (!json_is_array(v) || json_array_size(v) > 100) {
		problem_field(p, IN_BODY, name, "type", "must be an array of at most 100 items");
		return false;
	}
	json_array_foreach(v, i, it) {
		const json_t *kind = json_object_get(it, "kind"), *ev = json_object_get(it, "evaluation_id");
		bool known = false;
		for (const char *const *k = item_kinds; json_is_string(kind) && *k; k++)
			known = known || strcmp(*k, json_string_value(kind)) == 0;
		if (!json_is_object(it) || !known || !json_text_ok(json_object_get(it, "title"), 500) ||
		    json_object_size(it) != 2u + (ev != NULL) || (ev && (!json_is_integer(ev) || json_integer_value(ev) < 1))) {
			problem_field(p, IN_BODY, name, "type",
			              "item %zu must be {\"kind\": report, evaluation, la_message or other, "
			              "\"title\": text, \"evaluation_id\": an evaluation's id (optional)}", i);
			ok = false;
		}
	}
	return ok;
}

static bool
notes_ok(const json_t *v, const char *name, struct problem *p)
{
	return records_ok(v, name, p, false);
}

/* ---- meetings ----------------------------------------------------------- */

enum { MF_GROUP_ID, MF_HELD_ON, MF_ATTENDED, MF_AGREEMENTS, MF_ACTIONS, MF_FUNDS_NOTE, MF_BODY_ID,
       MF_ATTENDED_PEOPLE, MF_APOLOGIES, MF_ITEMS, MF__COUNT };

static const struct field meeting_fields[MF__COUNT] = {
	[MF_GROUP_ID] = {.name = "group_id", .type = FT_INT, .flags = F_OPTIONAL | F_CREATE_ONLY, .min = 1,
	                 .max = 9223372036854775807LL},
	[MF_HELD_ON] = {.name = "held_on", .type = FT_DATE, .flags = F_REQUIRED},
	[MF_ATTENDED] = {.name = "attended_urns", .type = FT_JSON, .json_check = urns_ok, .dflt = "[]"},
	[MF_AGREEMENTS] = {.name = "agreements", .type = FT_JSON, .json_check = short_texts_ok, .dflt = "[]"},
	[MF_ACTIONS] = {.name = "actions", .type = FT_JSON, .json_check = actions_ok, .dflt = "[]"},
	[MF_FUNDS_NOTE] = {.name = "funds_note", .type = FT_TEXT, .flags = F_NULLABLE, .min = 1, .max = 2000},
	[MF_BODY_ID] = {.name = "body_id", .type = FT_INT, .flags = F_OPTIONAL | F_CREATE_ONLY, .min = 1,
	                .max = 9223372036854775807LL},
	[MF_ATTENDED_PEOPLE] = {.name = "attended_person_ids", .type = FT_JSON, .json_check = person_ids_ok,
	                        .dflt = "[]"},
	[MF_APOLOGIES] = {.name = "apologies_person_ids", .type = FT_JSON, .json_check = person_ids_ok,
	                  .dflt = "[]"},
	[MF_ITEMS] = {.name = "items_received", .type = FT_JSON, .json_check = items_ok, .dflt = "[]"},
};

/* A meeting is a body's: named by the body, or by the group whose body it is. */
static void
meeting_check(const struct record *rec, struct problem *p)
{
	if (rec->val[MF_GROUP_ID] == NULL && rec->val[MF_BODY_ID] == NULL)
		problem_field(p, IN_BODY, "body_id", "required", "name the body that met (or the group, group_id)");
}

static const char *const meeting_read_only[] = {"id", "group_name", "body_name", "body_kind", "la_code",
                                                "academic_year", "term", "members", "seats", "created_at",
                                                "updated_at", "version", NULL};
static const struct field_set meeting_field_set = {meeting_fields, MF__COUNT, meeting_read_only};

#define MEETING_DOC                                                                                \
	"json_build_object('id', m.id, 'body_id', m.body_id, 'body_name', b.name, 'body_kind', b.kind, " \
	"'group_id', m.group_id, 'group_name', g.name, 'la_code', l.code, "                           \
	"'held_on', m.held_on, 'academic_year', academic_year_of(m.held_on), "                          \
	"'term', school_term(m.held_on), 'attended_urns', m.attended_urns, "                             \
	"'attended_person_ids', m.attended_person_ids, 'apologies_person_ids', m.apologies_person_ids, " \
	"'members', (SELECT count(*) FROM membership mb WHERE mb.group_id = m.group_id "                \
	"AND mb.valid @> m.held_on), 'seats', (SELECT count(DISTINCT s.person_id) FROM body_seat s "    \
	"WHERE s.body_id = m.body_id AND s.valid @> m.held_on), "                                        \
	"'agreements', m.agreements, 'actions', m.actions, "                                             \
	"'items_received', m.items_received, "                                                          \
	"'funds_note', m.funds_note, 'created_at', api_ts(m.created_at), "                              \
	"'updated_at', api_ts(m.updated_at), 'version', m.version)"
#define MEETING_FROM                                                                               \
	"meeting m JOIN body b ON b.id = m.body_id JOIN local_authority l ON l.id = b.la_id "         \
	"LEFT JOIN school_group g ON g.id = m.group_id"

static const struct db_stmt MEETING_INSERT = {"meeting_insert",
	"INSERT INTO meeting (group_id, held_on, attended_urns, agreements, actions, funds_note, body_id, "
	"attended_person_ids, apologies_person_ids, items_received) "
	"VALUES ($1::bigint, $2::date, $3::jsonb, $4::jsonb, $5::jsonb, $6, $7::bigint, $8::jsonb, $9::jsonb, "
	"$10::jsonb) RETURNING id"};
/* $2 and $8 (the group and body, create-only) are named only to be typed. */
static const struct db_stmt MEETING_UPDATE = {"meeting_update",
	"UPDATE meeting SET held_on = $3::date, attended_urns = $4::jsonb, agreements = $5::jsonb, "
	"actions = $6::jsonb, funds_note = $7, attended_person_ids = $9::jsonb, "
	"apologies_person_ids = $10::jsonb, items_received = $11::jsonb, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND coalesce($2::bigint, $8::bigint, 0) >= 0"};
static const struct db_stmt MEETING_DELETE = {"meeting_delete", "DELETE FROM meeting WHERE id = $1::bigint"};
static const struct db_stmt MEETING_PARENT = {"meeting_parent",
	"SELECT l.code, b.group_id FROM body b JOIN local_authority l ON l.id = b.la_id WHERE b.id = $1::bigint"};

static const char *const terms[] = {"autumn", "spring", "summer", NULL};

static const struct filter_def meeting_filters[] = {
	{.name = "group_id", .kind = FILTER_INT, .sql = "m.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "academic_year", .kind = FILTER_TEXT, .sql = "academic_year_of(m.held_on) = $%d", .max = 7,
	 .check = academic_year_ok, .format = "an academic year such as 2020/21"},
	{.name = "term", .kind = FILTER_ENUM, .sql = "school_term(m.held_on) = $%d", .values = terms},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "body_id", .kind = FILTER_INT, .sql = "m.body_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "person_id", .kind = FILTER_INT, .min = 1, .max = 9223372036854775807LL,
	 .sql = "(m.attended_person_ids || m.apologies_person_ids) @> to_jsonb($%d::bigint)"},
};

static const struct sort_def meeting_sorts[] = {
	{"held_on", "m.held_on", "date", false}, {"-held_on", "m.held_on", "date", true},
	{"id", "m.id", "bigint", false},
};

static const struct constraint_def meeting_constraints[] = {
	{"meeting_attendance_rule", "attended_urns", "rule",
	 "may list only schools that were members of the group on the day"},
	{"meeting_group_fkey", "group_id", "reference", "does not name a group"},
	{"meeting_body_fkey", "body_id", "reference", "does not name a body"},
	{"meeting_body_group_rule", "body_id", "rule", "is not the body of the group named by group_id"},
	{"meeting_member_rule", "attended_person_ids", "rule",
	 "may list only people who sat on the body on the day"},
	{"meeting_apologies_rule", "apologies_person_ids", "rule", "may not list a person who attended"},
	{"meeting_apologies_member_rule", "apologies_person_ids", "rule",
	 "may list only people who sat on the body on the day"},
	{"meeting_owner_rule", "actions", "reference", "names an owner who is not a person of the body's local authority"},
	{"meeting_item_rule", "items_received", "reference", "names no evaluation of the body's local authority"},
	{"meeting_funds_note_check", "funds_note", "length", "must be 1 to 2000 characters long"},
};

static const char *const meeting_csv[] = {
	"id", "body_id", "body_name", "body_kind", "group_id", "group_name", "la_code", "held_on", "academic_year", "term", "members", "seats", "attended_urns", "attended_person_ids", "apologies_person_ids", NULL};

const struct resource_def meeting_def = {
	.csv_columns = meeting_csv,
	.noun = "meeting", .resource = "meeting", .path = "/v1/meetings", .key_field = "id", .key_min = 1,
	.key_max = 9223372036854775807LL, .fields = &meeting_field_set,
	.load_cols = "m.group_id, m.held_on, m.attended_urns, m.agreements, m.actions, m.funds_note, "
	             "m.body_id, m.attended_person_ids, m.apologies_person_ids, m.items_received",
	.insert = &MEETING_INSERT, .update = &MEETING_UPDATE, .del = &MEETING_DELETE,
	.del_conflict = "the meeting is referred to", .list_doc = MEETING_DOC, .list_from = MEETING_FROM,
	.key_expr = "m.id", .key_type = "bigint", .scope_la = "l.code = $%d::integer",
	.scope_school = "m.group_id IN (SELECT group_id FROM membership WHERE school_urn = $%d::integer)",
	.scope_group = "m.group_id = $%d::bigint", .la_field = "la_code", .group_field = "group_id",
	.parent_field = "body_id", .parent_scope = &MEETING_PARENT, .check = meeting_check,
	.filters = meeting_filters, .nfilters = sizeof meeting_filters / sizeof meeting_filters[0],
	.sorts = meeting_sorts, .nsorts = sizeof meeting_sorts / sizeof meeting_sorts[0],
	.constraints = meeting_constraints,
	.nconstraints = sizeof meeting_constraints / sizeof meeting_constraints[0],
};

/* ---- support for vulnerable schools -------------------------------------- */

enum { SR_SCHOOL, SR_BROKERED_BY, SR_SUPPORT, SR_STARTED_ON, SR_ENDED_ON, SR_NOTES, SR_GROUP, SR_PROVIDER,
       SR_COST, SR_FUNDING, SR_FUND, SR__COUNT };

static const char *const support_funding[] = {"fund", "contributed", NULL};

static const struct field support_fields[SR__COUNT] = {
	[SR_SCHOOL] = {.name = "school_urn", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY,
	               .min = 100000, .max = 999999},
	[SR_BROKERED_BY] = {.name = "brokered_by", .type = FT_TEXT, .flags = F_REQUIRED, .min = 1, .max = 200},
	[SR_SUPPORT] = {.name = "support", .type = FT_TEXT, .flags = F_REQUIRED, .min = 1, .max = 2000},
	[SR_STARTED_ON] = {.name = "started_on", .type = FT_DATE, .flags = F_REQUIRED},
	[SR_ENDED_ON] = {.name = "ended_on", .type = FT_DATE, .flags = F_NULLABLE},
	[SR_NOTES] = {.name = "progress_notes", .type = FT_JSON, .json_check = notes_ok, .dflt = "[]"},
	/* the group whose chair brokered it; none: the LA's officers did */
	[SR_GROUP] = {.name = "group_id", .type = FT_INT, .flags = F_NULLABLE | F_CREATE_ONLY, .min = 1,
	              .max = 9223372036854775807LL},
	[SR_PROVIDER] = {.name = "provider", .type = FT_TEXT, .flags = F_NULLABLE, .min = 1, .max = 200},
	[SR_COST] = {.name = "cost_pence", .type = FT_INT, .flags = F_NULLABLE, .min = 0, .max = MAX_PENCE},
	[SR_FUNDING] = {.name = "funding", .type = FT_ENUM, .flags = F_NULLABLE, .values = support_funding},
	[SR_FUND] = {.name = "fund_id", .type = FT_INT, .flags = F_NULLABLE, .min = 1,
	             .max = 9223372036854775807LL},
};

static const char *const support_read_only[] = {"id", "school_name", "la_code", "area_id", "reported_meeting_id",
                                                "created_at", "updated_at", "version", NULL};
static const struct field_set support_field_set = {support_fields, SR__COUNT, support_read_only};

static void
support_check(const struct record *rec, struct problem *p)
{
	const char *a = rec->val[SR_STARTED_ON], *b = rec->val[SR_ENDED_ON];
	bool from_fund = rec->val[SR_FUNDING] && strcmp(rec->val[SR_FUNDING], "fund") == 0;

	if (a && b && strcmp(b, a) < 0)
		problem_field(p, IN_BODY, "ended_on", "rule", "must not be before started_on");
	if (from_fund != (rec->val[SR_FUND] != NULL))
		problem_field(p, IN_BODY, "fund_id", from_fund ? "required" : "rule",
		              from_fund ? "name the fund the support is paid from" : "is given when funding is fund");
	if (rec->val[SR_FUNDING] && rec->val[SR_COST] == NULL)
		problem_field(p, IN_BODY, "cost_pence", "required", "say what the support costs, in pence");
}

#define SUPPORT_DOC                                                                                \
	"json_build_object('id', r.id, 'school_urn', r.school_urn, 'school_name', s.name, "             \
	"'la_code', l.code, 'area_id', s.area_id, 'group_id', r.group_id, 'brokered_by', r.brokered_by, " \
	"'provider', r.provider, 'support', r.support, 'started_on', r.started_on, 'ended_on', r.ended_on, " \
	"'cost_pence', r.cost_pence, 'funding', r.funding, 'fund_id', r.fund_id, "                     \
	"'progress_notes', r.progress_notes, 'reported_meeting_id', r.reported_meeting_id, "           \
	"'created_at', api_ts(r.created_at), 'updated_at', api_ts(r.updated_at), 'version', r.version)"
#define SUPPORT_FROM "support_record r JOIN school s ON s.urn = r.school_urn JOIN local_authority l ON l.id = s.la_id"

static const struct db_stmt SUPPORT_INSERT = {"support_insert",
	"INSERT INTO support_record (school_urn, brokered_by, support, started_on, ended_on, progress_notes, "
	"group_id, provider, cost_pence, funding, fund_id) VALUES ($1::integer, $2, $3, $4::date, $5::date, "
	"$6::jsonb, $7::bigint, $8, $9::bigint, $10, $11::bigint) RETURNING id"};
static const struct db_stmt SUPPORT_UPDATE = {"support_update",
	"UPDATE support_record SET brokered_by = $3, support = $4, started_on = $5::date, "
	"ended_on = $6::date, progress_notes = $7::jsonb, provider = $9, cost_pence = $10::bigint, "
	"funding = $11, fund_id = $12::bigint, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::integer IS NOT NULL AND $8::bigint IS NOT DISTINCT FROM group_id"};

static const struct filter_def support_filters[] = {
	{.name = "school_urn", .kind = FILTER_INT, .sql = "r.school_urn = $%d::integer", .min = 100000,
	 .max = 999999},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "area_id", .kind = FILTER_INT, .sql = "s.area_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "group_id", .kind = FILTER_INT, .sql = "r.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "current", .kind = FILTER_BOOL, .sql = "(r.ended_on IS NULL OR r.ended_on >= london_today()) = $%d::boolean"},
	{.name = "reported", .kind = FILTER_BOOL, .sql = "(r.reported_meeting_id IS NOT NULL) = $%d::boolean"},
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
	{"support_group_fkey", "group_id", "reference", "does not name a consortium or area network"},
	{"support_member_rule", "school_urn", "rule", "must be a member of the group on started_on"},
	{"support_fund_fkey", "fund_id", "reference", "does not name a fund of the school's LA"},
	{"support_provider_check", "provider", "length", "must be 1 to 200 characters long"},
	{"support_cost_check", "cost_pence", "range", "must be 0 or more pence"},
	{"support_funding_values", "funding", "enum", "must be fund or contributed"},
	{"support_fund_check", "fund_id", "rule", "is given when funding is fund, and only then"},
	{"support_funding_cost_check", "cost_pence", "required", "say what the support costs, in pence"},
	{"support_meeting_fkey", "reported_meeting_id", "reference", "does not name a meeting"},
	{"reported_meeting_rule", "reported_meeting_id", "rule", "must be a meeting of an Area Analysis Group"},
};

static const struct db_stmt SUPPORT_PARENT = {"support_parent",
	"SELECT l.code, NULL FROM school s JOIN local_authority l ON l.id = s.la_id WHERE s.urn = $1::integer"};

const struct resource_def support_def = {
	.noun = "support record", .resource = "support-record", .path = "/v1/support-records",
	.key_field = "id", .key_min = 1, .key_max = 9223372036854775807LL, .fields = &support_field_set,
	.load_cols = "r.school_urn, r.brokered_by, r.support, r.started_on, r.ended_on, "
	             "r.progress_notes, r.group_id, r.provider, r.cost_pence, r.funding, r.fund_id", .insert = &SUPPORT_INSERT, .update = &SUPPORT_UPDATE,
	.list_doc = SUPPORT_DOC, .list_from = SUPPORT_FROM, .key_expr = "r.id", .key_type = "bigint",
	.scope_la = "l.code = $%d::integer", .scope_school = "r.school_urn = $%d::integer",
	.scope_group = "r.school_urn IN (" GROUP_SCHOOLS("$%d") ")",
	.la_field = "la_code", .group_field = "group_id", .group_kept = true, .parent_field = "school_urn",
	.parent_scope = &SUPPORT_PARENT, .filters = support_filters,
	.nfilters = sizeof support_filters / sizeof support_filters[0], .sorts = support_sorts,
	.nsorts = sizeof support_sorts / sizeof support_sorts[0], .constraints = support_constraints,
	.nconstraints = sizeof support_constraints / sizeof support_constraints[0], .check = support_check,
};
