/*
 * reports.c
 *    The reports' routes: what the Area Analysis Groups, the Education
 *    Challenge Board and an LA's officers read (the area, authority and
 *    body reports, the bodies below target), as JSON or as the printable
 *    page report_pages.c draws; an LA's grants as 360Giving data; and a
 *    person's export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/accept.h"
#include "../lib/date.h"
#include "../lib/people.h"
#include "../lib/plan.h"
#include "../lib/register.h"
#include "../lib/reports.h"
#include "handlers.h"
#include "report_pages.h"

/* Which answer the client takes: 0 JSON, 1 the page; decided before any work. */
static enum err
negotiate(struct req *r, int *chosen)
{
	static const char *const offers[] = {"application/json", "text/html", NULL};

	*chosen = accept_choose(req_header(r, "Accept"), offers);
	if (*chosen < 0)
		return problem_set(&r->problem, ERR_NOT_ACCEPTABLE, "reports are served as application/json or text/html");
	return ERR_OK;
}

/* The report as JSON, or as the page. */
static enum err
answer(struct req *r, char *text, int chosen, enum report_page kind)
{
	json_t *o;
	char *page;

	if (chosen == 0) {
		respond_json(r, 200, text, strlen(text));
		free(text);
		return ERR_OK;
	}
	o = json_loads(text, 0, NULL);
	free(text);
	page = o ? report_page(o, kind) : NULL;
	json_decref(o);
	if (page == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	ulfius_set_binary_body_response(r->out, 200, page, strlen(page));
	respond_header(r, "Content-Type", "text/html; charset=utf-8");
	respond_header(r, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:");
	r->status = 200;
	free(page);
	return ERR_OK;
}

/* Is record key of def one the caller may see? ERR_NOT_FOUND when not. */
static enum err
visible(struct req *r, struct db_conn *c, const struct resource_def *def, const char *key)
{
	struct doc d;
	enum err e = resource_get(c, def, &r->who, key, &d, &r->problem);

	doc_free(&d);
	return e;
}

/* Reports name every group's money and every vulnerable school: the LA's to read. */
static enum err
la_callers_only(struct req *r)
{
	if (r->who.scope.school_urn || r->who.scope.group_id)
		return problem_set(&r->problem, ERR_FORBIDDEN, "area and authority reports are for the LA's callers");
	return ERR_OK;
}

/* The columns of 360Giving's spreadsheet template that the grants fill, in its order. */
static const char *const threesixty_columns[] = {
	"Identifier", "Title", "Description", "Currency", "Amount Awarded", "Amount Disbursed", "Award Date",
	"Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name",
	"Grant Programme:Code", "Grant Programme:Title", "Last Modified", NULL};

/* GET /v1/local-authorities/{id}/360giving?academic_year=: the LA's grants as 360Giving data, JSON or CSV. */
enum err
api_threesixty(struct req *r)
{
	static const char *const offers[] = {"application/json", "text/csv", NULL};
	int chosen = accept_choose(req_header(r, "Accept"), offers);
	const char *year;
	struct db_conn *c;
	char key[24], *text = NULL;
	enum err e;

	if (chosen < 0)
		return problem_set(&r->problem, ERR_NOT_ACCEPTABLE, "360Giving data is served as application/json or text/csv");
	if ((e = req_key(r, key)) != ERR_OK || (e = req_academic_year(r, &year)) != ERR_OK ||
	    (e = req_db(r, &c)) != ERR_OK || (e = visible(r, c, &la_def, key)) != ERR_OK ||
	    (e = report_360giving(c, key, year, chosen == 1, &text, &r->problem)) != ERR_OK)
		return e;
	if (chosen == 1) {
		char name[48];

		snprintf(name, sizeof name, "360giving-%s", key);
		return respond_items_csv(r, text, threesixty_columns, name);
	}
	respond_json(r, 200, text, strlen(text));
	free(text);
	return ERR_OK;
}

enum err
api_area_report(struct req *r)
{
	const char *year;
	struct db_conn *c;
	char key[24], *text = NULL;
	int chosen;
	enum err e;

	if ((e = negotiate(r, &chosen)) != ERR_OK || (e = req_key(r, key)) != ERR_OK ||
	    (e = req_academic_year(r, &year)) != ERR_OK || (e = la_callers_only(r)) != ERR_OK ||
	    (e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = visible(r, c, &area_def, key)) != ERR_OK)
		return e;
	if ((e = report_area(c, key, year, &text, &r->problem)) != ERR_OK)
		return e;
	return answer(r, text, chosen, PAGE_AREA);
}

/*
 * The LA a report of an LA is of, into code: `la` (a 3-digit code), or the
 * caller's own LA; a token scoped to a school or a group is refused, and
 * another LA than a scoped caller's is 404.
 */
static enum err
report_la(struct req *r, char code[16])
{
	const char *la = query_get(&r->query, "la");
	long long v = 0;
	enum err e;

	if (la && !parse_int(la, 100, 999, &v)) {
		problem_field(&r->problem, IN_QUERY, "la", "range", "must be a 3-digit LA code");
		return problem_set(&r->problem, ERR_MALFORMED, "la is not an LA code");
	}
	if ((e = la_callers_only(r)) != ERR_OK)
		return e;
	if (r->who.scope.la_code && la && v != r->who.scope.la_code)
		return problem_set(&r->problem, ERR_NOT_FOUND, "no local authority %s", la);
	if (!la && !r->who.scope.la_code) {
		problem_field(&r->problem, IN_QUERY, "la", "required", "name the local authority");
		return problem_set(&r->problem, ERR_MALFORMED, "la is required");
	}
	snprintf(code, 16, "%d", la ? (int)v : r->who.scope.la_code);
	return ERR_OK;
}

enum err
api_authority_report(struct req *r)
{
	const char *year;
	struct db_conn *c;
	char code[16], *text = NULL;
	int chosen;
	enum err e;

	if ((e = negotiate(r, &chosen)) != ERR_OK || (e = req_academic_year(r, &year)) != ERR_OK)
		return e;
	if ((e = report_la(r, code)) != ERR_OK)
		return e;
	if ((e = req_db(r, &c)) != ERR_OK || (e = report_authority(c, code, year, &text, &r->problem)) != ERR_OK)
		return e;
	return answer(r, text, chosen, PAGE_AUTHORITY);
}

enum err
api_body_report(struct req *r)
{
	const char *year;
	struct db_conn *c;
	char key[24], as_of[11], *text = NULL;
	int chosen;
	enum err e;

	if ((e = negotiate(r, &chosen)) != ERR_OK || (e = req_key(r, key)) != ERR_OK ||
	    (e = req_academic_year(r, &year)) != ERR_OK || (e = date_param(r, "as_of", false, as_of)) != ERR_OK ||
	    (e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = visible(r, c, &body_def, key)) != ERR_OK)
		return e;
	if ((e = report_body(c, key, year, as_of, &text, &r->problem)) != ERR_OK)
		return e;
	return answer(r, text, chosen, PAGE_BODY);
}

enum err
api_report_bodies_below_target(struct req *r)
{
	const char *year;
	struct db_conn *c;
	char code[16], as_of[11], *text = NULL;
	int chosen;
	enum err e;

	if ((e = negotiate(r, &chosen)) != ERR_OK || (e = req_academic_year(r, &year)) != ERR_OK ||
	    (e = date_param(r, "as_of", false, as_of)) != ERR_OK)
		return e;
	if ((e = report_la(r, code)) != ERR_OK)
		return e;
	if ((e = req_db(r, &c)) != ERR_OK ||
	    (e = report_bodies_below_target(c, code, year, as_of, &text, &r->problem)) != ERR_OK)
		return e;
	return answer(r, text, chosen, PAGE_BELOW_TARGET);
}

enum err
api_person_export(struct req *r)
{
	struct db_conn *c;
	char key[24], *text = NULL;
	enum err e;

	if ((e = req_key(r, key)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = visible(r, c, &person_def, key)) != ERR_OK)
		return e;
	if ((e = report_person_export(c, key, &text, &r->problem)) != ERR_OK)
		return e;
	respond_json(r, 200, text, strlen(text));
	free(text);
	return ERR_OK;
}

/* ---- the Area Analysis Group's pack and the new heads ------------------------- */

/*
 * Which body's pack the caller reads: an officer's (or an admin's) body in
 * scope; a member's own body while they sit on it. Anything else is 404.
 */
static enum err
pack_reader(struct req *r, struct db_conn *c, const char *key)
{
	bool seated = false;
	enum err e;

	if (r->claims.role != ROLE_MEMBER)
		return visible(r, c, &body_def, key);
	if (r->claims.body_id != atoll(key))
		return problem_set(&r->problem, ERR_NOT_FOUND, "no body %s", key);
	if ((e = body_seated_today(c, r->claims.body_id, r->claims.person_id, &seated, &r->problem)) != ERR_OK)
		return e;
	if (!seated)
		return problem_set(&r->problem, ERR_NOT_FOUND, "no body %s: person %lld does not sit on it today",
		                   key, r->claims.person_id);
	return ERR_OK;
}

static enum err
meeting_param(struct req *r, char out[24])
{
	const char *m = query_get(&r->query, "meeting");
	long long v = 0;

	if (m == NULL || !parse_int(m, 1, 9223372036854775807LL, &v)) {
		problem_field(&r->problem, IN_QUERY, "meeting", m ? "format" : "required",
		              "must name a meeting of the Area Analysis Group by its id");
		return problem_set(&r->problem, ERR_MALFORMED, "meeting is %s", m ? "not a meeting id" : "required");
	}
	snprintf(out, 24, "%lld", v);
	return ERR_OK;
}

enum err
api_aag_pack(struct req *r)
{
	struct db_conn *c;
	char key[24], meeting[24], *text = NULL;
	int chosen;
	enum err e;

	if ((e = negotiate(r, &chosen)) != ERR_OK || (e = req_key(r, key)) != ERR_OK ||
	    (e = meeting_param(r, meeting)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK ||
	    (e = pack_reader(r, c, key)) != ERR_OK ||
	    (e = report_aag_pack(c, key, meeting, &text, &r->problem)) != ERR_OK)
		return e;
	return answer(r, text, chosen, PAGE_PACK);
}

enum err
api_aag_pack_receive(struct req *r)
{
	struct expected_version any = {.any = true};
	struct db_conn *c;
	struct doc meeting = {0};
	char key[24], body[24], *text = NULL;
	json_t *changes;
	int marked;
	enum err e;

	if ((e = req_key(r, key)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = resource_lock(c, &meeting_def, &r->who, key, &any, NULL, &meeting, &r->problem)) != ERR_OK ||
	    (e = aag_pack_receive(c, key, body, &marked, &r->problem)) != ERR_OK) {
		doc_free(&meeting);
		return e;
	}
	changes = json_pack("{s:n, s:{s:s, s:i}}", "before", "after", "received_pack_of_body", body,
	                    "records_marked_reported", marked);
	e = changes ? audit_write(c, &r->who.audit, meeting_def.resource, key, "receive-pack", changes,
	                          doc_la_code(meeting.body, meeting_def.la_field), &r->problem)
	            : problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	json_decref(changes);
	doc_free(&meeting);
	if (e != ERR_OK || (e = report_aag_pack(c, body, key, &text, &r->problem)) != ERR_OK)
		return e;
	respond_json(r, 200, text, strlen(text));
	free(text);
	return ERR_OK;
}

enum err
api_report_new_heads(struct req *r)
{
	const char *la = query_get(&r->query, "la"), *group = query_get(&r->query, "group_id");
	struct db_conn *c;
	char as_of[11], *text = NULL;
	long long v;
	enum err e;

	if ((e = date_param(r, "as_of", false, as_of)) != ERR_OK)
		return e;
	if (la && !parse_int(la, 100, 999, &v))
		problem_field(&r->problem, IN_QUERY, "la", "range", "must be a 3-digit LA code");
	if (group && !parse_int(group, 1, 9223372036854775807LL, &v))
		problem_field(&r->problem, IN_QUERY, "group_id", "format", "must be a group's id");
	if (problem_count(&r->problem) > 0)
		return problem_set(&r->problem, ERR_MALFORMED, "the report's parameters are not valid");
	if ((e = req_db(r, &c)) != ERR_OK ||
	    (e = report_new_heads(c, &r->who.scope, as_of, la, group, &text, &r->problem)) != ERR_OK)
		return e;
	respond_json(r, 200, text, strlen(text));
	free(text);
	return ERR_OK;
}
