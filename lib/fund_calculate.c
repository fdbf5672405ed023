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
	"f.network_flat_pence, f.per_group_pence, f.census_date, f.academic_year, f.la_id, f.version, f.status "
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

/*
 * Chair funding, one amount per group and academic year ($2): every group
 * of the LA open at some time in the year, the confirmation of its chair
 * for the year, and whether that chair's school was a member of the group
 * when the appointment started.
 */
static const struct db_stmt FUND_CHAIR_GROUPS = {"fund_chair_groups",
	"SELECT g.id, g.kind, g.name, 0, 0, c.id, c.school_urn, g.status, g.closed_on, k.id, "
	"c.start_date, EXISTS (SELECT 1 FROM membership m WHERE m.group_id = g.id "
	"AND m.school_urn = c.school_urn AND m.valid @> c.start_date) "
	"FROM school_group g LEFT JOIN chair_confirmation k ON k.group_id = g.id "
	"AND k.academic_year = $2::text LEFT JOIN chair_appointment c ON c.id = k.chair_id "
	"WHERE g.la_id = $1::bigint AND (g.status = 'active' OR g.closed_on >= academic_year_start($2::text)) ORDER BY g.id"};

/* Consortia with a remote learning lead on the census date; the lead's school is paid. */
static const struct db_stmt FUND_LEADS = {"fund_leads",
	"SELECT g.id, g.kind, g.name, 0, 0, NULL, n.school_urn FROM nomination n "
	"JOIN school_group g ON g.id = n.group_id WHERE g.la_id = $1::bigint AND g.kind = 'consortium' "
	"AND g.status = 'active' AND n.role = 'remote_learning_lead' AND n.term @> $2::date "
	"ORDER BY g.id"};

/*
 * What each group has from the fund already: its live allocations, less
 * the payments of them that were reversed, and the payee last named.
 */
static const struct db_stmt FUND_HAVE = {"fund_have",
	"SELECT a.group_id, g.kind, g.name, sum(a.amount_pence) + coalesce(sum(r.reversed), 0), "
	"(array_agg(a.payee_urn ORDER BY a.id DESC) FILTER (WHERE a.payee_urn IS NOT NULL))[1] "
	"FROM fund_allocation a JOIN school_group g ON g.id = a.group_id "
	"LEFT JOIN LATERAL (SELECT sum(p.amount_pence) AS reversed FROM payment p "
	"WHERE p.allocation_id = a.id AND p.reverses_payment_id IS NOT NULL "
	"AND p.status <> 'cancelled') r ON true "
	"WHERE a.fund_id = $1::bigint AND a.status <> 'cancelled' "
	"GROUP BY a.group_id, g.kind, g.name ORDER BY a.group_id"};

static const struct db_stmt ALLOCATION_STORE = {"allocation_store",
	"INSERT INTO fund_allocation (fund_id, group_id, chair_id, amount_pence, payee_urn, working, kind) "
	"VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::integer, $6::jsonb, $7) RETURNING id"};

/* A fund allocated (again) moves on a version: a second officer's If-Match then fails. */
static const struct db_stmt FUND_ALLOCATED = {"fund_allocated",
	"UPDATE fund SET updated_at = now(), version = version + 1 WHERE id = $1::bigint"};

struct planned {
	long long group_id, chair_id;
	char kind[16], name[208];
	int payee;              /* who a new allocation pays: the chair's or lead's school */
	struct alloc_group g;   /* g.amount: what the group should have now */
	const char *rule;       /* NULL: the calculation gives it nothing */
	long long have;         /* what its live allocations give it already */
	int have_payee;         /* the payee its allocations last named */
	bool had;               /* it has live allocations */
};

static json_t *
working_of(const struct planned *pl)
{
	char first[48], exact[48];
	json_t *w = json_pack("{s:s}", "rule", pl->rule ? pl->rule : "not_eligible");

	if (pl->rule && (strcmp(pl->rule, "pro_rata") == 0 || strcmp(pl->rule, "minimum") == 0)) {
		share_format(pl->g.first_num, pl->g.first_den, first);
		share_format(pl->g.exact_num, pl->g.exact_den, exact);
		json_object_set_new(w, "schools", json_integer(pl->g.schools));
		json_object_set_new(w, "pupils", json_integer(pl->g.pupils));
		json_object_set_new(w, "share_before_minimum", json_string(first));
		json_object_set_new(w, "raised_to_minimum", json_boolean(pl->g.raised));
		json_object_set_new(w, "exact_share", json_string(exact));
		json_object_set_new(w, "rounding_penny", json_boolean(pl->g.rounding_penny));
	} else if (pl->rule && strcmp(pl->rule, "flat") == 0) {
		json_object_set_new(w, "schools", json_integer(pl->g.schools));
		json_object_set_new(w, "pupils", json_integer(pl->g.pupils));
	}
	if (pl->had) {
		json_object_set_new(w, "target_pence", json_integer(pl->g.amount));
		json_object_set_new(w, "allocated_before_pence", json_integer(pl->have));
	}
	return w;
}

