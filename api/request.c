/*
 * request.c
 *    This module implements what handlers read a request and answer it
 *    through (request.h), and the checks of a request's body and query
 *    that dispatch makes before a handler runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../http/accept.h"
#include "../http/etag.h"
#include "../lib/date.h"
#include "../lib/hash.h"
#include "dispatch.h"

enum err
req_key(struct req *r, char key[24])
{
	const struct resource_def *def = r->route->def;
	return resource_key(def, req_param(r, def->key_field), key, &r->problem);
}

enum err
req_later(struct req *r, const struct db_stmt *st, int n, const char *const *vals,
          enum err (*then)(struct req *r, const PGresult *res))
{
	if (!pipeline_query_set(&r->later, st, n, vals))
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	r->later.p = &r->problem;
	r->then = then;
	return ERR_OK;
}

enum err
req_target(struct req *r, char key[24], struct expected_version *expect, struct db_conn **c)
{
	enum err e;

	if ((e = req_key(r, key)) != ERR_OK || (e = req_if_match(r, expect)) != ERR_OK)
		return e;
	return req_db(r, c);
}

enum err
req_if_match(struct req *r, struct expected_version *out)
{
	const char *h = req_header(r, "If-Match");

	if (h == NULL || *h == '\0')
		return problem_set(&r->problem, ERR_PRECONDITION_REQUIRED,
		                   "send If-Match with the ETag you last read");
	if_match_parse(h, out);
	return ERR_OK;
}

const char *
req_param(const struct req *r, const char *name)
{
	return u_map_get(r->in->map_url, name);
}

const char *
req_header(const struct req *r, const char *name)
{
	return u_map_get_case(r->in->map_header, name);
}

void
respond_header(struct req *r, const char *name, const char *value)
{
	u_map_put(r->out->map_header, name, value);
}

size_t
json_in_welsh(json_t *o)
{
	size_t n = 0, i;
	const char *k;
	json_t *v;

	if (json_is_array(o)) {
		json_array_foreach(o, i, v)
			n += json_in_welsh(v);
	} else if (json_is_object(o)) {
		json_object_foreach(o, k, v) {
			size_t len = strlen(k);
			char base[128];

			n += json_in_welsh(v);
			if (len > 3 && len < sizeof base && strcmp(k + len - 3, "_cy") == 0 && json_is_string(v)) {
				memcpy(base, k, len - 3);
				base[len - 3] = '\0';
				if (json_is_string(json_object_get(o, base)) &&
				    json_object_set(o, base, v) == 0)   /* replaces a member: the iteration goes on */
					n++;
			}
		}
	}
	return n;
}

void
etag_of(int version, const char *body, size_t len, char out[ETAG_MAX])
{
	const void *parts[] = {body};
	char digest[65];

	sha256_hex(digest, 1, parts, &len);
	etag_format(version, digest, out);
}

/*
 * Answer body (JSON) with status; in Welsh where it is given and asked for.
 * tagged: with its ETag (of version, 0 for a page), and for a GET whose
 * If-None-Match holds it, 304 and no body instead.
 */
static void
respond_body(struct req *r, int status, const char *body, size_t len, bool tagged, int version)
{
	static const char *const languages[] = {"en", "cy", NULL};
	char *welsh = NULL, etag[ETAG_MAX];

	/* A success asked for in Welsh (Accept-Language: cy) answers the Welsh where it is given. */
	if (status < 300 && accept_language(req_header(r, "Accept-Language"), languages) == 1) {
		json_t *o = json_loadb(body, len, JSON_DECODE_ANY, NULL);

		if (o && json_in_welsh(o) > 0 && (welsh = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) != NULL) {
			body = welsh;
			len = strlen(welsh);
		}
		json_decref(o);
	}
	respond_header(r, "Vary", "Accept-Language");
	if (tagged) {
		etag_of(version, body, len, etag);
		respond_header(r, "ETag", etag);
		if (status == 200 && strcmp(r->in->http_verb, "GET") == 0 &&
		    if_none_match(req_header(r, "If-None-Match"), etag)) {
			free(welsh);
			respond_empty(r, 304);
			return;
		}
	}
	ulfius_set_binary_body_response(r->out, (unsigned int)status, body, len);
	free(welsh);
	respond_header(r, "Content-Type", "application/json; charset=utf-8");
	respond_header(r, "Content-Language", welsh ? "cy" : "en");
	r->status = status;
}

