/*
 * token.c
 *    This module implements token keys, signing and strict verification.
 */
#include "token.h"

#include <errno.h>
#include <jansson.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

static const char *const role_names[] = {
	[ROLE_NONE] = "", [ROLE_ADMIN] = "admin", [ROLE_OFFICER] = "officer",
	[ROLE_FINANCE] = "finance", [ROLE_CHAIR] = "chair", [ROLE_VIEWER] = "viewer",
	[ROLE_MEMBER] = "member",
};

const char *
role_name(enum role r)
{
	if ((int)r < 0 || r > ROLE_MEMBER)
		return "";
	return role_names[r];
}

enum role
role_parse(const char *s)
{
	for (int r = ROLE_ADMIN; r <= ROLE_MEMBER; r++)
		if (s && strcmp(s, role_names[r]) == 0)
			return (enum role)r;
	return ROLE_NONE;
}

static const struct {
	const char *name;
	jwt_alg_t jwt;
} algs[] = {
	[TOKEN_HS256] = {"HS256", JWT_ALG_HS256},
	[TOKEN_RS256] = {"RS256", JWT_ALG_RS256},
	[TOKEN_ES256] = {"ES256", JWT_ALG_ES256},
};

bool
token_alg_parse(const char *s, enum token_alg *out)
{
	for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++) {
		if (s && strcmp(s, algs[i].name) == 0) {
			*out = (enum token_alg)i;
			return true;
		}
	}
	return false;
}

/* ---- keys ----------------------------------------------------------- */

static unsigned char *
read_all(const char *path, size_t *len, char *why, size_t whylen)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n + 1 >= cap) {
			unsigned char *g = realloc(buf, cap ? cap * 2 : 4096);
			if (g == NULL) {
				free(buf);
				fclose(f);
				snprintf(why, whylen, "out of memory");
				return NULL;
			}
			buf = g;
			cap = cap ? cap * 2 : 4096;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';   /* PEM is text: keep it a string too */
	*len = n;
	return buf;
}

/* The public key, as PEM, of a private key PEM; NULL when it is not one. */
static unsigned char *
public_of(const unsigned char *priv, size_t len, enum token_alg alg, size_t *outlen)
{
	BIO *in = BIO_new_mem_buf(priv, (int)len), *out = BIO_new(BIO_s_mem());
	EVP_PKEY *key = in ? PEM_read_bio_PrivateKey(in, NULL, NULL, NULL) : NULL;
	unsigned char *pem = NULL;
	char *data;
	long n;
	int want = alg == TOKEN_RS256 ? EVP_PKEY_RSA : EVP_PKEY_EC;

	if (key && out && EVP_PKEY_base_id(key) == want && PEM_write_bio_PUBKEY(out, key) == 1 &&
	    (n = BIO_get_mem_data(out, &data)) > 0 && (pem = malloc((size_t)n + 1)) != NULL) {
		memcpy(pem, data, (size_t)n);
		pem[n] = '\0';
		*outlen = (size_t)n;
	}
	EVP_PKEY_free(key);
	BIO_free(in);
	BIO_free(out);
	return pem;
}

static bool
load_own(struct token_issuer *own, const struct config *cfg, char *why, size_t whylen)
{
	own->issuer = strdup(cfg->jwt_issuer);
	own->audience = strdup(cfg->jwt_audience);
	if (!token_alg_parse(cfg->jwt_alg, &own->alg)) {
		snprintf(why, whylen, "JWT_ALG must be HS256, RS256 or ES256");
		return false;
	}
	if (own->alg == TOKEN_HS256) {
		if (cfg->jwt_secret == NULL) {
			snprintf(why, whylen, "set JWT_SECRET (32 bytes or more) or JWT_SECRET_FILE");
			return false;
		}
		own->sign_key = malloc(cfg->jwt_secret_len);
		own->verify_key = malloc(cfg->jwt_secret_len);
		if (!own->sign_key || !own->verify_key)
			return false;
		memcpy(own->sign_key, cfg->jwt_secret, cfg->jwt_secret_len);
		memcpy(own->verify_key, cfg->jwt_secret, cfg->jwt_secret_len);
		own->sign_key_len = own->verify_key_len = cfg->jwt_secret_len;
		return true;
	}
	if (cfg->jwt_private_key_file == NULL) {
		snprintf(why, whylen, "JWT_ALG=%s needs JWT_PRIVATE_KEY_FILE (PEM)", cfg->jwt_alg);
		return false;
	}
	own->sign_key = read_all(cfg->jwt_private_key_file, &own->sign_key_len, why, whylen);
	if (own->sign_key == NULL)
		return false;
	own->verify_key = public_of(own->sign_key, own->sign_key_len, own->alg, &own->verify_key_len);
	if (own->verify_key == NULL) {
		snprintf(why, whylen, "JWT_PRIVATE_KEY_FILE is not a %s private key in PEM",
		         own->alg == TOKEN_RS256 ? "RSA" : "EC");
		return false;
	}
	return true;
}

