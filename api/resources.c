/*
 * resources.c
 *    The generic handlers of a resource's collection and items: they read
 *    the route's resource_def and leave the work to lib/resource.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/accept.h"
#include "../lib/account.h"
#include "../lib/date.h"
#include "../lib/hash.h"
#include "../lib/register.h"
#include "../lib/idempotency.h"
#include "server.h"


enum err
api_resource_list(struct req *r)
{
	const struct resource_def *def = r->route->def;
	struct db_conn *c;
	struct page pg = {0};
	enum err e;

	static const char *const json_only[] = {"application/json", NULL};
	static const char *const json_or_csv[] = {"application/json", "text/csv", NULL};
	bool has_export = def->csv_columns != NULL;
	int chosen = accept_choose(req_header(r, "Accept"), has_export ? json_or_csv : json_only);

	if (chosen == 1)
		return api_resource_export(r);
	if (chosen < 0)
		return problem_set(&r->problem, ERR_NOT_ACCEPTABLE, "this list is served as application/json%s",
		                   has_export ? " or text/csv" : "");
	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = resource_list(c, def, &r->who, &r->query, &pg, &r->problem)) != ERR_OK)
		return e;
	respond_json(r, 200, pg.body, strlen(pg.body));
	if (pg.next_cursor) {
		/* The next page keeps every filter, in canonical form. */
		char *link = NULL, *acc = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&acc, &n);
		if (f) {
			fprintf(f, "<%s?", r->in->url_path);
			for (size_t i = 0; i < r->query.n; i++) {
				char *k, *v;
				if (strcmp(r->query.items[i].name, "cursor") == 0)
					continue;
				k = query_escape(r->query.items[i].name);
				v = query_escape(r->query.items[i].value);
				if (k && v)
					fprintf(f, "%s=%s&", k, v);
				free(k);
				free(v);
			}
			fprintf(f, "cursor=%s>; rel=\"next\"", pg.next_cursor);
			fclose(f);
			link = acc;
			respond_header(r, "Link", link);
		}
		free(link);
	}
	page_free(&pg);
	return ERR_OK;
}

enum err
api_resource_get(struct req *r)
{
	struct db_conn *c;
	struct doc d;
	char key[24];
	enum err e;

	if ((e = req_key(r, key)) != ERR_OK)
		return e;
	if ((r->who.as_of = query_get(&r->query, "as_of")) != NULL) {
		if (!date_within(r->who.as_of, DATE_QUERY_LAST_YEAR)) {
			problem_field(&r->problem, IN_QUERY, "as_of", "format", QUERY_DATE_MESSAGE);
			return problem_set(&r->problem, ERR_MALFORMED, "as_of is not a date");
		}
	}
	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = resource_get(c, r->route->def, &r->who, key, &d, &r->problem)) != ERR_OK)
		return e;
	respond_doc(r, 200, &d);
	doc_free(&d);
	return ERR_OK;
}

enum err
req_idempotency(struct req *r)
{
	const char *key = req_header(r, "Idempotency-Key");
	const void *parts[] = {"POST ", r->in->url_path, "\n", r->in->binary_body};
	size_t lens[] = {5, strlen(r->in->url_path), 1, r->in->binary_body_length};

	if (key == NULL)
		return ERR_OK;
	if (!idem_key_valid(key)) {
		problem_field(&r->problem, IN_HEADER, "Idempotency-Key", "format",
		              "must be 1 to 200 printable ASCII characters");
		return problem_set(&r->problem, ERR_MALFORMED, "the Idempotency-Key is not valid");
	}
	sha256_hex(r->request_hash, r->in->binary_body ? 4 : 3, parts, lens);
	r->who.idempotency_key = key;
	r->who.request_hash = r->request_hash;
	return ERR_OK;
}

