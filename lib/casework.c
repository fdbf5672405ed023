/*
 * casework.c
 *    This module defines the records of a chair's casework that a group
 *    keeps (new heads' support, panel outcomes, development issues,
 *    requests for assistance or finance, school-to-school support,
 *    references) and the reviews of support brokered for a vulnerable
 *    school, and holds their SQL; inspections and the system leaders who
 *    speak at them are inspection.c's. The rules that need what the
 *    database knows (a member school that day, the head that day) are its
 *    triggers (schema/0017_casework.sql).
 *
 * A chair reaches its own group's records only (its token names the group);
 * the LA's officers reach the LA's; a school's token none. A reference is
 * its writer's and the admins' alone, and its every read is audited.
 */
#include <string.h>

#include "casework.h"
#include "group.h"

/* A date field not before another: the fault names the later one. */
void
casework_not_before(const struct record *rec, int later, int earlier, const struct field *f, struct problem *p)
{
	const char *a = rec->val[earlier], *b = rec->val[later];

	if (a && b && strcmp(b, a) < 0)
		problem_field(p, IN_BODY, f[later].name, "rule", "must not be before %s", f[earlier].name);
}


/* ---- new headteachers: check-ins, coaching, mentoring ---------------------- */

enum { HS_GROUP, HS_SCHOOL, HS_PERSON, HS_KIND, HS_HELD_ON, HS_BY, HS_NOTES, HS_WELLBEING, HS_FUNDING,
       HS__N };

static const char *const head_support_kinds[] = {"check_in", "coaching_offered", "peer_coaching",
                                                 "mentoring", NULL};
static const char *const coaching_funding[] = {"free_maintained", "bought_in", NULL};

static const struct field head_support_fields[HS__N] = {
	[HS_GROUP] = ID_FIELD("group_id", F_REQUIRED | F_CREATE_ONLY),
	[HS_SCHOOL] = URN_FIELD("school_urn", F_REQUIRED),
	[HS_PERSON] = ID_FIELD("person_id", F_REQUIRED),
	[HS_KIND] = {.name = "kind", .type = FT_ENUM, .flags = F_REQUIRED, .values = head_support_kinds},
	[HS_HELD_ON] = {.name = "held_on", .type = FT_DATE, .flags = F_REQUIRED | F_PAST},
	[HS_BY] = ID_FIELD("by_person_id", F_NULLABLE),
	[HS_NOTES] = TEXT_FIELD("notes", F_NULLABLE, 2000),
	[HS_WELLBEING] = {.name = "wellbeing_signposted", .type = FT_BOOL, .flags = F_NULLABLE},
	[HS_FUNDING] = {.name = "funding", .type = FT_ENUM, .flags = F_NULLABLE, .values = coaching_funding},
};
static const char *const head_support_read_only[] =
	CASEWORK_READ_ONLY("school_name", "person_name", "by_person_name", "reported_meeting_id");
static const struct field_set head_support_field_set = {head_support_fields, HS__N, head_support_read_only};

static void
head_support_check(const struct record *rec, struct problem *p)
{
	const char *kind = rec->val[HS_KIND];
	bool check_in = kind && strcmp(kind, "check_in") == 0;
	bool coaching = kind && (strcmp(kind, "coaching_offered") == 0 || strcmp(kind, "peer_coaching") == 0);

	if (kind == NULL)
		return;
	if (check_in != (rec->val[HS_WELLBEING] != NULL))
		problem_field(p, IN_BODY, "wellbeing_signposted", check_in ? "required" : "rule",
		              check_in ? "a check-in says whether well-being support was signposted"
		                       : "is said of a check-in only");
	if (coaching != (rec->val[HS_FUNDING] != NULL))
		problem_field(p, IN_BODY, "funding", coaching ? "required" : "rule",
		              coaching ? "coaching is free for a maintained school or bought in by an academy: say which"
		                       : "is said of coaching only");
}

static const struct db_stmt HEAD_SUPPORT_INSERT = {"head_support_insert",
	"INSERT INTO head_support (group_id, school_urn, person_id, kind, held_on, by_person_id, notes, "
	"wellbeing_signposted, funding) VALUES ($1::bigint, $2::integer, $3::bigint, $4, $5::date, $6::bigint, "
	"$7, $8::boolean, $9) RETURNING id"};
