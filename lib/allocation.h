/*
 * allocation.h
 *    Sharing a fund's pot among groups, to the penny (DOMAIN.md, "Money"):
 *    area networks get a flat amount first; what remains is shared among
 *    the consortia pro rata on schools and pupils with a minimum, the
 *    consortia below the minimum raised to it and the rest shared again
 *    until none is below; pennies left by rounding down go one each to the
 *    largest fractional remainders (ties: the lower group id first).
 *
 * Pure integer arithmetic (128-bit where products need it): the same
 * inputs always give the same pennies, and they always add up to the pot.
 */
#ifndef CONSORTIA_ALLOCATION_H
#define CONSORTIA_ALLOCATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct alloc_group {
	long long id;
	bool flat;              /* an area network: the flat amount, not a share */
	long long schools;      /* members on the census date */
	long long pupils;       /* their pupils on roll on the census date */
	/* results */
	long long amount;       /* pence */
	bool raised;            /* raised to the minimum */
	int rounds;             /* the round its share was settled in (0: flat or raised) */
	/* the share before the minimum, and the final exact share, as num/den pence */
	__int128 first_num, first_den;
	__int128 exact_num, exact_den;
	bool rounding_penny;    /* got one of the pennies left by rounding */
};

struct alloc_rules {
	long long pot;          /* pence */
	long long flat;         /* pence per flat group (area network) */
	long long minimum;      /* pence, the least a shared group gets */
	long long weight_ppm;   /* the schools' weight w, in millionths (500000 = 0.5) */
};

/*
 * Allocate rules->pot over g[0..n) in place. Returns 0, or the pence more
 * the pot would need for every flat amount and minimum (then no amount is
 * set), or -1 when out of memory (no amount is set either). Groups with no
 * schools get nothing and are left out of the shares.
 */
long long allocate_pot(const struct alloc_rules *rules, struct alloc_group *g, size_t n);

/* An exact share num/den pence as a decimal string with 4 places ("5000.3333"). */
void share_format(__int128 num, __int128 den, char out[48]);

#endif
