/*
 * rollover.c
 *    The academic year's rollover for an LA. The recurring funds of the
 *    year that closes are copied a year on as drafts (the LA checks the pot
 *    and opens each before allocating), each copy naming the fund it came
 *    from so that a second rollover finds it made; the open plans' actions
 *    not marked done go on in a draft plan of the same group against the
 *    copy; and what the new year asks of the chairs is listed: the groups
 *    whose chair is to be confirmed by the LA's deadline, and the chairs
 *    and deputies whose review falls in the year. Each record made is on
 *    the audit trail, and the rollover is one event of the LA.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund.h"
#include "plan.h"
#include "register.h"
#include "rollover.h"

/* $1 LA code, $2 the new year, $3 the year that closes: the copies made, with the fund each came from. */
static const struct db_stmt COPY_FUNDS = {"rollover_funds",
	"INSERT INTO fund (la_id, kind, name, name_cy, academic_year, pot_pence, per_chair_pence, school_weight_ppm, "
	"primary_minimum_pence, network_flat_pence, per_group_pence, census_date, plan_deadline, evaluation_due, "
	"requires_plan, status, recurring, copied_from_id) "
	"SELECT f.la_id, f.kind, f.name, f.name_cy, $2, f.pot_pence, f.per_chair_pence, f.school_weight_ppm, "
	"f.primary_minimum_pence, f.network_flat_pence, f.per_group_pence, (f.census_date + interval '1 year')::date, "
	"(f.plan_deadline + interval '1 year')::date, (f.evaluation_due + interval '1 year')::date, f.requires_plan, "
	"'draft', true, f.id "
	"FROM fund f JOIN local_authority l ON l.id = f.la_id "
	"WHERE l.code = $1::integer AND f.academic_year = $3 AND f.recurring "
	"AND NOT EXISTS (SELECT 1 FROM fund c WHERE c.copied_from_id = f.id) "
	"AND NOT EXISTS (SELECT 1 FROM fund n WHERE n.la_id = f.la_id AND n.academic_year = $2 "
	"AND lower(n.name COLLATE \"und-x-icu\") = lower(f.name COLLATE \"und-x-icu\")) "
	"ORDER BY f.id RETURNING id"};

/*
 * The plans of the closing year's funds copied (by this rollover or an
 * earlier one) whose group is active and which have actions not done: a
 * draft plan of the group against the copy, with those actions, unless the
 * group has one already.
 */
static const struct db_stmt CARRY_PLANS = {"rollover_plans",
	"INSERT INTO action_plan (group_id, fund_id, priorities, actions) "
	"SELECT p.group_id, c.id, p.priorities, u.actions "
	"FROM action_plan p JOIN fund f ON f.id = p.fund_id JOIN fund c ON c.copied_from_id = f.id "
	"JOIN local_authority l ON l.id = f.la_id JOIN school_group g ON g.id = p.group_id AND g.status = 'active' "
	"CROSS JOIN LATERAL (SELECT jsonb_agg(a - 'done' ORDER BY n) AS actions "
	"FROM jsonb_array_elements(p.actions) WITH ORDINALITY AS x(a, n) "
	"WHERE NOT coalesce((a ->> 'done')::boolean, false)) u "
	"WHERE l.code = $1::integer AND f.academic_year = $3 AND c.academic_year = $2 AND u.actions IS NOT NULL "
	"AND NOT EXISTS (SELECT 1 FROM action_plan q WHERE q.group_id = p.group_id AND q.fund_id = c.id) "
	"ORDER BY p.id ON CONFLICT (group_id, fund_id) DO NOTHING RETURNING id"};

/* What the new year asks of the chairs: the confirmations due by the LA's deadline, and the reviews. */
static const struct db_stmt DUE = {"rollover_due",
	"WITH y AS (SELECT academic_year_start($2) AS start, academic_year_end($2) AS finish, "
	"(left($2, 4) || '-' || l.confirmation_deadline)::date AS deadline, l.id AS la_id "
	"FROM local_authority l WHERE l.code = $1::integer) "
	"SELECT json_build_object("
	"'confirmations', coalesce((SELECT json_agg(json_build_object('group_id', g.id, 'group_name', g.name, "
	"'kind', g.kind, 'chair_id', c.id, 'chair_name', c.person_name, 'deadline', y.deadline) ORDER BY g.id) "
	"FROM school_group g JOIN chair_appointment c ON c.group_id = g.id AND c.role = 'chair' "
	"AND c.term @> y.deadline "
	"WHERE g.la_id = y.la_id AND g.status = 'active' AND NOT EXISTS (SELECT 1 FROM chair_confirmation k "
	"WHERE k.group_id = g.id AND k.academic_year = $2)), '[]'), "
	"'reviews_due', coalesce((SELECT json_agg(json_build_object('id', c.id, 'group_id', c.group_id, "
	"'role', c.role, 'person_name', c.person_name, 'review_due_on', c.review_due_on) "
	"ORDER BY c.review_due_on, c.id) FROM chair_appointment c JOIN school_group g ON g.id = c.group_id "
	"WHERE g.la_id = y.la_id AND c.review_due_on <= y.finish "
	"AND c.term && daterange(y.start, y.finish, '[]')), '[]'))::text FROM y"};

