/*
 * money.c
 *    The routes of funds and payments beyond the generic ones (whose state
 *    changes are actions, api_resource_action): calculating and storing a
 *    fund's allocations, its summary, and the payments' list, change feed
 *    and CSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/accept.h"
#include "../http/etag.h"
#include "../lib/config.h"
#include "../lib/date.h"
#include "../lib/fund.h"
#include "../lib/register.h"
#include "../lib/reports.h"
#include "../lib/rollover.h"
#include "handlers.h"

/* Calculate, or store the differences; If-Match on the fund, when sent, must hold. */
static enum err
fund_calc(struct req *r, bool store)
{
	struct expected_version im = {.any = true};
	const char *h = req_header(r, "If-Match");
	struct db_conn *c;
	char key[24], *text = NULL;
	enum err e;

	if ((e = req_key(r, key)) != ERR_OK)
		return e;
	if (store && h && *h)
		if_match_parse(h, &im);
	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = fund_calculate(c, &r->who, key, &im, store, &text, &r->problem)) != ERR_OK)
		return e;
	respond_json(r, store ? 201 : 200, text, strlen(text));
	free(text);
	return ERR_OK;
}

enum err
api_fund_calculate(struct req *r)
{
	return fund_calc(r, false);
}

enum err
api_fund_allocate(struct req *r)
{
	return fund_calc(r, true);
}

/* A year filter of the query (academic or financial, "2020/21"): NULL when absent, 400 when bad. */
static enum err
year_param(struct req *r, const char *name, const char **out)
{
	*out = query_get(&r->query, name);
	if (*out == NULL || academic_year_ok(*out))
		return ERR_OK;
	problem_field(&r->problem, IN_QUERY, name, "format", "must be a year such as 2020/21");
	return problem_set(&r->problem, ERR_MALFORMED, "%s is not a year such as 2020/21", name);
}

/* GET /v1/payments/totals: what was paid, is outstanding and was rejected, to the penny. */
enum err
api_payment_totals(struct req *r)
{
	static const char *const offers[] = {"application/json", "text/csv", NULL};
	static const char *const columns[] = {
		"level", "financial_year", "fund_id", "fund_name", "dfe_number", "payee_urn", "payments",
		"paid_pence", "outstanding_pence", "rejected_pence", NULL};
	int chosen = accept_choose(req_header(r, "Accept"), offers);
	const char *fy, *ay;
	struct db_conn *c;
	char *text = NULL;
	enum err e;

	if (chosen < 0)
		return problem_set(&r->problem, ERR_NOT_ACCEPTABLE,
		                   "payment totals are served as application/json or text/csv");
	if ((e = year_param(r, "financial_year", &fy)) != ERR_OK ||
	    (e = year_param(r, "academic_year", &ay)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = payment_totals(c, &r->who, fy, ay, &text, &r->problem)) != ERR_OK)
		return e;
	if (chosen == 1)
		return respond_items_csv(r, text, columns, "payment-totals");
	respond_json(r, 200, text, strlen(text));
	free(text);
	return ERR_OK;
}

enum err
api_report_rejected_payments(struct req *r)
{
	struct db_conn *c;
	char *text = NULL;
	enum err e;

	if ((e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = report_rejected_payments(c, &r->who.scope, &text, &r->problem)) != ERR_OK)
		return e;
	respond_json(r, 200, text, strlen(text));
	free(text);
	return ERR_OK;
}

enum err
api_fund_summary(struct req *r)
{
	struct db_conn *c;
	char key[24], *text = NULL;
	enum err e;

	if ((e = req_key(r, key)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK)
		return e;
	if ((e = fund_summary(c, &r->who, key, &text, &r->problem)) != ERR_OK)
		return e;
	respond_json(r, 200, text, strlen(text));
	free(text);
	return ERR_OK;
}

/*
 * GET /v1/payments: the list (keyset, filters), or the change feed with
 * ?after=; JSON either way (the list's CSV is GET /v1/payments.csv).
 */
enum err
api_payments(struct req *r)
{
	static const char *const offers[] = {"application/json", NULL};
	const char *after = query_get(&r->query, "after");
	int chosen = accept_choose(req_header(r, "Accept"), offers);
	struct db_conn *c;
	enum err e;

	if (chosen < 0)
		return problem_set(&r->problem, ERR_NOT_ACCEPTABLE,
		                   "payments are served as application/json; as CSV at /v1/payments.csv");
	if (after) {
		long long pos, limit = 500;
		const char *l = query_get(&r->query, "limit");
		char *text = NULL;
		for (size_t i = 0; i < r->query.n; i++)
			if (strcmp(r->query.items[i].name, "after") != 0 && strcmp(r->query.items[i].name, "limit") != 0)
				problem_field(&r->problem, IN_QUERY, r->query.items[i].name, "unknown",
				              "does not go with after (the feed takes after and limit only)");
		if (!parse_int(after, 0, 9223372036854775807LL, &pos))
			problem_field(&r->problem, IN_QUERY, "after", "format", "must be a feed position (0 or more)");
		if (l && !parse_int(l, 1, 5000, &limit))
			problem_field(&r->problem, IN_QUERY, "limit", "range", "must be 1 to 5000");
		if (problem_count(&r->problem) > 0)
			return problem_set(&r->problem, ERR_MALFORMED, "the feed's query is not valid");
		if ((e = req_db(r, &c)) != ERR_OK ||
		    (e = payment_feed(c, &r->who, pos, (long)limit, &text, &r->problem)) != ERR_OK)
			return e;
		respond_page(r, text);   /* a finance system polling with If-None-Match: 304 until a change */
		free(text);
		return ERR_OK;
	}
	return api_resource_list(r);
}

/* POST /v1/local-authorities/{id}/rollover?academic_year=&dry_run=: the LA rolled into the year. */
enum err
api_rollover(struct req *r)
{
	struct expected_version any = {.any = true};
	struct db_conn *c;
	struct doc la = {0};
	json_t *report = NULL;
	const char *year;
	char key[24];
	bool dry_run;
	enum err e;

	if ((e = req_dry_run(r, &dry_run)) != ERR_OK || (e = req_academic_year(r, &year)) != ERR_OK ||
	    (e = req_key(r, key)) != ERR_OK || (e = req_db(r, &c)) != ERR_OK)
		return e;
	/* Only who may change the LA's records rolls it over: its officers and admins (404 otherwise). */
	if ((e = resource_lock(c, &la_def, &r->who, key, &any, NULL, &la, &r->problem)) == ERR_OK)
		e = rollover(c, &r->who, key, doc_la_code(la.body, "code"), year, dry_run, &report, &r->problem);
	doc_free(&la);
	return e == ERR_OK ? respond_object(r, report) : e;
}
