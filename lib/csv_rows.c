/*
 * csv_rows.c
 *    A CSV file of records applied row by row through the resources' own
 *    rules: every row checked as a request would be, every record made
 *    audited, every bad row reported with its line and column, and a file
 *    with any fault (or a dry run) applied not at all.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "csv_rows.h"

const char *
csv_cell(const struct csv_rows *rows, int k)
{
	int at = rows->at[k];

	if (at < 0 || (size_t)at >= rows->nfields || rows->fields[at][0] == '\0')
		return NULL;
	return rows->fields[at];
}

void
csv_fault(struct csv_rows *rows, const char *column, const char *code, const char *message)
{
	json_t *f = json_pack("{s:I, s:s, s:s, s:s}", "line", (json_int_t)rows->record_line, "column", column,
	                      "code", code, "message", message);

	if (f == NULL || json_array_append_new(rows->faults, f) != 0)
		rows->err = problem_set(rows->p, ERR_INTERNAL, "out of memory");
}

bool
csv_put(struct csv_rows *rows, json_t *o, const char *key, int k, bool number)
{
	const char *v = csv_cell(rows, k);
	json_t *value;
	char *end;
	long long n;

	if (v == NULL)
		return true;
	if (number) {
		n = strtoll(v, &end, 10);
		if (*end != '\0' || end == v) {
			csv_fault(rows, rows->columns[k], "format", "must be a whole number");
			return false;
		}
		value = json_integer(n);
	} else {
		value = json_string(v);
	}
	if (json_object_set_new(o, key, value) == 0)
		return true;
	rows->err = problem_set(rows->p, ERR_INTERNAL, "out of memory");
	return false;
}

enum err
csv_find(struct csv_rows *rows, const struct db_stmt *st, int n, const char *const *v, char out[24])
{
	PGresult *res = NULL;
	enum err e = db_exec(rows->c, st, n, v, &res, rows->p);

	out[0] = '\0';
	if (e == ERR_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		snprintf(out, 24, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return e;
}

/* ---- a row's part, under a savepoint of its own ----------------------------------- */

static const struct db_stmt SAVEPOINT = {"csv_rows_savepoint", "SAVEPOINT csv_rows_part"};
static const struct db_stmt RELEASE = {"csv_rows_release", "RELEASE SAVEPOINT csv_rows_part"};
static const struct db_stmt ROLLBACK_PART = {"csv_rows_rollback", "ROLLBACK TO SAVEPOINT csv_rows_part"};

static enum err
run(struct csv_rows *rows, const struct db_stmt *st)
{
	PGresult *res = NULL;
	enum err e = db_exec(rows->c, st, 0, NULL, &res, rows->p);

	PQclear(res);
	return e;
}

/* A part that could not be made: each of its faults, its field named as the row's column. */
static void
part_faults(struct csv_rows *rows, const struct problem *rp, const char *const (*names)[2])
{
	const json_t *f;
	size_t i;

	if (json_array_size(rp->errors) == 0) {
		csv_fault(rows, "row", "rule", rp->detail);
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
		csv_fault(rows, column ? column : base, json_string_value(json_object_get(f, "code")),
		          json_string_value(json_object_get(f, "message")));
	}
}

