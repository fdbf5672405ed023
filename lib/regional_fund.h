/*
 * regional_fund.h
 *    A region's pooled fund, the contributions its pot is made of and the
 *    money drawn from it against its plan's actions (regional_fund.c;
 *    schema/0020_regional_funds.sql).
 */
#ifndef CONSORTIA_REGIONAL_FUND_H
#define CONSORTIA_REGIONAL_FUND_H

#include "casework.h"   /* the fields, filters and sorts definitions share */

extern const struct resource_def regional_fund_def;
extern const struct resource_def fund_contribution_def;
extern const struct resource_def fund_draw_def;

#endif
