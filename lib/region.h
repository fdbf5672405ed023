/*
 * region.h
 *    Regions: consortia of several LAs (seed 004), with a lead LA and
 *    member LAs over dates (region.c). A token scoped to a region reads the
 *    region, its members and what they share with it (region_shares).
 */
#ifndef CONSORTIA_REGION_H
#define CONSORTIA_REGION_H

#include "resource.h"

extern const struct resource_def region_def;
extern const struct resource_def region_member_def;

/* The ids of the LAs that are members of region $%d today, for a scope fragment. */
#define REGION_LAS(param)                                                                          \
	"SELECT rm.la_id FROM region_member rm WHERE rm.region_id = " param "::bigint "                \
	"AND rm.valid @> london_today()"

#endif
