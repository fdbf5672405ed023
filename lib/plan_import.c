/*
 * plan_import.c
 *    A strategic plan's actions from CSV: one row per action (or
 *    sub-action), its strand and work area named in columns, made part by
 *    part through the resources' own rules (strategic_plan.c, plan_parts.c)
 *    so that every row is checked as a request would be and every record
 *    made is audited. A strand or work area named again is the one already
 *    made. Every bad row is reported with its line and column; a file with
 *    any is applied not at all, and a dry run applies nothing either way.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv_rows.h"
#include "plan_import.h"
#include "strategic_plan.h"

/* The columns read, as the report's CSV writes them (strategic_plan_rows). */
enum col {
	C_STRAND_NUMBER, C_STRAND_NAME, C_STRAND_NAME_CY, C_STRAND_AIM, C_STRAND_AIM_CY, C_WORK_AREA, C_WORK_AREA_CY,
	C_ACTION_NUMBER, C_PARENT_NUMBER, C_TEXT, C_TEXT_CY, C_LEVEL, C_RESPONSIBLE, C_BODY, C_RESOURCES, C_PENCE,
	C_COMPLETION, C_PART, C__COUNT
};

static const char *const columns[C__COUNT + 1] = {
	"strand_number", "strand_name", "strand_name_cy", "strand_aim", "strand_aim_cy", "work_area", "work_area_cy",
	"action_number", "parent_action_number", "text", "text_cy", "level", "responsible", "responsible_body_id",
	"resources", "resources_pence", "completion", "funding_part", NULL};
static const bool required[C__COUNT] = {[C_STRAND_NUMBER] = true, [C_WORK_AREA] = true, [C_TEXT] = true,
                                        [C_LEVEL] = true, [C_COMPLETION] = true};
/* What the report's CSV adds, read and ignored, so that an export imports again. */
static const char *const ignored[] = {"due_on", "progress", "overdue", NULL};

struct importer {
	struct csv_rows rows;
	const char *plan;
	long strands, work_areas, actions, sub_actions;
};

/* ---- lookups ------------------------------------------------------------------ */

static const struct db_stmt FIND_STRAND = {"plan_import_strand",
	"SELECT id FROM plan_strand WHERE plan_id = $1::bigint AND number = $2::integer"};
static const struct db_stmt FIND_WORK_AREA = {"plan_import_work_area",
	"SELECT id FROM plan_work_area WHERE strand_id = $1::bigint AND lower(name) = lower($2)"};
static const struct db_stmt FIND_ACTION = {"plan_import_action",
	"SELECT id FROM plan_action WHERE plan_id = $1::bigint AND number = $2"};

static enum err
find(struct importer *im, const struct db_stmt *st, const char *a, const char *b, char out[24])
{
	const char *v[] = {a, b};

	return csv_find(&im->rows, st, 2, v, out);
}

/*
 * "December 2007; Sept 2008; 2009-07" as ["2007-12", "2008-09", "2009-07"]:
 * months by name (English or Welsh, whole or shortened) with their year, or
 * as written.
 */
static json_t *
completion_dates(const char *s)
{
	static const char *const months[2][12] = {
		{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
		 "november", "december"},
		{"ionawr", "chwefror", "mawrth", "ebrill", "mai", "mehefin", "gorffennaf", "awst", "medi", "hydref",
		 "tachwedd", "rhagfyr"}};
	json_t *out = json_array();
	char *copy = strdup(s ? s : ""), *save = NULL, *tok;
	int month = 0;

	if (out == NULL || copy == NULL) {
		json_decref(out);
		free(copy);
		return NULL;
	}
	for (tok = strtok_r(copy, " ;,\t", &save); tok; tok = strtok_r(NULL, " ;,\t", &save)) {
		char ym[16];

		if (month && strlen(tok) == 4 && strspn(tok, "0123456789") == 4) {
			snprintf(ym, sizeof ym, "%s-%02d", tok, month);
			json_array_append_new(out, json_string(ym));
			month = 0;
			continue;
		}
		if (month)   /* a month with no year: as written, for the field's rule to refuse */
			json_array_append_new(out, json_string(months[0][month - 1]));
		month = 0;
		/* a month's name, or its first three letters or more ("Dec", "Sept") */
		for (int l = 0; l < 2 && !month; l++)
			for (int m = 0; m < 12 && !month; m++)
				if (strlen(tok) >= 3 && strlen(tok) <= strlen(months[l][m]) &&
				    strncasecmp(tok, months[l][m], strlen(tok)) == 0)
					month = m + 1;
		if (!month)
			json_array_append_new(out, json_string(tok));
	}
	if (month)
		json_array_append_new(out, json_string(months[0][month - 1]));
	free(copy);
	return out;
}

