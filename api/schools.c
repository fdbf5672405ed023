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
#include "../lib/gias_links.h"
#include "../lib/import.h"
#include "../lib/log.h"
#include "../lib/register.h"
#include "handlers.h"

/* The whole of an import's time on the database. */

/*
 * The LA a register import is for: the query's la (0: every LA in the
 * file); an LA's officer imports for that LA only, a school's or a
 * group's account not at all.
 */
static enum err
import_la(struct req *r, int *la_filter)
{
	const char *la = query_get(&r->query, "la");
	long long code;

	*la_filter = 0;
	if (la) {
		if (!parse_int(la, 100, 999, &code)) {
			problem_field(&r->problem, IN_QUERY, "la", "range", "must be a 3-digit LA code");
			return problem_set(&r->problem, ERR_MALFORMED, "the query has 1 invalid parameter");
		}
		*la_filter = (int)code;
	}
	if (r->who.scope.school_urn || r->who.scope.group_id)
		return problem_set(&r->problem, ERR_FORBIDDEN, "a school's or a group's account cannot import");
	if (r->who.scope.la_code) {
		if (*la_filter && *la_filter != r->who.scope.la_code)
			return problem_set(&r->problem, ERR_FORBIDDEN,
			                   "you may import only for local authority %d", r->who.scope.la_code);
		*la_filter = r->who.scope.la_code;
	}
	return ERR_OK;
}

/*
 * A DfE file's charset: windows-1252 (the DfE's; cp1252 the same) unless
 * the Content-Type says utf-8, into *encoding (may be NULL: its URNs and
 * codes are ASCII either way); any other is 415.
 */
static enum err
extract_charset(struct req *r, enum import_encoding *encoding)
{
	char charset[32];

	if (encoding)
		*encoding = IMPORT_CP1252;
	if (!media_type_param(req_header(r, "Content-Type"), "charset", charset, sizeof charset))
		return ERR_OK;
	if (strcasecmp(charset, "utf-8") == 0) {
		if (encoding)
			*encoding = IMPORT_UTF8;
		return ERR_OK;
	}
	if (strcasecmp(charset, "windows-1252") == 0 || strcasecmp(charset, "cp1252") == 0)
		return ERR_OK;
	return problem_set(&r->problem, ERR_UNSUPPORTED_MEDIA, "a DfE file must be windows-1252 (the DfE's) or utf-8");
}

enum err
api_school_import(struct req *r)
{
	struct import_options opt = {.encoding = IMPORT_CP1252};
	struct db_conn *c;
	json_t *report = NULL;
	enum err e;

	if ((e = import_la(r, &opt.la_filter)) != ERR_OK)
		return e;
	if ((e = extract_charset(r, &opt.encoding)) != ERR_OK)
		return e;
	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	/* A national extract is 24,000 rows in one transaction: more than a request's
	 * usual time on the database, still bounded (each statement keeps its own). */
	db_set_deadline(c, IMPORT_DEADLINE_MS);
	e = import_gias(c, r->in->binary_body, r->in->binary_body_length, &opt, &r->who.audit, &report,
	                &r->problem);
	return e == ERR_OK ? respond_object(r, report) : e;
}


/* POST /v1/schools/import-links?la=&dry_run=: GIAS's links file, each closed school's records carried to its successor. */
enum err
api_school_links_import(struct req *r)
{
	struct db_conn *c;
	json_t *report = NULL;
	int la_filter;
	bool dry_run;
	enum err e;

	if ((e = req_dry_run(r, &dry_run)) != ERR_OK || (e = import_la(r, &la_filter)) != ERR_OK ||
	    (e = extract_charset(r, NULL)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK)
		return e;
	db_set_deadline(c, IMPORT_DEADLINE_MS);
	e = gias_links_import(c, &r->who, la_filter, r->in->binary_body, r->in->binary_body_length, dry_run, &report,
	                      &r->problem);
	return e == ERR_OK ? respond_import(r, report) : e;
}
