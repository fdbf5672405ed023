/*
 * Unit tests of token signing and verification at fixed clock times.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"

static const char secret[] = "0123456789abcdef0123456789abcdef-unit";
static const struct token_keys keys = {(const unsigned char *)secret, sizeof secret - 1,
                                       "consortia", "consortia", 60};

Test(token, signs_and_verifies)
{
	struct token_claims c;
	struct problem p = {0};
	char *t;

	cr_assert(eq(int, token_sign(&keys, "alice", ROLE_OFFICER, 937, 900, 1000000, &t), ERR_OK));
	cr_assert(eq(int, token_verify(&keys, t, 1000100, &c, &p), ERR_OK));
	cr_assert(eq(str, c.sub, "alice"));
	cr_assert(eq(int, c.role, ROLE_OFFICER));
	cr_assert(eq(int, c.la_code, 937));
	cr_assert(eq(i64, c.exp, 1000900));
	free(t);
}

Test(token, expiry_allows_the_leeway_and_no_more)
{
	struct token_claims c;
	struct problem p = {0};
	char *t;

	cr_assert(eq(int, token_sign(&keys, "bob", ROLE_VIEWER, 0, 900, 1000000, &t), ERR_OK));
	cr_assert(eq(int, token_verify(&keys, t, 1000900 + 60, &c, &p), ERR_OK), "within leeway");
	cr_assert(eq(int, token_verify(&keys, t, 1000900 + 61, &c, &p), ERR_UNAUTHORIZED));
	cr_assert(strstr(p.detail, "expired") != NULL);
	problem_clear(&p);
	cr_assert(eq(int, token_verify(&keys, t, 1000000 - 61, &c, &p), ERR_UNAUTHORIZED), "nbf");
	problem_clear(&p);
	free(t);
}

Test(token, other_keys_issuers_and_audiences_are_refused)
{
	static const char other[] = "another-secret-another-secret-another";
	struct token_keys k2 = keys;
	struct token_claims c;
	struct problem p = {0};
	char *t;

	cr_assert(eq(int, token_sign(&keys, "eve", ROLE_ADMIN, 0, 900, 1000000, &t), ERR_OK));
	k2.secret = (const unsigned char *)other;
	k2.secret_len = sizeof other - 1;
	cr_assert(eq(int, token_verify(&k2, t, 1000001, &c, &p), ERR_UNAUTHORIZED), "bad signature");
	problem_clear(&p);
	k2 = keys;
	k2.issuer = "elsewhere";
	cr_assert(eq(int, token_verify(&k2, t, 1000001, &c, &p), ERR_UNAUTHORIZED), "issuer");
	problem_clear(&p);
	k2 = keys;
	k2.audience = "elsewhere";
	cr_assert(eq(int, token_verify(&k2, t, 1000001, &c, &p), ERR_UNAUTHORIZED), "audience");
	problem_clear(&p);
	free(t);
}

Test(token, junk_and_oversize_are_refused)
{
	struct token_claims c;
	struct problem p = {0};
	char big[TOKEN_MAX_BYTES + 2];

	cr_assert(eq(int, token_verify(&keys, "", 0, &c, &p), ERR_UNAUTHORIZED));
	problem_clear(&p);
	cr_assert(eq(int, token_verify(&keys, "a.b.c", 0, &c, &p), ERR_UNAUTHORIZED));
	problem_clear(&p);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	cr_assert(eq(int, token_verify(&keys, big, 0, &c, &p), ERR_UNAUTHORIZED));
	cr_assert(strstr(p.detail, "8 KB") != NULL);
	problem_clear(&p);
}

Test(token, roles_by_name)
{
	cr_assert(eq(int, role_parse("finance"), ROLE_FINANCE));
	cr_assert(eq(int, role_parse("Finance"), ROLE_NONE));
	cr_assert(eq(int, role_parse(NULL), ROLE_NONE));
	cr_assert(eq(str, (char *)role_name(ROLE_CHAIR), "chair"));
}
