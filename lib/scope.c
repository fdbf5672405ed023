/*
 * scope.c
 *    This module implements what a caller may reach, written once per
 *    resource: its def's three fragments (scope_la, scope_school,
 *    scope_group, each with one "%d" for its parameter). The same
 *    fragments restrict a list, a CSV export, a read and a lock: the read
 *    and lock statements are built from them here, once per kind of
 *    caller, and prepared on each connection like any other.
 */
#include "resource.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

bool
sql_append(char **sql, const char *fmt, ...)
{
	va_list ap;
	char *frag, *joined;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&frag, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	if (asprintf(&joined, "%s%s", *sql ? *sql : "", frag) < 0) {
		free(frag);
		return false;
	}
	free(frag);
	free(*sql);
	*sql = joined;
	return true;
}

bool
sql_append_fragment(char **sql, const char *frag, int n)
{
	const char *mark;

	if (frag == NULL)   /* a scope the resource has no rule for sees nothing of it */
		return sql_append(sql, " AND false AND $%d::text IS NOT NULL", n);
	mark = strstr(frag, "%d");
	if (mark == NULL)
		return sql_append(sql, " AND %s", frag);
	return sql_append(sql, " AND %.*s%d%s", (int)(mark - frag), frag, n, mark + 2);
}

unsigned
scope_mask(const struct resource_def *def, const struct scope *s)
{
	return (s->la_code ? SCOPE_LA : 0) | (s->school_urn ? SCOPE_SCHOOL : 0) |
	       (s->group_id ? SCOPE_GROUP : 0) | (s->region_id ? SCOPE_REGION : 0) |
	       (def->admin_only_unless && !s->admin ? SCOPE_NOT_ADMIN : 0) |
	       (def->private_to && !s->admin ? SCOPE_OWNER : 0);
}

bool
scope_append(char **sql, const struct resource_def *def, unsigned mask, bool lock, int *next)
{
	bool ok = true;

	/* A record an LA's officers keep (a fund) is locked by no school's or group's caller. */
	if (lock && def->lock_la_only && (mask & (SCOPE_SCHOOL | SCOPE_GROUP | SCOPE_REGION)))
		ok &= sql_append(sql, " AND false");
	if (mask & SCOPE_LA)
		ok &= sql_append_fragment(sql, lock && def->scope_la_lock ? def->scope_la_lock : def->scope_la,
		                          (*next)++);
	if (mask & SCOPE_NOT_ADMIN)
		ok &= sql_append(sql, " AND %s", def->admin_only_unless);
	if (mask & SCOPE_GROUP)
		ok &= sql_append_fragment(sql, def->scope_group, (*next)++);
	if (mask & SCOPE_SCHOOL)
		ok &= sql_append_fragment(sql, def->scope_school, (*next)++);
	if (mask & SCOPE_REGION)
		ok &= sql_append_fragment(sql, def->scope_region, (*next)++);
	if (mask & SCOPE_OWNER)
		ok &= sql_append(sql, " AND %s = $%d::text", def->private_to, (*next)++);
	return ok;
}

int
scope_params(const struct resource_def *def, const struct scope *s, struct scope_values *sv,
             const char **v)
{
	int n = 0;

	/* In the order scope_append numbers them. */
	if (s->la_code) {
		snprintf(sv->text[n], sizeof sv->text[n], "%d", s->la_code);
		v[n] = sv->text[n];
		n++;
	}
	if (s->group_id) {
		snprintf(sv->text[n], sizeof sv->text[n], "%lld", s->group_id);
		v[n] = sv->text[n];
		n++;
	}
	if (s->school_urn) {
		snprintf(sv->text[n], sizeof sv->text[n], "%d", s->school_urn);
		v[n] = sv->text[n];
		n++;
	}
	if (s->region_id) {
		snprintf(sv->text[n], sizeof sv->text[n], "%lld", s->region_id);
		v[n] = sv->text[n];
		n++;
	}
	if (scope_mask(def, s) & SCOPE_OWNER)
		v[n++] = s->subject ? s->subject : "";
	return n;
}

/* ---- the read and lock statements ------------------------------------------ */

#define MASKS 64

struct built {
	const struct resource_def *def;
	struct db_stmt stmt[STMT__COUNT][MASKS];   /* [kind][mask] */
};

static struct built *built;
static size_t nbuilt;
static pthread_once_t built_once = PTHREAD_ONCE_INIT;

/* The record's alias, from its key expression ("s" of "s.urn"). */
static void
alias_of(const struct resource_def *def, char out[16])
{
	size_t n = strcspn(def->key_expr, ".");

	snprintf(out, 16, "%.*s", (int)(n < 15 ? n : 15), def->key_expr);
}

