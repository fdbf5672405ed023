/*
 * fuzz_query.c
 *    libFuzzer target: a query string through query_parse (as api/dispatch.c
 *    parses every request's URL, and api/auth.c a form body), then through
 *    list_prepare for every resource's list (limit, cursor, sort, q,
 *    as_of and the resource's filters), as resource_list and the CSV
 *    export do it, without a database.
 *
 * Input: the query string, the part of the URL after '?'. Which caller's
 * scope (none, an LA, a school, a group) and whether the list is paged
 * (JSON) or not (CSV export) are taken from the input's length.
 *
 * Contracts checked: every parsed name is non-empty, unique and valid
 * UTF-8; query_escape of a name and value parses back to the same; an
 * accepted list's SQL refers to exactly the parameters $1..$n it is given,
 * each of them at least once (PostgreSQL refuses a statement with a
 * parameter it cannot type); a refused list names at least one fault.
 */
#include <jansson.h>
#include <stdbool.h>

#include "account.h"
#include "audit.h"
#include "casework.h"
#include "fields.h"
#include "fund.h"
#include "fuzz.h"
#include "group.h"
#include "plan.h"
#include "problem.h"
#include "query_string.h"
#include "region.h"
#include "regional_fund.h"
#include "register.h"
#include "strategic_plan.h"

static const struct resource_def *const lists[] = {
	&la_def, &area_def, &school_def, &account_def, &audit_def, &consortium_def, &network_def,
	&membership_def, &chair_def, &nomination_def, &fund_def, &allocation_def, &payment_def,
	&plan_def, &evaluation_def, &meeting_def, &support_def, &head_support_def, &reference_def,
	&region_def, &region_member_def, &strategic_plan_def, &plan_action_def, &regional_fund_def, &fund_draw_def,
};

static const struct scope scopes[] = {
	{.subject = "s"}, {.la_code = 937, .subject = "s"}, {.school_urn = 125678, .subject = "s"},
	{.la_code = 937, .group_id = 42, .subject = "s"}, {.admin = true, .subject = "s"},
	{.region_id = 3, .subject = "s"},
};

/* query_escape(name)=query_escape(value) must parse back to name and value. */
static void
check_escape(const char *name, const char *value)
{
	char *en = query_escape(name), *ev = query_escape(value), *url = NULL;
	struct query q = {0};
	struct problem p = {0};
	enum err e;

	FUZZ_CHECK(en && ev, "query_escape failed");
	FUZZ_CHECK(asprintf(&url, "/x?%s=%s", en, ev) >= 0, "asprintf");
	e = query_parse(url, &q, &p);
	FUZZ_CHECK(e == ERR_OK && q.n == 1, "escaped %s=%s does not parse back: %s", en, ev, p.detail);
	FUZZ_CHECK(strcmp(q.items[0].name, name) == 0 && strcmp(q.items[0].value, value) == 0,
	           "escaping %s=%s changed it", en, ev);
	query_free(&q);
	problem_clear(&p);
	free(url);
	free(en);
	free(ev);
}

/* The statement names exactly $1..$nparams, each at least once. */
static void
check_sql(const struct resource_def *def, const struct list_request *lr)
{
	bool used[QUERY_MAX_PARAMS + 5] = {false};
	const char *s = lr->sql;

	FUZZ_CHECK(s != NULL, "%s: no statement", def->noun);
	FUZZ_CHECK(lr->nparams >= 0 && lr->nparams <= QUERY_MAX_PARAMS + 4, "%d parameters", lr->nparams);
	while ((s = strchr(s, '$')) != NULL) {
		long n = strtol(s + 1, (char **)&s, 10);
		FUZZ_CHECK(n >= 1 && n <= lr->nparams, "%s: $%ld of %d parameters in %s", def->noun, n,
		           lr->nparams, lr->sql);
		used[n] = true;
	}
	for (int i = 1; i <= lr->nparams; i++)
		FUZZ_CHECK(used[i], "%s: parameter $%d is never used: %s", def->noun, i, lr->sql);
	FUZZ_CHECK(lr->limit >= 0 && lr->limit <= 500, "limit %ld", lr->limit);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = malloc(size + 2);
	struct query q = {0};
	struct problem p = {0};
	enum err e;

	if (url == NULL)
		return 0;
	url[0] = '?';
	memcpy(url + 1, data, size);
	url[size + 1] = '\0';
	e = query_parse(url, &q, &p);
	FUZZ_CHECK(e == ERR_OK || e == ERR_MALFORMED, "query_parse gave %d", e);
	FUZZ_CHECK(q.n <= QUERY_MAX_PARAMS, "%zu parameters", q.n);
	if (e != ERR_OK) {
		FUZZ_CHECK(problem_count(&p) > 0, "a refused query names no parameter");
		goto out;
	}
	for (size_t i = 0; i < q.n; i++) {
		const char *n = q.items[i].name, *v = q.items[i].value;
		FUZZ_CHECK(*n != '\0', "an empty name");
		FUZZ_CHECK(utf8_valid(n, strlen(n)) && (*v == '\0' || utf8_valid(v, strlen(v))),
		           "parameter %zu is not UTF-8", i);
		FUZZ_CHECK(query_get(&q, n) == v, "%s is given twice", n);
		check_escape(n, v);
	}
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		const struct resource_def *def = lists[i];
		struct list_request lr;
		struct problem lp = {0};
		bool paged = size % 2 == 0;

		e = list_prepare(def, &scopes[(size / 2) % 4], &q, NULL, paged, &lr, &lp);
		FUZZ_CHECK(e == ERR_OK || e == ERR_MALFORMED, "%s: list_prepare gave %d", def->noun, e);
		if (e == ERR_OK) {
			check_sql(def, &lr);
			FUZZ_CHECK(problem_count(&lp) == 0, "%s: accepted with faults", def->noun);
		} else {
			json_t *o = problem_to_json(&lp, "/v1/x", NULL, NULL);
			char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
			FUZZ_CHECK(problem_count(&lp) > 0, "%s: refused naming nothing: %s", def->noun, lp.detail);
			FUZZ_CHECK(text != NULL, "%s: the problem is not JSON", def->noun);
			free(text);
			json_decref(o);
		}
		list_request_free(&lr);
		problem_clear(&lp);
	}
out:
	query_free(&q);
	problem_clear(&p);
	free(url);
	return 0;
}
