/*
 * query.h
 *    A request's named parameters, as a list takes them (filters, sort,
 *    limit, cursor): names and values as text, each name once. The HTTP
 *    layer fills them from the query string (http/query_string.h).
 */
#ifndef CONSORTIA_QUERY_H
#define CONSORTIA_QUERY_H

#include <stddef.h>

#include "error.h"

#define QUERY_MAX_PARAMS 32

struct query_param {
	char *name;
	char *value;
};

struct query {
	struct query_param items[QUERY_MAX_PARAMS];
	size_t n;
};

/* Value of name, or NULL. Borrowed from q. */
const char *query_get(const struct query *q, const char *name);

void query_free(struct query *q);

#endif
