/*
 * Authentication: every /v1 route needs a valid bearer token, and every
 * refusal is a 401 problem that changes nothing.
 */
#include <criterion/criterion.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "cursor.h"

/* A token with any header and claims, signed with JWT_SECRET (or not at all). */
static char *
forge(const char *header, const char *claims, bool sign)
{
	const char *secret = getenv("JWT_SECRET");
	char *h = base64url_encode((const unsigned char *)header, strlen(header));
	char *c = base64url_encode((const unsigned char *)claims, strlen(claims));
	char *input, *sig = NULL, *out;
	unsigned char mac[64];
	unsigned int maclen = 0;

	cr_assert(asprintf(&input, "%s.%s", h, c) > 0);
	if (sign) {
		HMAC(EVP_sha256(), secret, (int)strlen(secret), (unsigned char *)input, strlen(input),
		     mac, &maclen);
		sig = base64url_encode(mac, maclen);
	}
	cr_assert(asprintf(&out, "%s.%s", input, sig ? sig : "") > 0);
	free(h);
	free(c);
	free(input);
	free(sig);
	return out;
}

static char *
claims(const char *iss, const char *aud, long long exp_delta, const char *role)
{
	char *out;
	long long now = (long long)time(NULL);

	cr_assert(asprintf(&out,
	                   "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"mallory\",\"role\":\"%s\","
	                   "\"iat\":%lld,\"exp\":%lld}",
	                   iss, aud, role, now, now + exp_delta) > 0);
	return out;
}

static void
refused(const char *tok)
{
	char *before = db_fingerprint();
	struct resp *r = http_json("POST", "/v1/local-authorities", tok,
	                           "{\"code\": 998, \"name\": \"Should Not Exist\"}", NULL);
	char *www = resp_header(r, "WWW-Authenticate");

	assert_problem(r, 401, "unauthorized", NULL);
	cr_assert(www && strncmp(www, "Bearer", 6) == 0);
	cr_assert(tok == NULL || strstr(r->body, tok) == NULL, "the token is not echoed");
	free(www);
	resp_free(r);
	assert_unchanged(before);
}

static void
refused_claims(const char *header, char *c, bool sign)
{
	char *t = forge(header, c, sign);
	refused(t);
	free(t);
	free(c);
}

#define HS256 "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

Test(auth, a_valid_forged_token_is_accepted_so_the_forger_is_right)
{
	char *t = forge(HS256, claims("consortia", "consortia", 600, "viewer"), true);
	struct resp *r = http("GET", "/v1/local-authorities", t, NULL, NULL);

	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	free(t);
}

Test(auth, missing_token) { refused(NULL); }
Test(auth, garbage_token) { refused("not.a.token"); }
Test(auth, truncated_token)
{
	char *t = strdup(token("admin"));
	t[strlen(t) - 5] = '\0';
	refused(t);
	free(t);
}
Test(auth, alg_none) { refused_claims("{\"alg\":\"none\"}", claims("consortia", "consortia", 600, "admin"), false); }
Test(auth, alg_hs384_is_not_ours)
{
	refused_claims("{\"alg\":\"HS384\"}", claims("consortia", "consortia", 600, "admin"), true);
}
Test(auth, expired) { refused_claims(HS256, claims("consortia", "consortia", -3600, "admin"), true); }
Test(auth, wrong_issuer) { refused_claims(HS256, claims("someone-else", "consortia", 600, "admin"), true); }
Test(auth, wrong_audience) { refused_claims(HS256, claims("consortia", "elsewhere", 600, "admin"), true); }
Test(auth, unknown_role) { refused_claims(HS256, claims("consortia", "consortia", 600, "root"), true); }
Test(auth, not_yet_valid)
{
	char *c;
	long long now = (long long)time(NULL);
	cr_assert(asprintf(&c, "{\"iss\":\"consortia\",\"aud\":\"consortia\",\"sub\":\"m\",\"role\":\"admin\","
	                       "\"nbf\":%lld,\"exp\":%lld}", now + 3600, now + 7200) > 0);
	refused_claims(HS256, c, true);
}
Test(auth, exp_of_the_wrong_type)
{
	refused_claims(HS256, strdup("{\"iss\":\"consortia\",\"aud\":\"consortia\",\"sub\":\"m\","
	                             "\"role\":\"admin\",\"exp\":\"tomorrow\"}"), true);
}
Test(auth, missing_sub)
{
	refused_claims(HS256, strdup("{\"iss\":\"consortia\",\"aud\":\"consortia\",\"role\":\"admin\","
	                             "\"exp\":99999999999}"), true);
}
Test(auth, tampered_payload)
{
	char *good = forge(HS256, claims("consortia", "consortia", 600, "viewer"), true);
	char *evil = forge(HS256, claims("consortia", "consortia", 600, "admin"), true);
	char *dot1 = strchr(good, '.'), *dot2 = strrchr(good, '.');
	char *edot1 = strchr(evil, '.'), *edot2 = strrchr(evil, '.');
	char *t;
	/* the admin claims with the viewer token's signature */
	cr_assert(asprintf(&t, "%.*s%.*s%s", (int)(dot1 - good), good, (int)(edot2 - edot1), edot1,
	                   dot2) > 0);
	refused(t);
	free(t);
	free(good);
	free(evil);
}
Test(auth, token_over_8kb)
{
	char *big = malloc(9001);
	memset(big, 'a', 9000);
	big[9000] = '\0';
	refused(big);
	free(big);
}

Test(auth, a_viewer_may_read_but_not_write)
{
	char *before = db_fingerprint();
	struct resp *r = http_json("POST", "/v1/local-authorities", token("viewer"),
	                           "{\"code\": 997, \"name\": \"Nope\"}", NULL);

	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	assert_unchanged(before);
	r = http("GET", "/v1/schools", token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	resp_free(r);
}