static const char *const strand_names[][2] = {{"plan_id", "plan"}, {"number", "strand_number"},
	{"name", "strand_name"}, {"name_cy", "strand_name_cy"}, {"aim", "strand_aim"}, {"aim_cy", "strand_aim_cy"},
	{NULL, NULL}};
static const char *const work_area_names[][2] = {{"strand_id", "strand_number"}, {"name", "work_area"},
	{"name_cy", "work_area_cy"}, {NULL, NULL}};
static const char *const action_names[][2] = {{"work_area_id", "work_area"}, {"number", "action_number"},
	{"parent_action_id", "parent_action_number"}, {"responsible_body_id", "responsible_body_id"},
	{NULL, NULL}};

/* The row's strand, made when the plan has none of its number: its id into out, "" when the row failed. */
static enum err
row_strand(struct importer *im, char out[24])
{
	const char *number = csv_cell(&im->rows, C_STRAND_NUMBER);
	json_t *body;
	enum err e;

	if ((e = find(im, &FIND_STRAND, im->plan, number, out)) != ERR_OK || out[0])
		return e;
	body = json_pack("{s:s}", "plan_id", im->plan);
	if (body && (!csv_put(&im->rows, body, "number", C_STRAND_NUMBER, true) || !csv_put(&im->rows, body, "name", C_STRAND_NAME, false) ||
	             !csv_put(&im->rows, body, "name_cy", C_STRAND_NAME_CY, false) || !csv_put(&im->rows, body, "aim", C_STRAND_AIM, false) ||
	             !csv_put(&im->rows, body, "aim_cy", C_STRAND_AIM_CY, false))) {
		json_decref(body);
		return im->rows.err;
	}
	if (body)   /* the plan's id is a number in a request */
		json_object_set_new(body, "plan_id", json_integer(atoll(im->plan)));
	if ((e = csv_make(&im->rows, &plan_strand_def, body, strand_names, out)) == ERR_OK && out[0])
		im->strands++;
	return e;
}

static enum err
row_work_area(struct importer *im, const char *strand, char out[24])
{
	const char *name = csv_cell(&im->rows, C_WORK_AREA);
	json_t *body;
	enum err e;

	if ((e = find(im, &FIND_WORK_AREA, strand, name, out)) != ERR_OK || out[0])
		return e;
	body = json_pack("{s:I}", "strand_id", (json_int_t)atoll(strand));
	if (body && (!csv_put(&im->rows, body, "name", C_WORK_AREA, false) || !csv_put(&im->rows, body, "name_cy", C_WORK_AREA_CY, false))) {
		json_decref(body);
		return im->rows.err;
	}
	if ((e = csv_make(&im->rows, &plan_work_area_def, body, work_area_names, out)) == ERR_OK && out[0])
		im->work_areas++;
	return e;
}

