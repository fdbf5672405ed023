/*
 * token.c
 *    This module implements HS256 token signing and strict verification.
 */
#include "token.h"

#include <jansson.h>
#include <jwt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {
	[ROLE_NONE] = "", [ROLE_ADMIN] = "admin", [ROLE_OFFICER] = "officer",
	[ROLE_FINANCE] = "finance", [ROLE_CHAIR] = "chair", [ROLE_VIEWER] = "viewer",
};

const char *
role_name(enum role r)
{
	if ((int)r < 0 || r > ROLE_VIEWER)
		return "";
	return role_names[r];
}

enum role
role_parse(const char *s)
{
	for (int r = ROLE_ADMIN; r <= ROLE_VIEWER; r++)
		if (s && strcmp(s, role_names[r]) == 0)
			return (enum role)r;
	return ROLE_NONE;
}

enum err
token_sign(const struct token_keys *k, const char *sub, enum role role, int la_code,
           int ttl, time_t now, char **out)
{
	jwt_t *jwt = NULL;
	char *s = NULL;
	enum err e = ERR_INTERNAL;
	json_t *claims;
	char *claims_text = NULL;

	*out = NULL;
	claims = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "iss", k->issuer,
	                   "aud", k->audience, "sub", sub, "role", role_name(role),
	                   "iat", (json_int_t)now, "nbf", (json_int_t)now,
	                   "exp", (json_int_t)(now + ttl));
	if (claims == NULL)
		goto out;
	if (la_code > 0)
		json_object_set_new(claims, "la", json_integer(la_code));
	if ((claims_text = json_dumps(claims, JSON_COMPACT)) == NULL)
		goto out;
	if (jwt_new(&jwt) != 0 || jwt_add_grants_json(jwt, claims_text) != 0 ||
	    jwt_set_alg(jwt, JWT_ALG_HS256, k->secret, (int)k->secret_len) != 0)
		goto out;
	if ((s = jwt_encode_str(jwt)) == NULL)
		goto out;
	*out = strdup(s);
	e = *out ? ERR_OK : ERR_INTERNAL;
out:
	if (s)
		free(s);
	jwt_free(jwt);
	free(claims_text);
	json_decref(claims);
	return e;
}

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

enum err
token_verify(const struct token_keys *k, const char *token, time_t now,
             struct token_claims *c, struct problem *p)
{
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
	if (jwt_decode(&jwt, token, k->secret, (int)k->secret_len) != 0 || jwt == NULL) {
		e = refuse(p, "malformed or bad signature");
		goto out;
	}
	/* The header chooses the algorithm in libjwt: insist on ours. */
	if (jwt_get_alg(jwt) != JWT_ALG_HS256) {
		e = refuse(p, "algorithm not accepted");
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
	if (now > c->exp + k->leeway) {
		e = refuse(p, "expired");
		goto out;
	}
	v = json_object_get(g, "nbf");
	if (v != NULL && (!json_is_integer(v) || now + k->leeway < json_integer_value(v))) {
		e = refuse(p, json_is_integer(v) ? "not yet valid" : "nbf is not an integer");
		goto out;
	}
	v = json_object_get(g, "iss");
	if (!json_is_string(v) || strcmp(json_string_value(v), k->issuer) != 0) {
		e = refuse(p, "wrong or missing issuer");
		goto out;
	}
	snprintf(c->iss, sizeof c->iss, "%s", json_string_value(v));
	if (!audience_ok(json_object_get(g, "aud"), k->audience)) {
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
	v = json_object_get(g, "la");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 100 || json_integer_value(v) > 999) {
			e = refuse(p, "la is not an LA code");
			goto out;
		}
		c->la_code = (int)json_integer_value(v);
	}
	e = ERR_OK;
out:
	json_decref(g);
	free(grants);
	jwt_free(jwt);
	return e;
}
