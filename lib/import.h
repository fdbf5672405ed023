/*
 * import.h
 *    Loading a GIAS establishment extract into the register: every row is
 *    upserted by URN or reported, all in one transaction.
 */
#ifndef CONSORTIA_IMPORT_H
#define CONSORTIA_IMPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "audit.h"
#include "db.h"

enum import_encoding { IMPORT_CP1252, IMPORT_UTF8 };

struct import_options {
	int la_filter;                  /* 0: every LA in the file */
	enum import_encoding encoding;
};

/*
 * Import the extract held in data[0..len) for `who` (the import is one
 * audit event, with the report's counts). On success *report is
 * {rows, created, updated, unchanged, skipped, rejected, rejections[]},
 * owned by the caller. Runs inside the caller's open transaction: a file
 * that is not an extract is ERR_VALIDATION, and on any failure the caller
 * rolls back, so that nothing of the file is applied.
 */
enum err import_gias(struct db_conn *c, const char *data, size_t len,
                     const struct import_options *opt, const struct audit_actor *who,
                     json_t **report, struct problem *p);

#endif
