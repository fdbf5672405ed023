/*
 * resources.c
 *    The generic handlers of a resource's collection and items: they read
 *    the route's resource_def and leave the work to lib/resource.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/accept.h"
#include "../http/query_string.h"
#include "../lib/account.h"
#include "../lib/accountstate.h"
#include "../lib/calendar.h"
#include "../lib/date.h"
#include "../lib/register.h"
#include "../lib/webhook.h"
#include "handlers.h"


enum err
api_resource_list(struct req *r)
{
	const struct resource_def *def = r->route->def;
	struct db_conn *c;
	struct page pg = {0};
	enum err e;

	static const char *const json_only[] = {"application/json", NULL};

	/* A list is JSON; its CSV, where it has one, is a path of its own (GET <path>.csv). */
	if (accept_choose(req_header(r, "Accept"), json_only) < 0)
		return problem_set(&r->problem, ERR_NOT_ACCEPTABLE, "this list is served as application/json%s%s%s",
		                   def->csv_columns ? "; as CSV at " : "", def->csv_columns ? def->path : "",
		                   def->csv_columns ? ".csv" : "");
	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = resource_list(c, def, &r->who, &r->query, &pg, &r->problem)) != ERR_OK)
		return e;
	respond_page(r, pg.body);
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

/* The record a read sent without waiting found (get_later), answered as api_resource_get would. */
static enum err
got_record(struct req *r, const PGresult *res)
{
	struct doc d;
	char key[24];
	enum err e;

	if ((e = req_key(r, key)) != ERR_OK ||
	    (e = resource_doc_of(r->route->def, key, res, &d, &r->problem)) != ERR_OK)
		return e;
	respond_doc(r, 200, &d);
	doc_free(&d);
	return ERR_OK;
}

static enum err
get_later(struct req *r, const char *key)
{
	const struct db_stmt *st = resource_stmt(r->route->def, STMT_GET, &r->who.scope);
	struct scope_values sv;
	const char *v[16];
	int n;

	if (st == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	n = resource_stmt_params(r->route->def, &r->who.scope, r->who.as_of, key, &sv, v);
	return req_later(r, st, n, v, got_record);
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
	/* A private record's read goes on the audit trail in the same breath: it waits its turn. */
	if (r->app->pipeline && r->route->def->private_to == NULL)
		return get_later(r, key);
	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = resource_get(c, r->route->def, &r->who, key, &d, &r->problem)) != ERR_OK)
		return e;
	respond_doc(r, 200, &d);
	doc_free(&d);
	return ERR_OK;
}

enum err
api_resource_create(struct req *r)
{
	struct db_conn *c;
	struct doc d;
	enum err e;

	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = resource_create(c, r->route->def, r->body, &r->who, NULL, 0, &d, &r->problem)) != ERR_OK)
		return e;
	respond_created(r, r->route->def, &d);
	doc_free(&d);
	return ERR_OK;
}

/*
 * A value shown once (an account's secret) goes into d's body, for this
 * answer only: a replay of it (Idempotency-Key) answers the record without.
 */
static enum err
show_once(struct req *r, struct doc *d, const char *field, const char *value)
{
	char *shown = doc_with_field(d->body, field, value);

	if (shown == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	free(r->replay_body);
	r->replay_body = d->body;
	d->body = shown;
	return ERR_OK;
}

/* Forget a shown secret once answered: the response holds its own copy. */
static void
doc_free_shown(struct doc *d)
{
	if (d->body)
		explicit_bzero(d->body, strlen(d->body));
	doc_free(d);
}

/*
 * This replica knows at once what its own change did to the account's
 * tokens; the others hear it from the database's notification.
 */
static void
account_refresh(struct req *r)
{
	struct problem ignored = {0};
	const char *key = req_param(r, "id");
	bool revoked, found;
	int gen;

	if (r->db && key &&
	    account_state_read(r->db, atoll(key), &gen, &revoked, &found, &ignored) == ERR_OK && found)
		account_states_put(r->app->accounts, atoll(key), gen, revoked);
	problem_clear(&ignored);
}

enum err
api_account_create(struct req *r)
{
	struct db_conn *c;
	struct doc d;
	char secret[48];
	enum err e;

	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = account_create(c, &r->who, r->body, &d, secret, &r->problem)) != ERR_OK)
		return e;
	if ((e = show_once(r, &d, "client_secret", secret)) == ERR_OK)
		respond_created(r, &account_def, &d);
	explicit_bzero(secret, sizeof secret);
	doc_free_shown(&d);
	return e;
}

