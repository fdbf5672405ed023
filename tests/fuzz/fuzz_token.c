/*
 * fuzz_token.c
 *    libFuzzer target: bearer tokens through token_verify, with the keys
 *    a deployment has: the service's own HS256 secret and two external
 *    issuers (an RS256 and an ES256 identity provider, the keys of
 *    tests/data/keys, listed in a JWT_ISSUERS_FILE written at start-up).
 *
 * Input: byte 0 (mod 8) chooses how the rest becomes a token:
 *   0, 1  the rest is the token as sent in the Authorization header;
 *   2..4  HEADER NUL PAYLOAD (or only PAYLOAD, under {"alg":"HS256",
 *         "typ":"JWT"}) base64url-encoded and signed with HMAC-SHA256 under
 *         the service's secret, so that the claims are checked;
 *   5     the same signed with the RS256 issuer's public key as the HMAC
 *         secret: the algorithm confusion attack, never to be accepted;
 *   6, 7  PAYLOAD as the claims of a token libjwt signs with the RS256 /
 *         ES256 private key of the external issuer.
 * The clock stands at FUZZ_NOW.
 *
 * Contracts checked: a refusal is ERR_UNAUTHORIZED with one of the fixed
 * reasons (never a piece of the token); an accepted token names a subject,
 * a known role, scopes in range, has not expired, and came from the issuer
 * whose key signed it.
 */
#include <jansson.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdbool.h>
#include <unistd.h>

#include "cursor.h"
#include "fuzz.h"
#include "token.h"

#ifndef FUZZ_KEYS_DIR
#error "FUZZ_KEYS_DIR must name tests/data/keys"
#endif

#define FUZZ_NOW 1700000000
#define RS_ISSUER "https://login.warwickshire.example"
#define ES_ISSUER "https://idp.es.example"

