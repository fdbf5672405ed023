/*
 * list.c
 *    This module implements the lists of resources (see resource.h): the
 *    query checked against the def's filters and sorts, the statement
 *    assembled from the def's constant fragments and the caller's scope
 *    (scope.c), every value a parameter, and a keyset page with its cursor.
 */
#include "resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "date.h"

static bool
is_extra(const char *const *extra, const char *name)
{
	for (; extra && *extra; extra++)
		if (strcmp(*extra, name) == 0)
			return true;
	return false;
}

static const struct filter_def *
find_filter(const struct resource_def *def, const char *name)
{
	for (size_t i = 0; i < def->nfilters; i++)
		if (strcmp(def->filters[i].name, name) == 0)
			return &def->filters[i];
	return NULL;
}

static int
add_param(struct list_request *lr, const char *value, bool owned)
{
	lr->params[lr->nparams] = value;
	lr->owned[lr->nparams] = owned ? (char *)value : NULL;
	return ++lr->nparams;
}

/* Escape LIKE's wildcards so that ?q= matches its text literally. */
static char *
like_pattern(const char *q)
{
	char *out = malloc(strlen(q) * 2 + 3), *o = out;

	if (out == NULL)
		return NULL;
	*o++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

static bool
check_filter(const struct filter_def *f, const char *v, struct problem *p)
{
	long long n;

	switch (f->kind) {
	case FILTER_INT:
		if (parse_int(v, f->min, f->max, &n))
			return true;
		problem_field(p, IN_QUERY, f->name, "range", "must be a whole number from %lld to %lld",
		              f->min, f->max);
		return false;
	case FILTER_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
			return true;
		problem_field(p, IN_QUERY, f->name, "enum", "must be true or false");
		return false;
	case FILTER_ENUM:
		for (const char *const *e = f->values; *e; e++)
			if (strcmp(*e, v) == 0)
				return true;
		problem_field(p, IN_QUERY, f->name, "enum", "is not one of the allowed values");
		return false;
	case FILTER_TEXT:
		if (utf8_length(v) < 1 || (long long)utf8_length(v) > f->max) {
			problem_field(p, IN_QUERY, f->name, "length", "must be 1 to %lld characters long", f->max);
			return false;
		}
		if (f->check && !f->check(v)) {
			problem_field(p, IN_QUERY, f->name, "format", "must be %s", f->format);
			return false;
		}
		return true;
	case FILTER_TIME:
		if (timestamp_valid(v))
			return true;
		problem_field(p, IN_QUERY, f->name, "format",
		              "must be an RFC 3339 timestamp such as 2020-09-11T09:00:00Z");
		return false;
	case FILTER_DATE:
		if (date_within(v, DATE_QUERY_LAST_YEAR))
			return true;
		problem_field(p, IN_QUERY, f->name, "format", QUERY_DATE_MESSAGE);
		return false;
	case FILTER_ID_OR_CODE:
		if (strspn(v, "0123456789") == strlen(v) ? parse_int(v, 1, 9223372036854775807LL, &n)
		                                          : f->check(v))
			return true;
		problem_field(p, IN_QUERY, f->name, "format", "must be an id or a %s", f->format);
		return false;
	}
	return false;
}

enum err
list_prepare(const struct resource_def *def, const struct scope *scope, const struct query *q,
             const char *const *extra, bool paged, struct list_request *lr, struct problem *p)
{
	const char *v;
	size_t before = problem_count(p);
	long long n;
	bool oom = false;

	memset(lr, 0, sizeof *lr);
	/* A dated representation reads its date as $1. */
	if (def->as_of)
		add_param(lr, query_get(q, "as_of"), false);
	lr->sort_def = &def->sorts[0];
	lr->limit = paged ? 50 : 0;

	for (size_t i = 0; i < q->n; i++) {
		const char *name = q->items[i].name;
		if ((def->as_of && strcmp(name, "as_of") == 0) ||
		    strcmp(name, "limit") == 0 || strcmp(name, "cursor") == 0 ||
		    strcmp(name, "sort") == 0 || (strcmp(name, "q") == 0 && def->q_expr) ||
		    find_filter(def, name) || is_extra(extra, name))
			continue;
		problem_field(p, IN_QUERY, name, "unknown", "is not a parameter of this list");
	}
	/* An export ignores limit and cursor: a client may switch Accept alone. */
	if ((v = query_get(q, "limit")) != NULL && paged) {
		if (!parse_int(v, 1, 500, &n))
			problem_field(p, IN_QUERY, "limit", "range", "must be a whole number from 1 to 500");
		else
			lr->limit = (long)n;
	}
	if ((v = query_get(q, "sort")) != NULL) {
		const struct sort_def *found = NULL;
		for (size_t i = 0; i < def->nsorts; i++)
			if (strcmp(def->sorts[i].name, v) == 0)
				found = &def->sorts[i];
		if (found) {
			lr->sort_def = found;
		} else {
			char allowed[256] = "";
			size_t used = 0;
			for (size_t i = 0; i < def->nsorts && used < sizeof allowed; i++)
				used += (size_t)snprintf(allowed + used, sizeof allowed - used, "%s%s",
				                         i ? ", " : "", def->sorts[i].name);
			problem_field(p, IN_QUERY, "sort", "enum", "must be one of: %s", allowed);
		}
	}
	lr->sort = lr->sort_def->name;
	if ((v = query_get(q, "q")) != NULL && def->q_expr &&
	    (utf8_length(v) < 1 || utf8_length(v) > 100))
		problem_field(p, IN_QUERY, "q", "length", "must be 1 to 100 characters long");
	for (size_t i = 0; i < def->nfilters; i++)
		if ((v = query_get(q, def->filters[i].name)) != NULL)
			check_filter(&def->filters[i], v, p);
	if (def->as_of && (v = query_get(q, "as_of")) != NULL && !date_within(v, DATE_QUERY_LAST_YEAR))
		problem_field(p, IN_QUERY, "as_of", "format", QUERY_DATE_MESSAGE);
	if (problem_count(p) > before)
		return problem_set(p, ERR_MALFORMED, "the query has %zu invalid parameter%s",
		                   problem_count(p) - before, problem_count(p) - before == 1 ? "" : "s");
	if ((v = query_get(q, "cursor")) != NULL && paged) {
		enum err e;
		long long k;

		e = cursor_decode(v, lr->sort, &lr->after_value, &lr->after_key, p);
		if (e != ERR_OK)
			return e;
		if (!parse_int(lr->after_key, 0, 9223372036854775807LL, &k)) {
			problem_field(p, IN_QUERY, "cursor", "format", "is not a cursor this service gave");
			return problem_set(p, ERR_MALFORMED, "the cursor is not valid");
		}
	}

	/* Assemble the statement from the def's constant fragments only. */
	oom |= !sql_append(&lr->sql, "SELECT %s, (%s)::text, (%s)::text FROM %s WHERE %s",
	                   def->list_doc, lr->sort_def->expr, def->key_expr, def->list_from,
	                   def->list_where ? def->list_where : "true");
	for (size_t i = 0; i < def->nfilters && !oom; i++) {
		const struct filter_def *f = &def->filters[i];
		const char *frag = f->sql;
		if ((v = query_get(q, f->name)) == NULL)
			continue;
		if (f->kind == FILTER_ID_OR_CODE && strspn(v, "0123456789") != strlen(v))
			frag = f->alt_sql;
		oom |= !sql_append_fragment(&lr->sql, frag, add_param(lr, v, false));
	}
	if (!oom) {
		struct scope_values sv;
		const char *sp[SCOPE_PARAMS_MAX];
		int next = lr->nparams + 1, nscope = scope_params(def, scope, &sv, sp);

		oom |= !scope_append(&lr->sql, def, scope_mask(def, scope), false, &next);
		for (int i = 0; i < nscope && !oom; i++) {
			char *copy = strdup(sp[i]);
			oom |= copy == NULL;
			if (copy)
				add_param(lr, copy, true);
		}
	}
	if ((v = query_get(q, "q")) != NULL && def->q_expr && !oom) {
		char *pattern = like_pattern(v);
		oom |= pattern == NULL ||
		       !sql_append(&lr->sql, " AND %s ILIKE $%d", def->q_expr, add_param(lr, pattern, true));
	}
	if (lr->after_key && !oom) {
		int a = add_param(lr, lr->after_value, false);
		int b = add_param(lr, lr->after_key, false);
		oom |= !sql_append(&lr->sql, " AND (%s, %s) %s ($%d::%s, $%d::%s)", lr->sort_def->expr,
		                   def->key_expr, lr->sort_def->desc ? "<" : ">", a, lr->sort_def->type,
		                   b, def->key_type);
	}
	oom |= !sql_append(&lr->sql, " ORDER BY %s %s, %s %s", lr->sort_def->expr,
	                   lr->sort_def->desc ? "DESC" : "ASC", def->key_expr,
	                   lr->sort_def->desc ? "DESC" : "ASC");
	if (lr->limit > 0)
		oom |= !sql_append(&lr->sql, " LIMIT %ld", lr->limit + 1);
	if (oom)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	return ERR_OK;
}

void
list_request_free(struct list_request *lr)
{
	if (lr == NULL)
		return;
	for (int i = 0; i < lr->nparams; i++)
		free(lr->owned[i]);
	free(lr->after_value);
	free(lr->after_key);
	free(lr->sql);
	memset(lr, 0, sizeof *lr);
}

enum err
resource_list(struct db_conn *c, const struct resource_def *def, const struct actor *who,
              const struct query *q, struct page *out, struct problem *p)
{
	struct list_request lr;
	PGresult *res = NULL;
	enum err e;
	size_t rows, size = 64, used = 0;
	char *body = NULL;

	memset(out, 0, sizeof *out);
	if ((e = list_prepare(def, &who->scope, q, NULL, true, &lr, p)) != ERR_OK)
		goto out;
	if ((e = db_exec_sql(c, lr.sql, lr.nparams, lr.params, &res, p)) != ERR_OK) {
		/* Filters are checked above: only a doctored cursor can carry a bad value. */
		if (e == ERR_MALFORMED && query_get(q, "cursor"))
			problem_field(p, IN_QUERY, "cursor", "format", "is not a cursor this service gave");
		goto out;
	}
	rows = (size_t)PQntuples(res);
	out->count = rows > (size_t)lr.limit ? (size_t)lr.limit : rows;
	for (size_t i = 0; i < out->count; i++)
		size += (size_t)PQgetlength(res, (int)i, 0) + 1;
	/* Each private record listed is read, and on the audit trail. */
	for (size_t i = 0; def->private_to && i < out->count; i++)
		if ((e = resource_audit_read(c, def, who, PQgetvalue(res, (int)i, 2), PQgetvalue(res, (int)i, 0),
		                             p)) != ERR_OK)
			goto out;
	if (rows > out->count) {
		int last = (int)out->count - 1;
		out->next_cursor = cursor_encode(lr.sort, PQgetvalue(res, last, 1),
		                                 PQgetvalue(res, last, 2));
		if (out->next_cursor == NULL) {
			e = problem_set(p, ERR_INTERNAL, "out of memory");
			goto out;
		}
		size += strlen(out->next_cursor);
	}
	if ((body = malloc(size)) == NULL) {
		e = problem_set(p, ERR_INTERNAL, "out of memory");
		goto out;
	}
	memcpy(body, "{\"items\":[", 10);
	used = 10;
	for (size_t i = 0; i < out->count; i++) {
		size_t len = (size_t)PQgetlength(res, (int)i, 0);
		if (i)
			body[used++] = ',';
		memcpy(body + used, PQgetvalue(res, (int)i, 0), len);
		used += len;
	}
	used += (size_t)snprintf(body + used, size - used, "],\"next_cursor\":%s%s%s}",
	                         out->next_cursor ? "\"" : "",
	                         out->next_cursor ? out->next_cursor : "null",
	                         out->next_cursor ? "\"" : "");
	out->body = body;
out:
	if (e != ERR_OK)
		page_free(out);
	PQclear(res);
	list_request_free(&lr);
	return e;
}