/* JWT_ISSUERS_FILE: [{"issuer", "audience", "alg", "public_key_file"}, ...] */
static bool
load_external(struct token_keys *k, const char *file, char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *list = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr), *item;
	size_t i;
	bool ok = false;

	if (!json_is_array(list)) {
		snprintf(why, whylen, "JWT_ISSUERS_FILE %s: not a JSON array (%s)", file, jerr.text);
		goto out;
	}
	json_array_foreach(list, i, item) {
		const char *iss, *aud, *alg, *keyfile;
		struct token_issuer *t;

		if (k->n == k->cap) {
			snprintf(why, whylen, "JWT_ISSUERS_FILE changed while it was read");
			goto out;
		}
		t = &k->issuers[k->n];
		if (json_unpack(item, "{s:s, s:s, s:s, s:s !}", "issuer", &iss, "audience", &aud, "alg",
		                &alg, "public_key_file", &keyfile) != 0) {
			snprintf(why, whylen, "JWT_ISSUERS_FILE entry %zu needs exactly issuer, audience, "
			         "alg and public_key_file", i);
			goto out;
		}
		if (!token_alg_parse(alg, &t->alg) || t->alg == TOKEN_HS256) {
			snprintf(why, whylen, "JWT_ISSUERS_FILE entry %zu: alg must be RS256 or ES256", i);
			goto out;
		}
		for (size_t j = 0; j < k->n; j++) {
			if (strcmp(k->issuers[j].issuer, iss) == 0) {
				snprintf(why, whylen, "JWT_ISSUERS_FILE: issuer %s is configured twice", iss);
				goto out;
			}
		}
		t->issuer = strdup(iss);
		t->audience = strdup(aud);
		if ((t->verify_key = read_all(keyfile, &t->verify_key_len, why, whylen)) == NULL)
			goto out;
		k->n++;
	}
	ok = true;
out:
	json_decref(list);
	return ok;
}

