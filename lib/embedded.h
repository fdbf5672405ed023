/*
 * embedded.h
 *    Text files compiled into the program (tools/embed.py writes them):
 *    the schema migrations, in name order, the OpenAPI contract, and the
 *    script that renders it at /docs.
 */
#ifndef CONSORTIA_EMBEDDED_H
#define CONSORTIA_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name;   /* base name, e.g. "0001_register.sql" */
	size_t size;        /* bytes, without the terminating NUL */
	const char *text;
};

extern const struct embedded_file migrations[];
extern const size_t migrations_count;
extern const struct embedded_file contract[];
extern const size_t contract_count;
extern const struct embedded_file docs_assets[];   /* Redoc's standalone bundle, for /docs */
extern const size_t docs_assets_count;

#endif