/* Make (key NULL) or patch (key given) a record of def under the part's savepoint. */
static enum err
part(struct csv_rows *rows, const struct resource_def *def, const char *key, json_t *body,
     const char *const (*names)[2], char made[24])
{
	struct expected_version any = {.any = true};
	struct problem rp = {0};
	struct doc d = {0};
	enum err e;

	if (made)
		made[0] = '\0';
	if (body == NULL)
		return problem_set(rows->p, ERR_INTERNAL, "out of memory");
	if ((e = run(rows, &SAVEPOINT)) != ERR_OK) {
		json_decref(body);
		return e;
	}
	e = key ? resource_patch(rows->c, def, rows->who, key, &any, body, &d, &rp)
	        : resource_create(rows->c, def, body, rows->who, NULL, 0, &d, &rp);
	json_decref(body);
	if (e == ERR_OK) {
		if (made)
			snprintf(made, 24, "%s", d.key);
		e = run(rows, &RELEASE);
	} else if (e == ERR_VALIDATION || e == ERR_CONFLICT || e == ERR_FORBIDDEN || e == ERR_MALFORMED ||
	           e == ERR_NOT_FOUND) {
		part_faults(rows, &rp, names);
		if ((e = run(rows, &ROLLBACK_PART)) == ERR_OK)
			e = run(rows, &RELEASE);
	} else {
		*rows->p = rp;   /* the database failed, not the row: the import fails */
		memset(&rp, 0, sizeof rp);
	}
	doc_free(&d);
	problem_clear(&rp);
	return e;
}

enum err
csv_exec(struct csv_rows *rows, const struct db_stmt *st, int n, const char *const *v, PGresult **res,
         const char *column)
{
	struct problem rp = {0};
	enum err e;

	*res = NULL;
	if ((e = run(rows, &SAVEPOINT)) != ERR_OK)
		return e;
	e = db_exec(rows->c, st, n, v, res, &rp);
	if (e == ERR_OK) {
		e = run(rows, &RELEASE);
	} else if (e == ERR_VALIDATION || e == ERR_CONFLICT || e == ERR_FORBIDDEN) {
		char message[600];

		PQclear(*res);
		*res = NULL;
		snprintf(message, sizeof message, "%s%s%s%s", rp.detail, rp.constraint[0] ? " (" : "", rp.constraint,
		         rp.constraint[0] ? ")" : "");
		csv_fault(rows, column, "rule", message);
		if ((e = run(rows, &ROLLBACK_PART)) == ERR_OK)
			e = run(rows, &RELEASE);
	} else {
		*rows->p = rp;
		memset(&rp, 0, sizeof rp);
	}
	problem_clear(&rp);
	return e;
}

enum err
csv_make(struct csv_rows *rows, const struct resource_def *def, json_t *body, const char *const (*names)[2],
         char key[24])
{
	return part(rows, def, NULL, body, names, key);
}

enum err
csv_patch(struct csv_rows *rows, const struct resource_def *def, const char *key, json_t *body,
          const char *const (*names)[2])
{
	return part(rows, def, key, body, names, NULL);
}

/* ---- the file ---------------------------------------------------------------------- */

static enum err
header(struct csv_rows *rows)
{
	size_t ncolumns = 0;

	while (rows->columns[ncolumns])
		ncolumns++;
	for (size_t k = 0; k < CSV_ROWS_MAX_COLUMNS; k++)
		rows->at[k] = -1;
	for (size_t i = 0; i < rows->nfields; i++) {
		bool known = false;

		for (size_t k = 0; k < ncolumns && !known; k++)
			if (strcmp(rows->fields[i], rows->columns[k]) == 0) {
				rows->at[k] = (int)i;
				known = true;
			}
		for (size_t k = 0; rows->ignored && rows->ignored[k] && !known; k++)
			known = strcmp(rows->fields[i], rows->ignored[k]) == 0;
		if (!known)
			problem_field(rows->p, IN_BODY, "file", "format", "has a column it does not read: %.60s",
			              rows->fields[i]);
	}
	for (size_t k = 0; k < ncolumns; k++)
		if (rows->required[k] && rows->at[k] < 0)
			problem_field(rows->p, IN_BODY, "file", "required", "has no column %s", rows->columns[k]);
	if (problem_count(rows->p) > 0)
		return problem_set(rows->p, ERR_VALIDATION, "the header row is not %s: see errors", rows->what);
	return ERR_OK;
}

