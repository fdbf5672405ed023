/*
 * group_import.c
 *    An LA's groups from the list it keeps: one row per member school
 *    naming its group (by kind and name), the school (by URN or DfE
 *    number), the dates it is a member, and whether its head is the group's
 *    chair or deputy. Each record is found when the file was applied
 *    before, or made through the resource's own rules (group.c,
 *    membership.c, chair.c), so that a row is checked as a request would be
 *    and applying the same file again changes nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv_rows.h"
#include "date.h"
#include "group.h"
#include "group_import.h"
#include "register.h"

enum col {
	C_GROUP, C_KIND, C_AREA, C_SCHOOL, C_FROM, C_TO, C_CHAIR, C_DEPUTY, C_EMAIL, C_APPOINTED_FROM, C_APPOINTED_TO,
	C_ELECTED_ON,
	C_HEAD_SINCE, C_LED_GRADES, C_GB_SUPPORT_ON, C_GROUP_BACKING_ON, C_TIME_COMMITMENT, C_IMPROVEMENT_NOTE,
	C_OVERRIDE, C__COUNT
};

static const char *const columns[C__COUNT + 1] = {
	"group", "kind", "area", "school", "from", "to", "chair", "deputy", "email", "appointed_from", "appointed_to",
	"elected_on",
	"head_since", "led_school_grades", "governing_body_support_on", "group_backing_on", "time_commitment",
	"improvement_note", "override_justification", NULL};
static const bool required[C__COUNT] = {[C_GROUP] = true, [C_KIND] = true, [C_SCHOOL] = true, [C_FROM] = true};
/* Checked before any is given to a statement: a bad one is the row's fault, not the file's. */
static const enum col date_columns[] = {C_FROM, C_TO, C_APPOINTED_FROM, C_APPOINTED_TO, C_ELECTED_ON, C_HEAD_SINCE,
                                        C_GB_SUPPORT_ON, C_GROUP_BACKING_ON};

struct importer {
	struct csv_rows rows;
	char la[8], la_id[24];
	long groups, memberships, memberships_ended, chairs, deputies, appointments_ended, unchanged;
};

/* ---- lookups ------------------------------------------------------------------ */

static const struct db_stmt FIND_LA = {"group_import_la",
	"SELECT id FROM local_authority WHERE code = $1::integer"};
static const struct db_stmt FIND_GROUP = {"group_import_group",
	"SELECT g.id FROM school_group g JOIN local_authority l ON l.id = g.la_id "
	"WHERE l.code = $1::integer AND g.kind = $2 AND lower(g.name) = lower($3)"};
static const struct db_stmt FIND_AREA = {"group_import_area",
	"SELECT a.id FROM area a JOIN local_authority l ON l.id = a.la_id "
	"WHERE l.code = $1::integer AND (a.code = lower($2) OR a.id::text = $2)"};
static const struct db_stmt FIND_SCHOOL_URN = {"group_import_school_urn",
	"SELECT urn FROM school WHERE urn = $1::integer"};
static const struct db_stmt FIND_SCHOOL_DFE = {"group_import_school_dfe",
	"SELECT s.urn FROM school s JOIN local_authority l ON l.id = s.la_id "
	"WHERE l.code = $1::integer AND s.establishment_number = $2::integer"};
/* The membership of the group beginning that day, and whether its end is the file's. */
static const struct db_stmt FIND_MEMBERSHIP = {"group_import_membership",
	"SELECT id, end_date IS NOT DISTINCT FROM $4::date FROM membership "
	"WHERE group_id = $1::bigint AND school_urn = $2::integer AND start_date = $3::date"};
static const struct db_stmt FIND_APPOINTMENT = {"group_import_appointment",
	"SELECT id, end_date IS NOT DISTINCT FROM $5::date FROM chair_appointment "
	"WHERE group_id = $1::bigint AND role = $2 AND school_urn = $3::integer AND start_date = $4::date"};
/* When the head became one, as the register or the people's records know it. */
static const struct db_stmt HEAD_SINCE = {"group_import_head_since",
	"SELECT coalesce(s.headteacher_appointed_on, p.head_since)::text FROM school s "
	"LEFT JOIN person p ON p.id = s.headteacher_person_id WHERE s.urn = $1::integer"};

static bool
digits(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789") == n;
}