/* The kind of allocation a difference is proposed as, or NULL: none. */
static const char *
proposal_of(const struct planned *pl)
{
	long long diff = pl->g.amount - pl->have;

	if (diff == 0)
		return NULL;
	if (diff < 0)
		return "reduction";
	return pl->had ? "top_up" : "allocation";
}

/* Why a group of a chair funding gets nothing, into why; false: it is funded. */
static bool
chair_unfunded(const PGresult *res, int i, const char *year, char why[256])
{
	if (strcmp(PQgetvalue(res, i, 7), "active") != 0) {
		snprintf(why, 256, "the group closed on %s", PQgetvalue(res, i, 8));
		return true;
	}
	if (PQgetisnull(res, i, 9)) {
		snprintf(why, 256, "no chair is confirmed for %s", year);
		return true;
	}
	if (strcmp(PQgetvalue(res, i, 11), "t") != 0) {
		snprintf(why, 256,
		         "the confirmed chair's school %s was not a member of the group when the "
		         "appointment started on %s", PQgetvalue(res, i, 6), PQgetvalue(res, i, 10));
		return true;
	}
	return false;
}

/*
 * Merge what each group should have (pl[0..n), by group id) with what it
 * has (the rows of FUND_HAVE, by group id) into *out; groups that have
 * allocations but should now have nothing are added with no rule.
 */
static enum err
merge_have(struct planned *pl, size_t n, const PGresult *have, struct planned **out, size_t *nout,
           struct problem *p)
{
	size_t m = (size_t)PQntuples(have), i = 0, j = 0, k = 0;
	struct planned *all = calloc(n + m ? n + m : 1, sizeof *all);

	if (all == NULL)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	while (i < n || j < m) {
		long long hg = j < m ? atoll(PQgetvalue(have, (int)j, 0)) : 0;
		if (j >= m || (i < n && pl[i].group_id < hg)) {
			all[k++] = pl[i++];
			continue;
		}
		if (i < n && pl[i].group_id == hg) {
			all[k] = pl[i++];
		} else {
			memset(&all[k], 0, sizeof all[k]);
			all[k].group_id = hg;
			snprintf(all[k].kind, sizeof all[k].kind, "%s", PQgetvalue(have, (int)j, 1));
			snprintf(all[k].name, sizeof all[k].name, "%s", PQgetvalue(have, (int)j, 2));
		}
		all[k].had = true;
		all[k].have = atoll(PQgetvalue(have, (int)j, 3));
		all[k].have_payee = PQgetisnull(have, (int)j, 4) ? 0 : atoi(PQgetvalue(have, (int)j, 4));
		k++, j++;
	}
	*out = all;
	*nout = k;
	return ERR_OK;
}

/* Who line pl's proposal pays: a reduction recovers from the payee already named. */
static int
payee_of(const struct planned *pl, const char *proposal)
{
	if ((proposal && strcmp(proposal, "reduction") == 0) || pl->payee == 0)
		return pl->have_payee;
	return pl->payee;
}

