/*
 * Unit tests of token keys, signing and verification at fixed clock times.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "token.h"

#ifndef TEST_DATA
#error "TEST_DATA must name tests/data"
#endif

static char secret[] = "0123456789abcdef0123456789abcdef-unit";

/* A configuration as the environment would give it. */
static struct config
config_for(const char *alg, const char *private_key, const char *issuers_file)
{
	struct config cfg = {0};

	cfg.jwt_alg = (char *)alg;
	cfg.jwt_secret = (unsigned char *)secret;
	cfg.jwt_secret_len = sizeof secret - 1;
	cfg.jwt_private_key_file = (char *)private_key;
	cfg.jwt_issuers_file = (char *)issuers_file;
	cfg.jwt_issuer = "consortia";
	cfg.jwt_audience = "consortia";
	cfg.jwt_leeway = 60;
	return cfg;
}

static struct token_keys
hs256(void)
{
	struct config cfg = config_for("HS256", NULL, NULL);
	struct token_keys k;
	char why[256] = "";

	cr_assert(token_keys_load(&k, &cfg, why, sizeof why), "%s", why);
	return k;
}

Test(token, signs_and_verifies)
{
	struct token_keys keys = hs256();
	struct token_claims c;
	struct problem p = {0};
	char *t;

	cr_assert(eq(int, token_sign(&keys, "alice", ROLE_OFFICER, 937, 0, 0, 0, 900, 1000000, &t), ERR_OK));
	cr_assert(eq(int, token_verify(&keys, t, 1000100, &c, &p), ERR_OK));
	cr_assert(eq(str, c.sub, "alice"));
	cr_assert(eq(int, c.role, ROLE_OFFICER));
	cr_assert(eq(int, c.la_code, 937));
	cr_assert(eq(int, c.school_urn, 0));
	cr_assert(eq(i64, c.exp, 1000900));
	free(t);
	token_keys_free(&keys);
}

Test(token, expiry_allows_the_leeway_and_no_more)
{
	struct token_keys keys = hs256();
	struct token_claims c;
	struct problem p = {0};
	char *t;

	cr_assert(eq(int, token_sign(&keys, "bob", ROLE_VIEWER, 0, 125678, 0, 0, 900, 1000000, &t), ERR_OK));
	cr_assert(eq(int, token_verify(&keys, t, 1000900 + 60, &c, &p), ERR_OK), "within leeway");
	cr_assert(eq(int, c.school_urn, 125678));
	cr_assert(eq(int, token_verify(&keys, t, 1000900 + 61, &c, &p), ERR_UNAUTHORIZED));
	cr_assert(strstr(p.detail, "expired") != NULL);
	problem_clear(&p);
	cr_assert(eq(int, token_verify(&keys, t, 1000000 - 61, &c, &p), ERR_UNAUTHORIZED), "nbf");
	problem_clear(&p);
	free(t);
	token_keys_free(&keys);
}

Test(token, another_secret_issuer_or_audience_is_refused)
{
	struct token_keys keys = hs256(), other;
	struct config cfg = config_for("HS256", NULL, NULL);
	struct token_claims c;
	struct problem p = {0};
	char why[256] = "", *t;

	cr_assert(eq(int, token_sign(&keys, "eve", ROLE_ADMIN, 0, 0, 0, 0, 900, 1000000, &t), ERR_OK));
	secret[0] = 'X';
	cr_assert(token_keys_load(&other, &cfg, why, sizeof why));
	secret[0] = '0';
	cr_assert(eq(int, token_verify(&other, t, 1000001, &c, &p), ERR_UNAUTHORIZED), "bad signature");
	problem_clear(&p);
	token_keys_free(&other);

	cfg.jwt_issuer = "elsewhere";
	cr_assert(token_keys_load(&other, &cfg, why, sizeof why));
	cr_assert(eq(int, token_verify(&other, t, 1000001, &c, &p), ERR_UNAUTHORIZED), "issuer");
	problem_clear(&p);
	token_keys_free(&other);

	cfg.jwt_issuer = "consortia";
	cfg.jwt_audience = "elsewhere";
	cr_assert(token_keys_load(&other, &cfg, why, sizeof why));
	cr_assert(eq(int, token_verify(&other, t, 1000001, &c, &p), ERR_UNAUTHORIZED), "audience");
	problem_clear(&p);
	token_keys_free(&other);
	free(t);
	token_keys_free(&keys);
}

