/*
 * The per-caller rate limit: a burst, then the rate; each key its own
 * bucket; the wait it names is the wait there is.
 */
#include <criterion/criterion.h>

#include "throttle.h"

Test(throttle, a_burst_then_the_rate)
{
	struct throttle *t = throttle_new(60, 3);   /* one a second, three at once */
	int retry;

	cr_assert_not_null(t);
	for (int i = 0; i < 3; i++)
		cr_assert(throttle_take(t, "sub:a", 100.0, &retry), "request %d of the burst", i);
	cr_assert_not(throttle_take(t, "sub:a", 100.0, &retry));
	cr_assert_eq(retry, 1, "a token comes back within a second");
	cr_assert_not(throttle_take(t, "sub:a", 100.5, &retry), "half a token is not one");
	cr_assert(throttle_take(t, "sub:a", 101.01, &retry));
	cr_assert_not(throttle_take(t, "sub:a", 101.02, &retry));
	/* an idle caller's bucket fills up to the burst, no further */
	for (int i = 0; i < 3; i++)
		cr_assert(throttle_take(t, "sub:a", 1000.0, &retry));
	cr_assert_not(throttle_take(t, "sub:a", 1000.0, &retry));
	throttle_free(t);
}

Test(throttle, each_caller_has_its_own_bucket)
{
	struct throttle *t = throttle_new(60, 1);
	int retry;

	cr_assert(throttle_take(t, "sub:a", 5.0, &retry));
	cr_assert_not(throttle_take(t, "sub:a", 5.0, &retry));
	cr_assert(throttle_take(t, "sub:b", 5.0, &retry), "b is not held back by a");
	throttle_free(t);
}

Test(throttle, a_slow_rate_names_a_long_wait)
{
	struct throttle *t = throttle_new(2, 1);   /* one every 30 s */
	int retry;

	cr_assert(throttle_take(t, "k", 0.0, &retry));
	cr_assert_not(throttle_take(t, "k", 0.0, &retry));
	cr_assert_eq(retry, 30);
	cr_assert_not(throttle_take(t, "k", 29.0, &retry));
	cr_assert(retry >= 1 && retry <= 2, "about a second left: %d", retry);
	cr_assert(throttle_take(t, "k", 30.0, &retry));
	throttle_free(t);
}

Test(throttle, zero_is_no_limit)
{
	int retry = -1;

	cr_assert_null(throttle_new(0, 10));
	for (int i = 0; i < 1000; i++)
		cr_assert(throttle_take(NULL, "k", 0.0, &retry));
	cr_assert_eq(retry, 0);
}