/* Store line pl's difference as a proposed allocation; its id into *id. */
static enum err
store_line(struct db_conn *c, const struct actor *who, const char *key, const struct planned *pl,
           const char *proposal, const json_t *w, long long *id, struct problem *p)
{
	bool down = strcmp(proposal, "reduction") == 0;
	int payee = payee_of(pl, proposal);
	char gid[24], cid[24], amount[24], spayee[16], *wtext = json_dumps(w, JSON_COMPACT);
	const char *v[] = {key, gid, pl->chair_id && !down ? cid : NULL, amount, payee ? spayee : NULL,
	                   wtext, proposal};
	PGresult *ins = NULL;
	struct doc d = {0};
	enum err e;

	if (wtext == NULL)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	snprintf(gid, sizeof gid, "%lld", pl->group_id);
	snprintf(cid, sizeof cid, "%lld", pl->chair_id);
	snprintf(amount, sizeof amount, "%lld", pl->g.amount - pl->have);
	snprintf(spayee, sizeof spayee, "%d", payee);
	e = db_exec(c, &ALLOCATION_STORE, 7, v, &ins, p);
	free(wtext);
	if (e != ERR_OK) {
		const struct constraint_def *cd = resource_constraint(&allocation_def, p->constraint);
		if (cd) {
			/* which group's allocation broke which rule, in the words of a created one */
			problem_field(p, IN_BODY, cd->field, cd->code, "group %lld (%s): %s %s", pl->group_id,
			              pl->name, cd->field, cd->message);
			snprintf(p->detail, sizeof p->detail, "the allocation to group %lld (%s): %s %s",
			         pl->group_id, pl->name, cd->field, cd->message);
		}
		return e;
	}
	*id = atoll(PQgetvalue(ins, 0, 0));
	e = resource_record(c, &allocation_def, who, PQgetvalue(ins, 0, 0), "create", NULL, &d, p);
	doc_free(&d);
	PQclear(ins);
	return e;
}

