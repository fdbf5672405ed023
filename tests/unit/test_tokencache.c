/*
 * The cache of verified tokens answers as token_verify would: only the
 * same token, only while its time lasts.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "tokencache.h"

static struct token_claims
claims(const char *sub, long long exp, long long nbf)
{
	struct token_claims c = {0};

	snprintf(c.sub, sizeof c.sub, "%s", sub);
	snprintf(c.iss, sizeof c.iss, "consortia");
	c.role = ROLE_VIEWER;
	c.exp = exp;
	c.nbf = nbf;
	c.la_code = 937;
	return c;
}

Test(tokencache, the_same_token_gets_its_claims_back)
{
	struct token_cache *tc = token_cache_new();
	struct token_claims in = claims("a", 2000, 0), out;

	cr_assert_not(token_cache_get(tc, "tok.a.sig", 1000, 60, &out), "nothing before it is put");
	token_cache_put(tc, "tok.a.sig", &in);
	memset(&out, 0, sizeof out);
	cr_assert(token_cache_get(tc, "tok.a.sig", 1000, 60, &out));
	cr_assert_str_eq(out.sub, "a");
	cr_assert_eq(out.la_code, 937);
	cr_assert_eq(out.role, ROLE_VIEWER);
	cr_assert_not(token_cache_get(tc, "tok.a.sig2", 1000, 60, &out), "another token is not it");
	cr_assert_not(token_cache_get(tc, "tok.a.si", 1000, 60, &out));
	token_cache_free(tc);
}

Test(tokencache, an_expired_or_early_token_is_not_answered)
{
	struct token_cache *tc = token_cache_new();
	struct token_claims in = claims("a", 2000, 1500), out;

	token_cache_put(tc, "t", &in);
	cr_assert(token_cache_get(tc, "t", 2060, 60, &out), "exp within the leeway");
	cr_assert_not(token_cache_get(tc, "t", 2061, 60, &out), "past exp and the leeway");
	cr_assert(token_cache_get(tc, "t", 1440, 60, &out), "nbf within the leeway");
	cr_assert_not(token_cache_get(tc, "t", 1439, 60, &out), "before nbf and the leeway");
	token_cache_free(tc);
}

Test(tokencache, many_tokens_each_answered_right_or_not_at_all)
{
	struct token_cache *tc = token_cache_new();
	char tok[32];
	struct token_claims in, out;

	for (int i = 0; i < 5000; i++) {
		snprintf(tok, sizeof tok, "token-%d", i);
		snprintf(in.sub, sizeof in.sub, "sub-%d", i);
		in = claims(in.sub, 10000, 0);
		token_cache_put(tc, tok, &in);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(tok, sizeof tok, "token-%d", i);
		if (token_cache_get(tc, tok, 100, 60, &out)) {
			char want[32];
			snprintf(want, sizeof want, "sub-%d", i);
			cr_assert_str_eq(out.sub, want, "a slot shared by two tokens never mixes them");
		}
	}
	snprintf(tok, sizeof tok, "token-%d", 4999);
	cr_assert(token_cache_get(tc, tok, 100, 60, &out), "the last one put is there");
	token_cache_free(tc);
}