static enum err
row_action(struct importer *im, const char *work_area)
{
	const char *parent_number = csv_cell(&im->rows, C_PARENT_NUMBER);
	char parent[24] = "", key[24];
	json_t *body, *dates;
	enum err e;

	if (parent_number) {
		if ((e = find(im, &FIND_ACTION, im->plan, parent_number, parent)) != ERR_OK)
			return e;
		if (!parent[0]) {
			csv_fault(&im->rows, "parent_action_number", "reference", "names no action of the plan on this row or before");
			return im->rows.err;
		}
	}
	body = json_pack("{s:I}", "work_area_id", (json_int_t)atoll(work_area));
	dates = completion_dates(csv_cell(&im->rows, C_COMPLETION));
	if (body == NULL || dates == NULL || json_object_set_new(body, "completion", dates) != 0) {
		json_decref(body);
		return problem_set(im->rows.p, ERR_INTERNAL, "out of memory");
	}
	if (parent[0])
		json_object_set_new(body, "parent_action_id", json_integer(atoll(parent)));
	if (!csv_put(&im->rows, body, "number", C_ACTION_NUMBER, false) || !csv_put(&im->rows, body, "text", C_TEXT, false) ||
	    !csv_put(&im->rows, body, "text_cy", C_TEXT_CY, false) || !csv_put(&im->rows, body, "level", C_LEVEL, false) ||
	    !csv_put(&im->rows, body, "responsible", C_RESPONSIBLE, false) ||
	    !csv_put(&im->rows, body, "responsible_body_id", C_BODY, true) || !csv_put(&im->rows, body, "resources", C_RESOURCES, false) ||
	    !csv_put(&im->rows, body, "resources_pence", C_PENCE, true) || !csv_put(&im->rows, body, "funding_part", C_PART, false)) {
		json_decref(body);
		return im->rows.err;
	}
	if ((e = csv_make(&im->rows, &plan_action_def, body, action_names, key)) == ERR_OK && key[0]) {
		if (parent[0])
			im->sub_actions++;
		else
			im->actions++;
	}
	return e;
}

/* ---- the file ---------------------------------------------------------------------- */

static void
row(struct csv_rows *rows, void *ctx)
{
	struct importer *im = ctx;
	const char *number = csv_cell(rows, C_STRAND_NUMBER);
	size_t before = json_array_size(rows->faults);
	char strand[24], work_area[24];

	/* a strand and a work area to find or make the action under (the rest the parts' own rules check) */
	if (number == NULL)
		csv_fault(rows, "strand_number", "required", "is empty");
	else if (strspn(number, "0123456789") != strlen(number) || strlen(number) > 2)
		csv_fault(rows, "strand_number", "format", "must be the strand's number, 1 to 99");
	if (csv_cell(rows, C_WORK_AREA) == NULL)
		csv_fault(rows, "work_area", "required", "is empty");
	if (json_array_size(rows->faults) > before || rows->err != ERR_OK)
		return;
	if ((rows->err = row_strand(im, strand)) != ERR_OK || !strand[0])
		return;
	if ((rows->err = row_work_area(im, strand, work_area)) != ERR_OK || !work_area[0])
		return;
	rows->err = row_action(im, work_area);
}

enum err
plan_import(struct db_conn *c, const struct actor *who, const char *plan_id, int la_code, const char *data,
            size_t len, bool dry_run, json_t **report, struct problem *p)
{
	struct importer im = {
		.rows = {.c = c, .who = who, .p = p, .columns = columns, .required = required, .ignored = ignored,
		         .what = "a plan's", .row = row, .ctx = &im},
		.plan = plan_id,
	};
	enum err e;
	bool applied;

	*report = NULL;
	if ((e = csv_rows_apply(&im.rows, data, len, dry_run, &applied)) != ERR_OK)
		goto out;
	if (applied) {
		json_t *changes = json_pack("{s:n, s:{s:I, s:I, s:I, s:I, s:I}}", "before", "after", "rows",
		                            (json_int_t)im.rows.count, "strands", (json_int_t)im.strands, "work_areas",
		                            (json_int_t)im.work_areas, "actions", (json_int_t)im.actions,
		                            "sub_actions", (json_int_t)im.sub_actions);
		e = changes ? audit_write(c, &who->audit, strategic_plan_def.resource, plan_id, "import", changes, la_code, p)
		            : problem_set(p, ERR_INTERNAL, "out of memory");
		json_decref(changes);
		if (e != ERR_OK)
			goto out;
	}
	*report = json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:O}", "dry_run", dry_run, "applied", applied,
	                    "rows", (json_int_t)im.rows.count, "strands", (json_int_t)im.strands, "work_areas",
	                    (json_int_t)im.work_areas, "actions", (json_int_t)im.actions, "sub_actions",
	                    (json_int_t)im.sub_actions, "faults", im.rows.faults);
	if (*report == NULL)
		e = problem_set(p, ERR_INTERNAL, "out of memory");
out:
	json_decref(im.rows.faults);
	return e;
}
