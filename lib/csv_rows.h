/*
 * csv_rows.h
 *    A CSV file of records applied row by row through the resources' own
 *    rules (csv_rows.c): the columns found by name in the header row, each
 *    row's records made under a savepoint of their own so that a bad row
 *    leaves nothing behind and every fault is reported with its line and
 *    column, and the whole file kept only when no row is at fault and it is
 *    not a dry run. The plan import (plan_import.c) and the groups import
 *    (group_import.c) are its two readers.
 */
#ifndef CONSORTIA_CSV_ROWS_H
#define CONSORTIA_CSV_ROWS_H

#include <jansson.h>
#include <stdbool.h>

#include "resource.h"

#define CSV_ROWS_MAX_COLUMNS 32

struct csv_rows {
	/* set by the reader */
	struct db_conn *c;
	const struct actor *who;
	struct problem *p;              /* the import's own fault (not a row's) */
	const char *const *columns;     /* the columns read, NULL-ended, at most CSV_ROWS_MAX_COLUMNS */
	const bool *required;           /* per column: the header must have it */
	const char *const *ignored;     /* columns read and ignored, NULL-ended (NULL: none) */
	const char *what;               /* "a plan's": the header's fault names what it is not */
	void (*row)(struct csv_rows *rows, void *ctx);
	void *ctx;
	/* the reading */
	enum err err;                   /* the import failed (not a row): stop */
	int at[CSV_ROWS_MAX_COLUMNS];   /* each column's place in a row, -1: absent */
	bool have_header;
	long line, record_line;
	char **fields;
	size_t nfields, cap;
	long count;                     /* rows read */
	json_t *faults;                 /* [{line, column, code, message}] */
};

/* Row k's cell, or NULL when the column is absent or the cell empty. */
const char *csv_cell(const struct csv_rows *rows, int k);

/* A fault of the current row in column. */
void csv_fault(struct csv_rows *rows, const char *column, const char *code, const char *message);

/*
 * Set key of o to cell k (absent: nothing), as a string or (number) an
 * integer; false when the cell is not a number (a fault) or rows->err.
 */
bool csv_put(struct csv_rows *rows, json_t *o, const char *key, int k, bool number);

/* The first column of the one row statement st finds with v[0..n) into out (24 bytes), "" for none. */
enum err csv_find(struct csv_rows *rows, const struct db_stmt *st, int n, const char *const *v, char out[24]);

/*
 * Make a record of def from body (the row's part, consumed): its key into
 * key, or "" with its faults reported, each field named as the row's column
 * by names ({field, column} pairs, {NULL, NULL}-ended; a field not named is
 * its own column). A part that fails leaves nothing behind.
 */
enum err csv_make(struct csv_rows *rows, const struct resource_def *def, json_t *body,
                  const char *const (*names)[2], char key[24]);

/*
 * As csv_make, a patch of def's record key with body (consumed) under its
 * current version.
 */
enum err csv_patch(struct csv_rows *rows, const struct resource_def *def, const char *key, json_t *body,
                   const char *const (*names)[2]);

/*
 * Run st with v[0..n) under the part's savepoint: its result into *res (the
 * caller clears it), or NULL with a fault in column when the database
 * refuses what it does (a rule, a constraint), which then leaves nothing
 * behind.
 */
enum err csv_exec(struct csv_rows *rows, const struct db_stmt *st, int n, const char *const *v, PGresult **res,
                  const char *column);

/*
 * Read data[0..len) row by row under a savepoint of its own; keep what the
 * rows made (*applied) only when it is not a dry run and no row is at
 * fault. A file that is not such a CSV is ERR_VALIDATION. The caller frees
 * rows->faults.
 */
enum err csv_rows_apply(struct csv_rows *rows, const char *data, size_t len, bool dry_run, bool *applied);

#endif
