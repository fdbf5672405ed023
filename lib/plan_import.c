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
#include <csv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan_import.h"
#include "strategic_plan.h"

/* The columns read, as the report's CSV writes them (strategic_plan_rows). */
enum col {
	C_STRAND_NUMBER, C_STRAND_NAME, C_STRAND_NAME_CY, C_STRAND_AIM, C_STRAND_AIM_CY, C_WORK_AREA, C_WORK_AREA_CY,
	C_ACTION_NUMBER, C_PARENT_NUMBER, C_TEXT, C_TEXT_CY, C_LEVEL, C_RESPONSIBLE, C_BODY, C_RESOURCES, C_PENCE,
	C_COMPLETION, C_PART, C__COUNT
};

static const char *const columns[C__COUNT] = {
	"strand_number", "strand_name", "strand_name_cy", "strand_aim", "strand_aim_cy", "work_area", "work_area_cy",
	"action_number", "parent_action_number", "text", "text_cy", "level", "responsible", "responsible_body_id",
	"resources", "resources_pence", "completion", "funding_part"};
static const bool required[C__COUNT] = {[C_STRAND_NUMBER] = true, [C_WORK_AREA] = true, [C_TEXT] = true,
                                        [C_LEVEL] = true, [C_COMPLETION] = true};
/* What the report's CSV adds, read and ignored, so that an export imports again. */
static const char *const ignored[] = {"due_on", "progress", "overdue", NULL};

struct importer {
	struct db_conn *c;
	const struct actor *who;
	const char *plan;
	struct problem *p;          /* the import's own fault (not a row's) */
	enum err err;
	int at[C__COUNT];           /* each column's place in a row, -1: absent */
	bool have_header;
	long line, record_line;
	char **fields;
	size_t nfields, cap;
	long rows, strands, work_areas, actions, sub_actions;
	json_t *faults;             /* [{line, column, code, message}] */
};

/* ---- lookups ------------------------------------------------------------------ */

static const struct db_stmt FIND_STRAND = {"plan_import_strand",
	"SELECT id FROM plan_strand WHERE plan_id = $1::bigint AND number = $2::integer"};
static const struct db_stmt FIND_WORK_AREA = {"plan_import_work_area",
	"SELECT id FROM plan_work_area WHERE strand_id = $1::bigint AND lower(name) = lower($2)"};
static const struct db_stmt FIND_ACTION = {"plan_import_action",
	"SELECT id FROM plan_action WHERE plan_id = $1::bigint AND number = $2"};

