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

/*
 * Chairs in office during the academic year holding `by` whose group had
 * not confirmed its chair for that year by then.
 */
enum err report_unconfirmed_chairs(struct db_conn *c, const struct scope *sc, const char *by,
                                   char **out, struct problem *p);

/*
 * Active groups with no chair confirmed for academic year `year`, as of
 * as_of: each with the LA's deadline, whether it had passed, and the chair
 * in office that day.
 */
enum err report_groups_without_chair(struct db_conn *c, const struct scope *sc,
                                     const char *year, const char *as_of, char **out,
                                     struct problem *p);

/*
 * Payments the finance system rejected, of allocations not cancelled, not
 * yet reissued: with the fund, the group, the payee and the reason.
 */
enum err report_rejected_payments(struct db_conn *c, const struct scope *sc, char **out,
                                  struct problem *p);

/*
 * Approved or paid allocations whose fund's evaluation fell due before
 * as_of and was not reported to the AAG by then (with the dates it was
 * submitted and reported, if it was).
 */
enum err report_overdue_evaluations(struct db_conn *c, const struct scope *sc, const char *as_of,
                                    char **out, struct problem *p);

/*
 * What an Area Analysis Group reads for an academic year ("2020/21"): the
 * area's active groups (chair, money allocated / paid / spent, plans and
 * evaluations by state, meetings per term against two a term) and its
 * vulnerable schools with their support. The caller checks the area is in
 * scope. *out is JSON text.
 */
enum err report_area(struct db_conn *c, const char *area_id, const char *year, char **out,
                     struct problem *p);

/* The same for every area of an LA, for the Education Challenge Board. */
enum err report_authority(struct db_conn *c, const char *la_code, const char *year, char **out,
                          struct problem *p);

/*
 * Body `body_id`'s year as of a day: meetings held against its targets
 * (a term's judged once the term is over, the year's once the year is),
 * each member's attendance of the meetings held while they sat on it
 * against the attendance target, and actions open past their due date.
 * The caller checks the body is in scope.
 */
enum err report_body(struct db_conn *c, const char *body_id, const char *year, const char *as_of,
                     char **out, struct problem *p);

/* Every open body of an LA below a target in the year, as of a day, with why. */
enum err report_bodies_below_target(struct db_conn *c, const char *la_code, const char *year,
                                    const char *as_of, char **out, struct problem *p);

/*
 * Everything held about person `person_id` (UK GDPR right of access). The
 * caller checks the person is in scope.
 */
enum err report_person_export(struct db_conn *c, const char *person_id, char **out,
                              struct problem *p);

/*
 * The heads newly appointed (within two years) at member schools of the
 * groups in scope, as of a day: their last check-in, none this half-term
 * (`no_check_in`), and for a maintained school's head whether coaching was
 * ever offered (`coaching_not_offered`). la, group: NULL for any.
 */
enum err report_new_heads(struct db_conn *c, const struct scope *sc, const char *as_of, const char *la,
                          const char *group, char **out, struct problem *p);

/*
 * What Area Analysis Group body_id receives at its meeting meeting_id, for
 * its area: the casework dated by then and not reported at an earlier
 * meeting. 404 when the body is no AAG or the meeting not its. The caller
 * checks the body is in scope.
 */
/*
 * A strategic plan laid out as seed 004 lays it out, with where each action
 * stands on as_of, its continuum profile, the actions at risk or overdue
 * and its benchmarks (JSON text, malloc'd); or, rows, its actions one row
 * each in the columns its CSV import reads. The caller has checked that it
 * may read the plan.
 */
/*
 * An LA's allocations of an academic year as 360Giving data: the package
 * {"grants": [...]} (JSON text, malloc'd), or, rows, {"items": [...]} headed
 * as 360Giving's spreadsheet heads its columns. The caller has checked that
 * it may read the LA.
 */
enum err report_360giving(struct db_conn *c, const char *la_id, const char *academic_year, bool rows, char **out,
                          struct problem *p);

enum err report_strategic_plan(struct db_conn *c, const char *plan_id, const char *as_of, bool rows, char **out,
                               struct problem *p);

enum err report_aag_pack(struct db_conn *c, const char *body_id, const char *meeting_id, char **out,
                         struct problem *p);

/*
 * The pack of meeting meeting_id received: what it holds is marked reported
 * at the meeting (*marked records); body_id gets the AAG's id. 409 when the
 * meeting is no AAG's.
 */
enum err aag_pack_receive(struct db_conn *c, const char *meeting_id, char body_id[24], int *marked,
                          struct problem *p);

/* Does person sit on body today? */
enum err body_seated_today(struct db_conn *c, long long body_id, long long person_id, bool *seated,
                           struct problem *p);

#endif
