/*
 * query.c
 *    This module implements a request's named parameters (see query.h).
 */
#include "query.h"

#include <stdlib.h>
#include <string.h>

const char *
query_get(const struct query *q, const char *name)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->items[i].name, name) == 0)
			return q->items[i].value;
	return NULL;
}

void
query_free(struct query *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->n; i++) {
		free(q->items[i].name);
		free(q->items[i].value);
	}
	q->n = 0;
}