/* The row's school: a URN (6 digits), or a DfE number (LA and establishment, "937/2001" or "9372001"). */
static enum err
row_school(struct importer *im, char urn[24])
{
	const char *v = csv_cell(&im->rows, C_SCHOOL);
	char la[4], estab[5];

	urn[0] = '\0';
	if (v && digits(v, 6))
		return csv_find(&im->rows, &FIND_SCHOOL_URN, 1, (const char *[]){v}, urn);
	if (v && (digits(v, 7) || (strlen(v) == 8 && v[3] == '/' && strspn(v, "0123456789") == 3 &&
	                           digits(v + 4, 4)))) {
		snprintf(la, sizeof la, "%.3s", v);
		snprintf(estab, sizeof estab, "%s", v + strlen(v) - 4);
		return csv_find(&im->rows, &FIND_SCHOOL_DFE, 2, (const char *[]){la, estab}, urn);
	}
	csv_fault(&im->rows, "school", "format", "must be a URN (6 digits) or a DfE number (937/2001)");
	return im->rows.err;
}

/* "consortium" or "area_network" (any case, "area network" too), or NULL. */
static const char *
row_kind(const char *v)
{
	if (v && strcasecmp(v, "consortium") == 0)
		return "consortium";
	if (v && (strcasecmp(v, "area_network") == 0 || strcasecmp(v, "area network") == 0 ||
	          strcasecmp(v, "area-network") == 0))
		return "area_network";
	return NULL;
}

/* ---- the parts ------------------------------------------------------------------ */

static const char *const group_names[][2] = {{"name", "group"}, {"area_id", "area"}, {"la_code", "group"},
	{"created_on", "from"}, {NULL, NULL}};
static const char *const membership_names[][2] = {{"school_urn", "school"}, {"start_date", "from"},
	{"end_date", "to"}, {"group_id", "group"}, {NULL, NULL}};
#define APPOINTMENT_NAMES(role)                                                                     \
	{{"school_urn", "school"}, {"start_date", "appointed_from"}, {"end_date", "appointed_to"}, {"group_id", "group"},  \
	 {"person_name", role}, {"group_backing", "group_backing_on"}, {NULL, NULL}}
static const char *const chair_names[][2] = APPOINTMENT_NAMES("chair");
static const char *const deputy_names[][2] = APPOINTMENT_NAMES("deputy");

static enum err
row_group(struct importer *im, const char *kind, char id[24])
{
	const char *name = csv_cell(&im->rows, C_GROUP), *area = csv_cell(&im->rows, C_AREA);
	char area_id[24] = "";
	json_t *body;
	enum err e;

	if ((e = csv_find(&im->rows, &FIND_GROUP, 3, (const char *[]){im->la, kind, name}, id)) != ERR_OK || id[0])
		return e;
	if (area) {
		if ((e = csv_find(&im->rows, &FIND_AREA, 2, (const char *[]){im->la, area}, area_id)) != ERR_OK)
			return e;
		if (!area_id[0]) {
			csv_fault(&im->rows, "area", "reference", "names no area of the LA (by code or id)");
			return im->rows.err;
		}
	}
	body = json_pack("{s:i, s:s}", "la_code", atoi(im->la), "name", name);
	if (body && area_id[0])
		json_object_set_new(body, "area_id", json_integer(atoll(area_id)));
	if (body && !csv_put(&im->rows, body, "created_on", C_FROM, false)) {
		json_decref(body);
		return im->rows.err;
	}
	e = csv_make(&im->rows, strcmp(kind, "consortium") == 0 ? &consortium_def : &network_def, body, group_names,
	             id);
	if (e == ERR_OK && id[0])
		im->groups++;
	return e;
}

/*
 * The record of def that st finds with v[0..n) (its id, and whether its end
 * date is the file's end): its key into key ("" when there is none), its
 * end date set to end when the file says another (*ended).
 */
static enum err
found(struct importer *im, const struct db_stmt *st, int n, const char *const *v, const struct resource_def *def,
      const char *end, const char *const (*names)[2], char key[24], bool *ended)
{
	PGresult *res = NULL;
	json_t *body;
	bool same;
	enum err e;

	key[0] = '\0';
	*ended = false;
	if ((e = db_exec(im->rows.c, st, n, v, &res, im->rows.p)) != ERR_OK || PQntuples(res) != 1) {
		PQclear(res);
		return e;
	}
	snprintf(key, 24, "%s", PQgetvalue(res, 0, 0));
	same = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	PQclear(res);
	if (same)
		return ERR_OK;
	body = json_pack("{s:o}", "end_date", end ? json_string(end) : json_null());
	if ((e = csv_patch(&im->rows, def, key, body, names)) == ERR_OK)
		*ended = true;
	return e;
}

