/*
 * schools.c
 *    The school routes that are more than the generic resource: the GIAS
 *    import and the CSV export of the register.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../http/accept.h"
#include "../lib/import.h"
#include "../lib/log.h"
#include "../lib/register.h"
#include "handlers.h"

/* The whole of an import's time on the database. */
#define IMPORT_DEADLINE_MS (10 * 60 * 1000)

enum err
api_school_import(struct req *r)
{
	struct import_options opt = {.encoding = IMPORT_CP1252};
	char charset[32];
	const char *la = query_get(&r->query, "la");
	struct db_conn *c;
	json_t *report = NULL;
	char *text;
	long long code;
	enum err e;

	if (la) {
		if (!parse_int(la, 100, 999, &code)) {
			problem_field(&r->problem, IN_QUERY, "la", "range", "must be a 3-digit LA code");
			return problem_set(&r->problem, ERR_MALFORMED, "the query has 1 invalid parameter");
		}
		opt.la_filter = (int)code;
	}
	/* An LA's officer imports for that LA only. */
	if (r->who.scope.school_urn || r->who.scope.group_id)
		return problem_set(&r->problem, ERR_FORBIDDEN, "a school's or a group's account cannot import");
	if (r->who.scope.la_code) {
		if (opt.la_filter && opt.la_filter != r->who.scope.la_code)
			return problem_set(&r->problem, ERR_FORBIDDEN,
			                   "you may import only for local authority %d", r->who.scope.la_code);
		opt.la_filter = r->who.scope.la_code;
	}
	if (media_type_param(req_header(r, "Content-Type"), "charset", charset, sizeof charset)) {
		if (strcasecmp(charset, "utf-8") == 0)
			opt.encoding = IMPORT_UTF8;
		else if (strcasecmp(charset, "windows-1252") != 0 && strcasecmp(charset, "cp1252") != 0)
			return problem_set(&r->problem, ERR_UNSUPPORTED_MEDIA,
			                   "the extract must be windows-1252 (the DfE's) or utf-8");
	}
	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	/* A national extract is 24,000 rows in one transaction: more than a request's
	 * usual time on the database, still bounded (each statement keeps its own). */
	db_set_deadline(c, IMPORT_DEADLINE_MS);
	e = import_gias(c, r->in->binary_body, r->in->binary_body_length, &opt, &r->who.audit, &report,
	                &r->problem);
	if (e != ERR_OK)
		return e;
	text = json_dumps(report, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(report);
	if (text == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	respond_json(r, 200, text, strlen(text));
	free(text);
	return ERR_OK;
}

