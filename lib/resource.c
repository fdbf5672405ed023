/*
 * resource.c
 *    This module implements the generic create, read, patch and delete of
 *    a resource described by a struct resource_def (lists are list.c,
 *    scope and the built statements scope.c, state changes action.c).
 */
#include "resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cursor.h"
#include "date.h"

void
doc_free(struct doc *d)
{
	if (d == NULL)
		return;
	free(d->body);
	memset(d, 0, sizeof *d);
}

void
page_free(struct page *pg)
{
	if (pg == NULL)
		return;
	free(pg->body);
	free(pg->next_cursor);
	memset(pg, 0, sizeof *pg);
}

bool
expected_allows(const struct expected_version *e, int version)
{
	if (e == NULL || e->any)
		return true;
	for (int i = 0; i < e->n; i++)
		if (e->versions[i] == version)
			return true;
	return false;
}

enum err
resource_key(const struct resource_def *def, const char *raw, char out[24], struct problem *p)
{
	long long v;

	if (raw == NULL || strlen(raw) > 19 || raw[0] == '-' ||
	    !parse_int(raw, def->key_min, def->key_max, &v)) {
		if (def->key_max == 999999)
			problem_field(p, IN_PATH, def->key_field, "format", "must be 6 digits");
		else
			problem_field(p, IN_PATH, def->key_field, "format", "must be a positive whole number");
		return problem_set(p, ERR_MALFORMED, "the %s in the path is not valid", def->key_field);
	}
	snprintf(out, 24, "%lld", v);
	return ERR_OK;
}

const struct constraint_def *
resource_constraint(const struct resource_def *def, const char *name)
{
	for (size_t i = 0; i < def->nconstraints; i++)
		if (strcmp(def->constraints[i].name, name) == 0)
			return &def->constraints[i];
	return NULL;
}

/* Name the field behind a violated constraint, if the def knows it. */
static void
blame_constraint(const struct resource_def *def, struct problem *p)
{
	const struct constraint_def *cd = resource_constraint(def, p->constraint);

	if (cd) {
		problem_field(p, IN_BODY, cd->field, cd->code, "%s", cd->message);
		snprintf(p->detail, sizeof p->detail, "%s %s", cd->field, cd->message);
		return;
	}
	problem_field(p, IN_BODY, "body", "rule", "breaks a rule of the register (%s)",
	              p->constraint[0] ? p->constraint : "unnamed");
}

enum err
resource_write_failed(const struct resource_def *def, enum err e, struct problem *p)
{
	if (strcmp(p->sqlstate, "23503") == 0)
		p->err = e = ERR_VALIDATION;
	if (e == ERR_CONFLICT || e == ERR_VALIDATION)
		blame_constraint(def, p);
	return e;
}

enum err
resource_load_facts(struct db_conn *c, const struct resource_def *def, struct record *rec, struct problem *p)
{
	int i = def->facts_field ? fields_index(def->fields, def->facts_field) : -1;
	const char *v[1];
	PGresult *res = NULL;
	enum err e;

	if (c == NULL || def->facts == NULL || i < 0 || rec->val[i] == NULL)
		return ERR_OK;
	v[0] = rec->val[i];
	if ((e = db_exec(c, def->facts, 1, v, &res, p)) != ERR_OK)
		return e;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		rec->facts = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return ERR_OK;
}

enum err
resource_validate(struct db_conn *c, const struct resource_def *def, const json_t *body,
                  enum record_mode mode, struct record *rec, struct problem *p)
{
	enum err e = record_from_json(def->fields, body, mode, rec, p), f;

	/* Rules across fields run on what is valid, so that every fault is listed at once. */
	if (e != ERR_OK && e != ERR_VALIDATION)
		return e;
	if ((f = resource_load_facts(c, def, rec, p)) != ERR_OK)
		return f;
	if (def->derive && !def->derive(rec))
		return problem_set(p, ERR_INTERNAL, "out of memory");
	if (def->check == NULL)
		return e;
	def->check(rec, p);
	if (problem_count(p) > 0)
		return problem_set(p, ERR_VALIDATION, "the %s breaks a rule", def->noun);
	return ERR_OK;
}

