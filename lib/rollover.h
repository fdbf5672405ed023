/*
 * rollover.h
 *    An LA's academic-year rollover (rollover.c).
 */
#ifndef CONSORTIA_ROLLOVER_H
#define CONSORTIA_ROLLOVER_H

#include <jansson.h>
#include <stdbool.h>

#include "resource.h"

/*
 * Roll LA la_code (its key la_key) into academic year `year` (such as "2027/28") for who:
 * each recurring fund of the year before copied a year on as a draft (its
 * rules, its dates a year later), the unfinished actions of each plan
 * drawn against it carried into a draft plan against the copy, and the
 * year's chair confirmations and reviews due listed. Nothing of the year
 * that closes changes; what was rolled before is not made again. *report
 * is {academic_year, closing_year, dry_run, funds, plans, confirmations,
 * reviews_due}, owned by the caller. Runs in the caller's open
 * transaction, under a savepoint undone on a dry run.
 */
enum err rollover(struct db_conn *c, const struct actor *who, const char *la_key, int la_code, const char *year,
                  bool dry_run, json_t **report, struct problem *p);

#endif
