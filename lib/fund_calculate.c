/*
 * fund_calculate.c
 *    This module implements the calculation of a fund's allocations from
 *    its rules and the register as of its census date, and their storing
 *    as proposed allocations (see fund.h; the arithmetic is allocation.c).
 */
#include "fund.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "date.h"
#include "fund_sql.h"
#include "register.h"

/* ---- calculation ------------------------------------------------------------ */


/* $1 the fund, locked; restricted to the caller's scope by fund_def's. */
static const char FUND_CONTEXT[] =
	"SELECT f.kind, f.pot_pence, f.per_chair_pence, f.school_weight_ppm, f.primary_minimum_pence, "
	"f.network_flat_pence, f.per_group_pence, f.census_date, f.academic_year, f.la_id "
	"FROM " FUND_FROM " WHERE f.id = $1::bigint";

/*
 * Every active group of the LA with members on the census date: its
 * schools, its pupils (each school's latest census on or before the date,
 * else its pupils on roll), and its chair on that date.
 */
static const struct db_stmt FUND_GROUPS = {"fund_groups",
	"SELECT g.id, g.kind, g.name, count(*) AS schools, "
	"sum(coalesce((SELECT sc.pupils FROM school_census sc WHERE sc.urn = m.school_urn "
	"AND sc.census_date <= $2::date ORDER BY sc.census_date DESC LIMIT 1), s.pupils, 0)) AS pupils, "
	"(SELECT c.id FROM chair_appointment c WHERE c.group_id = g.id AND c.role = 'chair' "
	"AND c.term @> $2::date) AS chair_id, "
	"(SELECT c.school_urn FROM chair_appointment c WHERE c.group_id = g.id AND c.role = 'chair' "
	"AND c.term @> $2::date) AS payee "
	"FROM school_group g JOIN membership m ON m.group_id = g.id AND m.valid @> $2::date "
	"JOIN school s ON s.urn = m.school_urn WHERE g.la_id = $1::bigint AND g.status = 'active' "
	"GROUP BY g.id ORDER BY g.id"};

/* Confirmed chairs in office during the academic year [$2, $3]. */
static const struct db_stmt FUND_CHAIRS = {"fund_chairs",
	"SELECT g.id, g.kind, g.name, 0, 0, c.id, c.school_urn FROM chair_appointment c "
	"JOIN school_group g ON g.id = c.group_id WHERE g.la_id = $1::bigint AND c.role = 'chair' "
	"AND c.confirmed_on IS NOT NULL AND c.term && daterange($2::date, $3::date, '[]') "
	"ORDER BY g.id, c.id"};

/* Consortia with a remote learning lead on the census date; the lead's school is paid. */
static const struct db_stmt FUND_LEADS = {"fund_leads",
	"SELECT g.id, g.kind, g.name, 0, 0, NULL, n.school_urn FROM nomination n "
	"JOIN school_group g ON g.id = n.group_id WHERE g.la_id = $1::bigint AND g.kind = 'consortium' "
	"AND g.status = 'active' AND n.role = 'remote_learning_lead' AND n.term @> $2::date "
	"ORDER BY g.id"};

static const struct db_stmt FUND_LIVE = {"fund_live",
	"SELECT count(*) FROM fund_allocation WHERE fund_id = $1::bigint AND status <> 'cancelled'"};

static const struct db_stmt ALLOCATION_STORE = {"allocation_store",
	"INSERT INTO fund_allocation (fund_id, group_id, chair_id, amount_pence, payee_urn, working) "
	"VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::integer, $6::jsonb) RETURNING id"};

struct planned {
	long long group_id, chair_id;
	char kind[16], name[208];
	int payee;
	struct alloc_group g;
	const char *rule;
};

static json_t *
working_of(const struct planned *pl)
{
	char first[48], exact[48];
	json_t *w = json_pack("{s:s}", "rule", pl->rule);

	if (strcmp(pl->rule, "pro_rata") == 0 || strcmp(pl->rule, "minimum") == 0) {
		share_format(pl->g.first_num, pl->g.first_den, first);
		share_format(pl->g.exact_num, pl->g.exact_den, exact);
		json_object_set_new(w, "schools", json_integer(pl->g.schools));
		json_object_set_new(w, "pupils", json_integer(pl->g.pupils));
		json_object_set_new(w, "share_before_minimum", json_string(first));
		json_object_set_new(w, "raised_to_minimum", json_boolean(pl->g.raised));
		json_object_set_new(w, "exact_share", json_string(exact));
		json_object_set_new(w, "rounding_penny", json_boolean(pl->g.rounding_penny));
	} else if (strcmp(pl->rule, "flat") == 0) {
		json_object_set_new(w, "schools", json_integer(pl->g.schools));
		json_object_set_new(w, "pupils", json_integer(pl->g.pupils));
	}
	return w;
}

