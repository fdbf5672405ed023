/*
 * Unit tests of the allocation arithmetic: hand-worked cases, the edges of
 * the pot, and a property test over thousands of random funds.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"

static const struct alloc_rules warwickshire = {.flat = 800000, .minimum = 500000,
                                                .weight_ppm = 500000};

static long long
total(const struct alloc_group *g, size_t n)
{
	long long t = 0;
	for (size_t i = 0; i < n; i++)
		t += g[i].amount;
	return t;
}

Test(allocation, a_case_worked_by_hand)
{
	/* pot 380.00: network 80.00 flat; C (1 school, 100 pupils) falls under
	 * the 50.00 minimum in the first round; A and B share 250.00 as
	 * 166.666... and 83.333...; the odd penny goes to A's larger remainder. */
	struct alloc_rules r = {.pot = 38000, .flat = 8000, .minimum = 5000, .weight_ppm = 500000};
	struct alloc_group g[] = {
		{.id = 1, .schools = 10, .pupils = 2000},
		{.id = 2, .schools = 5, .pupils = 1000},
		{.id = 3, .schools = 1, .pupils = 100},
		{.id = 4, .flat = true},
	};
	char s[48];

	cr_assert(eq(i64, allocate_pot(&r, g, 4), 0));
	cr_assert(eq(i64, g[0].amount, 16667));
	cr_assert(eq(i64, g[1].amount, 8333));
	cr_assert(eq(i64, g[2].amount, 5000));
	cr_assert(eq(i64, g[3].amount, 8000));
	cr_assert(g[2].raised && !g[0].raised);
	cr_assert(g[0].rounding_penny && !g[1].rounding_penny);
	share_format(g[2].first_num, g[2].first_den, s);
	cr_assert(eq(str, s, "1421.3710"), "C's share before the minimum");
	share_format(g[0].exact_num, g[0].exact_den, s);
	cr_assert(eq(str, s, "16666.6667"));
	cr_assert(eq(i64, total(g, 4), 38000));
}

Test(allocation, the_seed_year_fourteen_consortia_and_four_networks)
{
	struct alloc_rules r = warwickshire;
	struct alloc_group g[18];
	static const int schools[14] = {15, 15, 16, 15, 15, 14, 14, 14, 15, 15, 15, 13, 12, 11};

	memset(g, 0, sizeof g);
	for (int i = 0; i < 14; i++)
		g[i] = (struct alloc_group){.id = i + 1, .schools = schools[i], .pupils = schools[i] * 230 + i * 37};
	for (int i = 14; i < 18; i++)
		g[i] = (struct alloc_group){.id = i + 1, .flat = true};
	r.pot = 20000000;   /* 200,000.00 */
	cr_assert(eq(i64, allocate_pot(&r, g, 18), 0));
	cr_assert(eq(i64, total(g, 18), r.pot), "to the penny");
	for (int i = 0; i < 14; i++)
		cr_assert(g[i].amount >= 500000);
	for (int i = 14; i < 18; i++)
		cr_assert(eq(i64, g[i].amount, 800000));
}

Test(allocation, pots_at_the_edges)
{
	struct alloc_rules r = {.flat = 8000, .minimum = 5000, .weight_ppm = 500000};
	struct alloc_group g[] = {
		{.id = 1, .schools = 10, .pupils = 2000},
		{.id = 2, .schools = 5, .pupils = 1000},
		{.id = 3, .schools = 1, .pupils = 100},
		{.id = 4, .flat = true},
	};

	r.pot = 8000 + 3 * 5000;   /* exactly the flat amount and the minimums */
	cr_assert(eq(i64, allocate_pot(&r, g, 4), 0));
	for (int i = 0; i < 3; i++)
		cr_assert(eq(i64, g[i].amount, 5000));
	r.pot -= 1;   /* one penny short */
	cr_assert(eq(i64, allocate_pot(&r, g, 4), 1), "says how much more is needed");
	r.pot = 8000 + 15000 + 3;   /* three pennies over the minimums: someone gets them */
	cr_assert(eq(i64, allocate_pot(&r, g, 4), 0));
	cr_assert(eq(i64, total(g, 4), r.pot));
	r.pot = 8000 + 30000;   /* no remainder pennies at all? the sum still holds */
	cr_assert(eq(i64, allocate_pot(&r, g, 4), 0));
	cr_assert(eq(i64, total(g, 4), r.pot));
}