Test(token, junk_and_oversize_are_refused)
{
	struct token_keys keys = hs256();
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
	token_keys_free(&keys);
}

/* RS256 and ES256 with the test key pairs: sign, verify with the derived public key. */
static void
asymmetric(const char *alg, const char *key)
{
	struct config cfg = config_for(alg, key, NULL);
	struct token_keys keys;
	struct token_claims c;
	struct problem p = {0};
	char why[256] = "", *t;

	cr_assert(token_keys_load(&keys, &cfg, why, sizeof why), "%s", why);
	cr_assert(strstr((char *)keys.issuers[0].verify_key, "BEGIN PUBLIC KEY") != NULL);
	cr_assert(eq(int, token_sign(&keys, "carol", ROLE_FINANCE, 0, 0, 0, 0, 900, 1000000, &t), ERR_OK));
	cr_assert(eq(int, token_verify(&keys, t, 1000001, &c, &p), ERR_OK), "%s", p.detail);
	cr_assert(eq(int, c.role, ROLE_FINANCE));
	free(t);
	token_keys_free(&keys);
}

Test(token, rs256_with_a_private_key_file) { asymmetric("RS256", TEST_DATA "/keys/rs256-private.pem"); }
Test(token, es256_with_a_private_key_file) { asymmetric("ES256", TEST_DATA "/keys/es256-private.pem"); }

Test(token, key_configuration_is_checked)
{
	struct config cfg = config_for("RS256", TEST_DATA "/keys/es256-private.pem", NULL);
	struct token_keys keys;
	char why[256] = "";

	cr_assert_not(token_keys_load(&keys, &cfg, why, sizeof why), "an EC key for RS256");
	token_keys_free(&keys);
	cfg = config_for("none", NULL, NULL);
	cr_assert_not(token_keys_load(&keys, &cfg, why, sizeof why), "alg none");
	token_keys_free(&keys);
	cfg = config_for("ES256", NULL, NULL);
	cr_assert_not(token_keys_load(&keys, &cfg, why, sizeof why), "no key file");
	cr_assert(strstr(why, "JWT_PRIVATE_KEY_FILE") != NULL);
	token_keys_free(&keys);
}

/* An external issuer: its tokens verify with its public key, and with no other algorithm. */
Test(token, external_issuer_and_the_public_key_as_hmac_secret_attack)
{
	char issuers[64], why[256], *good = NULL, *bad = NULL;
	struct config cfg;
	struct token_keys keys;
	struct token_claims c;
	struct problem p = {0};
	jwt_t *jwt;
	FILE *f;
	unsigned char pub[4096], priv[4096];
	size_t publen, privlen;

	snprintf(issuers, sizeof issuers, "/tmp/consortia-issuers-%d.json", (int)getpid());
	f = fopen(issuers, "w");
	cr_assert(f != NULL);
	fprintf(f, "[{\"issuer\": \"https://idp.example\", \"audience\": \"consortia-api\", "
	           "\"alg\": \"RS256\", \"public_key_file\": \"%s/keys/rs256-public.pem\"}]", TEST_DATA);
	fclose(f);
	cfg = config_for("HS256", NULL, issuers);
	cr_assert(token_keys_load(&keys, &cfg, why, sizeof why), "%s", why);
	unlink(issuers);
	cr_assert(eq(sz, keys.n, 2));

	f = fopen(TEST_DATA "/keys/rs256-private.pem", "rb");
	privlen = fread(priv, 1, sizeof priv, f);
	fclose(f);
	f = fopen(TEST_DATA "/keys/rs256-public.pem", "rb");
	publen = fread(pub, 1, sizeof pub, f);
	fclose(f);

	jwt_new(&jwt);
	jwt_add_grants_json(jwt, "{\"iss\": \"https://idp.example\", \"aud\": [\"x\", \"consortia-api\"], "
	                         "\"sub\": \"dave@la.example\", \"role\": \"officer\", \"la\": 937, "
	                         "\"exp\": 2000000}");
	jwt_set_alg(jwt, JWT_ALG_RS256, priv, (int)privlen);
	good = jwt_encode_str(jwt);
	jwt_set_alg(jwt, JWT_ALG_HS256, pub, (int)publen);   /* the classic confusion */
	bad = jwt_encode_str(jwt);
	jwt_free(jwt);

	cr_assert(eq(int, token_verify(&keys, good, 1000000, &c, &p), ERR_OK), "%s", p.detail);
	cr_assert(eq(str, c.iss, "https://idp.example"));
	cr_assert(eq(int, c.la_code, 937));
	cr_assert(eq(int, token_verify(&keys, bad, 1000000, &c, &p), ERR_UNAUTHORIZED),
	          "HS256 keyed with the RSA public key is refused");
	cr_assert(strstr(p.detail, "algorithm") != NULL || strstr(p.detail, "signature") != NULL);
	problem_clear(&p);
	free(good);
	free(bad);
	token_keys_free(&keys);
}