enum err
fund_calculate(struct db_conn *c, const struct actor *who, const char *key,
               const struct expected_version *expect, bool store, char **out, struct problem *p)
{
	char start[11], end[11], census[11], year[8], kind[24], la_id[24];
	PGresult *ctx = NULL, *res = NULL, *have = NULL;
	struct planned *pl = NULL, *all = NULL;
	struct alloc_rules rules = {0};
	json_t *result = NULL, *list = NULL, *unfunded = json_array();
	long long per = 0, total = 0, before = 0, moved = 0, need;
	size_t n = 0, nall = 0, funded = 0, proposals = 0;
	bool chairs;
	enum err e;

	*out = NULL;
	if ((e = resource_exec_scoped(c, &fund_def, FUND_CONTEXT, " FOR UPDATE OF f", &who->scope, true,
	                              1, &key, &ctx, p)) != ERR_OK)
		goto out;
	if (PQntuples(ctx) == 0) {
		e = problem_set(p, ERR_NOT_FOUND, "no fund %s", key);
		goto out;
	}
	if (expect && !expected_allows(expect, atoi(PQgetvalue(ctx, 0, 10)))) {
		e = problem_set(p, ERR_PRECONDITION_FAILED, "the fund has changed: its current version is %s",
		                PQgetvalue(ctx, 0, 10));
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
	chairs = strcmp(kind, "chair_funding") == 0;

	if (strcmp(kind, "other") == 0) {
		e = problem_set(p, ERR_CONFLICT,
		                "a fund of kind 'other' is allocated one by one (POST /v1/fund-allocations)");
		goto out;
	}
	/* a draft is calculated to be checked, never allocated */
	if (store && strcmp(PQgetvalue(ctx, 0, 11), "draft") == 0) {
		problem_field(p, IN_BODY, "status", "rule", "is draft: open the fund (PATCH status open) first");
		e = problem_set(p, ERR_CONFLICT, "the fund is a draft: nothing is allocated from it until it is open");
		goto out;
	}
	{
		const char *gv[] = {la_id, chairs ? year : census};
		const struct db_stmt *st = strcmp(kind, "recovery") == 0 ? &FUND_GROUPS
		                           : chairs                      ? &FUND_CHAIR_GROUPS
		                                                         : &FUND_LEADS;
		const char *hv[] = {key};
		if ((e = db_exec(c, st, 2, gv, &res, p)) != ERR_OK ||
		    (e = db_exec(c, &FUND_HAVE, 1, hv, &have, p)) != ERR_OK)
			goto out;
	}
	n = (size_t)PQntuples(res);
	if ((pl = calloc(n ? n : 1, sizeof *pl)) == NULL) {
		e = problem_set(p, ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char why[256];
		pl[i].group_id = atoll(PQgetvalue(res, (int)i, 0));
		snprintf(pl[i].kind, sizeof pl[i].kind, "%s", PQgetvalue(res, (int)i, 1));
		snprintf(pl[i].name, sizeof pl[i].name, "%s", PQgetvalue(res, (int)i, 2));
		pl[i].g.id = pl[i].group_id;
		pl[i].g.schools = atoll(PQgetvalue(res, (int)i, 3));
		pl[i].g.pupils = atoll(PQgetvalue(res, (int)i, 4));
		pl[i].g.flat = strcmp(pl[i].kind, "area_network") == 0;
		if (chairs && chair_unfunded(res, (int)i, year, why)) {
			json_array_append_new(unfunded, json_pack("{s:I, s:s, s:s, s:s}", "group_id",
			                                          (json_int_t)pl[i].group_id, "group_name",
			                                          pl[i].name, "kind", pl[i].kind, "reason", why));
			continue;
		}
		pl[i].chair_id = PQgetisnull(res, (int)i, 5) ? 0 : atoll(PQgetvalue(res, (int)i, 5));
		pl[i].payee = PQgetisnull(res, (int)i, 6) ? 0 : atoi(PQgetvalue(res, (int)i, 6));
		pl[i].rule = "funded";
		funded++;
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
		per = atoll(PQgetvalue(ctx, 0, chairs ? 2 : 6));
		need = (long long)funded * per - rules.pot;
		for (size_t i = 0; i < n; i++) {
			if (pl[i].rule == NULL)
				continue;
			pl[i].g.amount = per;
			pl[i].rule = chairs ? "per_chair" : "per_group";
		}
	}
	if (need > 0) {
		problem_field(p, IN_BODY, "pot_pence", "range",
		              "is %lld pence short of the flat amounts and minimums", need);
		e = problem_set(p, ERR_VALIDATION, "the pot is too small: %lld pence more are needed", need);
		goto out;
	}
	if ((e = merge_have(pl, n, have, &all, &nall, p)) != ERR_OK)
		goto out;
	for (size_t i = 0; i < nall; i++)
		if (proposal_of(&all[i]))
			proposals++;
	if (store && proposals == 0) {
		e = problem_set(p, ERR_CONFLICT,
		                "nothing to allocate: what each group has from the fund already matches "
		                "the calculation");
		goto out;
	}
	list = json_array();
	for (size_t i = 0; i < nall; i++) {
		const struct planned *q = &all[i];
		const char *proposal = proposal_of(q);
		int payee = payee_of(q, proposal);
		json_t *w;

		if (q->rule == NULL && !q->had)
			continue;   /* in `unfunded`, with why */
		w = working_of(q);
		json_t *item = json_pack(
			"{s:I, s:s, s:s, s:o, s:o, s:I, s:s, s:I, s:I, s:o, s:o}", "group_id",
			(json_int_t)q->group_id, "group_name", q->name, "kind", q->kind, "chair_id",
			q->chair_id ? json_integer(q->chair_id) : json_null(), "payee_urn",
			payee ? json_integer(payee) : json_null(),
			"amount_pence", (json_int_t)q->g.amount, "currency", "GBP", "allocated_pence",
			(json_int_t)q->have, "difference_pence", (json_int_t)(q->g.amount - q->have), "proposal",
			proposal ? json_string(proposal) : json_null(), "working", w);
		total += q->g.amount;
		before += q->have;
		if (store && proposal) {
			long long id = 0;
			if ((e = store_line(c, who, key, q, proposal, w, &id, p)) != ERR_OK) {
				json_decref(item);
				goto out;
			}
			json_object_set_new(item, "id", json_integer(id));
			moved += q->g.amount - q->have;
		}
		json_array_append_new(list, item);
	}
	result = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:O, s:O}", "fund_id",
	                   (json_int_t)atoll(key), "kind", kind, "census_date", census, "pot_pence",
	                   (json_int_t)rules.pot, "allocated_pence", (json_int_t)total,
	                   "unallocated_pence", (json_int_t)(rules.pot - total),
	                   "already_allocated_pence", (json_int_t)before, "difference_pence",
	                   (json_int_t)(total - before), "currency", "GBP", "academic_year", year,
	                   "allocations", list, "unfunded", unfunded);
	if (result == NULL || (*out = json_dumps(result, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
		e = problem_set(p, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (store) {
		struct doc fund = {0};
		const char *fv[] = {key};
		PGresult *bump = NULL;
		json_t *summary = json_pack("{s:n, s:{s:I, s:I, s:I}}", "before", "after", "proposals",
		                            (json_int_t)proposals, "allocated_pence", (json_int_t)total,
		                            "difference_pence", (json_int_t)moved);
		if ((e = db_exec(c, &FUND_ALLOCATED, 1, fv, &bump, p)) == ERR_OK &&
		    (e = resource_fetch(c, &fund_def, who, key, &fund, p)) == ERR_OK)
			e = audit_write(c, &who->audit, "fund", key, "allocate", summary,
			                doc_la_code(fund.body, "la_code"), p);
		PQclear(bump);
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
	json_decref(unfunded);
	free(pl);
	free(all);
	PQclear(ctx);
	PQclear(res);
	PQclear(have);
	return e;
}