static void
on_field(void *s, size_t len, void *data)
{
	struct csv_rows *rows = data;

	if (rows->nfields == 0)
		rows->record_line = rows->line;
	if (rows->nfields == rows->cap) {
		size_t cap = rows->cap ? rows->cap * 2 : 32;
		char **n = realloc(rows->fields, cap * sizeof *n);
		if (n == NULL) {
			rows->err = problem_set(rows->p, ERR_INTERNAL, "out of memory");
			return;
		}
		rows->fields = n;
		rows->cap = cap;
	}
	rows->fields[rows->nfields] = s ? strndup(s, len) : strdup("");
	if (rows->fields[rows->nfields] == NULL)
		rows->err = problem_set(rows->p, ERR_INTERNAL, "out of memory");
	else
		rows->nfields++;
}

static void
drop_record(struct csv_rows *rows)
{
	for (size_t i = 0; i < rows->nfields; i++)
		free(rows->fields[i]);
	rows->nfields = 0;
}

static void
on_record(int c, void *data)
{
	struct csv_rows *rows = data;

	(void)c;
	if (rows->nfields == 0)
		rows->record_line = rows->line;
	if (rows->err == ERR_OK && !rows->have_header) {
		rows->have_header = true;
		rows->err = header(rows);
	} else if (rows->err == ERR_OK && !(rows->nfields == 1 && rows->fields[0][0] == '\0')) {
		rows->count++;
		rows->row(rows, rows->ctx);
	}
	drop_record(rows);
}

static enum err
read_file(struct csv_rows *rows, const char *data, size_t len)
{
	struct csv_parser parser;
	size_t start = 0;

	if (csv_init(&parser, CSV_APPEND_NULL) != 0)
		return problem_set(rows->p, ERR_INTERNAL, "out of memory");
	/* A physical line at a time, so that each fault names its line. */
	while (start < len && rows->err == ERR_OK) {
		const char *nl = memchr(data + start, '\n', len - start);
		size_t chunk = nl ? (size_t)(nl - (data + start)) + 1 : len - start;

		if (csv_parse(&parser, data + start, chunk, on_field, on_record, rows) != chunk) {
			problem_field(rows->p, IN_BODY, "file", "format", "is not readable as CSV from line %ld", rows->line);
			rows->err = problem_set(rows->p, ERR_VALIDATION, "the file is not readable as CSV: %s",
			                        csv_strerror(csv_error(&parser)));
			break;
		}
		start += chunk;
		rows->line++;
	}
	if (rows->err == ERR_OK)
		csv_fini(&parser, on_field, on_record, rows);
	drop_record(rows);
	csv_free(&parser);
	free(rows->fields);
	rows->fields = NULL;
	if (rows->err == ERR_OK && !rows->have_header) {
		problem_field(rows->p, IN_BODY, "file", "required", "has no header row");
		rows->err = problem_set(rows->p, ERR_VALIDATION, "the file is empty");
	}
	return rows->err;
}

static const struct db_stmt BEGIN_FILE = {"csv_rows_begin", "SAVEPOINT csv_rows_file"};
static const struct db_stmt UNDO_FILE = {"csv_rows_undo", "ROLLBACK TO SAVEPOINT csv_rows_file"};
static const struct db_stmt KEEP_FILE = {"csv_rows_keep", "RELEASE SAVEPOINT csv_rows_file"};

enum err
csv_rows_apply(struct csv_rows *rows, const char *data, size_t len, bool dry_run, bool *applied)
{
	enum err e;

	*applied = false;
	rows->line = 1;
	if (rows->faults == NULL && (rows->faults = json_array()) == NULL)
		return problem_set(rows->p, ERR_INTERNAL, "out of memory");
	if ((e = run(rows, &BEGIN_FILE)) != ERR_OK || (e = read_file(rows, data, len)) != ERR_OK)
		return e;
	*applied = !dry_run && json_array_size(rows->faults) == 0;
	return run(rows, *applied ? &KEEP_FILE : &UNDO_FILE);
}