Test(token, roles_by_name)
{
	cr_assert(eq(int, role_parse("finance"), ROLE_FINANCE));
	cr_assert(eq(int, role_parse("Finance"), ROLE_NONE));
	cr_assert(eq(int, role_parse(NULL), ROLE_NONE));
	cr_assert(eq(str, (char *)role_name(ROLE_CHAIR), "chair"));
}

/* base64url of n bytes of in, unpadded, appended to out. */
static void
b64url(const unsigned char *in, size_t n, char *out)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = strlen(out);

	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)in[i] << 16 | (i + 1 < n ? (unsigned long)in[i + 1] << 8 : 0) |
		                  (i + 2 < n ? in[i + 2] : 0);
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		if (i + 1 < n)
			out[o++] = abc[v >> 6 & 63];
		if (i + 2 < n)
			out[o++] = abc[v & 63];
	}
	out[o] = '\0';
}

/*
 * A token of the service's issuer signed HS256 with these claims (a JSON
 * object's body) and header members, made by hand: libjwt writes its own
 * typ. Caller frees.
 */
static char *
raw(const char *claims, const char *header)
{
	char head[256], body[512], *out = calloc(1, 2048);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;

	snprintf(head, sizeof head, "{\"alg\": \"HS256\"%s%s}", header ? ", " : "", header ? header : "");
	snprintf(body, sizeof body, "{\"iss\": \"consortia\", \"aud\": \"consortia\", \"sub\": \"s\", \"exp\": 2000000%s%s}",
	         claims[0] ? ", " : "", claims);
	b64url((const unsigned char *)head, strlen(head), out);
	strcat(out, ".");
	b64url((const unsigned char *)body, strlen(body), out);
	cr_assert_not_null(HMAC(EVP_sha256(), secret, (int)(sizeof secret - 1), (const unsigned char *)out,
	                        strlen(out), mac, &maclen));
	strcat(out, ".");
	b64url(mac, maclen, out);
	return out;
}

/* The verdict on a raw token at a fixed time: ERR_OK, or the reason refused in why. */
static enum err
verdict(const char *claims, const char *header, char why[512], size_t n)
{
	struct token_keys keys = hs256();
	struct token_claims c;
	struct problem p = {0};
	char *t = raw(claims, header);
	enum err e = token_verify(&keys, t, 1000000, &c, &p);

	snprintf(why, n, "%s", p.detail);
	problem_clear(&p);
	free(t);
	token_keys_free(&keys);
	return e;
}

Test(token, a_token_typed_as_another_kind_or_with_an_unknown_extension_is_refused)
{
	char why[512] = "";

	/* RFC 8725 3.11: explicit typing; untyped or typed JWT is accepted, any other type refused
	 * (libjwt's decode holds typ to "JWT") */
	cr_assert(eq(int, verdict("\"role\": \"viewer\"", NULL, why, sizeof why), ERR_OK), "%s", why);
	cr_assert(eq(int, verdict("\"role\": \"viewer\"", "\"typ\": \"JWT\"", why, sizeof why), ERR_OK), "%s", why);
	cr_assert(eq(int, verdict("\"role\": \"viewer\"", "\"typ\": \"secevent+jwt\"", why, sizeof why), ERR_UNAUTHORIZED));
	cr_assert(eq(int, verdict("\"role\": \"viewer\"", "\"typ\": \"at+jwt\"", why, sizeof why), ERR_UNAUTHORIZED));
	cr_assert(eq(int, verdict("\"role\": \"viewer\"", "\"typ\": \"dpop+jwt\"", why, sizeof why), ERR_UNAUTHORIZED));
	/* RFC 7515 4.1.11: an extension that must be understood, and is not */
	cr_assert(eq(int, verdict("\"role\": \"viewer\"", "\"crit\": [\"exp\"], \"exp\": 1", why, sizeof why), ERR_UNAUTHORIZED));
	cr_assert(strstr(why, "crit") != NULL, "%s", why);
}

