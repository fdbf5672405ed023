/*
 * messages.h
 *    The printable pages' own words, in English and Welsh (messages.c):
 *    the labels a page draws around the data, which the data's own Welsh
 *    (name_cy, ...) does not give.
 */
#ifndef CONSORTIA_MESSAGES_H
#define CONSORTIA_MESSAGES_H

#include <stdbool.h>

enum lang { LANG_EN, LANG_CY };

/* The page's words: a label, and the words for a value of a list. */
enum msg {
	M_STRATEGIC_PLAN, M_PERIOD, M_TO, M_STATUS, M_AS_OF, M_STRAND, M_AIM, M_OBJECTIVES, M_WORK_AREA,
	M_SUCCESS_CRITERIA, M_ACTIONS_LEVEL, M_RESPONSIBILITY, M_RESOURCES, M_COMPLETION, M_PROGRESS, M_PROFILE,
	M_ATTENTION, M_BENCHMARKS, M_TOTAL, M_NONE, M_OVERDUE, M_TARGET, M_REACHED, M_SET_ON, M_REVIEW_BY, M_DUE,
	M_MONEY_BY_PART, M_PART_1, M_PART_2, M_UNASSIGNED, M_BENCHMARK, M_NOT_REVIEWED, M_NUMBER, M_ACTION,
	/* the continuum of working */
	M_NETWORKING, M_COORDINATION, M_COOPERATION, M_COLLABORATION, M_FULL_INTEGRATION,
	/* an action's progress */
	M_NOT_STARTED, M_ON_TRACK, M_AT_RISK, M_COMPLETE, M_DROPPED,
	/* a plan's status */
	M_DRAFT, M_AGREED, M_REVIEWED,
	M__COUNT
};

/* The words for m in language l. */
const char *msg(enum msg m, enum lang l);

/* The words for a value of a list ("full_integration", "at_risk", "agreed"), or NULL when it is none. */
const char *msg_value(const char *value, enum lang l);

/* A month's name ("December", "Rhagfyr") for m in 1..12; NULL otherwise. */
const char *msg_month(int m, enum lang l);

/* The language tag of l ("en", "cy"). */
const char *lang_tag(enum lang l);

#endif