static enum err
row_membership(struct importer *im, const char *group, const char *urn, bool *changed)
{
	const char *from = csv_cell(&im->rows, C_FROM), *to = csv_cell(&im->rows, C_TO);
	char key[24];
	json_t *body;
	bool ended;
	enum err e;

	e = found(im, &FIND_MEMBERSHIP, 4, (const char *[]){group, urn, from, to}, &membership_def, to, membership_names,
	          key, &ended);
	if (ended) {
		im->memberships_ended++;
		*changed = true;
	}
	if (e != ERR_OK || key[0])   /* applied before */
		return e;
	body = json_pack("{s:I, s:I, s:s}", "group_id", (json_int_t)atoll(group), "school_urn", (json_int_t)atoll(urn),
	                 "start_date", from);
	if (body && !csv_put(&im->rows, body, "end_date", C_TO, false)) {
		json_decref(body);
		return im->rows.err;
	}
	if ((e = csv_make(&im->rows, &membership_def, body, membership_names, key)) == ERR_OK && key[0]) {
		im->memberships++;
		*changed = true;
	}
	return e;
}

/* "yes", "true", "y" or "no", "false", "n" as a boolean into o; false (a fault) otherwise. */
static bool
put_bool(struct importer *im, json_t *o, const char *key, int k)
{
	const char *v = csv_cell(&im->rows, k);

	if (v == NULL)
		return true;
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "y") == 0)
		return json_object_set_new(o, key, json_true()) == 0;
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 || strcasecmp(v, "n") == 0)
		return json_object_set_new(o, key, json_false()) == 0;
	csv_fault(&im->rows, columns[k], "format", "must be yes or no");
	return false;
}

/* "good; outstanding" as ["good", "outstanding"] into o. */
static bool
put_list(struct importer *im, json_t *o, const char *key, int k)
{
	const char *v = csv_cell(&im->rows, k);
	json_t *list;
	char *copy, *save = NULL;

	if (v == NULL)
		return true;
	if ((list = json_array()) == NULL || (copy = strdup(v)) == NULL) {
		json_decref(list);
		im->rows.err = problem_set(im->rows.p, ERR_INTERNAL, "out of memory");
		return false;
	}
	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		t += strspn(t, " ");
		for (size_t n = strlen(t); n > 0 && t[n - 1] == ' '; n--)
			t[n - 1] = '\0';
		if (*t)
			json_array_append_new(list, json_string(t));
	}
	free(copy);
	return json_object_set_new(o, key, list) == 0;
}

/* The chair or deputy the row names: its head, appointed from appointed_from (or from) unless already. */
static enum err
row_appointment(struct importer *im, const char *group, const char *urn, const char *role, bool *changed)
{
	const char *start = csv_cell(&im->rows, C_APPOINTED_FROM) ? csv_cell(&im->rows, C_APPOINTED_FROM)
	                                                          : csv_cell(&im->rows, C_FROM);
	const char *end = csv_cell(&im->rows, C_APPOINTED_TO) ? csv_cell(&im->rows, C_APPOINTED_TO)
	                                                      : csv_cell(&im->rows, C_TO);
	const char *elected = csv_cell(&im->rows, C_ELECTED_ON) ? csv_cell(&im->rows, C_ELECTED_ON) : start;
	bool chair = strcmp(role, "chair") == 0;
	const char *name = csv_cell(&im->rows, chair ? C_CHAIR : C_DEPUTY);
	char key[24], head_since[24];
	json_t *body;
	bool ended;
	enum err e;

	e = found(im, &FIND_APPOINTMENT, 5, (const char *[]){group, role, urn, start, end}, &chair_def, end,
	          chair ? chair_names : deputy_names, key, &ended);
	if (ended) {
		im->appointments_ended++;
		*changed = true;
	}
	if (e != ERR_OK || key[0])   /* appointed before */
		return e;
	body = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "group_id", (json_int_t)atoll(group), "role", role,
	                 "person_name", name, "school_urn", (json_int_t)atoll(urn), "start_date", start, "elected_on",
	                 elected);
	if (body == NULL)
		return problem_set(im->rows.p, ERR_INTERNAL, "out of memory");
	if (csv_cell(&im->rows, C_HEAD_SINCE) == NULL) {   /* the register's, when the file does not say */
		if ((e = csv_find(&im->rows, &HEAD_SINCE, 1, (const char *[]){urn}, head_since)) != ERR_OK) {
			json_decref(body);
			return e;
		}
		if (head_since[0])
			json_object_set_new(body, "head_since", json_string(head_since));
	}
	if (end)
		json_object_set_new(body, "end_date", json_string(end));
	if (!csv_put(&im->rows, body, "email", C_EMAIL, false) ||
	    !csv_put(&im->rows, body, "head_since", C_HEAD_SINCE, false) ||
	    !put_list(im, body, "led_school_grades", C_LED_GRADES) ||
	    !csv_put(&im->rows, body, "governing_body_support_on", C_GB_SUPPORT_ON, false) ||
	    !csv_put(&im->rows, body, "group_backing_on", C_GROUP_BACKING_ON, false) ||
	    !put_bool(im, body, "time_commitment", C_TIME_COMMITMENT) ||
	    !csv_put(&im->rows, body, "improvement_note", C_IMPROVEMENT_NOTE, false) ||
	    !csv_put(&im->rows, body, "override_justification", C_OVERRIDE, false)) {
		json_decref(body);
		return im->rows.err;
	}
	e = csv_make(&im->rows, &chair_def, body, chair ? chair_names : deputy_names, key);
	if (e == ERR_OK && key[0]) {
		if (chair)
			im->chairs++;
		else
			im->deputies++;
		*changed = true;
	}
	return e;
}

