/*
 * gias_links.h
 *    GIAS's links file: a closed school's successor, and what the school
 *    was part of carried over to it (gias_links.c).
 */
#ifndef CONSORTIA_GIAS_LINKS_H
#define CONSORTIA_GIAS_LINKS_H

#include <jansson.h>
#include <stdbool.h>

#include "resource.h"

/*
 * Read data[0..len) (GIAS's links file: URN, LinkURN, LinkName, LinkType,
 * LinkEstablishedDate) for who, la_filter (0: every LA) the predecessors'
 * LA: for each successor link whose school the register has closed, its
 * memberships, chair and deputy appointments, vulnerability, open support
 * and system leader carried to the successor from the day it took over
 * (school_succession() in the schema), one audit event of the successor
 * each. *report is {dry_run, applied, rows, successor_links, carried,
 * memberships, appointments, vulnerabilities, support, system_leaders,
 * skipped, skipped_by_reason, links: [{predecessor, successor, on, ...}],
 * faults}, owned by the caller. Nothing is kept on a dry run or when a row
 * is at fault; applied again it carries nothing more. Runs in the caller's
 * open transaction.
 */
enum err gias_links_import(struct db_conn *c, const struct actor *who, int la_filter, const char *data, size_t len,
                           bool dry_run, json_t **report, struct problem *p);

#endif