Test(allocation, one_group_zero_pupils_and_empty_groups)
{
	struct alloc_rules r = {.pot = 123457, .flat = 0, .minimum = 5000, .weight_ppm = 500000};
	struct alloc_group one = {.id = 7, .schools = 3, .pupils = 0};
	struct alloc_group g[] = {
		{.id = 1, .schools = 4, .pupils = 0},
		{.id = 2, .schools = 2, .pupils = 0},
		{.id = 3, .schools = 0, .pupils = 0},
	};

	cr_assert(eq(i64, allocate_pot(&r, &one, 1), 0));
	cr_assert(eq(i64, one.amount, 123457), "one group takes the pot");
	/* nobody has pupils: the schools alone decide */
	cr_assert(eq(i64, allocate_pot(&r, g, 3), 0));
	cr_assert(eq(i64, g[0].amount, 82305));
	cr_assert(eq(i64, g[1].amount, 41152));
	cr_assert(eq(i64, g[2].amount, 0), "a group with no schools shares nothing");
	cr_assert(eq(i64, total(g, 3), r.pot));
}

Test(allocation, every_school_in_england)
{
	enum { N = 1500 };
	struct alloc_group *g = calloc(N + 150, sizeof *g);
	struct alloc_rules r = {.pot = 100000000000LL, .flat = 800000, .minimum = 500000,
	                        .weight_ppm = 333333};   /* 1,000,000,000.00 */

	for (int i = 0; i < N; i++)
		g[i] = (struct alloc_group){.id = i + 1, .schools = 16 + i % 7, .pupils = 5000 + (i * 7919) % 3000};
	for (int i = N; i < N + 150; i++)
		g[i] = (struct alloc_group){.id = i + 1, .flat = true};
	cr_assert(eq(i64, allocate_pot(&r, g, N + 150), 0));
	cr_assert(eq(i64, total(g, N + 150), r.pot));
	free(g);
}

/* A small deterministic generator, so that a failure can be replayed. */
static unsigned long long
next(unsigned long long *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

Test(allocation, property_sum_minimum_and_monotonic_over_random_funds)
{
	unsigned long long seed = 20201002;

	for (int run = 0; run < 5000; run++) {
		size_t n = 1 + next(&seed) % 30, flats = next(&seed) % 5;
		struct alloc_group g[40];
		struct alloc_rules r = {.flat = (long long)(next(&seed) % 1000000),
		                        .minimum = (long long)(next(&seed) % 600000),
		                        .weight_ppm = (long long)(next(&seed) % 1000001)};
		long long floor_pot = 0, need;

		memset(g, 0, sizeof g);
		for (size_t i = 0; i < n; i++)
			g[i] = (struct alloc_group){.id = (long long)(i + 1), .schools = 1 + (long long)(next(&seed) % 25),
			                            .pupils = (long long)(next(&seed) % 9000)};
		for (size_t i = n; i < n + flats; i++)
			g[i] = (struct alloc_group){.id = (long long)(i + 1), .flat = true};
		floor_pot = (long long)flats * r.flat + (long long)n * r.minimum;
		r.pot = floor_pot + (long long)(next(&seed) % 50000000);
		need = allocate_pot(&r, g, n + flats);
		cr_assert(eq(i64, need, 0), "run %d", run);
		cr_assert(eq(i64, total(g, n + flats), r.pot), "run %d: the sum is the pot", run);
		for (size_t i = 0; i < n; i++) {
			cr_assert(g[i].amount >= r.minimum, "run %d: no share below the minimum", run);
			for (size_t j = 0; j < n; j++) {
				bool bigger = g[i].schools >= g[j].schools && g[i].pupils >= g[j].pupils;
				if (bigger)
					cr_assert(g[i].amount + 1 >= g[j].amount &&
					          (g[i].amount >= g[j].amount || g[i].id > g[j].id),
					          "run %d: monotonic (%lld,%lld)=%lld vs (%lld,%lld)=%lld", run,
					          g[i].schools, g[i].pupils, g[i].amount, g[j].schools, g[j].pupils,
					          g[j].amount);
			}
		}
		if (floor_pot > 0) {
			r.pot = floor_pot - 1;
			cr_assert(eq(i64, allocate_pot(&r, g, n + flats), 1), "run %d: one penny short", run);
		}
	}
}