void
respond_json(struct req *r, int status, const char *body, size_t len)
{
	respond_body(r, status, body, len, false, 0);
}

void
respond_doc(struct req *r, int status, const struct doc *d)
{
	respond_body(r, status, d->body, strlen(d->body), true, d->version);
}

void
respond_page(struct req *r, const char *body)
{
	respond_body(r, 200, body, strlen(body), true, 0);
}

void
respond_created(struct req *r, const struct resource_def *def, const struct doc *d)
{
	char *location = NULL;

	if (asprintf(&location, "%s/%s", def->path, d->key) >= 0) {
		respond_header(r, "Location", location);
		free(location);
	}
	respond_doc(r, 201, d);
}

void
respond_empty(struct req *r, int status)
{
	ulfius_set_empty_body_response(r->out, (unsigned int)status);
	r->status = status;
}

static bool
media_type_is(const char *header, const char *want)
{
	size_t n = strlen(want);

	if (header == NULL || strncasecmp(header, want, n) != 0)
		return false;
	return header[n] == '\0' || header[n] == ';' || header[n] == ' ';
}

enum err
req_read_body(struct req *r)
{
	const char *ct = req_header(r, "Content-Type");
	const char *cl = req_header(r, "Content-Length");
	size_t max = r->route->body == BODY_CSV ? r->app->cfg.import_max_body : r->app->cfg.max_body;
	long long declared;
	json_error_t jerr;

	if (cl && parse_int(cl, 0, 9223372036854775807LL, &declared) && (size_t)declared > max)
		return problem_set(&r->problem, ERR_TOO_LARGE,
		                   "the body is %lld bytes; this route takes at most %zu", declared, max);
	if (r->in->binary_body_length > max)
		return problem_set(&r->problem, ERR_TOO_LARGE, "the body is larger than %zu bytes", max);
	if (r->route->body == BODY_CSV) {
		if (!media_type_is(ct, "text/csv"))
			return problem_set(&r->problem, ERR_UNSUPPORTED_MEDIA,
			                   "send the extract as Content-Type: text/csv");
		return ERR_OK;
	}
	{
		/* JSON and forms are UTF-8 here; a body in another charset would be stored mangled. */
		char charset[32];
		bool named = media_type_param(ct, "charset", charset, sizeof charset);
		if ((named && strcasecmp(charset, "utf-8") != 0) ||
		    (!named && ct && strcasestr(ct, "charset") != NULL))
			return problem_set(&r->problem, ERR_UNSUPPORTED_MEDIA,
			                   "send the body in UTF-8 (charset=utf-8, or no charset)");
	}
	if (r->route->body == BODY_FORM && media_type_is(ct, "application/x-www-form-urlencoded"))
		return ERR_OK;   /* the handler reads the form */
	if (!media_type_is(ct, "application/json") &&
	    !(strcmp(r->route->method, "PATCH") == 0 &&
	      media_type_is(ct, "application/merge-patch+json")))
		return problem_set(&r->problem, ERR_UNSUPPORTED_MEDIA, "send JSON: Content-Type: %s",
		                   strcmp(r->route->method, "PATCH") == 0
		                       ? "application/merge-patch+json or application/json"
		                       : "application/json");
	r->body = json_loadb(r->in->binary_body ? r->in->binary_body : "",
	                     r->in->binary_body_length, JSON_REJECT_DUPLICATES, &jerr);
	if (r->body == NULL) {
		problem_field(&r->problem, IN_BODY, "body", "format", "is not valid JSON: %s", jerr.text);
		return problem_set(&r->problem, ERR_MALFORMED,
		                   "the body is not valid JSON: %s (line %d, column %d)", jerr.text,
		                   jerr.line, jerr.column);
	}
	if (!json_is_object(r->body)) {
		problem_field(&r->problem, IN_BODY, "body", "type", "must be a JSON object");
		return problem_set(&r->problem, ERR_MALFORMED, "the body must be a JSON object");
	}
	return ERR_OK;
}