enum err
fund_calculate(struct db_conn *c, const struct actor *who, const char *key, bool store,
               char **out, struct problem *p)
{
	char start[11], end[11], census[11], year[8];
	PGresult *ctx = NULL, *res = NULL;
	struct planned *pl = NULL;
	struct alloc_rules rules = {0};
	json_t *result = NULL, *list = NULL;
	char kind[24], la_id[24];
	long long per = 0, total = 0, need;
	size_t n = 0;
	enum err e;

	*out = NULL;
	if ((e = resource_exec_scoped(c, &fund_def, FUND_CONTEXT, " FOR UPDATE OF f", &who->scope, true,
	                              1, &key, &ctx, p)) != ERR_OK)
		goto out;
	if (PQntuples(ctx) == 0) {
		e = problem_set(p, ERR_NOT_FOUND, "no fund %s", key);
		goto out;
	}
	snprintf(kind, sizeof kind, "%s", PQgetvalue(ctx, 0, 0));
	rules.pot = atoll(PQgetvalue(ctx, 0, 1));
	rules.weight_ppm = atoll(PQgetvalue(ctx, 0, 3));
	rules.minimum = atoll(PQgetvalue(ctx, 0, 4));
	rules.flat = atoll(PQgetvalue(ctx, 0, 5));
	snprintf(census, sizeof census, "%s", PQgetvalue(ctx, 0, 7));
	snprintf(year, sizeof year, "%s", PQgetvalue(ctx, 0, 8));
	snprintf(la_id, sizeof la_id, "%s", PQgetvalue(ctx, 0, 9));
	academic_year_parse(year, start, end);

	if (strcmp(kind, "other") == 0) {
		e = problem_set(p, ERR_CONFLICT,
		                "a fund of kind 'other' is allocated one by one (POST /v1/fund-allocations)");
		goto out;
	}
	{
		const char *gv[] = {la_id, strcmp(kind, "chair_funding") == 0 ? start : census, end};
		const struct db_stmt *st = strcmp(kind, "recovery") == 0        ? &FUND_GROUPS
		                           : strcmp(kind, "chair_funding") == 0 ? &FUND_CHAIRS
		                                                                : &FUND_LEADS;
		int np = st == &FUND_CHAIRS ? 3 : 2;
		if ((e = db_exec(c, st, np, gv, &res, p)) != ERR_OK)
			goto out;
	}
	n = (size_t)PQntuples(res);
	if ((pl = calloc(n ? n : 1, sizeof *pl)) == NULL) {
		e = problem_set(p, ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		pl[i].group_id = atoll(PQgetvalue(res, (int)i, 0));
		snprintf(pl[i].kind, sizeof pl[i].kind, "%s", PQgetvalue(res, (int)i, 1));
		snprintf(pl[i].name, sizeof pl[i].name, "%s", PQgetvalue(res, (int)i, 2));
		pl[i].chair_id = PQgetisnull(res, (int)i, 5) ? 0 : atoll(PQgetvalue(res, (int)i, 5));
		pl[i].payee = PQgetisnull(res, (int)i, 6) ? 0 : atoi(PQgetvalue(res, (int)i, 6));
		pl[i].g.id = pl[i].group_id;
		pl[i].g.schools = atoll(PQgetvalue(res, (int)i, 3));
		pl[i].g.pupils = atoll(PQgetvalue(res, (int)i, 4));
		pl[i].g.flat = strcmp(pl[i].kind, "area_network") == 0;
	}
	if (strcmp(kind, "recovery") == 0) {
		struct alloc_group *g = calloc(n ? n : 1, sizeof *g);
		if (g == NULL) {
			e = problem_set(p, ERR_INTERNAL, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			g[i] = pl[i].g;
		need = allocate_pot(&rules, g, n);
		if (need < 0) {
			/* not a shortfall: nothing was computed, and nothing may be stored */
			free(g);
			e = problem_set(p, ERR_INTERNAL, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			pl[i].g = g[i];
			pl[i].rule = g[i].flat ? "flat" : g[i].raised ? "minimum" : "pro_rata";
		}
		free(g);
	} else {
		per = atoll(PQgetvalue(ctx, 0, strcmp(kind, "chair_funding") == 0 ? 2 : 6));
		need = (long long)n * per - rules.pot;
		for (size_t i = 0; i < n; i++) {
			pl[i].g.amount = per;
			pl[i].rule = strcmp(kind, "chair_funding") == 0 ? "per_chair" : "per_group";
		}
	}
	if (need > 0) {
		problem_field(p, IN_BODY, "pot_pence", "range",
		              "is %lld pence short of the flat amounts and minimums", need);
		e = problem_set(p, ERR_VALIDATION, "the pot is too small: %lld pence more are needed", need);
		goto out;
	}
	if (store) {
		PGresult *live = NULL;
		const char *fv[] = {key};
		if ((e = db_exec(c, &FUND_LIVE, 1, fv, &live, p)) != ERR_OK)
			goto out;
		need = atoll(PQgetvalue(live, 0, 0));
		PQclear(live);
		if (need > 0) {
			e = problem_set(p, ERR_CONFLICT,
			                "the fund has %lld live allocations: cancel them to allocate again", need);
			goto out;
		}
	}
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *w = working_of(&pl[i]);
		json_t *item = json_pack("{s:I, s:s, s:s, s:o, s:o, s:I, s:s, s:o}", "group_id",
		                         (json_int_t)pl[i].group_id, "group_name", pl[i].name, "kind",
		                         pl[i].kind, "chair_id",
		                         pl[i].chair_id ? json_integer(pl[i].chair_id) : json_null(),
		                         "payee_urn", pl[i].payee ? json_integer(pl[i].payee) : json_null(),
		                         "amount_pence", (json_int_t)pl[i].g.amount, "currency", "GBP",
		                         "working", w);
		total += pl[i].g.amount;
		if (store) {
			char gid[24], cid[24], amount[24], payee[16], *wtext = json_dumps(w, JSON_COMPACT);
			const char *v[] = {key, gid, pl[i].chair_id ? cid : NULL, amount, pl[i].payee ? payee : NULL, wtext};
			PGresult *ins = NULL;
			struct doc d = {0};
			snprintf(gid, sizeof gid, "%lld", pl[i].group_id);
			snprintf(cid, sizeof cid, "%lld", pl[i].chair_id);
			snprintf(amount, sizeof amount, "%lld", pl[i].g.amount);
			snprintf(payee, sizeof payee, "%d", pl[i].payee);
			e = db_exec(c, &ALLOCATION_STORE, 6, v, &ins, p);
			free(wtext);
			const struct constraint_def *cd =
				e != ERR_OK ? resource_constraint(&allocation_def, p->constraint) : NULL;
			if (cd) {
				/* which group's allocation broke which rule, in the words of a created one */
				problem_field(p, IN_BODY, cd->field, cd->code, "group %lld (%s): %s %s",
				              pl[i].group_id, pl[i].name, cd->field, cd->message);
				snprintf(p->detail, sizeof p->detail, "the allocation to group %lld (%s): %s %s",
				         pl[i].group_id, pl[i].name, cd->field, cd->message);
			}
			if (e == ERR_OK) {
				char id[24];
				snprintf(id, sizeof id, "%s", PQgetvalue(ins, 0, 0));
				json_object_set_new(item, "id", json_integer(atoll(id)));
				e = resource_record(c, &allocation_def, who, id, "create", NULL, &d, p);
				doc_free(&d);
			}
			PQclear(ins);
			if (e != ERR_OK) {
				json_decref(item);
				goto out;
			}
		}
		json_array_append_new(list, item);
	}
	result = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:O}", "fund_id",
	                   (json_int_t)atoll(key), "kind", kind, "census_date", census, "pot_pence",
	                   (json_int_t)rules.pot, "allocated_pence", (json_int_t)total,
	                   "unallocated_pence", (json_int_t)(rules.pot - total), "currency", "GBP",
	                   "academic_year", year, "allocations", list);
	if (result == NULL || (*out = json_dumps(result, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
		e = problem_set(p, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (store) {
		struct doc fund = {0};
		json_t *summary = json_pack("{s:n, s:{s:I, s:I}}", "before", "after", "allocations",
		                            (json_int_t)n, "allocated_pence", (json_int_t)total);
		if ((e = resource_fetch(c, &fund_def, who, key, &fund, p)) == ERR_OK)
			e = audit_write(c, &who->audit, "fund", key, "allocate", summary,
			                doc_la_code(fund.body, "la_code"), p);
		json_decref(summary);
		doc_free(&fund);
	}
out:
	if (e != ERR_OK) {
		free(*out);
		*out = NULL;
	}
	json_decref(result);
	json_decref(list);
	free(pl);
	PQclear(ctx);
	PQclear(res);
	return e;
}