bool
token_keys_load(struct token_keys *k, const struct config *cfg, char *why, size_t whylen)
{
	size_t extra = 0;

	memset(k, 0, sizeof *k);
	k->leeway = cfg->jwt_leeway;
	if (cfg->jwt_issuers_file) {
		json_t *list = json_load_file(cfg->jwt_issuers_file, 0, NULL);
		extra = json_is_array(list) ? json_array_size(list) : 0;
		json_decref(list);
	}
	if ((k->issuers = calloc(1 + extra, sizeof *k->issuers)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	k->cap = 1 + extra;
	k->n = 1;
	if (!load_own(&k->issuers[0], cfg, why, whylen))
		return false;
	return cfg->jwt_issuers_file == NULL || load_external(k, cfg->jwt_issuers_file, why, whylen);
}

void
token_keys_free(struct token_keys *k)
{
	if (k == NULL || k->issuers == NULL)
		return;
	for (size_t i = 0; i < k->cap; i++) {
		struct token_issuer *t = &k->issuers[i];
		free(t->issuer);
		free(t->audience);
		free(t->verify_key);
		free(t->sign_key);
	}
	free(k->issuers);
	memset(k, 0, sizeof *k);
}

/* ---- signing -------------------------------------------------------- */

enum err
token_sign(const struct token_keys *k, const char *sub, enum role role, int la_code,
           int school_urn, long long group_id, int generation, int ttl, time_t now, char **out)
{
	struct token_claims c = {.role = role, .la_code = la_code, .school_urn = school_urn,
	                         .group_id = group_id, .generation = generation};

	snprintf(c.sub, sizeof c.sub, "%s", sub);
	return token_sign_claims(k, &c, ttl, now, out);
}

enum err
token_sign_claims(const struct token_keys *k, const struct token_claims *c, int ttl, time_t now,
                  char **out)
{
	const struct token_issuer *own = &k->issuers[0];
	jwt_t *jwt = NULL;
	char *s = NULL, *claims_text = NULL;
	enum err e = ERR_INTERNAL;
	json_t *claims;

	*out = NULL;
	claims = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "iss", own->issuer,
	                   "aud", own->audience, "sub", c->sub, "role", role_name(c->role),
	                   "iat", (json_int_t)now, "nbf", (json_int_t)now,
	                   "exp", (json_int_t)(now + ttl));
	if (claims == NULL)
		goto out;
	if (c->la_code > 0)
		json_object_set_new(claims, "la", json_integer(c->la_code));
	if (c->school_urn > 0)
		json_object_set_new(claims, "school", json_integer(c->school_urn));
	if (c->group_id > 0)
		json_object_set_new(claims, "group", json_integer(c->group_id));
	if (c->body_id > 0)
		json_object_set_new(claims, "body", json_integer(c->body_id));
	if (c->person_id > 0)
		json_object_set_new(claims, "person", json_integer(c->person_id));
	if (c->region_id > 0)
		json_object_set_new(claims, "region", json_integer(c->region_id));
	if (c->generation > 0)
		json_object_set_new(claims, "gen", json_integer(c->generation));
	if ((claims_text = json_dumps(claims, JSON_COMPACT)) == NULL)
		goto out;
	if (jwt_new(&jwt) != 0 || jwt_add_grants_json(jwt, claims_text) != 0 ||
	    jwt_set_alg(jwt, algs[own->alg].jwt, own->sign_key, (int)own->sign_key_len) != 0)
		goto out;
	if ((s = jwt_encode_str(jwt)) == NULL)
		goto out;
	*out = strdup(s);
	e = *out ? ERR_OK : ERR_INTERNAL;
out:
	free(s);
	jwt_free(jwt);
	free(claims_text);
	json_decref(claims);
	return e;
}

/* ---- verification --------------------------------------------------- */

/* aud may be a string or an array of strings; one must be ours. */
static bool
audience_ok(const json_t *aud, const char *want)
{
	size_t i;
	json_t *v;

	if (json_is_string(aud))
		return strcmp(json_string_value(aud), want) == 0;
	if (!json_is_array(aud))
		return false;
	json_array_foreach(aud, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
			return true;
	return false;
}

static enum err
refuse(struct problem *p, const char *why)
{
	return problem_set(p, ERR_UNAUTHORIZED, "invalid token: %s", why);
}

/* The issuer the token claims to come from, before any signature check. */
static const struct token_issuer *
claimed_issuer(const struct token_keys *k, const char *token)
{
	const char *dot1 = strchr(token, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	const struct token_issuer *found = NULL;
	unsigned char *raw;
	char *payload;
	size_t len;
	json_t *o;

	if (dot2 == NULL || (payload = strndup(dot1 + 1, (size_t)(dot2 - dot1 - 1))) == NULL)
		return NULL;
	raw = base64url_decode(payload, &len);
	free(payload);
	o = raw ? json_loadb((char *)raw, len, 0, NULL) : NULL;
	free(raw);
	if (json_is_string(json_object_get(o, "iss")))
		for (size_t i = 0; i < k->n && !found; i++)
			if (strcmp(k->issuers[i].issuer, json_string_value(json_object_get(o, "iss"))) == 0)
				found = &k->issuers[i];
	json_decref(o);
	return found;
}

/* An optional positive integer claim within [min, max]; false if present and bad. */
static bool
int_claim(const json_t *g, const char *name, long long min, long long max, int *out)
{
	const json_t *v = json_object_get(g, name);

	*out = 0;
	if (v == NULL)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return false;
	*out = (int)json_integer_value(v);
	return true;
}

/* An optional id claim: absent (0) or a positive integer. */
static bool
id_claim(const json_t *g, const char *name, long long *out)
{
	const json_t *v = json_object_get(g, name);

	*out = v && json_is_integer(v) ? (long long)json_integer_value(v) : 0;
	return v == NULL || *out > 0;
}

enum err
token_verify(const struct token_keys *k, const char *token, time_t now,
             struct token_claims *c, struct problem *p)
{
	const struct token_issuer *is;
	jwt_t *jwt = NULL;
	char *grants = NULL;
	json_t *g = NULL, *v;
	enum err e;
	size_t len = token ? strlen(token) : 0;

	memset(c, 0, sizeof *c);
	if (len == 0)
		return refuse(p, "empty");
	if (len > TOKEN_MAX_BYTES)
		return refuse(p, "longer than 8 KB");
	if ((is = claimed_issuer(k, token)) == NULL)
		return refuse(p, "unknown or missing issuer");
	if (jwt_decode(&jwt, token, is->verify_key, (int)is->verify_key_len) != 0 || jwt == NULL) {
		e = refuse(p, "malformed or bad signature");
		goto out;
	}
	/* The header chooses the algorithm in libjwt: insist on the issuer's. */
	if (jwt_get_alg(jwt) != algs[is->alg].jwt) {
		e = refuse(p, "algorithm not accepted for this issuer");
		goto out;
	}
	/* RFC 7515 4.1.11: an extension the token says must be understood is one this service does not know */
	if ((grants = jwt_get_headers_json(jwt, "crit")) != NULL) {
		e = refuse(p, "crit names an extension this service does not understand");
		goto out;
	}
	if ((grants = jwt_get_grants_json(jwt, NULL)) == NULL ||
	    (g = json_loads(grants, JSON_REJECT_DUPLICATES, NULL)) == NULL || !json_is_object(g)) {
		e = refuse(p, "claims are not a JSON object");
		goto out;
	}
	v = json_object_get(g, "exp");
	if (!json_is_integer(v)) {
		e = refuse(p, "exp missing or not an integer");
		goto out;
	}
	c->exp = json_integer_value(v);
	if (c->exp < (long long)now - k->leeway) {   /* not exp + leeway: exp may be LLONG_MAX */
		e = refuse(p, "expired");
		goto out;
	}
	v = json_object_get(g, "nbf");
	if (v != NULL && (!json_is_integer(v) || now + k->leeway < json_integer_value(v))) {
		e = refuse(p, json_is_integer(v) ? "not yet valid" : "nbf is not an integer");
		goto out;
	}
	c->nbf = v ? json_integer_value(v) : 0;
	snprintf(c->iss, sizeof c->iss, "%s", is->issuer);
	if (!audience_ok(json_object_get(g, "aud"), is->audience)) {
		e = refuse(p, "wrong or missing audience");
		goto out;
	}
	v = json_object_get(g, "sub");
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) >= sizeof c->sub) {
		e = refuse(p, "sub missing or not a string");
		goto out;
	}
	snprintf(c->sub, sizeof c->sub, "%s", json_string_value(v));
	v = json_object_get(g, "role");
	if (!json_is_string(v) || (c->role = role_parse(json_string_value(v))) == ROLE_NONE) {
		e = refuse(p, "role missing or unknown");
		goto out;
	}
	if (!int_claim(g, "la", 100, 999, &c->la_code)) {
		e = refuse(p, "la is not an LA code");
		goto out;
	}
	if (!int_claim(g, "school", 100000, 999999, &c->school_urn)) {
		e = refuse(p, "school is not a URN");
		goto out;
	}
	v = json_object_get(g, "group");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1)) {
		e = refuse(p, "group is not a group id");
		goto out;
	}
	c->group_id = v ? (long long)json_integer_value(v) : 0;
	if (!id_claim(g, "body", &c->body_id) || !id_claim(g, "person", &c->person_id) ||
	    !id_claim(g, "region", &c->region_id)) {
		e = refuse(p, "body, person or region is not an id");
		goto out;
	}
	/* A region's token is scoped to the region alone. */
	if (c->region_id && (c->la_code || c->school_urn || c->group_id || c->role == ROLE_MEMBER)) {
		e = refuse(p, "a region's token names no LA, school, group or body");
		goto out;
	}
	/* A member reads a body's pack as a person who sits on it: the token names both. */
	if ((c->role == ROLE_MEMBER) != (c->body_id > 0 && c->person_id > 0)) {
		e = refuse(p, c->role == ROLE_MEMBER ? "a member's token names its body and person"
		                                      : "only a member's token names a body and person");
		goto out;
	}
	if (!int_claim(g, "gen", 1, 2147483647, &c->generation)) {
		e = refuse(p, "gen is not a generation");
		goto out;
	}
	e = ERR_OK;
out:
	json_decref(g);
	free(grants);
	jwt_free(jwt);
	return e;
}
