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
#include "../lib/fund.h"
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
 * GET /v1/payments: the list (keyset, filters), the change feed with
 * ?after=, or CSV with Accept: text/csv.
 */
enum err
api_payments(struct req *r)
{
	static const char *const offers[] = {"application/json", "text/csv", NULL};
	const char *after = query_get(&r->query, "after");
	int chosen = accept_choose(req_header(r, "Accept"), offers);
	struct db_conn *c;
	enum err e;

	if (chosen < 0)
		return problem_set(&r->problem, ERR_NOT_ACCEPTABLE,
		                   "payments are served as application/json or text/csv");
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
		if (chosen == 1)
			return problem_set(&r->problem, ERR_NOT_ACCEPTABLE, "the feed is served as JSON only");
		if ((e = req_db(r, &c)) != ERR_OK ||
		    (e = payment_feed(c, &r->who, pos, (long)limit, &text, &r->problem)) != ERR_OK)
			return e;
		respond_json(r, 200, text, strlen(text));
		free(text);
		return ERR_OK;
	}
	if (chosen == 1)
		return api_resource_export(r);
	return api_resource_list(r);
}
