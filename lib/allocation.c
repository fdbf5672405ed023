/*
 * allocation.c
 *    This module implements the pro-rata allocation (see allocation.h).
 *
 * In each round the share of group i among the set P still sharing is
 *     R' x (w x s_i / S + (1 - w) x p_i / P)
 * where R' is what remains after the flat amounts and the minimums already
 * given, S and P the schools and pupils of P. With w = W / 10^6 that is the
 * fraction
 *     R' x (W x s_i x P + (10^6 - W) x p_i x S) / (10^6 x S x P)
 * whose numerator and denominator are computed exactly in 128 bits. When
 * the set has no pupils at all the pupil term is dropped (w taken as 1).
 */
#include "allocation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PPM 1000000

/* Index order for the leftover pennies: larger remainder first, then lower id. */
struct rem {
	size_t i;
	__int128 frac;
	long long id;
};

static int
by_remainder(const void *a, const void *b)
{
	const struct rem *x = a, *y = b;

	if (x->frac != y->frac)
		return x->frac > y->frac ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

long long
allocate_pot(const struct alloc_rules *r, struct alloc_group *g, size_t n)
{
	long long flats = 0, shared = 0, need;
	__int128 remaining;
	bool *in = calloc(n ? n : 1, sizeof *in);
	struct rem *rems = calloc(n ? n : 1, sizeof *rems);
	bool first = true;
	int round = 0;

	if (in == NULL || rems == NULL) {
		free(in);
		free(rems);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		g[i].amount = 0;
		g[i].raised = g[i].rounding_penny = false;
		g[i].rounds = 0;
		g[i].first_num = g[i].exact_num = 0;
		g[i].first_den = g[i].exact_den = 1;
		if (g[i].flat)
			flats++;
		else if (g[i].schools > 0)
			in[i] = true, shared++;
	}
	need = flats * r->flat + shared * r->minimum - r->pot;
	if (need > 0) {
		free(in);
		free(rems);
		return need;
	}
	remaining = (__int128)r->pot - (__int128)flats * r->flat;
	for (size_t i = 0; i < n; i++)
		if (g[i].flat)
			g[i].amount = r->flat;

	/* Rounds: whoever falls below the minimum is raised to it and leaves the set. */
	for (;;) {
		__int128 S = 0, P = 0, den, w = r->weight_ppm;
		size_t below = 0, left = 0;

		round++;
		for (size_t i = 0; i < n; i++)
			if (in[i]) {
				S += g[i].schools;
				P += g[i].pupils;
				left++;
			}
		if (left == 0)
			break;
		if (P == 0)
			w = PPM;
		den = (__int128)PPM * S * (P ? P : 1);
		for (size_t i = 0; i < n; i++) {
			__int128 weight;
			if (!in[i])
				continue;
			weight = w * g[i].schools * (P ? P : 1) + (PPM - w) * g[i].pupils * S;
			g[i].exact_num = remaining * weight;
			g[i].exact_den = den;
			g[i].rounds = round;
			if (first) {
				g[i].first_num = g[i].exact_num;
				g[i].first_den = den;
			}
			if (g[i].exact_num < (__int128)r->minimum * den)
				below++;
		}
		first = false;
		if (below == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			if (in[i] && g[i].exact_num < (__int128)r->minimum * g[i].exact_den) {
				in[i] = false;
				g[i].raised = true;
				g[i].rounds = 0;
				g[i].amount = r->minimum;
				g[i].exact_num = r->minimum;
				g[i].exact_den = 1;
				remaining -= r->minimum;
			}
		}
	}

	/* Round down, then hand out the pennies left to the largest remainders. */
	{
		__int128 given = 0;
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (!in[i])
				continue;
			g[i].amount = (long long)(g[i].exact_num / g[i].exact_den);
			given += g[i].amount;
			rems[m++] = (struct rem){i, g[i].exact_num % g[i].exact_den, g[i].id};
		}
		qsort(rems, m, sizeof *rems, by_remainder);
		for (size_t k = 0; k < m && given < remaining; k++, given++) {
			g[rems[k].i].amount++;
			g[rems[k].i].rounding_penny = true;
		}
	}
	free(in);
	free(rems);
	return 0;
}

void
share_format(__int128 num, __int128 den, char out[48])
{
	__int128 whole, frac;
	char digits[48];
	int n = 0;
	bool neg = num < 0;

	if (den <= 0)
		den = 1;
	if (neg)
		num = -num;
	whole = num / den;
	/* four decimal places, rounded half up */
	frac = ((num % den) * 100000 / den + 5) / 10;
	if (frac >= 10000) {
		whole++;
		frac -= 10000;
	}
	do {
		digits[n++] = (char)('0' + (int)(whole % 10));
		whole /= 10;
	} while (whole > 0 && n < 40);
	{
		int o = 0;
		if (neg)
			out[o++] = '-';
		while (n > 0)
			out[o++] = digits[--n];
		snprintf(out + o, (size_t)(48 - o), ".%04d", (int)frac);
	}
}
