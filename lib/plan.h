/*
 * plan.h
 *    Action plans and evaluations: what a fund's money buys and whether it
 *    worked (DOMAIN.md, "Plans and evaluations").
 */
#ifndef CONSORTIA_PLAN_H
#define CONSORTIA_PLAN_H

#include "resource.h"

extern const struct resource_def plan_def;
extern const struct resource_def evaluation_def;
extern const struct resource_def meeting_def;
extern const struct resource_def support_def;

/*
 * A plan's actions (plan_def's table): submit (from draft or returned,
 * with at least one action; late when after the fund's plan deadline),
 * accept, and return with {"comments"} (from submitted). An evaluation's
 * (evaluation_def's): submit (complete, from draft) and report with
 * {"reported_on"} (from submitted).
 */

#endif