/* One record by a built statement: its parameters, then `after` (nafter of them). */
static enum err
read_one(struct db_conn *c, const struct resource_def *def, enum stmt_kind kind,
         const struct actor *who, const char *as_of, const char *key, const char *const *after,
         int nafter, struct doc *out, struct problem *p)
{
	const struct db_stmt *st = resource_stmt(def, kind, &who->scope);
	struct scope_values sv;
	const char *v[16];
	PGresult *res = NULL;
	enum err e;
	int n;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	n = resource_stmt_params(def, &who->scope, as_of, key, &sv, v);
	for (int i = 0; i < nafter; i++)
		v[n++] = after[i];
	if ((e = db_exec(c, st, n, v, &res, p)) != ERR_OK)
		return e;
	e = resource_doc_of(def, key, res, out, p);
	PQclear(res);
	return e;
}

enum err
resource_doc_of(const struct resource_def *def, const char *key, const PGresult *res,
                struct doc *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	if (PQntuples(res) == 0)
		return problem_set(p, ERR_NOT_FOUND, "no %s %s", def->noun, key);
	out->version = atoi(PQgetvalue(res, 0, 0));
	out->body = strdup(PQgetvalue(res, 0, 1));
	snprintf(out->key, sizeof out->key, "%s", key);
	return out->body ? ERR_OK : problem_set(p, ERR_INTERNAL, "out of memory");
}

enum err
resource_fetch(struct db_conn *c, const struct resource_def *def, const struct actor *who,
               const char *key, struct doc *out, struct problem *p)
{
	return read_one(c, def, STMT_GET, who, who->as_of, key, NULL, 0, out, p);
}

enum err
resource_record(struct db_conn *c, const struct resource_def *def, const struct actor *who,
                const char *key, const char *action, const char *before, struct doc *out,
                struct problem *p)
{
	const char *audit[] = {who->audit.subject, role_name(who->audit.role), who->audit.issuer,
	                       def->resource, key, action, who->audit.request_id, before};

	/* A write's record is as of today, whatever date its caller reads at. */
	return read_one(c, def, STMT_RECORD, who, NULL, key, audit, 8, out, p);
}

char *
doc_with_field(const char *doc, const char *name, const char *value)
{
	json_t *o = json_loads(doc, 0, NULL);
	char *text = NULL;

	if (o && json_object_set_new(o, name, json_string(value)) == 0)
		text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}

int
doc_la_code(const char *doc, const char *field)
{
	json_t *o = field && doc ? json_loads(doc, 0, NULL) : NULL;
	int code = (int)json_integer_value(json_object_get(o, field));

	json_decref(o);
	return code;
}

enum err
resource_audit_removed(struct db_conn *c, const struct resource_def *def, const struct actor *who,
                       const char *key, const char *action, const char *before, struct problem *p)
{
	json_t *doc = json_loads(before, 0, NULL);
	json_t *changes = doc ? json_pack("{s:o, s:n}", "before", doc, "after") : NULL;
	enum err e;

	if (changes == NULL)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	e = audit_write(c, &who->audit, def->resource, key, action, changes,
	                (int)json_integer_value(json_object_get(doc, def->la_field ? def->la_field : "")),
	                p);
	json_decref(changes);
	return e;
}

enum err
resource_made(struct db_conn *c, const struct resource_def *def, const struct actor *who,
              const char *key, const char *action, struct doc *out, struct problem *p)
{
	return resource_record(c, def, who, key, action, NULL, out, p);
}

enum err
resource_audit_read(struct db_conn *c, const struct resource_def *def, const struct actor *who,
                    const char *key, const char *doc, struct problem *p)
{
	return audit_write(c, &who->audit, def->resource, key, "read", NULL, doc_la_code(doc, def->la_field), p);
}