static const struct db_stmt HEAD_SUPPORT_UPDATE = {"head_support_update",
	"UPDATE head_support SET school_urn = $3::integer, person_id = $4::bigint, kind = $5, held_on = $6::date, "
	"by_person_id = $7::bigint, notes = $8, wellbeing_signposted = $9::boolean, funding = $10, "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt HEAD_SUPPORT_DELETE = {"head_support_delete",
	"DELETE FROM head_support WHERE id = $1::bigint"};

static const struct filter_def head_support_filters[] = {
	GROUP_FILTERS, REPORTED_FILTER,
	{.name = "person_id", .kind = FILTER_INT, .sql = "x.person_id = $%d::bigint", .min = 1, .max = ID_MAX},
	{.name = "school_urn", .kind = FILTER_INT, .sql = "x.school_urn = $%d::integer", .min = 100000,
	 .max = 999999},
	{.name = "kind", .kind = FILTER_ENUM, .sql = "x.kind = $%d", .values = head_support_kinds},
};
static const struct sort_def head_support_sorts[] = {DATE_SORTS("held_on")};

static const struct constraint_def head_support_constraints[] = {
	GROUP_CONSTRAINT("head_support"), MEETING_CONSTRAINTS("head_support"),
	{"head_support_school_fkey", "school_urn", "reference", "does not name a school"},
	{"head_support_person_fkey", "person_id", "reference", "does not name a person"},
	{"head_support_by_fkey", "by_person_id", "reference", "does not name a person of the group's LA"},
	{"head_support_member_rule", "school_urn", "rule", "must be a member of the group on held_on"},
	{"head_support_head_rule", "person_id", "rule", "must be the school's headteacher on held_on"},
	{"head_support_kind_check", "kind", "enum", "is not a kind of support for a new head"},
	{"head_support_notes_check", "notes", "length", "must be 1 to 2000 characters long"},
	{"head_support_funding_values", "funding", "enum", "must be free_maintained or bought_in"},
	{"head_support_wellbeing_check", "wellbeing_signposted", "rule", "is said of a check-in, and only of one"},
	{"head_support_funding_check", "funding", "rule", "is said of coaching, and only of it"},
};

const struct resource_def head_support_def = {
	.noun = "new head's support record", .resource = "head-support", .path = "/v1/head-support",
	.fields = &head_support_field_set,
	.load_cols = "x.group_id, x.school_urn, x.person_id, x.kind, x.held_on, x.by_person_id, x.notes, "
	             "x.wellbeing_signposted, x.funding",
	.insert = &HEAD_SUPPORT_INSERT, .update = &HEAD_SUPPORT_UPDATE, .del = &HEAD_SUPPORT_DELETE,
	.list_doc = "json_build_object(" CASEWORK_DOC_HEAD "'school_urn', x.school_urn, 'school_name', s.name, "
	            "'person_id', x.person_id, 'person_name', p.name, 'kind', x.kind, 'held_on', x.held_on, "
	            "'by_person_id', x.by_person_id, 'by_person_name', bp.name, 'notes', x.notes, "
	            "'wellbeing_signposted', x.wellbeing_signposted, 'funding', x.funding, "
	            "'reported_meeting_id', x.reported_meeting_id, " CASEWORK_DOC_TAIL ")",
	.list_from = CASEWORK_FROM("head_support") " JOIN school s ON s.urn = x.school_urn "
	             "JOIN person p ON p.id = x.person_id LEFT JOIN person bp ON bp.id = x.by_person_id",
	CASEWORK_DEF, FILTERS(head_support_filters), SORTS(head_support_sorts),
	CONSTRAINTS(head_support_constraints), .check = head_support_check,
};

/* ---- reviews of support brokered for a vulnerable school -------------------- */

enum { SV_SUPPORT, SV_KIND, SV_REVIEWED_ON, SV_RATING, SV_NOTES, SV__N };

static const char *const review_kinds[] = {"progress", "effectiveness", NULL};
static const char *const review_ratings[] = {"on_track", "some_concerns", "off_track", "effective",
                                             "partly_effective", "not_effective", NULL};

static const struct field support_review_fields[SV__N] = {
	[SV_SUPPORT] = ID_FIELD("support_id", F_REQUIRED | F_CREATE_ONLY),
	[SV_KIND] = {.name = "kind", .type = FT_ENUM, .flags = F_REQUIRED, .values = review_kinds},
	[SV_REVIEWED_ON] = {.name = "reviewed_on", .type = FT_DATE, .flags = F_REQUIRED | F_PAST},
	[SV_RATING] = {.name = "rating", .type = FT_ENUM, .flags = F_REQUIRED, .values = review_ratings},
	[SV_NOTES] = TEXT_FIELD("notes", F_REQUIRED, 2000),
};
static const char *const support_review_read_only[] = {"id", "school_urn", "school_name", "la_code",
	"group_id", "reported_meeting_id", "created_at", "updated_at", "version", NULL};
static const struct field_set support_review_field_set = {support_review_fields, SV__N,
                                                          support_review_read_only};

static void
support_review_check(const struct record *rec, struct problem *p)
{
	const char *kind = rec->val[SV_KIND], *rating = rec->val[SV_RATING];
	bool progress_rating;

	if (kind == NULL || rating == NULL)
		return;
	progress_rating = strcmp(rating, "on_track") == 0 || strcmp(rating, "some_concerns") == 0 ||
	                  strcmp(rating, "off_track") == 0;
	if (progress_rating != (strcmp(kind, "progress") == 0))
		problem_field(p, IN_BODY, "rating", "rule",
		              strcmp(kind, "progress") == 0 ? "progress is on_track, some_concerns or off_track"
		                                            : "effectiveness is effective, partly_effective or not_effective");
}

static const struct db_stmt SUPPORT_REVIEW_INSERT = {"support_review_insert",
	"INSERT INTO support_review (support_id, kind, reviewed_on, rating, notes) "
	"VALUES ($1::bigint, $2, $3::date, $4, $5) RETURNING id"};
static const struct db_stmt SUPPORT_REVIEW_UPDATE = {"support_review_update",
	"UPDATE support_review SET kind = $3, reviewed_on = $4::date, rating = $5, notes = $6, "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
/* The support's LA, and the group whose chair brokered it (none: the LA's). */
static const struct db_stmt SUPPORT_REVIEW_PARENT = {"support_review_parent",
	"SELECT l.code, r.group_id FROM support_record r JOIN school s ON s.urn = r.school_urn "
	"JOIN local_authority l ON l.id = s.la_id WHERE r.id = $1::bigint"};

static const struct filter_def support_review_filters[] = {
	{.name = "support_id", .kind = FILTER_INT, .sql = "x.support_id = $%d::bigint", .min = 1, .max = ID_MAX},
	{.name = "kind", .kind = FILTER_ENUM, .sql = "x.kind = $%d", .values = review_kinds},
	REPORTED_FILTER,
};
static const struct sort_def support_review_sorts[] = {DATE_SORTS("reviewed_on")};

static const struct constraint_def support_review_constraints[] = {
	MEETING_CONSTRAINTS("support_review"),
	{"support_review_support_fkey", "support_id", "reference", "does not name a support record"},
	{"support_review_kind_check", "kind", "enum", "must be progress or effectiveness"},
	{"support_review_rating_check", "rating", "rule", "does not rate this kind of review"},
	{"support_review_notes_check", "notes", "length", "must be 1 to 2000 characters long"},
	{"support_review_date_rule", "reviewed_on", "rule", "must not be before the support started"},
};

const struct resource_def support_review_def = {
	.noun = "support review", .resource = "support-review", .path = "/v1/support-reviews",
	.key_field = "id", .key_min = 1, .key_max = ID_MAX, .fields = &support_review_field_set,
	.load_cols = "x.support_id, x.kind, x.reviewed_on, x.rating, x.notes",
	.insert = &SUPPORT_REVIEW_INSERT, .update = &SUPPORT_REVIEW_UPDATE,
	.list_doc = "json_build_object('id', x.id, 'support_id', x.support_id, 'school_urn', r.school_urn, "
	            "'school_name', s.name, 'la_code', l.code, 'group_id', r.group_id, 'kind', x.kind, "
	            "'reviewed_on', x.reviewed_on, 'rating', x.rating, 'notes', x.notes, "
	            "'reported_meeting_id', x.reported_meeting_id, " CASEWORK_DOC_TAIL ")",
	.list_from = "support_review x JOIN support_record r ON r.id = x.support_id "
	             "JOIN school s ON s.urn = r.school_urn JOIN local_authority l ON l.id = s.la_id",
	.key_expr = "x.id", .key_type = "bigint",
	.scope_la = "l.code = $%d::integer", .scope_group = "r.school_urn IN (" GROUP_SCHOOLS("$%d") ")",
	.la_field = "la_code", .group_kept = true, .parent_field = "support_id",
	.parent_scope = &SUPPORT_REVIEW_PARENT, FILTERS(support_review_filters), SORTS(support_review_sorts),
	CONSTRAINTS(support_review_constraints), .check = support_review_check,
};

/* ---- FAP and Assessment Gateway panels ------------------------------------- */

enum { PO_GROUP, PO_PANEL, PO_HELD_ON, PO_PUPILS, PO_OUTCOME, PO_CAPACITY, PO__N };

static const char *const panels[] = {"fap", "assessment_gateway", NULL};

static const struct field panel_outcome_fields[PO__N] = {
	[PO_GROUP] = ID_FIELD("group_id", F_REQUIRED | F_CREATE_ONLY),
	[PO_PANEL] = {.name = "panel", .type = FT_ENUM, .flags = F_REQUIRED, .values = panels},
	[PO_HELD_ON] = {.name = "held_on", .type = FT_DATE, .flags = F_REQUIRED | F_PAST},
	[PO_PUPILS] = {.name = "pupils_considered", .type = FT_INT, .flags = F_REQUIRED, .min = 0, .max = 10000},
	[PO_OUTCOME] = TEXT_FIELD("outcome", F_REQUIRED, 2000),
	[PO_CAPACITY] = TEXT_FIELD("capacity_view", F_NULLABLE, 2000),
};
static const char *const reported_read_only[] = CASEWORK_READ_ONLY("reported_meeting_id");
static const struct field_set panel_outcome_field_set = {panel_outcome_fields, PO__N, reported_read_only};

static const struct db_stmt PANEL_OUTCOME_INSERT = {"panel_outcome_insert",
	"INSERT INTO panel_outcome (group_id, panel, held_on, pupils_considered, outcome, capacity_view) "
	"VALUES ($1::bigint, $2, $3::date, $4::integer, $5, $6) RETURNING id"};
static const struct db_stmt PANEL_OUTCOME_UPDATE = {"panel_outcome_update",
	"UPDATE panel_outcome SET panel = $3, held_on = $4::date, pupils_considered = $5::integer, "
	"outcome = $6, capacity_view = $7, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt PANEL_OUTCOME_DELETE = {"panel_outcome_delete",
	"DELETE FROM panel_outcome WHERE id = $1::bigint"};

static const struct filter_def panel_outcome_filters[] = {
	GROUP_FILTERS, REPORTED_FILTER,
	{.name = "panel", .kind = FILTER_ENUM, .sql = "x.panel = $%d", .values = panels},
};
static const struct sort_def panel_outcome_sorts[] = {DATE_SORTS("held_on")};

static const struct constraint_def panel_outcome_constraints[] = {
	GROUP_CONSTRAINT("panel_outcome"), MEETING_CONSTRAINTS("panel_outcome"),
	{"panel_outcome_panel_check", "panel", "enum", "must be fap or assessment_gateway"},
	{"panel_outcome_pupils_check", "pupils_considered", "range", "must be 0 to 10000"},
	{"panel_outcome_outcome_check", "outcome", "length", "must be 1 to 2000 characters long"},
	{"panel_outcome_capacity_check", "capacity_view", "length", "must be 1 to 2000 characters long"},
};

const struct resource_def panel_outcome_def = {
	.noun = "panel outcome", .resource = "panel-outcome", .path = "/v1/panel-outcomes",
	.fields = &panel_outcome_field_set,
	.load_cols = "x.group_id, x.panel, x.held_on, x.pupils_considered, x.outcome, x.capacity_view",
	.insert = &PANEL_OUTCOME_INSERT, .update = &PANEL_OUTCOME_UPDATE, .del = &PANEL_OUTCOME_DELETE,
	.list_doc = "json_build_object(" CASEWORK_DOC_HEAD "'panel', x.panel, 'held_on', x.held_on, "
	            "'pupils_considered', x.pupils_considered, 'outcome', x.outcome, "
	            "'capacity_view', x.capacity_view, 'reported_meeting_id', x.reported_meeting_id, "
	            CASEWORK_DOC_TAIL ")",
	.list_from = CASEWORK_FROM("panel_outcome"),
	CASEWORK_DEF, FILTERS(panel_outcome_filters), SORTS(panel_outcome_sorts),
	CONSTRAINTS(panel_outcome_constraints),
};

/* ---- common development issues -------------------------------------------- */

enum { DI_GROUP, DI_RAISED_ON, DI_WITH, DI_ISSUE, DI__N };

static const char *const raised_with[] = {"aag", "wsip", NULL};

static const struct field development_issue_fields[DI__N] = {
	[DI_GROUP] = ID_FIELD("group_id", F_REQUIRED | F_CREATE_ONLY),
	[DI_RAISED_ON] = {.name = "raised_on", .type = FT_DATE, .flags = F_REQUIRED | F_PAST},
	[DI_WITH] = {.name = "raised_with", .type = FT_ENUM, .values = raised_with, .dflt = "aag"},
	[DI_ISSUE] = TEXT_FIELD("issue", F_REQUIRED, 2000),
};
static const struct field_set development_issue_field_set = {development_issue_fields, DI__N,
                                                             reported_read_only};

static const struct db_stmt DEVELOPMENT_ISSUE_INSERT = {"development_issue_insert",
	"INSERT INTO development_issue (group_id, raised_on, raised_with, issue) "
	"VALUES ($1::bigint, $2::date, $3, $4) RETURNING id"};
static const struct db_stmt DEVELOPMENT_ISSUE_UPDATE = {"development_issue_update",
	"UPDATE development_issue SET raised_on = $3::date, raised_with = $4, issue = $5, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt DEVELOPMENT_ISSUE_DELETE = {"development_issue_delete",
	"DELETE FROM development_issue WHERE id = $1::bigint"};

static const struct filter_def development_issue_filters[] = {
	GROUP_FILTERS, REPORTED_FILTER,
	{.name = "raised_with", .kind = FILTER_ENUM, .sql = "x.raised_with = $%d", .values = raised_with},
};
static const struct sort_def development_issue_sorts[] = {DATE_SORTS("raised_on")};

static const struct constraint_def development_issue_constraints[] = {
	GROUP_CONSTRAINT("development_issue"), MEETING_CONSTRAINTS("development_issue"),
	{"development_issue_with_check", "raised_with", "enum", "must be aag or wsip"},
	{"development_issue_issue_check", "issue", "length", "must be 1 to 2000 characters long"},
};

const struct resource_def development_issue_def = {
	.noun = "development issue", .resource = "development-issue", .path = "/v1/development-issues",
	.fields = &development_issue_field_set,
	.load_cols = "x.group_id, x.raised_on, x.raised_with, x.issue",
	.insert = &DEVELOPMENT_ISSUE_INSERT, .update = &DEVELOPMENT_ISSUE_UPDATE,
	.del = &DEVELOPMENT_ISSUE_DELETE,
	.list_doc = "json_build_object(" CASEWORK_DOC_HEAD "'raised_on', x.raised_on, 'raised_with', "
	            "x.raised_with, 'issue', x.issue, 'reported_meeting_id', x.reported_meeting_id, "
	            CASEWORK_DOC_TAIL ")",
	.list_from = CASEWORK_FROM("development_issue"),
	CASEWORK_DEF, FILTERS(development_issue_filters), SORTS(development_issue_sorts),
	CONSTRAINTS(development_issue_constraints),
};

/* ---- requests for assistance or finance ------------------------------------ */

enum { AR_GROUP, AR_SCHOOL, AR_REQUESTED_ON, AR_ASKED_OF, AR_KIND, AR_REQUEST, AR_AMOUNT, AR_DECISION,
       AR_DECIDED_ON, AR_NOTES, AR_ALLOCATION, AR__N };

static const char *const asked_of[] = {"members", "aag", "wsip", NULL};
static const char *const assistance_kinds[] = {"assistance", "finance", NULL};
static const char *const decisions[] = {"granted", "declined", NULL};

static const struct field assistance_fields[AR__N] = {
	[AR_GROUP] = ID_FIELD("group_id", F_REQUIRED | F_CREATE_ONLY),
	[AR_SCHOOL] = URN_FIELD("school_urn", F_NULLABLE),
	[AR_REQUESTED_ON] = {.name = "requested_on", .type = FT_DATE, .flags = F_REQUIRED | F_PAST},
	[AR_ASKED_OF] = {.name = "asked_of", .type = FT_ENUM, .flags = F_REQUIRED, .values = asked_of},
	[AR_KIND] = {.name = "kind", .type = FT_ENUM, .flags = F_REQUIRED, .values = assistance_kinds},
	[AR_REQUEST] = TEXT_FIELD("request", F_REQUIRED, 2000),
	[AR_AMOUNT] = {.name = "amount_pence", .type = FT_INT, .flags = F_NULLABLE, .min = 1, .max = MAX_PENCE},
	[AR_DECISION] = {.name = "decision", .type = FT_ENUM, .flags = F_NULLABLE, .values = decisions},
	[AR_DECIDED_ON] = {.name = "decided_on", .type = FT_DATE, .flags = F_NULLABLE | F_PAST},
	[AR_NOTES] = TEXT_FIELD("decision_notes", F_NULLABLE, 2000),
	[AR_ALLOCATION] = ID_FIELD("allocation_id", F_NULLABLE),
};
static const char *const assistance_read_only[] = CASEWORK_READ_ONLY("school_name", "reported_meeting_id");
static const struct field_set assistance_field_set = {assistance_fields, AR__N, assistance_read_only};

static void
assistance_check(const struct record *rec, struct problem *p)
{
	bool finance = rec->val[AR_KIND] && strcmp(rec->val[AR_KIND], "finance") == 0;
	bool granted = rec->val[AR_DECISION] && strcmp(rec->val[AR_DECISION], "granted") == 0;

	if (rec->val[AR_AMOUNT] && !finance)
		problem_field(p, IN_BODY, "amount_pence", "rule", "is asked for in a request for finance only");
	if ((rec->val[AR_DECISION] == NULL) != (rec->val[AR_DECIDED_ON] == NULL))
		problem_field(p, IN_BODY, rec->val[AR_DECISION] ? "decided_on" : "decision", "required",
		              "a decision and the day it was made go together");
	if (rec->val[AR_ALLOCATION] && !(finance && granted))
		problem_field(p, IN_BODY, "allocation_id", "rule", "is the money of a request for finance granted");
	casework_not_before(rec, AR_DECIDED_ON, AR_REQUESTED_ON, assistance_fields, p);
}

static const struct db_stmt ASSISTANCE_INSERT = {"assistance_insert",
	"INSERT INTO assistance_request (group_id, school_urn, requested_on, asked_of, kind, request, amount_pence, "
	"decision, decided_on, decision_notes, allocation_id) VALUES ($1::bigint, $2::integer, $3::date, $4, $5, $6, "
	"$7::bigint, $8, $9::date, $10, $11::bigint) RETURNING id"};
static const struct db_stmt ASSISTANCE_UPDATE = {"assistance_update",
	"UPDATE assistance_request SET school_urn = $3::integer, requested_on = $4::date, asked_of = $5, kind = $6, "
	"request = $7, amount_pence = $8::bigint, decision = $9, decided_on = $10::date, decision_notes = $11, "
	"allocation_id = $12::bigint, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt ASSISTANCE_DELETE = {"assistance_delete",
	"DELETE FROM assistance_request WHERE id = $1::bigint"};

static const struct filter_def assistance_filters[] = {
	GROUP_FILTERS, REPORTED_FILTER,
	{.name = "kind", .kind = FILTER_ENUM, .sql = "x.kind = $%d", .values = assistance_kinds},
	{.name = "decided", .kind = FILTER_BOOL, .sql = "(x.decision IS NOT NULL) = $%d::boolean"},
};
static const struct sort_def assistance_sorts[] = {DATE_SORTS("requested_on")};

static const struct constraint_def assistance_constraints[] = {
	GROUP_CONSTRAINT("assistance"), MEETING_CONSTRAINTS("assistance"),
	{"assistance_school_fkey", "school_urn", "reference", "does not name a school"},
	{"assistance_member_rule", "school_urn", "rule", "must be a member of the group on requested_on"},
	{"assistance_allocation_fkey", "allocation_id", "reference", "does not name an allocation"},
	{"assistance_allocation_rule", "allocation_id", "rule",
	 "must be an allocation to the group of a fund of kind other"},
	{"assistance_asked_of_check", "asked_of", "enum", "must be members, aag or wsip"},
	{"assistance_kind_check", "kind", "enum", "must be assistance or finance"},
	{"assistance_request_check", "request", "length", "must be 1 to 2000 characters long"},
	{"assistance_amount_check", "amount_pence", "range", "must be a positive amount of pence"},
	{"assistance_decision_values", "decision", "enum", "must be granted or declined"},
	{"assistance_notes_check", "decision_notes", "length", "must be 1 to 2000 characters long"},
	{"assistance_amount_kind_check", "amount_pence", "rule", "is asked for in a request for finance only"},
	{"assistance_decided_check", "decided_on", "required", "a decision and the day it was made go together"},
	{"assistance_decided_date_check", "decided_on", "rule", "must not be before requested_on"},
	{"assistance_allocation_check", "allocation_id", "rule", "is the money of a request for finance granted"},
};

const struct resource_def assistance_request_def = {
	.noun = "request for assistance", .resource = "assistance-request", .path = "/v1/assistance-requests",
	.fields = &assistance_field_set,
	.load_cols = "x.group_id, x.school_urn, x.requested_on, x.asked_of, x.kind, x.request, x.amount_pence, "
	             "x.decision, x.decided_on, x.decision_notes, x.allocation_id",
	.insert = &ASSISTANCE_INSERT, .update = &ASSISTANCE_UPDATE, .del = &ASSISTANCE_DELETE,
	.list_doc = "json_build_object(" CASEWORK_DOC_HEAD "'school_urn', x.school_urn, 'school_name', s.name, "
	            "'requested_on', x.requested_on, 'asked_of', x.asked_of, 'kind', x.kind, 'request', x.request, "
	            "'amount_pence', x.amount_pence, 'decision', x.decision, 'decided_on', x.decided_on, "
	            "'decision_notes', x.decision_notes, 'allocation_id', x.allocation_id, "
	            "'reported_meeting_id', x.reported_meeting_id, " CASEWORK_DOC_TAIL ")",
	.list_from = CASEWORK_FROM("assistance_request") " LEFT JOIN school s ON s.urn = x.school_urn",
	CASEWORK_DEF, FILTERS(assistance_filters), SORTS(assistance_sorts), CONSTRAINTS(assistance_constraints),
	.check = assistance_check,
};

/* ---- school-to-school support --------------------------------------------- */

enum { SS_GROUP, SS_KIND, SS_PROVIDING, SS_RECEIVING, SS_HELD_ON, SS_FOCUS, SS_FOLLOW_UP, SS__N };

static const char *const school_support_kinds[] = {"learning_walk", "peer_review", "joint_practice",
                                                   "moderation", "other", NULL};

static const struct field school_support_fields[SS__N] = {
	[SS_GROUP] = ID_FIELD("group_id", F_REQUIRED | F_CREATE_ONLY),
	[SS_KIND] = {.name = "kind", .type = FT_ENUM, .flags = F_REQUIRED, .values = school_support_kinds},
	[SS_PROVIDING] = URN_FIELD("providing_school_urn", F_REQUIRED),
	[SS_RECEIVING] = URN_FIELD("receiving_school_urn", F_REQUIRED),
	[SS_HELD_ON] = {.name = "held_on", .type = FT_DATE, .flags = F_REQUIRED},
	[SS_FOCUS] = TEXT_FIELD("focus", F_REQUIRED, 2000),
	[SS_FOLLOW_UP] = TEXT_FIELD("follow_up", F_NULLABLE, 2000),
};
static const char *const school_support_read_only[] =
	CASEWORK_READ_ONLY("providing_school_name", "receiving_school_name");
static const struct field_set school_support_field_set = {school_support_fields, SS__N,
                                                          school_support_read_only};

static void
school_support_check(const struct record *rec, struct problem *p)
{
	if (rec->val[SS_PROVIDING] && rec->val[SS_RECEIVING] &&
	    strcmp(rec->val[SS_PROVIDING], rec->val[SS_RECEIVING]) == 0)
		problem_field(p, IN_BODY, "receiving_school_urn", "rule", "must be another school than the providing one");
}

static const struct db_stmt SCHOOL_SUPPORT_INSERT = {"school_support_insert",
	"INSERT INTO school_support (group_id, kind, providing_school_urn, receiving_school_urn, held_on, focus, "
	"follow_up) VALUES ($1::bigint, $2, $3::integer, $4::integer, $5::date, $6, $7) RETURNING id"};
static const struct db_stmt SCHOOL_SUPPORT_UPDATE = {"school_support_update",
	"UPDATE school_support SET kind = $3, providing_school_urn = $4::integer, receiving_school_urn = $5::integer, "
	"held_on = $6::date, focus = $7, follow_up = $8, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt SCHOOL_SUPPORT_DELETE = {"school_support_delete",
	"DELETE FROM school_support WHERE id = $1::bigint"};

static const struct filter_def school_support_filters[] = {
	GROUP_FILTERS,
	{.name = "kind", .kind = FILTER_ENUM, .sql = "x.kind = $%d", .values = school_support_kinds},
	{.name = "school_urn", .kind = FILTER_INT, .min = 100000, .max = 999999,
	 .sql = "$%d::integer IN (x.providing_school_urn, x.receiving_school_urn)"},
};
static const struct sort_def school_support_sorts[] = {DATE_SORTS("held_on")};

static const struct constraint_def school_support_constraints[] = {
	GROUP_CONSTRAINT("school_support"),
	{"school_support_providing_fkey", "providing_school_urn", "reference", "does not name a school"},
	{"school_support_receiving_fkey", "receiving_school_urn", "reference", "does not name a school"},
	{"school_support_member_rule", "providing_school_urn", "rule",
	 "both schools must be members of the group on held_on"},
	{"school_support_two_schools_check", "receiving_school_urn", "rule",
	 "must be another school than the providing one"},
	{"school_support_kind_check", "kind", "enum", "is not a kind of school-to-school support"},
	{"school_support_focus_check", "focus", "length", "must be 1 to 2000 characters long"},
	{"school_support_follow_up_check", "follow_up", "length", "must be 1 to 2000 characters long"},
};

const struct resource_def school_support_def = {
	.noun = "school-to-school support record", .resource = "school-support",
	.path = "/v1/school-to-school-support", .fields = &school_support_field_set,
	.load_cols = "x.group_id, x.kind, x.providing_school_urn, x.receiving_school_urn, x.held_on, x.focus, "
	             "x.follow_up",
	.insert = &SCHOOL_SUPPORT_INSERT, .update = &SCHOOL_SUPPORT_UPDATE, .del = &SCHOOL_SUPPORT_DELETE,
	.list_doc = "json_build_object(" CASEWORK_DOC_HEAD "'kind', x.kind, "
	            "'providing_school_urn', x.providing_school_urn, 'providing_school_name', ps.name, "
	            "'receiving_school_urn', x.receiving_school_urn, 'receiving_school_name', rs.name, "
	            "'held_on', x.held_on, 'focus', x.focus, 'follow_up', x.follow_up, " CASEWORK_DOC_TAIL ")",
	.list_from = CASEWORK_FROM("school_support") " JOIN school ps ON ps.urn = x.providing_school_urn "
	             "JOIN school rs ON rs.urn = x.receiving_school_urn",
	CASEWORK_DEF, FILTERS(school_support_filters), SORTS(school_support_sorts),
	CONSTRAINTS(school_support_constraints), .check = school_support_check,
};

/* ---- references for deputies applying for headship --------------------------- */

enum { RF_GROUP, RF_CANDIDATE, RF_ASKED_BY, RF_POST, RF_ASKED_ON, RF_GIVEN_ON, RF__N };

static const struct field reference_fields[RF__N] = {
	[RF_GROUP] = ID_FIELD("group_id", F_REQUIRED | F_CREATE_ONLY),
	[RF_CANDIDATE] = ID_FIELD("candidate_person_id", F_REQUIRED),
	[RF_ASKED_BY] = TEXT_FIELD("asked_by", F_REQUIRED | F_NAME, 200),
	[RF_POST] = TEXT_FIELD("post", F_REQUIRED, 200),
	[RF_ASKED_ON] = {.name = "asked_on", .type = FT_DATE, .flags = F_REQUIRED | F_PAST},
	[RF_GIVEN_ON] = {.name = "given_on", .type = FT_DATE, .flags = F_NULLABLE | F_PAST},
};
static const char *const reference_read_only[] = CASEWORK_READ_ONLY("candidate_name", "written_by");
static const struct field_set reference_field_set = {reference_fields, RF__N, reference_read_only};

static void
reference_check(const struct record *rec, struct problem *p)
{
	casework_not_before(rec, RF_GIVEN_ON, RF_ASKED_ON, reference_fields, p);
}

/* $7: the writer, the caller's subject (private_to). */
static const struct db_stmt REFERENCE_INSERT = {"reference_insert",
	"INSERT INTO reference (group_id, candidate_person_id, asked_by, post, asked_on, given_on, written_by) "
	"VALUES ($1::bigint, $2::bigint, $3, $4, $5::date, $6::date, $7) RETURNING id"};
static const struct db_stmt REFERENCE_UPDATE = {"reference_update",
	"UPDATE reference SET candidate_person_id = $3::bigint, asked_by = $4, post = $5, asked_on = $6::date, "
	"given_on = $7::date, updated_at = now(), version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL"};
static const struct db_stmt REFERENCE_DELETE = {"reference_delete", "DELETE FROM reference WHERE id = $1::bigint"};

static const struct filter_def reference_filters[] = {
	GROUP_FILTERS,
	{.name = "given", .kind = FILTER_BOOL, .sql = "(x.given_on IS NOT NULL) = $%d::boolean"},
};
static const struct sort_def reference_sorts[] = {DATE_SORTS("asked_on")};

static const struct constraint_def reference_constraints[] = {
	GROUP_CONSTRAINT("reference"),
	{"reference_candidate_fkey", "candidate_person_id", "reference", "does not name a person of the group's LA"},
	{"reference_asked_by_check", "asked_by", "length", "must be 1 to 200 characters long"},
	{"reference_post_check", "post", "length", "must be 1 to 200 characters long"},
	{"reference_dates_check", "given_on", "rule", "must not be before asked_on"},
};

const struct resource_def reference_def = {
	.noun = "reference", .resource = "reference", .path = "/v1/references",
	.fields = &reference_field_set,
	.load_cols = "x.group_id, x.candidate_person_id, x.asked_by, x.post, x.asked_on, x.given_on",
	.insert = &REFERENCE_INSERT, .update = &REFERENCE_UPDATE, .del = &REFERENCE_DELETE,
	.list_doc = "json_build_object(" CASEWORK_DOC_HEAD "'candidate_person_id', x.candidate_person_id, "
	            "'candidate_name', p.name, 'asked_by', x.asked_by, 'post', x.post, 'asked_on', x.asked_on, "
	            "'given_on', x.given_on, 'written_by', x.written_by, " CASEWORK_DOC_TAIL ")",
	.list_from = CASEWORK_FROM("reference") " JOIN person p ON p.id = x.candidate_person_id",
	CASEWORK_DEF, .private_to = "x.written_by", FILTERS(reference_filters), SORTS(reference_sorts),
	CONSTRAINTS(reference_constraints), .check = reference_check,
};
