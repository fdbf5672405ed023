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
	/* service accounts (their client ids, roles, scopes, logins) and references (private to
	 * their writer) are for admins only */
	.admin_only_unless = "e.resource NOT IN ('service-account', 'reference')",
	.scope_la = "e.la_code = $%d::integer",
	/* a school's or a group's account sees no audit trail */
	.scope_school = "false AND $%d::integer IS NOT NULL",
	.scope_group = "false AND $%d::bigint IS NOT NULL",
	.filters = audit_filters,
	.nfilters = sizeof audit_filters / sizeof audit_filters[0],
	.sorts = audit_sorts,
	.nsorts = sizeof audit_sorts / sizeof audit_sorts[0],
};
