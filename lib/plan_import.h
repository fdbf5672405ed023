/*
 * plan_import.h
 *    A strategic plan's actions from CSV (plan_import.c).
 */
#ifndef CONSORTIA_PLAN_IMPORT_H
#define CONSORTIA_PLAN_IMPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "resource.h"

/*
 * Read data[0..len) (CSV, UTF-8, a header row then one row per action or
 * sub-action) into plan plan_id (of LA la_code, 0: a region's) for who:
 * each row's strand (by number) and work area (by name) found or made, then
 * its action. *report is {dry_run, applied, rows, strands, work_areas,
 * actions, sub_actions, faults: [{line, column, code, message}]}, owned by
 * the caller. Nothing is applied on a dry run or when any row is at fault
 * (applied: false); a file that is not such a CSV is ERR_VALIDATION. Runs in
 * the caller's open transaction, under a savepoint of its own.
 */
enum err plan_import(struct db_conn *c, const struct actor *who, const char *plan_id, int la_code,
                     const char *data, size_t len, bool dry_run, json_t **report, struct problem *p);

#endif