char *
resource_stmt_sql(const struct resource_def *def, enum stmt_kind kind, unsigned mask)
{
	char alias[16], *sql = NULL;
	int next = def->as_of ? 2 : 1;   /* a dated representation reads its date as $1 */
	bool lock = kind == STMT_LOCK, ok;

	alias_of(def, alias);
	ok = sql_append(&sql, "%sSELECT %s.version AS version, %s AS doc%s%s FROM %s WHERE %s = $%d::%s",
	                kind == STMT_RECORD ? "WITH d AS (" : "", alias, def->list_doc,
	                lock && def->load_cols ? ", " : "", lock && def->load_cols ? def->load_cols : "",
	                def->one_from ? def->one_from : def->list_from, def->key_expr, next,
	                def->key_type);
	next++;
	if (ok && def->list_where)
		ok = sql_append(&sql, " AND %s", def->list_where);
	ok = ok && scope_append(&sql, def, mask, lock, &next);
	if (ok && lock)
		ok = sql_append(&sql, " FOR UPDATE OF %s", alias);
	/*
	 * The record as a write left it, and the audit event of the write in the
	 * same statement: its changes made from the document before ($n+7, NULL
	 * for a create) and this one.
	 */
	if (ok && kind == STMT_RECORD) {
		char la[128] = "NULL::integer";
		if (def->la_field)
			snprintf(la, sizeof la, "(d.doc::json ->> '%s')::integer", def->la_field);
		ok = sql_append(&sql, "), a AS (INSERT INTO audit_event (subject, role, issuer, resource, "
		                      "resource_id, action, request_id, la_code, changes) SELECT $%d, $%d, "
		                      "$%d, $%d, $%d, $%d, $%d, %s, audit_changes($%d::jsonb, d.doc::jsonb) "
		                      "FROM d) SELECT d.version, d.doc FROM d",
		                next, next + 1, next + 2, next + 3, next + 4, next + 5, next + 6, la, next + 7);
	}
	if (!ok) {
		free(sql);
		return NULL;
	}
	return sql;
}

static void
build(void)
{
	static const char *const kinds[] = {"get", "lock", "record"};
	size_t n = 0;

	while (resource_defs[n])
		n++;
	if ((built = calloc(n, sizeof *built)) == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct resource_def *def = resource_defs[i];
		built[i].def = def;
		for (int k = 0; k < STMT__COUNT; k++)
			for (unsigned m = 0; m < MASKS; m++) {
				char *name = NULL;
				if (((m & SCOPE_NOT_ADMIN) && !def->admin_only_unless) ||
				    ((m & SCOPE_OWNER) && !def->private_to))
					continue;   /* the same as without the bit */
				if ((m & SCOPE_REGION) && (m & (SCOPE_LA | SCOPE_SCHOOL | SCOPE_GROUP)))
					continue;   /* a region's caller is scoped to nothing else */
				if (asprintf(&name, "%s_%s_%u", def->resource, kinds[k], m) < 0)
					name = NULL;
				built[i].stmt[k][m].name = name;
				built[i].stmt[k][m].sql = resource_stmt_sql(def, (enum stmt_kind)k, m);
				if (name == NULL || built[i].stmt[k][m].sql == NULL) {
					log_msg("error", "start", "out of memory building statements");
					return;
				}
			}
	}
	nbuilt = n;
}

const struct db_stmt *
resource_stmt(const struct resource_def *def, enum stmt_kind kind, const struct scope *s)
{
	unsigned mask = scope_mask(def, s);

	pthread_once(&built_once, build);
	for (size_t i = 0; i < nbuilt; i++)
		if (built[i].def == def)
			return built[i].stmt[kind][mask].sql ? &built[i].stmt[kind][mask] : NULL;
	return NULL;
}

int
resource_stmt_params(const struct resource_def *def, const struct scope *s, const char *as_of,
                     const char *key, struct scope_values *sv, const char **v)
{
	int n = 0;

	if (def->as_of)
		v[n++] = as_of;
	v[n++] = key;
	return n + scope_params(def, s, sv, v + n);
}

/*
 * The statements resource_exec_scoped built: one for each base, kind of
 * caller and lock, named and prepared like the others. Few: three bases
 * (a fund's summary and context, the feed) by eight kinds of caller, so a
 * fixed list with room for twice as many.
 */
#define MAX_SCOPED 64

struct scoped_stmt {
	const char *base;
	unsigned mask;
	bool lock;
	struct db_stmt stmt;
};

static pthread_mutex_t scoped_mu = PTHREAD_MUTEX_INITIALIZER;
static struct scoped_stmt scoped[MAX_SCOPED];
static size_t nscoped;

static const struct db_stmt *
scoped_stmt(const struct resource_def *def, const char *base, const char *suffix, unsigned mask,
            bool lock, int first)
{
	const struct db_stmt *found = NULL;
	char *sql = NULL, *name = NULL;
	int next = first;

	pthread_mutex_lock(&scoped_mu);
	for (size_t i = 0; i < nscoped && found == NULL; i++)
		if (scoped[i].base == base && scoped[i].mask == mask && scoped[i].lock == lock)
			found = &scoped[i].stmt;
	if (found == NULL && nscoped < MAX_SCOPED && sql_append(&sql, "%s", base) &&
	    scope_append(&sql, def, mask, lock, &next) && sql_append(&sql, "%s", suffix ? suffix : "") &&
	    asprintf(&name, "scoped_%zu", nscoped) >= 0) {
		scoped[nscoped] = (struct scoped_stmt){base, mask, lock, {name, sql}};
		found = &scoped[nscoped++].stmt;
		sql = name = NULL;
	}
	pthread_mutex_unlock(&scoped_mu);
	free(sql);
	free(name);
	return found;
}

enum err
resource_exec_scoped(struct db_conn *c, const struct resource_def *def, const char *base,
                     const char *suffix, const struct scope *s, bool lock, int nown,
                     const char *const *own, PGresult **res, struct problem *p)
{
	const struct db_stmt *st = scoped_stmt(def, base, suffix, scope_mask(def, s), lock, nown + 1);
	const char *v[QUERY_MAX_PARAMS + SCOPE_PARAMS_MAX];
	struct scope_values sv;
	int n;

	*res = NULL;
	if (st == NULL || nown > QUERY_MAX_PARAMS)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	for (n = 0; n < nown; n++)
		v[n] = own[n];
	n += scope_params(def, s, &sv, v + n);
	return db_exec(c, st, n, v, res, p);
}