enum err
resource_get(struct db_conn *c, const struct resource_def *def, const struct actor *who,
             const char *key, struct doc *out, struct problem *p)
{
	enum err e = resource_fetch(c, def, who, key, out, p);

	/* A private record's every read is on the audit trail. */
	if (e == ERR_OK && def->private_to && (e = resource_audit_read(c, def, who, key, out->body, p)) != ERR_OK)
		doc_free(out);
	return e;
}

static const struct db_stmt GROUP_LA = {"group_la",
	"SELECT l.code FROM school_group g JOIN local_authority l ON l.id = g.la_id "
	"WHERE g.id = $1::bigint"};

/*
 * A reference to a record the caller cannot reach: the same 422 as a
 * reference to no record at all, in the words the def uses for its
 * foreign key, so that the answer tells nothing of another LA's records.
 */
static enum err
unreachable_reference(const struct resource_def *def, const char *field, struct problem *p)
{
	const char *message = "does not name an existing record";

	for (size_t i = 0; i < def->nconstraints; i++)
		if (strcmp(def->constraints[i].field, field) == 0 &&
		    strcmp(def->constraints[i].code, "reference") == 0) {
			message = def->constraints[i].message;
			break;
		}
	problem_field(p, IN_BODY, field, "reference", "%s", message);
	return problem_set(p, ERR_VALIDATION, "%s %s", field, message);
}

/*
 * A field only the LA's own callers set (an override of a rule): given a
 * value by anyone else (a chair, a school, a viewer) it is 403, naming it.
 */
static enum err
check_la_only(const struct resource_def *def, const struct actor *who, const struct record *rec,
              struct problem *p)
{
	bool la_caller = (who->audit.role == ROLE_ADMIN || who->audit.role == ROLE_OFFICER) &&
	                 who->scope.group_id == 0 && who->scope.school_urn == 0;

	for (size_t i = 0; i < def->fields->n && !la_caller; i++)
		if ((def->fields->fields[i].flags & F_LA_ONLY) && rec->set[i] && rec->val[i]) {
			problem_field(p, IN_BODY, def->fields->fields[i].name, "forbidden",
			              "only the LA's admins and officers may set it");
			return problem_set(p, ERR_FORBIDDEN, "only the LA's admins and officers may set %s",
			                   def->fields->fields[i].name);
		}
	return ERR_OK;
}

/*
 * A scoped caller creates only inside its scope: an LA's caller for that
 * LA (the record's LA field, or its group's LA), a group's caller for that
 * group; a school's caller creates nothing. A group or parent record of
 * another LA is answered as one that does not exist.
 */
