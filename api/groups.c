/*
 * groups.c
 *    The routes of consortia and area networks beyond the generic ones:
 *    moving a school between groups, the dry run of a chair's eligibility,
 *    and the chair reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/config.h"
#include "../lib/date.h"
#include "../lib/group.h"
#include "../lib/group_import.h"
#include "../lib/plan.h"
#include "../lib/register.h"
#include "../lib/reports.h"
#include "handlers.h"

enum err
api_membership_move(struct req *r)
{
	struct expected_version im;
	struct db_conn *c;
	struct doc d;
	char key[24];
	enum err e;

	if ((e = req_target(r, key, &im, &c)) != ERR_OK)
		return e;
	if ((e = membership_move(c, &r->who, key, &im, r->body, &d, &r->problem)) != ERR_OK)
		return e;
	respond_created(r, &membership_def, &d);
	doc_free(&d);
	return ERR_OK;
}

enum err
api_chair_eligibility(struct req *r)
{
	struct db_conn *c;
	char *verdict;
	enum err e;

	if ((e = req_db(r, &c)) != ERR_OK ||
	    (e = chair_eligibility(c, r->body, &verdict, &r->problem)) != ERR_OK)
		return e;
	respond_json(r, 200, verdict, strlen(verdict));
	free(verdict);
	return ERR_OK;
}

/* A required date parameter of a report; 400 naming it when absent or bad. */
enum err
date_param(struct req *r, const char *name, bool required, char out[11])
{
	const char *v = query_get(&r->query, name);

	if (v == NULL && !required) {
		date_london(time(NULL), out);
		return ERR_OK;
	}
	if (v == NULL || !date_within(v, DATE_QUERY_LAST_YEAR)) {
		problem_field(&r->problem, IN_QUERY, name, v ? "format" : "required", QUERY_DATE_MESSAGE);
		return problem_set(&r->problem, ERR_MALFORMED, "%s is %s", name, v ? "not a date" : "required");
	}
	snprintf(out, 11, "%s", v);
	return ERR_OK;
}

static enum err
answer(struct req *r, char *text, enum err e)
{
	if (e == ERR_OK) {
		respond_json(r, 200, text, strlen(text));
		free(text);
	}
	return e;
}

enum err
api_report_chair_reviews(struct req *r)
{
	const char *w = query_get(&r->query, "within_days");
	char as_of[11], *text = NULL;
	long long within = 30;
	struct db_conn *c;
	enum err e;

	if ((e = date_param(r, "as_of", false, as_of)) != ERR_OK)
		return e;
	if (w && !parse_int(w, 0, 3660, &within)) {
		problem_field(&r->problem, IN_QUERY, "within_days", "range", "must be 0 to 3660");
		return problem_set(&r->problem, ERR_MALFORMED, "within_days is out of range");
	}
	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	e = report_chair_reviews(c, &r->who.scope, as_of, (int)within, &text, &r->problem);
	return answer(r, text, e);
}

enum err
api_report_unconfirmed_chairs(struct req *r)
{
	char by[11], *text = NULL;
	struct db_conn *c;
	enum err e;

	if ((e = date_param(r, "by", true, by)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK)
		return e;
	e = report_unconfirmed_chairs(c, &r->who.scope, by, &text, &r->problem);
	return answer(r, text, e);
}

enum err
api_report_groups_without_chair(struct req *r)
{
	const char *year = query_get(&r->query, "academic_year");
	char start[11], end[11], as_of[11], *text = NULL;
	struct db_conn *c;
	enum err e;

	if ((e = date_param(r, "as_of", false, as_of)) != ERR_OK)
		return e;
	if (!academic_year_parse(year, start, end)) {
		problem_field(&r->problem, IN_QUERY, "academic_year", year ? "format" : "required",
		              "must be an academic year such as 2020/21");
		return problem_set(&r->problem, ERR_MALFORMED, "academic_year is %s",
		                   year ? "not an academic year" : "required");
	}
	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	e = report_groups_without_chair(c, &r->who.scope, year, as_of, &text, &r->problem);
	return answer(r, text, e);
}

enum err
api_report_overdue_evaluations(struct req *r)
{
	char as_of[11], *text = NULL;
	struct db_conn *c;
	enum err e;

	if ((e = date_param(r, "as_of", false, as_of)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK)
		return e;
	e = report_overdue_evaluations(c, &r->who.scope, as_of, &text, &r->problem);
	return answer(r, text, e);
}

static enum err
groups_into(struct db_conn *c, const struct actor *who, const char *key, const char *doc, const char *data,
            size_t len, bool dry_run, json_t **report, struct problem *p)
{
	(void)key;
	return group_import(c, who, doc_la_code(doc, "code"), data, len, dry_run, report, p);
}

/*
 * POST /v1/local-authorities/{id}/groups/import?dry_run=: the LA's groups,
 * members, chairs and deputies from CSV; only who may change the LA's
 * records imports them (its officers and admins).
 */
enum err
api_group_import(struct req *r)
{
	return req_import_into(r, groups_into);
}