static char secret[] = "0123456789abcdef0123456789abcdef-fuzz";
static struct token_keys keys;
static unsigned char *rs_private, *es_private, *rs_public;
static size_t rs_private_len, es_private_len, rs_public_len;

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc(65536);

	FUZZ_CHECK(f && buf, "cannot read %s", path);
	*len = fread(buf, 1, 65535, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void
setup(void)
{
	char issuers[] = "/tmp/consortia-fuzz-issuers-XXXXXX", why[256];
	struct config cfg = {0};
	FILE *f;
	int fd = mkstemp(issuers);

	FUZZ_CHECK(fd >= 0 && (f = fdopen(fd, "w")) != NULL, "cannot write %s", issuers);
	fprintf(f, "[{\"issuer\": \"" RS_ISSUER "\", \"audience\": \"consortia-rs\", \"alg\": \"RS256\", "
	           "\"public_key_file\": \"" FUZZ_KEYS_DIR "/rs256-public.pem\"}, "
	           "{\"issuer\": \"" ES_ISSUER "\", \"audience\": \"consortia-es\", \"alg\": \"ES256\", "
	           "\"public_key_file\": \"" FUZZ_KEYS_DIR "/es256-public.pem\"}]");
	fclose(f);
	cfg.jwt_alg = "HS256";
	cfg.jwt_secret = (unsigned char *)secret;
	cfg.jwt_secret_len = sizeof secret - 1;
	cfg.jwt_issuers_file = issuers;
	cfg.jwt_issuer = "consortia";
	cfg.jwt_audience = "consortia";
	cfg.jwt_leeway = 60;
	FUZZ_CHECK(token_keys_load(&keys, &cfg, why, sizeof why), "keys: %s", why);
	unlink(issuers);
	rs_private = slurp(FUZZ_KEYS_DIR "/rs256-private.pem", &rs_private_len);
	es_private = slurp(FUZZ_KEYS_DIR "/es256-private.pem", &es_private_len);
	rs_public = slurp(FUZZ_KEYS_DIR "/rs256-public.pem", &rs_public_len);
}

/* base64url(header) "." base64url(payload) "." base64url(HMAC-SHA256(key, ...)) */
static char *
hmac_token(const uint8_t *header, size_t hlen, const uint8_t *payload, size_t plen,
           const unsigned char *key, size_t keylen)
{
	char *h = base64url_encode(header, hlen), *pl = base64url_encode(payload, plen);
	char *input = NULL, *sig = NULL, *out = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (h && pl && asprintf(&input, "%s.%s", h, pl) >= 0 &&
	    HMAC(EVP_sha256(), key, (int)keylen, (unsigned char *)input, strlen(input), md, &mdlen) &&
	    (sig = base64url_encode(md, mdlen)) != NULL && asprintf(&out, "%s.%s", input, sig) < 0)
		out = NULL;
	free(h);
	free(pl);
	free(input);
	free(sig);
	return out;
}

/* The claims signed by libjwt with a private key; NULL when libjwt takes none. */
static char *
jwt_token(const char *claims, jwt_alg_t alg, const unsigned char *key, size_t keylen)
{
	jwt_t *jwt = NULL;
	char *s = NULL, *out = NULL;

	if (jwt_new(&jwt) == 0 && jwt_add_grants_json(jwt, claims) == 0 &&
	    jwt_set_alg(jwt, alg, key, (int)keylen) == 0 && (s = jwt_encode_str(jwt)) != NULL)
		out = strdup(s);
	free(s);
	jwt_free(jwt);
	return out;
}

/* One of token_verify's fixed reasons: never anything taken from the token. */
static bool
known_reason(const char *why)
{
	static const char *const reasons[] = {
		"empty", "longer than 8 KB", "unknown or missing issuer", "malformed or bad signature",
		"algorithm not accepted for this issuer", "claims are not a JSON object",
		"exp missing or not an integer", "expired", "not yet valid", "nbf is not an integer",
		"wrong or missing audience", "sub missing or not a string", "role missing or unknown",
		"la is not an LA code", "school is not a URN", "group is not a group id",
	};

	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (strcmp(why, reasons[i]) == 0)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char default_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	static bool ready;
	const uint8_t *rest = data + 1, *nul;
	size_t n;
	const char *want_iss = NULL;   /* the issuer whose key signed it; NULL: none may accept */
	struct token_claims c;
	struct problem p = {0};
	char *token = NULL, *text;
	unsigned mode;
	enum err e;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 1 || size > 3 * TOKEN_MAX_BYTES)
		return 0;
	mode = data[0] % 8;
	n = size - 1;
	nul = memchr(rest, '\0', n);
	switch (mode) {
	case 0: case 1:
		token = fuzz_cstr(rest, n);
		want_iss = "";   /* any issuer, if the input is a real token */
		break;
	case 2: case 3: case 4: case 5: {
		const uint8_t *h = nul ? rest : (const uint8_t *)default_header;
		size_t hl = nul ? (size_t)(nul - rest) : sizeof default_header - 1;
		const uint8_t *pl = nul ? nul + 1 : rest;
		size_t pll = nul ? n - hl - 1 : n;

		if (mode == 5) {
			token = hmac_token(h, hl, pl, pll, rs_public, rs_public_len);
		} else {
			token = hmac_token(h, hl, pl, pll, (unsigned char *)secret, sizeof secret - 1);
			want_iss = "consortia";
		}
		break;
	}
	case 6: case 7:
		if ((text = fuzz_cstr(rest, n)) == NULL)
			return 0;
		if (mode == 6)
			token = jwt_token(text, JWT_ALG_RS256, rs_private, rs_private_len);
		else
			token = jwt_token(text, JWT_ALG_ES256, es_private, es_private_len);
		want_iss = mode == 6 ? RS_ISSUER : ES_ISSUER;
		free(text);
		break;
	}
	if (token == NULL)
		return 0;

	e = token_verify(&keys, token, FUZZ_NOW, &c, &p);
	if (e == ERR_OK) {
		FUZZ_CHECK(want_iss != NULL, "mode %u: a token signed with the wrong key is accepted", mode);
		FUZZ_CHECK(!*want_iss || strcmp(c.iss, want_iss) == 0, "signed for %s, accepted as %s",
		           want_iss, c.iss);
		FUZZ_CHECK(c.sub[0] != '\0', "no subject");
		FUZZ_CHECK(c.role >= ROLE_ADMIN && c.role <= ROLE_MEMBER, "role %d", c.role);
		FUZZ_CHECK(c.la_code == 0 || (c.la_code >= 100 && c.la_code <= 999), "la %d", c.la_code);
		FUZZ_CHECK(c.school_urn == 0 || (c.school_urn >= 100000 && c.school_urn <= 999999),
		           "school %d", c.school_urn);
		FUZZ_CHECK(c.group_id >= 0, "group %lld", c.group_id);
		FUZZ_CHECK(c.exp >= FUZZ_NOW - keys.leeway, "expired at %lld", c.exp);
	} else {
		FUZZ_CHECK(e == ERR_UNAUTHORIZED, "token_verify gave %d", e);
		FUZZ_CHECK(strncmp(p.detail, "invalid token: ", 15) == 0 && known_reason(p.detail + 15),
		           "reason: %s", p.detail);
	}
	problem_clear(&p);
	free(token);
	return 0;
}
