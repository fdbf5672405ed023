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
 * The allocation of fund `key` computed from its rules and the register
 * (as of its census date; chair funding: the chairs confirmed for its
 * academic year), beside what each group has from it already:
 * {"fund_id", "kind", "pot_pence", "allocated_pence", "unallocated_pence",
 * "already_allocated_pence", "difference_pence", "currency",
 * "allocations": [...], "unfunded": [{group, "reason"}]} as JSON text in
 * *out (caller frees). Each allocation line holds what the group should
 * have (amount_pence), has (allocated_pence) and the difference, proposed
 * as a first allocation, a top-up or a reduction.
 * store: also write the differences as proposed allocations, in the
 * caller's transaction, the fund locked (409 when there is none; 412 when
 * the fund is not at a version `expect` allows, expect NULL: any). What is
 * approved or paid is never changed.
 * ERR_VALIDATION when the pot is too small, saying by how much.
 */
enum err fund_calculate(struct db_conn *c, const struct actor *who, const char *key,
                        const struct expected_version *expect, bool store, char **out,
                        struct problem *p);

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

/* The feed's statement for an unscoped caller ($1 after, $2 limit), for `consortia sql payment`. */
const char *payment_feed_sql(void);

/*
 * The payments' totals for reconciling against the ledger, to the penny:
 * per school budget (DfE number) within a fund, per fund, per financial
 * year and in all (`level`: school, fund, year, all), each with the sums
 * paid, outstanding (due or acknowledged) and rejected; cancelled payments
 * are left out. financial_year and academic_year (NULL: any) filter.
 * {"financial_year", "academic_year", "currency", "items": [...]} as JSON
 * text in *out (caller frees), in the caller's scope.
 */
enum err payment_totals(struct db_conn *c, const struct actor *who, const char *financial_year,
                        const char *academic_year, char **out, struct problem *p);

#endif