/* ---- the file ---------------------------------------------------------------------- */

static void
row(struct csv_rows *rows, void *ctx)
{
	struct importer *im = ctx;
	const char *kind = row_kind(csv_cell(rows, C_KIND));
	size_t before = json_array_size(rows->faults);
	char group[24], urn[24];
	bool changed = false;

	if (csv_cell(rows, C_GROUP) == NULL)
		csv_fault(rows, "group", "required", "is empty");
	if (kind == NULL)
		csv_fault(rows, "kind", csv_cell(rows, C_KIND) ? "enum" : "required", "must be consortium or area_network");
	if (csv_cell(rows, C_FROM) == NULL)
		csv_fault(rows, "from", "required", "is empty");
	if (csv_cell(rows, C_CHAIR) && csv_cell(rows, C_DEPUTY))
		csv_fault(rows, "deputy", "rule", "a school's head is its group's chair or its deputy, not both");
	for (size_t i = 0; i < sizeof date_columns / sizeof date_columns[0]; i++) {
		const char *v = csv_cell(rows, date_columns[i]);
		int y, m, d;

		if (v && !date_parse_iso(v, &y, &m, &d))
			csv_fault(rows, columns[date_columns[i]], "format", "must be a real date as YYYY-MM-DD");
	}
	if (json_array_size(rows->faults) > before || rows->err != ERR_OK)
		return;
	if ((rows->err = row_school(im, urn)) != ERR_OK || json_array_size(rows->faults) > before)
		return;
	if (!urn[0]) {
		csv_fault(rows, "school", "reference", "names no school of the register");
		return;
	}
	if ((rows->err = row_group(im, kind, group)) != ERR_OK || !group[0])
		return;
	if (json_array_size(rows->faults) > before)
		return;
	if ((rows->err = row_membership(im, group, urn, &changed)) != ERR_OK || json_array_size(rows->faults) > before)
		return;
	if (csv_cell(rows, C_CHAIR) || csv_cell(rows, C_DEPUTY))
		rows->err = row_appointment(im, group, urn, csv_cell(rows, C_CHAIR) ? "chair" : "deputy", &changed);
	if (!changed && json_array_size(rows->faults) == before)
		im->unchanged++;
}

enum err
group_import(struct db_conn *c, const struct actor *who, int la_code, const char *data, size_t len, bool dry_run,
             json_t **report, struct problem *p)
{
	struct importer im = {
		.rows = {.c = c, .who = who, .p = p, .columns = columns, .required = required,
		         .what = "a list of groups", .row = row, .ctx = &im},
	};
	enum err e;
	bool applied;

	*report = NULL;
	snprintf(im.la, sizeof im.la, "%d", la_code);
	if ((e = csv_find(&im.rows, &FIND_LA, 1, (const char *[]){im.la}, im.la_id)) != ERR_OK)
		goto out;
	if (!im.la_id[0]) {
		e = problem_set(p, ERR_NOT_FOUND, "no local authority %d", la_code);
		goto out;
	}
	if ((e = csv_rows_apply(&im.rows, data, len, dry_run, &applied)) != ERR_OK)
		goto out;
	*report = json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:O}", "dry_run", dry_run, "applied",
	                    applied, "rows", (json_int_t)im.rows.count, "groups", (json_int_t)im.groups, "memberships",
	                    (json_int_t)im.memberships, "memberships_ended", (json_int_t)im.memberships_ended, "chairs",
	                    (json_int_t)im.chairs, "deputies", (json_int_t)im.deputies, "appointments_ended",
	                    (json_int_t)im.appointments_ended, "unchanged", (json_int_t)im.unchanged, "faults",
	                    im.rows.faults);
	if (*report == NULL) {
		e = problem_set(p, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (applied && im.rows.count > im.unchanged) {
		json_t *changes = json_pack("{s:n, s:O}", "before", "after", *report);

		e = changes ? audit_write(c, &who->audit, la_def.resource, im.la_id, "import-groups", changes, la_code, p)
		            : problem_set(p, ERR_INTERNAL, "out of memory");
		json_decref(changes);
	}
out:
	json_decref(im.rows.faults);
	return e;
}
