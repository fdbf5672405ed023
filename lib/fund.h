/*
 * fund.h
 *    Funds, their allocations to groups, and the payments the finance
 *    system pulls: the resources, the calculation of a fund's allocations,
 *    the allocations' life (proposed, approved, paid, or cancelled) and the
 *    payments' (due, paid, or cancelled; a paid one corrected only by a
 *    reversing payment).
 */
#ifndef CONSORTIA_FUND_H
#define CONSORTIA_FUND_H

#include "resource.h"

extern const struct resource_def fund_def;
extern const struct resource_def allocation_def;
extern const struct resource_def payment_def;

/*
 * The allocation of fund `key` computed from its rules and the register as
 * of its census date: {"fund_id", "kind", "pot_pence", "allocated_pence",
 * "unallocated_pence", "currency", "allocations": [...]} as JSON text in
 * *out (caller frees). store: also write them as proposed allocations (409
 * when the fund has live allocations already), in one transaction.
 * ERR_VALIDATION when the pot is too small, saying by how much.
 */
enum err fund_calculate(struct db_conn *c, const struct actor *who, const char *key, bool store,
                        char **out, struct problem *p);

/* The fund's money, reconciled: pot, allocated, proposed, approved, paid, outstanding, corrected. */
enum err fund_summary(struct db_conn *c, const struct actor *who, const char *key, char **out,
                      struct problem *p);

/*
 * The allocations' state changes (approve, cancel) and the payments' (paid,
 * reverse) are the actions of allocation_def and payment_def, run by
 * resource_act: approval makes the payment (due); cancelling a proposed or
 * approved allocation cancels its payment if due; marking a paid payment
 * paid again with the same remittance answers it as it is; a reversal is a
 * new payment for minus the amount.
 */

/*
 * The change feed: every change to a payment after position `after`, in
 * order, at most `limit`: {"items": [{"position", "changed_at", "payment"}],
 * "last_position"} as JSON text.
 */
enum err payment_feed(struct db_conn *c, const struct actor *who, long long after, long limit,
                      char **out, struct problem *p);

#endif
