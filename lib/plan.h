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
 * A plan's action: "submit" (from draft or returned, with at least one
 * action; late when after the fund's plan deadline), "accept" or "return"
 * (from submitted; return needs {"comments"} in body). ERR_CONFLICT from
 * any other state.
 */
enum err plan_act(struct db_conn *c, const struct actor *who, const char *key, const char *if_match,
                  const char *action, const json_t *body, struct doc *out, struct problem *p);

/* An evaluation's action: "submit" (complete, from draft) or "report" ({"reported_on"}). */
enum err evaluation_act(struct db_conn *c, const struct actor *who, const char *key,
                        const char *if_match, const char *action, const json_t *body,
                        struct doc *out, struct problem *p);

#endif