/* Answer a create: 201 with Location and ETag, or the replay of the first answer. */
static void
respond_created(struct req *r, int status, const char *location, const struct doc *d)
{
	if (location)
		respond_header(r, "Location", location);
	if (d->version > 0) {
		respond_doc(r, status, d);
	} else {
		/* A replay answers the stored body; its ETag comes from its version. */
		json_t *o = json_loads(d->body, 0, NULL);
		char etag[24];
		respond_json(r, status, d->body, strlen(d->body));
		if (o && json_is_integer(json_object_get(o, "version"))) {
			etag_format((int)json_integer_value(json_object_get(o, "version")), etag);
			respond_header(r, "ETag", etag);
		}
		json_decref(o);
	}
}

enum err
api_resource_create(struct req *r)
{
	struct db_conn *c;
	struct doc d;
	char *location = NULL;
	int status;
	enum err e;

	if ((e = req_idempotency(r)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK)
		return e;
	e = resource_create(c, r->route->def, r->body, &r->who, NULL, 0, &d, &status, &location,
	                    &r->problem);
	if (e != ERR_OK)
		return e;
	respond_created(r, status, location, &d);
	free(location);
	doc_free(&d);
	return ERR_OK;
}

enum err
api_account_create(struct req *r)
{
	struct db_conn *c;
	struct doc d;
	char *location = NULL;
	int status;
	enum err e;

	if ((e = req_idempotency(r)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = account_create(c, &r->who, r->body, &d, &status, &location, &r->problem)) != ERR_OK)
		return e;
	respond_created(r, status, location, &d);
	free(location);
	doc_free(&d);
	return ERR_OK;
}

/*
 * This replica knows at once what its own change did to the account's
 * tokens; the others hear it from the database's notification.
 */
static void
account_refresh(struct req *r, struct db_conn *c, const char *key)
{
	struct problem ignored = {0};
	bool revoked, found;
	int gen;

	if (account_state_read(c, atoll(key), &gen, &revoked, &found, &ignored) == ERR_OK && found)
		account_states_put(r->app->accounts, atoll(key), gen, revoked);
	problem_clear(&ignored);
}

/* rotate and revoke: an action on one account. */
static enum err
account_action(struct req *r, enum err (*act)(struct db_conn *, const struct actor *,
                                              const char *, const char *, struct doc *,
                                              struct problem *))
{
	const char *im;
	struct db_conn *c;
	struct doc d;
	char key[24];
	enum err e;

	if ((e = req_target(r, key, &im, &c)) != ERR_OK)
		return e;
	if ((e = act(c, &r->who, key, im, &d, &r->problem)) != ERR_OK)
		return e;
	account_refresh(r, c, key);
	respond_doc(r, 200, &d);
	doc_free(&d);
	return ERR_OK;
}

enum err
api_account_rotate(struct req *r)
{
	return account_action(r, account_rotate);
}

enum err
api_account_revoke(struct req *r)
{
	return account_action(r, account_revoke);
}

/* A merge patch of the route's resource; `then` (may be NULL) runs after it succeeded. */
static enum err
patch(struct req *r, void (*then)(struct req *, struct db_conn *, const char *))
{
	const char *im;
	struct db_conn *c;
	struct doc d;
	char key[24];
	enum err e;

	if ((e = req_target(r, key, &im, &c)) != ERR_OK)
		return e;
	if ((e = resource_patch(c, r->route->def, &r->who, key, im, r->body, &d, &r->problem)) != ERR_OK)
		return e;
	if (then)
		then(r, c, key);
	respond_doc(r, 200, &d);
	doc_free(&d);
	return ERR_OK;
}

enum err
api_resource_patch(struct req *r)
{
	return patch(r, NULL);
}

/* A change of role or scope ends the account's tokens. */
enum err
api_account_patch(struct req *r)
{
	return patch(r, account_refresh);
}

enum err
api_resource_delete(struct req *r)
{
	const char *im;
	struct db_conn *c;
	char key[24];
	enum err e;

	if ((e = req_target(r, key, &im, &c)) != ERR_OK)
		return e;
	if ((e = resource_delete(c, r->route->def, &r->who, key, im, &r->problem)) != ERR_OK)
		return e;
	respond_empty(r, 204);
	return ERR_OK;
}
