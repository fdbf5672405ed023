/*
 * plan_report.c
 *    A strategic plan's routes beyond its records: its report (JSON, CSV
 *    of its actions, or the printable page plan_page.c draws, in English or
 *    Welsh) and the import of its actions from CSV, with a dry run.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../http/accept.h"
#include "../lib/plan_import.h"
#include "../lib/reports.h"
#include "../lib/strategic_plan.h"
#include "handlers.h"
#include "report_pages.h"

/* The columns of the report's CSV: what the import reads, then where each action stands. */
static const char *const csv_columns[] = {
	"strand_number", "strand_name", "strand_name_cy", "strand_aim", "work_area", "work_area_cy", "action_number",
	"parent_action_number", "text", "text_cy", "level", "responsible", "responsible_body_id", "resources",
	"resources_pence", "completion", "funding_part", "due_on", "progress", "overdue", NULL};

static enum err
page_answer(struct req *r, char *text)
{
	static const char *const languages[] = {"en", "cy", NULL};
	enum lang l = accept_language(req_header(r, "Accept-Language"), languages) == 1 ? LANG_CY : LANG_EN;
	json_t *o = json_loads(text, 0, NULL);
	char *page;

	free(text);
	if (o && l == LANG_CY)
		json_in_welsh(o);
	page = o ? plan_page(o, l) : NULL;
	json_decref(o);
	if (page == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	ulfius_set_binary_body_response(r->out, 200, page, strlen(page));
	respond_header(r, "Content-Type", "text/html; charset=utf-8");
	respond_header(r, "Content-Language", lang_tag(l));
	respond_header(r, "Vary", "Accept, Accept-Language");
	respond_header(r, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:");
	r->status = 200;
	free(page);
	return ERR_OK;
}

/* GET /v1/strategic-plans/{id}/report?as_of=: JSON, CSV (one row per action) or the printable page. */
enum err
api_strategic_plan_report(struct req *r)
{
	static const char *const offers[] = {"application/json", "text/csv", "text/html", NULL};
	int chosen = accept_choose(req_header(r, "Accept"), offers);
	struct db_conn *c;
	struct doc plan = {0};
	char key[24], as_of[11], *text = NULL;
	enum err e;

	if (chosen < 0)
		return problem_set(&r->problem, ERR_NOT_ACCEPTABLE,
		                   "a plan's report is served as application/json, text/csv or text/html");
	if ((e = req_key(r, key)) != ERR_OK || (e = date_param(r, "as_of", false, as_of)) != ERR_OK ||
	    (e = req_db(r, &c)) != ERR_OK)
		return e;
	e = resource_get(c, &strategic_plan_def, &r->who, key, &plan, &r->problem);
	doc_free(&plan);
	if (e != ERR_OK ||
	    (e = report_strategic_plan(c, key, as_of, chosen == 1, &text, &r->problem)) != ERR_OK)
		return e;
	if (chosen == 2)
		return page_answer(r, text);
	if (chosen == 1)
		return respond_items_csv(r, text, csv_columns, "strategic-plan");
	respond_json(r, 200, text, strlen(text));
	free(text);
	return ERR_OK;
}

static enum err
plan_into(struct db_conn *c, const struct actor *who, const char *key, const char *doc, const char *data,
          size_t len, bool dry_run, json_t **report, struct problem *p)
{
	return plan_import(c, who, key, doc_la_code(doc, "la_code"), data, len, dry_run, report, p);
}

/*
 * POST /v1/strategic-plans/{id}/import?dry_run=: the plan's actions from
 * CSV; only who may change the plan imports into it (its LA's callers or
 * its region's, and admins).
 */
enum err
api_strategic_plan_import(struct req *r)
{
	return req_import_into(r, plan_into);
}
