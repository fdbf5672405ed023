/*
 * reports.h
 *    What the LA reads about its chairs: reviews due or overdue, chairs not
 *    confirmed by a date, and groups with no confirmed chair for a year.
 *    Each answers {"items": [...]} as JSON text, within the caller's scope.
 */
#ifndef CONSORTIA_REPORTS_H
#define CONSORTIA_REPORTS_H

#include "resource.h"

/* Chairs current on as_of whose review falls due within `within` days of it, or before. */
enum err report_chair_reviews(struct db_conn *c, const struct scope *sc, const char *as_of,
                              int within, char **out, struct problem *p);

/* Chairs whose term overlaps the academic year holding `by` and not confirmed by then. */
enum err report_unconfirmed_chairs(struct db_conn *c, const struct scope *sc, const char *by,
                                   char **out, struct problem *p);

/* Active groups with no confirmed chair for any part of the academic year [start, end]. */
enum err report_groups_without_chair(struct db_conn *c, const struct scope *sc,
                                     const char *start, const char *end, char **out,
                                     struct problem *p);

#endif
