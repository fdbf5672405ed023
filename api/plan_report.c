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

/* POST /v1/strategic-plans/{id}/import?dry_run=: the plan's actions from CSV. */
enum err
api_strategic_plan_import(struct req *r)
{
	struct expected_version any = {.any = true};
	const char *dry = query_get(&r->query, "dry_run");
	struct db_conn *c;
	struct doc plan = {0};
	json_t *report = NULL;
	char key[24], charset[32], *text;
	bool applied;
	enum err e;

	if (dry && strcmp(dry, "true") != 0 && strcmp(dry, "false") != 0) {
		problem_field(&r->problem, IN_QUERY, "dry_run", "format", "must be true or false");
		return problem_set(&r->problem, ERR_MALFORMED, "dry_run is not true or false");
	}
	if (media_type_param(req_header(r, "Content-Type"), "charset", charset, sizeof charset) &&
	    strcasecmp(charset, "utf-8") != 0)
		return problem_set(&r->problem, ERR_UNSUPPORTED_MEDIA, "a plan's CSV is read as utf-8");
	if ((e = req_key(r, key)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK)
		return e;
	/* Only who may change the plan imports into it: its LA's callers or its region's (and admins). */
	if ((e = resource_lock(c, &strategic_plan_def, &r->who, key, &any, NULL, &plan, &r->problem)) != ERR_OK) {
		doc_free(&plan);
		return e;
	}
	e = plan_import(c, &r->who, key, doc_la_code(plan.body, "la_code"), r->in->binary_body,
	                r->in->binary_body_length, dry && strcmp(dry, "true") == 0, &report, &r->problem);
	doc_free(&plan);
	if (e != ERR_OK)
		return e;
	applied = json_is_true(json_object_get(report, "applied"));
	/* A file with a bad row changes nothing: 422, the report's faults as the problem's errors. */
	if (!applied && !json_is_true(json_object_get(report, "dry_run"))) {
		const json_t *f;
		size_t i;

		json_array_foreach(json_object_get(report, "faults"), i, f)
			problem_field(&r->problem, IN_BODY, json_string_value(json_object_get(f, "column")),
			              json_string_value(json_object_get(f, "code")), "line %lld: %s",
			              json_integer_value(json_object_get(f, "line")),
			              json_string_value(json_object_get(f, "message")));
		json_decref(report);
		return problem_set(&r->problem, ERR_VALIDATION, "%zu faults in the file's rows: nothing was imported",
		                   problem_count(&r->problem));
	}
	text = json_dumps(report, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(report);
	if (text == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	respond_json(r, 200, text, strlen(text));
	free(text);
	return ERR_OK;
}
