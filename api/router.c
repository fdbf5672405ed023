/*
 * router.c
 *    This module implements the one endpoint given to ulfius: it refuses
 *    what is malformed before routing (smuggling, oversized targets and
 *    headers), finds the route of the table a request matches (literal
 *    paths before ":param" ones) and hands it to dispatch, or answers 404,
 *    405 or a CORS preflight.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"

static bool
path_matches(const char *pattern, const char *path)
{
	while (*pattern && *path) {
		if (*pattern == ':') {
			if (*path == '/')
				return false;
			while (*pattern && *pattern != '/')
				pattern++;
			while (*path && *path != '/')
				path++;
		} else if (*pattern++ != *path++) {
			return false;
		}
	}
	if (*path == '/' && path[1] == '\0')
		path++;
	return *pattern == '\0' && *path == '\0';
}

/* Put each ":name" segment of path (which matches pattern), decoded, into params. */
static bool
take_params(const char *pattern, const char *path, struct _u_map *params)
{
	while (*pattern) {
		if (*pattern == ':') {
			const char *name = ++pattern, *value = path;
			char key[32], *raw, *decoded;
			size_t nlen, vlen;

			while (*pattern && *pattern != '/')
				pattern++;
			while (*path && *path != '/')
				path++;
			nlen = (size_t)(pattern - name);
			vlen = (size_t)(path - value);
			if (nlen >= sizeof key || (raw = strndup(value, vlen)) == NULL)
				return false;
			memcpy(key, name, nlen);
			key[nlen] = '\0';
			decoded = ulfius_url_decode(raw);
			free(raw);
			if (decoded == NULL || u_map_put(params, key, decoded) != U_OK) {
				free(decoded);
				return false;
			}
			free(decoded);
		} else {
			pattern++;
			path++;
		}
	}
	return true;
}

struct router {
	struct app *app;
	struct binding *bindings;   /* one a route, in the table's order */
};

static struct req *fallback(const struct _u_request *in, struct _u_response *out, struct app *app);

struct app *
router_app(const struct router *rt)
{
	return rt->app;
}

/*
 * Refuse a request before routing, and close the connection. Used for a
 * request with both Content-Length and Transfer-Encoding, which a proxy in
 * front and this service could read two ways, so that a request hidden in
 * its body would be answered (request smuggling; RFC 9112 6.1): nothing
 * after it on the connection is read. And for a request target or header
 * fields past the service's limits.
 */
static struct req *
refuse_early(const struct _u_request *in, struct _u_response *out, struct app *app, enum err e,
             const char *detail)
{
	static const struct route none = {.method = "", .path = ""};
	struct req r;

	req_init(&r, app, &none, in, out);
	problem_set(&r.problem, e, "%s", detail);
	respond_problem(&r);
	respond_header(&r, "Connection", "close");
	finish(&r);
	return NULL;
}

/* The bytes of the header fields as sent: "Name: value" and CRLF each. */
static size_t
header_bytes(const struct _u_map *headers)
{
	const char **keys = u_map_enum_keys(headers);
	size_t n = 0;

	for (size_t i = 0; keys && keys[i]; i++) {
		const char *v = u_map_get(headers, keys[i]);
		n += strlen(keys[i]) + 4 + (v ? strlen(v) : 0);
	}
	return n;
}

/* HEAD is answered wherever GET is (RFC 9110 9.3.2): libmicrohttpd sends the headers only. */
static bool
method_matches(const char *route_method, const char *verb)
{
	return strcmp(route_method, verb) == 0 ||
	       (strcmp(verb, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

/*
 * Every request comes here: the first route of the table whose method and
 * path match (literal routes come first, so they win over ":param" ones)
 * gets it, with its path parameters; otherwise 404, 405 or an OPTIONS
 * answer. ulfius would try each of the hundred routes itself, splitting the
 * path for each: the largest cost of a request once its token was known.
 */
struct req *
route_request(const struct _u_request *in, struct _u_response *out, const struct router *rt)
{

	if (u_map_get_case(in->map_header, "Transfer-Encoding") != NULL &&
	    u_map_get_case(in->map_header, "Content-Length") != NULL)
		return refuse_early(in, out, rt->app, ERR_MALFORMED,
		                    "a request may not carry both Content-Length and Transfer-Encoding");
	if (strlen(in->http_url) > rt->app->cfg.max_uri_bytes)
		return refuse_early(in, out, rt->app, ERR_URI_TOO_LONG,
		                    "the request target is longer than this service takes (MAX_URI_BYTES)");
	if (header_bytes(in->map_header) > rt->app->cfg.max_header_bytes)
		return refuse_early(in, out, rt->app, ERR_HEADERS_TOO_LARGE,
		                    "the header fields are larger than this service takes (MAX_HEADER_BYTES)");
	for (size_t i = 0; i < routes_count; i++) {
		if (!method_matches(routes[i].method, in->http_verb) ||
		    !path_matches(routes[i].path, in->url_path))
			continue;
		if (!take_params(routes[i].path, in->url_path, in->map_url))
			break;
		return dispatch(in, out, &rt->bindings[i]);
	}
	return fallback(in, out, rt->app);
}

static struct req *
fallback(const struct _u_request *in, struct _u_response *out, struct app *app)
{
	static const struct route none = {.method = "", .path = ""};
	char allow[128] = "";
	size_t used = 0;
	struct req r;

	req_init(&r, app, &none, in, out);
	for (size_t i = 0; i < routes_count; i++)
		if (path_matches(routes[i].path, in->url_path) && used < sizeof allow)
			used += (size_t)snprintf(allow + used, sizeof allow - used, "%s%s%s",
			                         used ? ", " : "", routes[i].method,
			                         strcmp(routes[i].method, "GET") == 0 ? ", HEAD" : "");
	if (used > 0 && strcmp(in->http_verb, "OPTIONS") == 0) {
		respond_empty(&r, 204);
		respond_header(&r, "Allow", allow);
		if (req_header(&r, "Origin")) {
			respond_header(&r, "Access-Control-Allow-Methods", allow);
			respond_header(&r, "Access-Control-Allow-Headers",
			               "Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id");
			respond_header(&r, "Access-Control-Max-Age", "600");
		}
	} else if (used > 0) {
		problem_set(&r.problem, ERR_METHOD_NOT_ALLOWED, "%s is not allowed here; use %s",
		            in->http_verb, allow);
		respond_problem(&r);
		respond_header(&r, "Allow", allow);
	} else {
		problem_set(&r.problem, ERR_NOT_FOUND, "no such route");
		respond_problem(&r);
	}
	finish(&r);
	return NULL;
}

/* Let a file descriptor per connection through, and some for the pool and logs. */

struct router *
router_new(struct app *app)
{
	struct router *rt = calloc(1, sizeof *rt);

	if (rt == NULL || (rt->bindings = calloc(routes_count, sizeof *rt->bindings)) == NULL) {
		free(rt);
		return NULL;
	}
	rt->app = app;
	for (size_t i = 0; i < routes_count; i++) {
		rt->bindings[i].app = app;
		rt->bindings[i].route = &routes[i];
	}
	return rt;
}

void
router_free(struct router *rt)
{
	if (rt == NULL)
		return;
	free(rt->bindings);
	free(rt);
}
