/*
 * audit.c
 *    This module implements writing audit events (see audit.h).
 */
#include "audit.h"

#include "resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct db_stmt AUDIT_INSERT = {"audit_insert",
	"INSERT INTO audit_event (subject, role, issuer, resource, resource_id, action, request_id, "
	"la_code, changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::integer, $9::jsonb)"};

enum err
audit_write(struct db_conn *c, const struct audit_actor *who, const char *resource,
            const char *resource_id, const char *action, const json_t *changes, int la_code,
            struct problem *p)
{
	char la[16];
	char *text = changes ? json_dumps(changes, JSON_COMPACT | JSON_PRESERVE_ORDER)
	                     : strdup("{\"before\": null, \"after\": null}");
	const char *v[] = {who->subject, role_name(who->role), who->issuer, resource, resource_id,
	                   action, who->request_id, la_code > 0 ? la : NULL, text};
	PGresult *res = NULL;
	enum err e;

	if (text == NULL)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	snprintf(la, sizeof la, "%d", la_code);
	e = db_exec(c, &AUDIT_INSERT, 9, v, &res, p);
	PQclear(res);
	free(text);
	return e;
}

static bool
bookkeeping(const char *key)
{
	return strcmp(key, "updated_at") == 0 || strcmp(key, "version") == 0;
}

json_t *
audit_changes(const char *before_text, const char *after_text)
{
	json_t *before = before_text ? json_loads(before_text, 0, NULL) : NULL;
	json_t *after = after_text ? json_loads(after_text, 0, NULL) : NULL;
	json_t *out = json_object(), *b = NULL, *a = NULL, *v;
	const char *key;

	if (out == NULL)
		goto fail;
	if (before && after) {
		b = json_object();
		a = json_object();
		if (!b || !a)
			goto fail;
		json_object_foreach(after, key, v) {
			json_t *old = json_object_get(before, key);
			if (bookkeeping(key) || (old && json_equal(old, v)))
				continue;
			json_object_set(b, key, old ? old : json_null());
			json_object_set(a, key, v);
		}
	} else {
		b = before ? json_incref(before) : json_null();
		a = after ? json_incref(after) : json_null();
	}
	json_object_set_new(out, "before", b);
	json_object_set_new(out, "after", a);
	json_decref(before);
	json_decref(after);
	return out;
fail:
	json_decref(before);
	json_decref(after);
	json_decref(out);
	json_decref(b);
	json_decref(a);
	return NULL;
}

/* ---- the trail as a list ---------------------------------------------- */

#define AUDIT_DOC                                                                            \
	"json_build_object('id', e.id, 'created_at', api_ts(e.created_at), 'subject', e.subject, " \
	"'role', e.role, 'issuer', e.issuer, 'resource', e.resource, 'resource_id', e.resource_id, " \
	"'action', e.action, 'request_id', e.request_id, 'la_code', e.la_code, 'changes', e.changes)"

static const struct filter_def audit_filters[] = {
	{.name = "resource", .kind = FILTER_TEXT, .sql = "e.resource = $%d", .max = 64},
	{.name = "resource_id", .kind = FILTER_TEXT, .sql = "e.resource_id = $%d", .max = 64},
	{.name = "action", .kind = FILTER_TEXT, .sql = "e.action = $%d", .max = 64},
	{.name = "actor", .kind = FILTER_TEXT, .sql = "e.subject = $%d", .max = 200},
	{.name = "la", .kind = FILTER_INT, .sql = "e.la_code = $%d::integer", .min = 100, .max = 999},
	{.name = "from", .kind = FILTER_TIME, .sql = "e.created_at >= $%d::timestamptz"},
	{.name = "to", .kind = FILTER_TIME, .sql = "e.created_at < $%d::timestamptz"},
};

static const struct sort_def audit_sorts[] = {
	{"-id", "e.id", "bigint", true},
	{"id", "e.id", "bigint", false},
};

const struct resource_def audit_def = {
	.noun = "audit event",
	.resource = "audit-event",
	.path = "/v1/audit-events",
	.key_field = "id",
	.list_doc = AUDIT_DOC,
	.list_from = "audit_event e",
	.key_expr = "e.id",
	.key_type = "bigint",
	/* service accounts (their client ids, roles, scopes, logins) are for admins only */
	.admin_only_unless = "e.resource <> 'service-account'",
	.scope_la = "e.la_code = $%d::integer",
	/* a school's or a group's account sees no audit trail */
	.scope_school = "false AND $%d::integer IS NOT NULL",
	.scope_group = "false AND $%d::bigint IS NOT NULL",
	.filters = audit_filters,
	.nfilters = sizeof audit_filters / sizeof audit_filters[0],
	.sorts = audit_sorts,
	.nsorts = sizeof audit_sorts / sizeof audit_sorts[0],
};