Test(token, a_member_names_its_body_and_person_and_only_a_member_does)
{
	struct token_keys keys = hs256();
	struct token_claims in = {.role = ROLE_MEMBER, .body_id = 12, .person_id = 34}, out;
	struct problem p = {0};
	char why[512] = "", *t = NULL;

	snprintf(in.sub, sizeof in.sub, "a-member");
	cr_assert(eq(int, token_sign_claims(&keys, &in, 900, 1000000, &t), ERR_OK));
	cr_assert(eq(int, token_verify(&keys, t, 1000001, &out, &p), ERR_OK), "%s", p.detail);
	cr_assert(eq(int, out.role, ROLE_MEMBER));
	cr_assert(eq(i64, out.body_id, 12));
	cr_assert(eq(i64, out.person_id, 34));
	free(t);
	token_keys_free(&keys);
	cr_assert(eq(int, verdict("\"role\": \"member\", \"body\": 12", NULL, why, sizeof why), ERR_UNAUTHORIZED));
	cr_assert(strstr(why, "person") != NULL, "%s", why);
	cr_assert(eq(int, verdict("\"role\": \"chair\", \"body\": 12, \"person\": 34", NULL, why, sizeof why),
	             ERR_UNAUTHORIZED), "a chair's token names no body");
	cr_assert(eq(int, verdict("\"role\": \"member\", \"body\": \"12\", \"person\": 34", NULL, why, sizeof why),
	             ERR_UNAUTHORIZED), "an id is a number");
	cr_assert(eq(int, verdict("\"role\": \"member\", \"body\": 0, \"person\": 34", NULL, why, sizeof why),
	             ERR_UNAUTHORIZED));
}

Test(token, a_region_is_a_scope_of_its_own)
{
	char why[512] = "";

	cr_assert(eq(int, verdict("\"role\": \"officer\", \"region\": 5", NULL, why, sizeof why), ERR_OK), "%s", why);
	cr_assert(eq(int, verdict("\"role\": \"officer\", \"region\": 5, \"la\": 937", NULL, why, sizeof why),
	             ERR_UNAUTHORIZED));
	cr_assert(strstr(why, "region") != NULL, "%s", why);
	cr_assert(eq(int, verdict("\"role\": \"chair\", \"region\": 5, \"group\": 7", NULL, why, sizeof why),
	             ERR_UNAUTHORIZED));
	cr_assert(eq(int, verdict("\"role\": \"member\", \"region\": 5, \"body\": 1, \"person\": 2", NULL, why,
	                          sizeof why), ERR_UNAUTHORIZED));
	cr_assert(eq(int, verdict("\"role\": \"viewer\", \"region\": 0", NULL, why, sizeof why), ERR_UNAUTHORIZED));
}

Test(token, a_secret_of_fewer_than_32_bytes_is_refused_at_start)
{
	struct config cfg;
	char why[256] = "";

	/* RFC 8725 3.5: an HMAC key with the entropy of the hash */
	setenv("JWT_SECRET", "0123456789abcdef0123456789abcde", 1);   /* 31 bytes */
	unsetenv("JWT_SECRET_FILE");
	cr_assert_not(config_load(&cfg, why, sizeof why));
	cr_assert(strstr(why, "32 bytes") != NULL, "%s", why);
	config_free(&cfg);
	setenv("JWT_SECRET", "0123456789abcdef0123456789abcdef", 1);
	cr_assert(config_load(&cfg, why, sizeof why), "%s", why);
	config_free(&cfg);
	unsetenv("JWT_SECRET");
}