static const struct db_stmt BEGIN_ROLLOVER = {"rollover_begin", "SAVEPOINT rollover"};
static const struct db_stmt UNDO_ROLLOVER = {"rollover_undo", "ROLLBACK TO SAVEPOINT rollover"};
static const struct db_stmt KEEP_ROLLOVER = {"rollover_keep", "RELEASE SAVEPOINT rollover"};

static enum err
run(struct db_conn *c, const struct db_stmt *st, int n, const char *const *v, PGresult **res, struct problem *p)
{
	PGresult *own = NULL;
	enum err e = db_exec(c, st, n, v, res ? res : &own, p);

	PQclear(own);
	return e;
}

/* Each record st made (its id in the first column), read back into out and audited as made by the rollover. */
static enum err
made(struct db_conn *c, const struct actor *who, const struct resource_def *def, const struct db_stmt *st,
     const char *const *v, json_t *out, struct problem *p)
{
	PGresult *res = NULL;
	enum err e = run(c, st, 3, v, &res, p);

	for (int i = 0; e == ERR_OK && i < PQntuples(res); i++) {
		struct doc d = {0};

		if ((e = resource_made(c, def, who, PQgetvalue(res, i, 0), "rollover", &d, p)) == ERR_OK &&
		    json_array_append_new(out, json_loads(d.body, 0, NULL)) != 0)
			e = problem_set(p, ERR_INTERNAL, "out of memory");
		doc_free(&d);
	}
	PQclear(res);
	return e;
}

enum err
rollover(struct db_conn *c, const struct actor *who, const char *la_key, int la_code, const char *year, bool dry_run,
         json_t **report, struct problem *p)
{
	char la[8], closing[24];
	const char *v[3] = {la, year, closing};
	json_t *funds = json_array(), *plans = json_array(), *due = NULL;
	PGresult *res = NULL;
	enum err e;

	*report = NULL;
	snprintf(la, sizeof la, "%d", la_code);
	if (funds == NULL || plans == NULL) {
		e = problem_set(p, ERR_INTERNAL, "out of memory");
		goto out;
	}
	/* the year before: "2027/28" closes "2026/27" */
	snprintf(closing, sizeof closing, "%04d/%02d", atoi(year) - 1, atoi(year) % 100);
	if ((e = run(c, &BEGIN_ROLLOVER, 0, NULL, NULL, p)) != ERR_OK ||
	    (e = made(c, who, &fund_def, &COPY_FUNDS, v, funds, p)) != ERR_OK ||
	    (e = made(c, who, &plan_def, &CARRY_PLANS, v, plans, p)) != ERR_OK ||
	    (e = run(c, &DUE, 2, v, &res, p)) != ERR_OK)
		goto out;
	if (PQntuples(res) != 1) {
		e = problem_set(p, ERR_NOT_FOUND, "no local authority %d", la_code);
		goto out;
	}
	due = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	*report = json_pack("{s:s, s:s, s:b, s:O, s:O, s:O, s:O}", "academic_year", year, "closing_year", closing,
	                    "dry_run", dry_run, "funds", funds, "plans", plans, "confirmations",
	                    json_object_get(due, "confirmations"), "reviews_due", json_object_get(due, "reviews_due"));
	if (*report == NULL) {
		e = problem_set(p, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (dry_run || (json_array_size(funds) == 0 && json_array_size(plans) == 0)) {
		e = run(c, &UNDO_ROLLOVER, 0, NULL, NULL, p);
	} else {
		json_t *changes = json_pack("{s:n, s:{s:s, s:I, s:I}}", "before", "after", "academic_year", year, "funds",
		                            (json_int_t)json_array_size(funds), "plans",
		                            (json_int_t)json_array_size(plans));

		e = changes ? run(c, &KEEP_ROLLOVER, 0, NULL, NULL, p) : problem_set(p, ERR_INTERNAL, "out of memory");
		if (e == ERR_OK)
			e = audit_write(c, &who->audit, la_def.resource, la_key, "rollover", changes, la_code, p);
		json_decref(changes);
	}
out:
	if (e != ERR_OK) {
		json_decref(*report);
		*report = NULL;
	}
	PQclear(res);
	json_decref(due);
	json_decref(funds);
	json_decref(plans);
	return e;
}