enum err
req_check_query(struct req *r)
{
	for (size_t i = 0; i < r->query.n; i++) {
		bool ok = false;
		for (const char *const *q = r->route->query; q && *q && !ok; q++)
			ok = strcmp(*q, r->query.items[i].name) == 0;
		if (!ok)
			problem_field(&r->problem, IN_QUERY, r->query.items[i].name, "unknown",
			              "is not a parameter of this route");
	}
	if (problem_count(&r->problem) > 0)
		return problem_set(&r->problem, ERR_MALFORMED, "the query has unknown parameters");
	return ERR_OK;
}

enum err
req_dry_run(struct req *r, bool *dry_run)
{
	const char *dry = query_get(&r->query, "dry_run");

	if (dry && strcmp(dry, "true") != 0 && strcmp(dry, "false") != 0) {
		problem_field(&r->problem, IN_QUERY, "dry_run", "format", "must be true or false");
		return problem_set(&r->problem, ERR_MALFORMED, "dry_run is not true or false");
	}
	*dry_run = dry && strcmp(dry, "true") == 0;
	return ERR_OK;
}

enum err
req_csv_import(struct req *r, bool *dry_run)
{
	char charset[32];
	enum err e;

	if ((e = req_dry_run(r, dry_run)) != ERR_OK)
		return e;
	if (media_type_param(req_header(r, "Content-Type"), "charset", charset, sizeof charset) &&
	    strcasecmp(charset, "utf-8") != 0)
		return problem_set(&r->problem, ERR_UNSUPPORTED_MEDIA, "the CSV file is read as utf-8");
	return ERR_OK;
}

enum err
respond_import(struct req *r, json_t *report)
{
	if (!json_is_true(json_object_get(report, "applied")) && !json_is_true(json_object_get(report, "dry_run"))) {
		const json_t *f;
		size_t i;

		json_array_foreach(json_object_get(report, "faults"), i, f)
			problem_field(&r->problem, IN_BODY, json_string_value(json_object_get(f, "column")),
			              json_string_value(json_object_get(f, "code")), "line %lld: %s",
			              json_integer_value(json_object_get(f, "line")),
			              json_string_value(json_object_get(f, "message")));
		json_decref(report);
		return problem_set(&r->problem, ERR_VALIDATION, "%zu faults in the file's rows: nothing was imported",
		                   problem_count(&r->problem));
	}
	return respond_object(r, report);
}

enum err
respond_object(struct req *r, json_t *o)
{
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(o);
	if (text == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	respond_json(r, 200, text, strlen(text));
	free(text);
	return ERR_OK;
}

enum err
req_academic_year(struct req *r, const char **out)
{
	char a[11], b[11];

	*out = query_get(&r->query, "academic_year");
	if (academic_year_parse(*out, a, b))
		return ERR_OK;
	problem_field(&r->problem, IN_QUERY, "academic_year", *out ? "format" : "required",
	              "must be an academic year such as 2020/21");
	return problem_set(&r->problem, ERR_MALFORMED, "academic_year is %s", *out ? "not an academic year" : "required");
}

enum err
req_import_into(struct req *r, record_import_fn fn)
{
	struct expected_version any = {.any = true};
	struct db_conn *c;
	struct doc record = {0};
	json_t *report = NULL;
	char key[24];
	bool dry_run;
	enum err e;

	if ((e = req_csv_import(r, &dry_run)) != ERR_OK || (e = req_key(r, key)) != ERR_OK ||
	    (e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = resource_lock(c, r->route->def, &r->who, key, &any, NULL, &record, &r->problem)) == ERR_OK) {
		db_set_deadline(c, IMPORT_DEADLINE_MS);
		e = fn(c, &r->who, key, record.body, r->in->binary_body, r->in->binary_body_length, dry_run, &report,
		       &r->problem);
	}
	doc_free(&record);
	return e == ERR_OK ? respond_import(r, report) : e;
}
