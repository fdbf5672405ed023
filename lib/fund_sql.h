/*
 * fund_sql.h
 *    What the files of the money (fund.c, fund_calculate.c,
 *    fund_allocations.c, fund_payments.c) share: the fund's FROM clause,
 *    the financial year, and the body of a cancellation.
 *    Not for use outside them.
 */
#ifndef CONSORTIA_FUND_SQL_H
#define CONSORTIA_FUND_SQL_H

#include "resource.h"

#define FUND_FROM "fund f JOIN local_authority l ON l.id = f.la_id"
/* The financial year (April to March) of today, as "2020/21". */
#define FINANCIAL_YEAR                                                                             \
	"to_char(london_today() - interval '3 months', 'YYYY') || '/' || "                               \
	"to_char(london_today() + interval '9 months', 'YY')"

/* {"reason": 1 to 500 characters}: the body of a cancellation or a reversal. */
extern const struct field_set reason_set;

#endif