/* The id the statement finds into out (24 bytes), "" for none. */
static enum err
find(struct importer *im, const struct db_stmt *st, const char *a, const char *b, char out[24])
{
	const char *v[] = {a, b};
	PGresult *res = NULL;
	enum err e = db_exec(im->c, st, 2, v, &res, im->p);

	out[0] = '\0';
	if (e == ERR_OK && PQntuples(res) == 1)
		snprintf(out, 24, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return e;
}

/* ---- faults ------------------------------------------------------------------- */

static void
fault(struct importer *im, const char *column, const char *code, const char *message)
{
	json_t *f = json_pack("{s:I, s:s, s:s, s:s}", "line", (json_int_t)im->record_line, "column", column,
	                      "code", code, "message", message);

	if (f == NULL || json_array_append_new(im->faults, f) != 0)
		im->err = problem_set(im->p, ERR_INTERNAL, "out of memory");
}

/*
 * A part that could not be made: each of its faults, its field named as the
 * row's column (a strand's "name" is the row's strand_name, ...).
 */
static void
part_faults(struct importer *im, const struct problem *rp, const char *const (*names)[2])
{
	const json_t *f;
	size_t i;

	if (json_array_size(rp->errors) == 0) {
		fault(im, "row", "rule", rp->detail);
		return;
	}
	json_array_foreach(rp->errors, i, f) {
		const char *field = json_string_value(json_object_get(f, "field"));
		char base[64];
		const char *column = NULL;

		snprintf(base, sizeof base, "%.*s", (int)strcspn(field ? field : "", "["), field ? field : "");
		for (size_t k = 0; names[k][0]; k++)
			if (strcmp(names[k][0], base) == 0)
				column = names[k][1];
		fault(im, column ? column : base, json_string_value(json_object_get(f, "code")),
		      json_string_value(json_object_get(f, "message")));
	}
}

/* ---- making the parts ------------------------------------------------------------ */

static const struct db_stmt SAVEPOINT = {"plan_import_savepoint", "SAVEPOINT plan_import_row"};
static const struct db_stmt RELEASE = {"plan_import_release", "RELEASE SAVEPOINT plan_import_row"};
static const struct db_stmt ROLLBACK_ROW = {"plan_import_rollback", "ROLLBACK TO SAVEPOINT plan_import_row"};

static enum err
run(struct importer *im, const struct db_stmt *st)
{
	PGresult *res = NULL;
	enum err e = db_exec(im->c, st, 0, NULL, &res, im->p);

	PQclear(res);
	return e;
}

/*
 * Make a record of def from body (a row's part): its key into key, or ""
 * with the row's faults reported. A part that fails leaves nothing behind.
 */
static enum err
make(struct importer *im, const struct resource_def *def, json_t *body, const char *const (*names)[2],
     char key[24])
{
	struct problem rp = {0};
	struct doc d = {0};
	enum err e;

	key[0] = '\0';
	if (body == NULL)
		return problem_set(im->p, ERR_INTERNAL, "out of memory");
	if ((e = run(im, &SAVEPOINT)) != ERR_OK) {
		json_decref(body);
		return e;
	}
	e = resource_create(im->c, def, body, im->who, NULL, 0, &d, &rp);
	json_decref(body);
	if (e == ERR_OK) {
		snprintf(key, 24, "%s", d.key);
		e = run(im, &RELEASE);
	} else if (e == ERR_VALIDATION || e == ERR_CONFLICT || e == ERR_FORBIDDEN || e == ERR_MALFORMED) {
		part_faults(im, &rp, names);
		if ((e = run(im, &ROLLBACK_ROW)) == ERR_OK)
			e = run(im, &RELEASE);
	} else {
		*im->p = rp;   /* the database failed, not the row: the import fails */
		memset(&rp, 0, sizeof rp);
	}
	doc_free(&d);
	problem_clear(&rp);
	return e;
}

/* A cell's text, or NULL when the column is absent or the cell empty. */
static const char *
cell(const struct importer *im, enum col k)
{
	int at = im->at[k];

	if (at < 0 || (size_t)at >= im->nfields || im->fields[at][0] == '\0')
		return NULL;
	return im->fields[at];
}

/* Set key of o to the cell (absent: nothing), as a string or (number) an integer; false on a fault or im->err. */
static bool
put(struct importer *im, json_t *o, const char *key, enum col k, bool number)
{
	const char *v = cell(im, k);
	char *end;
	long long n;

	if (v == NULL)
		return true;
	if (!number) {
		if (json_object_set_new(o, key, json_string(v)) == 0)
			return true;
		im->err = problem_set(im->p, ERR_INTERNAL, "out of memory");
		return false;
	}
	n = strtoll(v, &end, 10);
	if (*end != '\0' || end == v) {
		fault(im, columns[k], "format", "must be a whole number");
		return false;
	}
	if (json_object_set_new(o, key, json_integer(n)) == 0)
		return true;
	im->err = problem_set(im->p, ERR_INTERNAL, "out of memory");
	return false;
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
	const char *number = cell(im, C_STRAND_NUMBER);
	json_t *body;
	enum err e;

	if ((e = find(im, &FIND_STRAND, im->plan, number, out)) != ERR_OK || out[0])
		return e;
	body = json_pack("{s:s}", "plan_id", im->plan);
	if (body && (!put(im, body, "number", C_STRAND_NUMBER, true) || !put(im, body, "name", C_STRAND_NAME, false) ||
	             !put(im, body, "name_cy", C_STRAND_NAME_CY, false) || !put(im, body, "aim", C_STRAND_AIM, false) ||
	             !put(im, body, "aim_cy", C_STRAND_AIM_CY, false))) {
		json_decref(body);
		return im->err;
	}
	if (body)   /* the plan's id is a number in a request */
		json_object_set_new(body, "plan_id", json_integer(atoll(im->plan)));
	if ((e = make(im, &plan_strand_def, body, strand_names, out)) == ERR_OK && out[0])
		im->strands++;
	return e;
}

static enum err
row_work_area(struct importer *im, const char *strand, char out[24])
{
	const char *name = cell(im, C_WORK_AREA);
	json_t *body;
	enum err e;

	if ((e = find(im, &FIND_WORK_AREA, strand, name, out)) != ERR_OK || out[0])
		return e;
	body = json_pack("{s:I}", "strand_id", (json_int_t)atoll(strand));
	if (body && (!put(im, body, "name", C_WORK_AREA, false) || !put(im, body, "name_cy", C_WORK_AREA_CY, false))) {
		json_decref(body);
		return im->err;
	}
	if ((e = make(im, &plan_work_area_def, body, work_area_names, out)) == ERR_OK && out[0])
		im->work_areas++;
	return e;
}

static enum err
row_action(struct importer *im, const char *work_area)
{
	const char *parent_number = cell(im, C_PARENT_NUMBER);
	char parent[24] = "", key[24];
	json_t *body, *dates;
	enum err e;

	if (parent_number) {
		if ((e = find(im, &FIND_ACTION, im->plan, parent_number, parent)) != ERR_OK)
			return e;
		if (!parent[0]) {
			fault(im, "parent_action_number", "reference", "names no action of the plan on this row or before");
			return im->err;
		}
	}
	body = json_pack("{s:I}", "work_area_id", (json_int_t)atoll(work_area));
	dates = completion_dates(cell(im, C_COMPLETION));
	if (body == NULL || dates == NULL || json_object_set_new(body, "completion", dates) != 0) {
		json_decref(body);
		return problem_set(im->p, ERR_INTERNAL, "out of memory");
	}
	if (parent[0])
		json_object_set_new(body, "parent_action_id", json_integer(atoll(parent)));
	if (!put(im, body, "number", C_ACTION_NUMBER, false) || !put(im, body, "text", C_TEXT, false) ||
	    !put(im, body, "text_cy", C_TEXT_CY, false) || !put(im, body, "level", C_LEVEL, false) ||
	    !put(im, body, "responsible", C_RESPONSIBLE, false) ||
	    !put(im, body, "responsible_body_id", C_BODY, true) || !put(im, body, "resources", C_RESOURCES, false) ||
	    !put(im, body, "resources_pence", C_PENCE, true) || !put(im, body, "funding_part", C_PART, false)) {
		json_decref(body);
		return im->err;
	}
	if ((e = make(im, &plan_action_def, body, action_names, key)) == ERR_OK && key[0]) {
		if (parent[0])
			im->sub_actions++;
		else
			im->actions++;
	}
	return e;
}

/* ---- the file ---------------------------------------------------------------------- */

static enum err
header(struct importer *im)
{
	for (size_t k = 0; k < C__COUNT; k++)
		im->at[k] = -1;
	for (size_t i = 0; i < im->nfields; i++) {
		bool known = false;

		for (size_t k = 0; k < C__COUNT && !known; k++)
			if (strcmp(im->fields[i], columns[k]) == 0) {
				im->at[k] = (int)i;
				known = true;
			}
		for (size_t k = 0; ignored[k] && !known; k++)
			known = strcmp(im->fields[i], ignored[k]) == 0;
		if (!known)
			problem_field(im->p, IN_BODY, "file", "format", "has a column it does not read: %.60s",
			              im->fields[i]);
	}
	for (size_t k = 0; k < C__COUNT; k++)
		if (required[k] && im->at[k] < 0)
			problem_field(im->p, IN_BODY, "file", "required", "has no column %s", columns[k]);
	if (problem_count(im->p) > 0)
		return problem_set(im->p, ERR_VALIDATION, "the header row is not a plan's: see errors");
	return ERR_OK;
}

static void
row(struct importer *im)
{
	char strand[24], work_area[24];
	size_t before = json_array_size(im->faults);

	const char *number = cell(im, C_STRAND_NUMBER);

	im->rows++;
	/* a strand and a work area to find or make the action under (the rest the parts' own rules check) */
	if (number == NULL)
		fault(im, "strand_number", "required", "is empty");
	else if (strspn(number, "0123456789") != strlen(number) || strlen(number) > 2)
		fault(im, "strand_number", "format", "must be the strand's number, 1 to 99");
	if (cell(im, C_WORK_AREA) == NULL)
		fault(im, "work_area", "required", "is empty");
	if (json_array_size(im->faults) > before || im->err != ERR_OK)
		return;
	if ((im->err = row_strand(im, strand)) != ERR_OK || !strand[0])
		return;
	if ((im->err = row_work_area(im, strand, work_area)) != ERR_OK || !work_area[0])
		return;
	im->err = row_action(im, work_area);
}

static void
on_field(void *s, size_t len, void *data)
{
	struct importer *im = data;

	if (im->nfields == 0)
		im->record_line = im->line;
	if (im->nfields == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 32;
		char **n = realloc(im->fields, cap * sizeof *n);
		if (n == NULL) {
			im->err = problem_set(im->p, ERR_INTERNAL, "out of memory");
			return;
		}
		im->fields = n;
		im->cap = cap;
	}
	im->fields[im->nfields] = s ? strndup(s, len) : strdup("");
	if (im->fields[im->nfields] == NULL)
		im->err = problem_set(im->p, ERR_INTERNAL, "out of memory");
	else
		im->nfields++;
}

static void
drop_record(struct importer *im)
{
	for (size_t i = 0; i < im->nfields; i++)
		free(im->fields[i]);
	im->nfields = 0;
}

static void
on_record(int c, void *data)
{
	struct importer *im = data;

	(void)c;
	if (im->nfields == 0)
		im->record_line = im->line;
	if (im->err == ERR_OK && !im->have_header) {
		im->have_header = true;
		im->err = header(im);
	} else if (im->err == ERR_OK && !(im->nfields == 1 && im->fields[0][0] == '\0')) {
		row(im);
	}
	drop_record(im);
}

static enum err
read_file(struct importer *im, const char *data, size_t len)
{
	struct csv_parser parser;
	size_t start = 0;

	if (csv_init(&parser, CSV_APPEND_NULL) != 0)
		return problem_set(im->p, ERR_INTERNAL, "out of memory");
	/* A physical line at a time, so that each fault names its line. */
	while (start < len && im->err == ERR_OK) {
		const char *nl = memchr(data + start, '\n', len - start);
		size_t chunk = nl ? (size_t)(nl - (data + start)) + 1 : len - start;

		if (csv_parse(&parser, data + start, chunk, on_field, on_record, im) != chunk) {
			problem_field(im->p, IN_BODY, "file", "format", "is not readable as CSV from line %ld", im->line);
			im->err = problem_set(im->p, ERR_VALIDATION, "the file is not readable as CSV: %s",
			                      csv_strerror(csv_error(&parser)));
			break;
		}
		start += chunk;
		im->line++;
	}
	if (im->err == ERR_OK)
		csv_fini(&parser, on_field, on_record, im);
	drop_record(im);
	csv_free(&parser);
	if (im->err == ERR_OK && !im->have_header) {
		problem_field(im->p, IN_BODY, "file", "required", "has no header row");
		im->err = problem_set(im->p, ERR_VALIDATION, "the file is empty");
	}
	return im->err;
}

static const struct db_stmt BEGIN_IMPORT = {"plan_import_begin", "SAVEPOINT plan_import"};
static const struct db_stmt UNDO_IMPORT = {"plan_import_undo", "ROLLBACK TO SAVEPOINT plan_import"};
static const struct db_stmt KEEP_IMPORT = {"plan_import_keep", "RELEASE SAVEPOINT plan_import"};

enum err
plan_import(struct db_conn *c, const struct actor *who, const char *plan_id, int la_code, const char *data,
            size_t len, bool dry_run, json_t **report, struct problem *p)
{
	struct importer im = {.c = c, .who = who, .plan = plan_id, .p = p, .line = 1};
	enum err e;
	bool applied;

	*report = NULL;
	if ((im.faults = json_array()) == NULL)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	if ((e = run(&im, &BEGIN_IMPORT)) != ERR_OK || (e = read_file(&im, data, len)) != ERR_OK)
		goto out;
	applied = !dry_run && json_array_size(im.faults) == 0;
	if ((e = run(&im, applied ? &KEEP_IMPORT : &UNDO_IMPORT)) != ERR_OK)
		goto out;
	if (applied) {
		json_t *changes = json_pack("{s:n, s:{s:I, s:I, s:I, s:I, s:I}}", "before", "after", "rows",
		                            (json_int_t)im.rows, "strands", (json_int_t)im.strands, "work_areas",
		                            (json_int_t)im.work_areas, "actions", (json_int_t)im.actions,
		                            "sub_actions", (json_int_t)im.sub_actions);
		e = changes ? audit_write(c, &who->audit, strategic_plan_def.resource, plan_id, "import", changes, la_code, p)
		            : problem_set(p, ERR_INTERNAL, "out of memory");
		json_decref(changes);
		if (e != ERR_OK)
			goto out;
	}
	*report = json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:O}", "dry_run", dry_run, "applied", applied,
	                    "rows", (json_int_t)im.rows, "strands", (json_int_t)im.strands, "work_areas",
	                    (json_int_t)im.work_areas, "actions", (json_int_t)im.actions, "sub_actions",
	                    (json_int_t)im.sub_actions, "faults", im.faults);
	if (*report == NULL)
		e = problem_set(p, ERR_INTERNAL, "out of memory");
out:
	free(im.fields);
	json_decref(im.faults);
	return e;
}
