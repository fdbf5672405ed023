/*
 * region_world.h
 *    What the tests of a region's own records start from (region_world.c):
 *    a region of a lead LA and a member LA, an LA outside it, another
 *    region, and a token for each.
 */
#ifndef CONSORTIA_TEST_REGION_WORLD_H
#define CONSORTIA_TEST_REGION_WORLD_H

struct region_world {
	int lead, member, stranger;          /* LA codes; the stranger leads the other region */
	long long region, other_region;
	const char *region_tok, *other_tok;  /* officers of the region, and of the other region */
	const char *member_tok, *stranger_tok;   /* officers of the member LA, and of the LA outside */
};

/* A new such world, the region and its members from 1 September 2007. */
struct region_world region_world(void);

#endif
