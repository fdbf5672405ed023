/*
 * group_import.h
 *    An LA's groups, their members, chairs and deputies from one CSV
 *    (group_import.c).
 */
#ifndef CONSORTIA_GROUP_IMPORT_H
#define CONSORTIA_GROUP_IMPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "resource.h"

/*
 * Read data[0..len) (CSV, UTF-8, a header row then one row per member
 * school) into LA la_code for who: each row's group found by kind and name
 * or made, the school's membership found or made (its end date set when
 * the file gives another), and the chair or deputy the row names found or
 * appointed. *report is {dry_run, applied, rows, groups, memberships,
 * memberships_ended, chairs, deputies, unchanged, faults: [{line, column,
 * code, message}]}, owned by the caller. Nothing is applied on a dry run or
 * when any row is at fault; a file applied again changes nothing. Runs in
 * the caller's open transaction; the import is one audit event of the LA.
 */
enum err group_import(struct db_conn *c, const struct actor *who, int la_code, const char *data, size_t len,
                      bool dry_run, json_t **report, struct problem *p);

#endif