/* POST /v1/calendar-feeds: a feed, and the secret address a calendar program reads it at, shown once. */
enum err
api_calendar_feed_create(struct req *r)
{
	struct db_conn *c;
	struct doc d;
	char secret[CALENDAR_SECRET_LEN + 1], url[64];
	enum err e;

	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = calendar_feed_create(c, &r->who, r->body, &d, secret, &r->problem)) != ERR_OK)
		return e;
	snprintf(url, sizeof url, "/v1/calendars/%s", secret);
	if ((e = show_once(r, &d, "url", url)) == ERR_OK)
		respond_created(r, &calendar_feed_def, &d);
	explicit_bzero(secret, sizeof secret);
	explicit_bzero(url, sizeof url);
	doc_free_shown(&d);
	return e;
}

/*
 * POST /v1/webhook-subscriptions: its secret is made here and shown once. A
 * service account that names no account subscribes itself.
 */
enum err
api_webhook_subscription_create(struct req *r)
{
	long long own = account_subject_id(r->who.audit.subject);
	struct db_conn *c;
	struct doc d;
	char secret[WEBHOOK_SECRET_LEN + 1];
	enum err e;

	if (own && json_is_object(r->body) && json_object_get(r->body, "account_id") == NULL &&
	    json_object_set_new(r->body, "account_id", json_integer(own)) != 0)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = webhook_subscription_create(c, &r->who, r->body, &d, secret, &r->problem)) != ERR_OK)
		return e;
	if ((e = show_once(r, &d, "secret", secret)) == ERR_OK)
		respond_created(r, &webhook_subscription_def, &d);
	explicit_bzero(secret, sizeof secret);
	doc_free_shown(&d);
	return e;
}

/*
 * POST <path>/{key}/<action>: the action the route's last segment names,
 * from its resource's table of actions (approve, cancel, submit, accept,
 * return, report, paid, reverse, rotate, revoke).
 */
enum err
api_resource_action(struct req *r)
{
	const struct resource_def *def = r->route->def;
	const struct action_def *act = resource_find_action(def, strrchr(r->route->path, '/') + 1);
	struct expected_version im = {.any = true};
	struct db_conn *c;
	struct doc d;
	char key[24], shown[64];
	enum err e;

	if (act == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "the route %s names no action", r->route->path);
	if ((e = req_key(r, key)) != ERR_OK || (act->if_match && (e = req_if_match(r, &im)) != ERR_OK) ||
	    (e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = resource_act(c, def, act, &r->who, key, &im, r->body, &d, shown, &r->problem)) != ERR_OK)
		return e;
	if (shown[0])
		e = show_once(r, &d, act->show_as, shown);
	if (e == ERR_OK && act->creates)
		respond_created(r, def, &d);
	else if (e == ERR_OK)
		respond_doc(r, 200, &d);
	explicit_bzero(shown, sizeof shown);
	if (def == &account_def)
		r->after_commit = account_refresh;
	doc_free_shown(&d);
	return e;
}

/* A merge patch of the route's resource; `then` (may be NULL) runs once it is committed. */
static enum err
patch(struct req *r, void (*then)(struct req *))
{
	struct expected_version im;
	struct db_conn *c;
	struct doc d;
	char key[24];
	enum err e;

	if ((e = req_target(r, key, &im, &c)) != ERR_OK)
		return e;
	if ((e = resource_patch(c, r->route->def, &r->who, key, &im, r->body, &d, &r->problem)) != ERR_OK)
		return e;
	r->after_commit = then;
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
	struct expected_version im;
	struct db_conn *c;
	char key[24];
	enum err e;

	if ((e = req_target(r, key, &im, &c)) != ERR_OK)
		return e;
	if ((e = resource_delete(c, r->route->def, &r->who, key, &im, &r->problem)) != ERR_OK)
		return e;
	respond_empty(r, 204);
	return ERR_OK;
}