static enum err
check_create_scope(struct db_conn *c, const struct resource_def *def, const struct actor *who,
                   const struct record *rec, struct problem *p)
{
	int li = def->la_field ? fields_index(def->fields, def->la_field) : -1;
	int gi = def->group_field ? fields_index(def->fields, def->group_field) : -1;
	int pi = def->parent_field ? fields_index(def->fields, def->parent_field) : -1;
	int ri = def->region_field ? fields_index(def->fields, def->region_field) : -1;
	const char *group = gi >= 0 ? rec->val[gi] : NULL;
	const char *region = ri >= 0 ? rec->val[ri] : NULL;
	char parent_group[24] = "", parent_la[16] = "", parent_region[24] = "";

	/* A record under a parent (an evaluation under an allocation) takes the parent's scope. */
	if (pi >= 0 && rec->val[pi] && def->parent_scope) {
		const char *v[] = {rec->val[pi]};
		PGresult *res = NULL;
		enum err e = db_exec(c, def->parent_scope, 1, v, &res, p);
		bool found;
		if (e != ERR_OK)
			return e;
		found = PQntuples(res) == 1;
		if (found) {
			snprintf(parent_la, sizeof parent_la, "%s", PQgetvalue(res, 0, 0));
			snprintf(parent_group, sizeof parent_group, "%s", PQgetvalue(res, 0, 1));
			if (parent_group[0])   /* a parent kept by no group: the record's own group */
				group = parent_group;
			if (PQnfields(res) > 2) {
				snprintf(parent_region, sizeof parent_region, "%s", PQgetvalue(res, 0, 2));
				region = parent_region[0] ? parent_region : NULL;
			}
		}
		PQclear(res);
		if (!found)
			return ERR_OK;   /* no such parent: the insert says so */
	}
	/* A region's caller creates the region's own records, and only those. */
	if (who->scope.region_id && def->region_writes) {
		if (region && atoll(region) == who->scope.region_id)
			return ERR_OK;
		if (region)   /* another region's, or a parent of another region's */
			return unreachable_reference(def, ri >= 0 ? def->region_field : def->parent_field, p);
		return problem_set(p, ERR_FORBIDDEN, "you may create a %s only for region %lld", def->noun,
		                   who->scope.region_id);
	}
	if (who->scope.school_urn || who->scope.region_id)
		return problem_set(p, ERR_FORBIDDEN, "a %s's account cannot create a %s",
		                   who->scope.school_urn ? "school" : "region", def->noun);
	/* A region's record is made by the region's callers (and admins): not by a member LA's. */
	if (region && (who->scope.la_code || who->scope.group_id))
		return problem_set(p, ERR_FORBIDDEN, "a %s of a region is made by the region's own callers", def->noun);
	if (who->scope.group_id && (group == NULL || atoll(group) != who->scope.group_id))
		return problem_set(p, ERR_FORBIDDEN, "you may create a %s only for group %lld", def->noun,
		                   who->scope.group_id);
	if (who->scope.la_code == 0)
		return ERR_OK;
	if (parent_la[0]) {
		if (atoi(parent_la) == who->scope.la_code)
			return ERR_OK;
		return unreachable_reference(def, def->parent_field, p);
	} else if (li >= 0) {
		if (rec->val[li] && atoi(rec->val[li]) == who->scope.la_code)
			return ERR_OK;
	} else if (group) {
		const char *v[] = {group};
		PGresult *res = NULL;
		enum err e = db_exec(c, &GROUP_LA, 1, v, &res, p);
		bool mine = e == ERR_OK && (PQntuples(res) == 0 ||   /* no such group: the insert says so */
		                            atoi(PQgetvalue(res, 0, 0)) == who->scope.la_code);
		PQclear(res);
		if (e != ERR_OK)
			return e;
		if (mine)
			return ERR_OK;
		return unreachable_reference(def, def->group_field, p);
	}
	return problem_set(p, ERR_FORBIDDEN, "you may create a %s only for local authority %d",
	                   def->noun, who->scope.la_code);
}

enum err
resource_create(struct db_conn *c, const struct resource_def *def, const json_t *body,
                const struct actor *who, const char *const *extra, int nextra,
                struct doc *out, struct problem *p)
{
	struct record rec = {0};
	const char *params[RECORD_MAX + 8];
	PGresult *res = NULL;
	char key[24];
	enum err e;
	int n = (int)def->fields->n;

	memset(out, 0, sizeof *out);
	if ((e = resource_validate(c, def, body, RECORD_CREATE, &rec, p)) != ERR_OK)
		goto out;
	if ((e = check_create_scope(c, def, who, &rec, p)) != ERR_OK ||
	    (e = check_la_only(def, who, &rec, p)) != ERR_OK)
		goto out;
	for (int i = 0; i < n; i++)
		params[i] = rec.val[i];
	if (def->private_to)   /* its writer, the one caller but admins who reaches it */
		params[n++] = who->audit.subject;
	for (int i = 0; i < nextra && i < 7; i++)
		params[n + i] = extra[i];
	if ((e = db_exec(c, def->insert, n + nextra, params, &res, p)) != ERR_OK) {
		e = resource_write_failed(def, e, p);
		goto out;
	}
	if (PQntuples(res) != 1) {
		e = unreachable_reference(def, def->insert_miss_field, p);
		goto out;
	}
	snprintf(key, sizeof key, "%s", PQgetvalue(res, 0, 0));
	e = resource_made(c, def, who, key, "create", out, p);
out:
	if (e != ERR_OK)
		doc_free(out);
	PQclear(res);
	record_clear(&rec);
	return e;
}

