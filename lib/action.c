/*
 * action.c
 *    This module implements the state changes of resources, driven by
 *    each resource_def's table of actions (see resource.h): one engine
 *    serves approve, cancel, submit, accept, return, report, paid,
 *    reverse, rotate and revoke.
 */
#include "resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct action_def *
resource_find_action(const struct resource_def *def, const char *name)
{
	for (size_t i = 0; i < def->nactions; i++)
		if (strcmp(def->actions[i].name, name) == 0)
			return &def->actions[i];
	return NULL;
}

static bool
starts_from(const struct action_def *act, const char *state)
{
	for (const char *const *s = act->from; s && *s; s++)
		if (strcmp(*s, state) == 0)
			return true;
	return false;
}

enum err
action_permits(const struct resource_def *def, const struct action_def *act, const char *state,
               struct problem *p)
{
	char allowed[256] = "";
	size_t used = 0;

	if (state && starts_from(act, state))
		return ERR_OK;
	for (size_t i = 0; i < def->nactions && used < sizeof allowed; i++)
		if (state && starts_from(&def->actions[i], state))
			used += (size_t)snprintf(allowed + used, sizeof allowed - used, "%s%s",
			                         used ? ", " : "", def->actions[i].name);
	return problem_set(p, ERR_CONFLICT, "the %s is %s: %s is not allowed from %s (allowed: %s)%s%s",
	                   def->noun, state ? state : "in no known state", act->name,
	                   state ? state : "it", used ? allowed : "none", act->hint ? "; " : "",
	                   act->hint ? act->hint : "");
}

static const char *
state_of(const struct resource_def *def, const json_t *row)
{
	if (def->state_of)
		return def->state_of(row);
	return json_string_value(json_object_get(row, "status"));
}

/* The locked row as JSON, its state allowing act and act's own rule passed. */
static enum err
check_row(const struct resource_def *def, const struct action_def *act, const char *before,
          const struct record *body, bool *unchanged, struct problem *p)
{
	json_t *row = json_loads(before, 0, NULL);
	enum err e;

	if (row == NULL)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	e = action_permits(def, act, state_of(def, row), p);
	if (e == ERR_OK && act->check)
		e = act->check(row, body, unchanged, p);
	json_decref(row);
	return e;
}

/* The caller may make the change, by the action's guard: else 403 saying why. */
static enum err
guarded(struct db_conn *c, const struct action_def *act, const struct actor *who, const char *key,
        struct problem *p)
{
	const char *v[] = {key, who->audit.subject};
	PGresult *res = NULL;
	enum err e;

	if (act->guard == NULL)
		return ERR_OK;
	if ((e = db_exec(c, act->guard, 2, v, &res, p)) != ERR_OK)
		return e;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		e = problem_set(p, ERR_FORBIDDEN, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return e;
}

/* Run the change: $1 key, the body's fields, the caller's subject, the made value. */
static enum err
change(struct db_conn *c, const struct resource_def *def, const struct action_def *act,
       const struct actor *who, const char *key, const struct record *body,
       const struct made_value *made, PGresult **res, struct problem *p)
{
	const char *params[RECORD_MAX + 3] = {key};
	int n = 1;
	enum err e;

	for (size_t i = 0; act->body && i < act->body->n; i++)
		params[n++] = body->val[i];
	if (act->actor)
		params[n++] = who->audit.subject;
	if (act->make)
		params[n++] = made->param;
	if ((e = db_exec(c, act->change, n, params, res, p)) == ERR_OK)
		return ERR_OK;
	if (act->again && strcmp(p->sqlstate, "23505") == 0) {
		p->err = ERR_OK;
		return problem_set(p, ERR_CONFLICT, "%s", act->again);
	}
	return resource_write_failed(def, e, p);
}

enum err
resource_act(struct db_conn *c, const struct resource_def *def, const struct action_def *act,
             const struct actor *who, const char *key, const struct expected_version *expect,
             const json_t *body, struct doc *out, char shown[64], struct problem *p)
{
	struct record rec = {0};
	struct made_value made = {0};
	struct doc before = {0};
	PGresult *res = NULL;
	bool unchanged = false;
	enum err e = ERR_OK;

	memset(out, 0, sizeof *out);
	shown[0] = '\0';
	/* The body first (422), then the record (404, 412), then its state (409). */
	if (act->body && (e = record_from_json(act->body, body, RECORD_CREATE, &rec, p)) != ERR_OK)
		goto out;
	if ((e = resource_lock(c, def, who, key, expect, NULL, &before, p)) != ERR_OK ||
	    (e = check_row(def, act, before.body, &rec, &unchanged, p)) != ERR_OK)
		goto out;
	if (!unchanged && (e = guarded(c, act, who, key, p)) != ERR_OK)
		goto out;
	if (unchanged) {
		*out = before;
		memset(&before, 0, sizeof before);
		goto out;
	}
	if (act->make && !act->make(&made)) {
		e = problem_set(p, ERR_INTERNAL, "could not make the %s's new values", def->noun);
		goto out;
	}
	if ((e = change(c, def, act, who, key, &rec, &made, &res, p)) != ERR_OK)
		goto out;
	if (act->creates) {
		char made_key[24];
		if (PQntuples(res) != 1) {
			e = problem_set(p, ERR_CONFLICT, "%s", act->refused);
			goto out;
		}
		snprintf(made_key, sizeof made_key, "%s", PQgetvalue(res, 0, 0));
		e = resource_made(c, def, who, made_key, act->audit ? act->audit : act->name, out, p);
	} else {
		e = resource_record(c, def, who, key, act->audit ? act->audit : act->name,
		                    act->forget_before ? NULL : before.body, out, p);
	}
	if (e == ERR_OK)
		memcpy(shown, made.shown, sizeof made.shown);
out:
	if (e != ERR_OK)
		doc_free(out);
	explicit_bzero(made.shown, sizeof made.shown);
	free(made.param);
	doc_free(&before);
	PQclear(res);
	record_clear(&rec);
	return e;
}
