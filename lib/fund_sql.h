/*
 * fund_sql.h
 *    What the files of the money (fund.c, fund_calculate.c,
 *    fund_allocations.c, fund_payments.c) share: the fund's FROM and scope
 *    fragments, the financial year, and two checks of their fields.
 *    Not for use outside them.
 */
#ifndef CONSORTIA_FUND_SQL_H
#define CONSORTIA_FUND_SQL_H

#include "resource.h"

#define FUND_FROM "fund f JOIN local_authority l ON l.id = f.la_id"
/* Funds belong to LAs: a school's or a group's caller sees its LA's. */
#define FUND_SCOPE                                                                                \
	" AND ($2::integer IS NULL OR l.code = $2::integer)"                                          \
	" AND ($3::integer IS NULL OR f.la_id = (SELECT la_id FROM school WHERE urn = $3::integer))"  \
	" AND ($4::bigint IS NULL OR f.la_id = (SELECT la_id FROM school_group WHERE id = $4::bigint))"
/* Changing a fund is for the LA's officers: a school's or a group's caller only reads it. */
#define FUND_WRITE_SCOPE                                                                          \
	" AND ($2::integer IS NULL OR l.code = $2::integer) AND $3::integer IS NULL AND $4::bigint IS NULL"

/* The financial year (April to March) of today, as "2020/21". */
#define FINANCIAL_YEAR                                                                             \
	"to_char(current_date - interval '3 months', 'YYYY') || '/' || "                               \
	"to_char(current_date + interval '9 months', 'YY')"

/* Is s an academic year such as "2020/21"? */
bool academic_year_ok(const char *s);

/* {"reason": 1 to 500 characters}: the body of a cancellation or a reversal. */
extern const struct field_set reason_set;

#endif