/*
 * Lock the row (in scope) and read it in one statement: check its version,
 * load its fields into rec and its representation into doc, each if given.
 */
enum err
resource_lock(struct db_conn *c, const struct resource_def *def, const struct actor *who,
              const char *key, const struct expected_version *expect, struct record *rec,
              struct doc *doc,
              struct problem *p)
{
	const struct db_stmt *st = resource_stmt(def, STMT_LOCK, &who->scope);
	struct scope_values sv;
	const char *v[2 + SCOPE_PARAMS_MAX];
	PGresult *res = NULL;
	enum err e;
	int version;

	if (st == NULL)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	if ((e = db_exec(c, st, resource_stmt_params(def, &who->scope, NULL, key, &sv, v), v, &res,
	                 p)) != ERR_OK)
		return e;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return problem_set(p, ERR_NOT_FOUND, "no %s %s", def->noun, key);
	}
	version = atoi(PQgetvalue(res, 0, 0));
	if (!expected_allows(expect, version)) {
		PQclear(res);
		return problem_set(p, ERR_PRECONDITION_FAILED,
		                   "the %s has changed: its current version is %d", def->noun, version);
	}
	e = rec ? record_load(def->fields, res, 0, 2, rec) : ERR_OK;
	if (e == ERR_OK && doc) {
		doc->version = version;
		snprintf(doc->key, sizeof doc->key, "%s", key);
		if ((doc->body = strdup(PQgetvalue(res, 0, 1))) == NULL)
			e = ERR_INTERNAL;
	}
	PQclear(res);
	return e == ERR_OK ? ERR_OK : problem_set(p, ERR_INTERNAL, "out of memory");
}

enum err
resource_patch(struct db_conn *c, const struct resource_def *def, const struct actor *who,
               const char *key, const struct expected_version *expect, const json_t *patch,
               struct doc *out,
               struct problem *p)
{
	struct record rec = {0};
	struct doc before = {0};
	const char *params[RECORD_MAX + 1];
	PGresult *res = NULL;
	enum err e;

	memset(out, 0, sizeof *out);
	if ((e = resource_lock(c, def, who, key, expect, &rec, &before, p)) != ERR_OK)
		goto out;
	if ((e = resource_validate(c, def, patch, RECORD_PATCH, &rec, p)) != ERR_OK ||
	    (e = check_la_only(def, who, &rec, p)) != ERR_OK)
		goto out;
	if (!record_any_set(def->fields, &rec)) {
		*out = before;   /* nothing to change: the record as it is */
		memset(&before, 0, sizeof before);
		goto out;
	}
	{
		params[0] = key;
		for (size_t i = 0; i < def->fields->n; i++)
			params[i + 1] = rec.val[i];
		if ((e = db_exec(c, def->update, (int)def->fields->n + 1, params, &res, p)) != ERR_OK) {
			e = resource_write_failed(def, e, p);
			goto out;
		}
	}
	e = resource_record(c, def, who, key, "update", before.body, out, p);
out:
	if (e != ERR_OK)
		doc_free(out);
	doc_free(&before);
	PQclear(res);
	record_clear(&rec);
	return e;
}

enum err
resource_delete(struct db_conn *c, const struct resource_def *def, const struct actor *who,
                const char *key, const struct expected_version *expect, struct problem *p)
{
	const char *v[] = {key};
	struct doc before = {0};
	PGresult *res = NULL;
	enum err e;

	if ((e = resource_lock(c, def, who, key, expect, NULL, &before, p)) != ERR_OK)
		goto out;
	if ((e = db_exec(c, def->del, 1, v, &res, p)) != ERR_OK) {
		if (strcmp(p->sqlstate, "23503") == 0) {
			p->err = ERR_OK;
			e = problem_set(p, ERR_CONFLICT, "%s", def->del_conflict);
		} else {
			e = resource_write_failed(def, e, p);   /* a rule the record's going breaks, named */
		}
		goto out;
	}
	e = resource_audit_removed(c, def, who, key, "delete", before.body, p);
out:
	doc_free(&before);
	PQclear(res);
	return e;
}
