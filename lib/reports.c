/*
 * reports.c
 *    This module implements the chair reports (see reports.h). Each is one
 *    statement whose scope conditions take NULL for "unscoped".
 */
#include "reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

/* $1 LA code, $2 school URN, $3 group id of the caller's scope (NULL: none). */
#define REPORT_SCOPE                                                                          \
	" AND ($1::integer IS NULL OR l.code = $1::integer)"                                      \
	" AND ($2::integer IS NULL OR g.id IN (SELECT group_id FROM membership WHERE school_urn = $2::integer))" \
	" AND ($3::bigint IS NULL OR g.id = $3::bigint)"

#define ITEMS(select) "SELECT json_build_object('items', coalesce(json_agg(r), '[]'::json))::text FROM (" select ") r"

static const struct db_stmt REPORT_REVIEWS = {"report_reviews", ITEMS(
	"SELECT g.id AS group_id, g.name AS group_name, g.kind, l.code AS la_code, c.id AS chair_id, "
	"c.person_name, c.school_urn, c.elected_on, c.review_due_on, "
	"CASE WHEN c.review_due_on < $4::date THEN 'overdue' ELSE 'due' END AS status "
	"FROM chair_appointment c JOIN school_group g ON g.id = c.group_id "
	"JOIN local_authority l ON l.id = g.la_id WHERE c.role = 'chair' AND c.term @> $4::date "
	"AND c.review_due_on <= $4::date + $5::integer" REPORT_SCOPE
	" ORDER BY c.review_due_on, g.id")};

/* Chairs in office during the year of $4 whose group had not confirmed a chair for it by $4. */
static const struct db_stmt REPORT_UNCONFIRMED = {"report_unconfirmed", ITEMS(
	"SELECT c.id AS chair_id, g.id AS group_id, g.name AS group_name, g.kind, l.code AS la_code, "
	"c.person_name, c.email, c.school_urn, c.start_date, $7::text AS academic_year, "
	"confirmation_deadline(g.la_id, $7::text) AS deadline, "
	"(SELECT k.confirmed_on FROM chair_confirmation k WHERE k.group_id = g.id "
	"AND k.academic_year = $7::text) AS confirmed_on "
	"FROM chair_appointment c JOIN school_group g ON g.id = c.group_id "
	"JOIN local_authority l ON l.id = g.la_id WHERE c.role = 'chair' AND g.status = 'active' "
	"AND c.term && daterange($5::date, $6::date, '[]') "
	"AND NOT EXISTS (SELECT 1 FROM chair_confirmation k WHERE k.group_id = g.id "
	"AND k.academic_year = $7::text AND k.confirmed_on <= $4::date)" REPORT_SCOPE
	" ORDER BY g.name, c.id")};

/*
 * Active groups with no confirmation for year $4, as of $5: the LA's
 * deadline, whether it has passed, and the chair in office that day.
 */
static const struct db_stmt REPORT_NO_CHAIR = {"report_no_chair", ITEMS(
	"SELECT g.id AS group_id, g.name AS group_name, g.kind, l.code AS la_code, g.area_id, "
	"$4::text AS academic_year, confirmation_deadline(g.la_id, $4::text) AS deadline, "
	"$5::date > confirmation_deadline(g.la_id, $4::text) AS past_deadline, "
	"c.id AS chair_id, c.person_name AS chair_name "
	"FROM school_group g JOIN local_authority l ON l.id = g.la_id "
	"LEFT JOIN chair_appointment c ON c.group_id = g.id AND c.role = 'chair' AND c.term @> $5::date "
	"WHERE g.status = 'active' "
	"AND NOT EXISTS (SELECT 1 FROM chair_confirmation k WHERE k.group_id = g.id "
	"AND k.academic_year = $4::text)" REPORT_SCOPE
	" ORDER BY g.kind, g.name, g.id")};

static enum err
run(struct db_conn *c, const struct db_stmt *st, const struct scope *sc, const char *const *args,
    int nargs, char **out, struct problem *p)
{
	char la[16], school[16], group[24];
	const char *v[8] = {NULL};
	PGresult *res = NULL;
	enum err e;

	snprintf(la, sizeof la, "%d", sc->la_code);
	snprintf(school, sizeof school, "%d", sc->school_urn);
	snprintf(group, sizeof group, "%lld", sc->group_id);
	v[0] = sc->la_code ? la : NULL;
	v[1] = sc->school_urn ? school : NULL;
	v[2] = sc->group_id ? group : NULL;
	for (int i = 0; i < nargs; i++)
		v[3 + i] = args[i];
	*out = NULL;
	if ((e = db_exec(c, st, 3 + nargs, v, &res, p)) != ERR_OK)
		return e;
	*out = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *out ? ERR_OK : problem_set(p, ERR_INTERNAL, "out of memory");
}

enum err
report_chair_reviews(struct db_conn *c, const struct scope *sc, const char *as_of, int within,
                     char **out, struct problem *p)
{
	char days[16];
	const char *args[] = {as_of, days};

	snprintf(days, sizeof days, "%d", within);
	return run(c, &REPORT_REVIEWS, sc, args, 2, out, p);
}

enum err
report_unconfirmed_chairs(struct db_conn *c, const struct scope *sc, const char *by, char **out,
                          struct problem *p)
{
	char year[8], start[11], end[11];
	const char *args[] = {by, start, end, year};

	if (!academic_year_of(by, year) || !academic_year_parse(year, start, end))
		return problem_set(p, ERR_MALFORMED, "by is not a date");
	return run(c, &REPORT_UNCONFIRMED, sc, args, 4, out, p);
}

enum err
report_groups_without_chair(struct db_conn *c, const struct scope *sc, const char *year,
                            const char *as_of, char **out, struct problem *p)
{
	const char *args[] = {year, as_of};

	return run(c, &REPORT_NO_CHAIR, sc, args, 2, out, p);
}

static const struct db_stmt REPORT_OVERDUE = {"report_overdue", ITEMS(
	"SELECT a.id AS allocation_id, a.fund_id, f.name AS fund_name, g.id AS group_id, "
	"g.name AS group_name, l.code AS la_code, f.evaluation_due AS due_on, "
	"v.id AS evaluation_id, coalesce(v.status, 'missing') AS evaluation_status, "
	"api_ts(v.submitted_at) AS submitted_at, v.reported_on "
	"FROM fund_allocation a JOIN fund f ON f.id = a.fund_id JOIN school_group g ON g.id = a.group_id "
	"JOIN local_authority l ON l.id = f.la_id LEFT JOIN evaluation v ON v.allocation_id = a.id "
	"WHERE a.status IN ('approved', 'paid') AND a.kind = 'allocation' AND f.evaluation_due < $4::date "
	"AND (v.id IS NULL OR v.reported_on IS NULL OR v.reported_on > $4::date)" REPORT_SCOPE " ORDER BY f.evaluation_due, g.name, a.id")};

enum err
report_overdue_evaluations(struct db_conn *c, const struct scope *sc, const char *as_of, char **out,
                           struct problem *p)
{
	const char *args[] = {as_of};

	return run(c, &REPORT_OVERDUE, sc, args, 1, out, p);
}

/* Rejected payments of live allocations not yet reissued: the officers' to act on. */
static const struct db_stmt REPORT_REJECTED = {"report_rejected", ITEMS(
	"SELECT p.id AS payment_id, p.reference, p.allocation_id, p.fund_id, f.name AS fund_name, "
	"g.id AS group_id, g.name AS group_name, l.code AS la_code, p.payee_urn, "
	"p.la_code || '/' || lpad(p.establishment_number::text, 4, '0') AS dfe_number, p.amount_pence, "
	"p.finance_reference, api_ts(p.rejected_at) AS rejected_at, p.rejection_reason "
	"FROM payment p JOIN fund_allocation a ON a.id = p.allocation_id JOIN fund f ON f.id = p.fund_id "
	"JOIN school_group g ON g.id = a.group_id JOIN local_authority l ON l.id = f.la_id "
	"WHERE p.status = 'rejected' AND a.status <> 'cancelled' AND NOT EXISTS (SELECT 1 FROM payment r "
	"WHERE r.reissues_payment_id = p.id AND r.status <> 'cancelled')" REPORT_SCOPE
	" ORDER BY p.rejected_at, p.id")};

enum err
report_rejected_payments(struct db_conn *c, const struct scope *sc, char **out, struct problem *p)
{
	return run(c, &REPORT_REJECTED, sc, NULL, 0, out, p);
}

static const struct db_stmt REPORT_AREA = {"report_area", "SELECT area_report($1::bigint, $2::text)::text"};

static const struct db_stmt REPORT_AUTHORITY = {"report_authority",
	"SELECT json_build_object('la_code', l.code, 'la_name', l.name, 'academic_year', $2::text, "
	"'areas', coalesce((SELECT json_agg(area_report(a.id, $2::text) ORDER BY a.name, a.id) FROM area a "
	"WHERE a.la_id = l.id), '[]'::json))::text FROM local_authority l WHERE l.code = $1::integer"};

static const struct db_stmt REPORT_BODY = {"report_body",
	"SELECT body_report($1::bigint, $2::text, $3::date)::text"};

static const struct db_stmt REPORT_BELOW_TARGET = {"report_below_target",
	"SELECT bodies_below_target($1::integer, $2::text, $3::date)::text "
	"WHERE EXISTS (SELECT 1 FROM local_authority WHERE code = $1::integer)"};

/* The person's record and what names them, and the casework about them. */
static const struct db_stmt REPORT_PERSON = {"report_person",
	"SELECT (person_export($1::bigint)::jsonb || jsonb_build_object('casework', person_casework($1::bigint)))::text"};

/* The one text statement st answers with its n parameters v; none: no `what` v[0]. */
static enum err
one_text(struct db_conn *c, const struct db_stmt *st, int n, const char *const *v, char **out,
         struct problem *p, const char *what)
{
	PGresult *res = NULL;
	enum err e;

	*out = NULL;
	if ((e = db_exec(c, st, n, v, &res, p)) != ERR_OK)
		return e;
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
		PQclear(res);
		return problem_set(p, ERR_NOT_FOUND, "no %s %s", what, v[0]);
	}
	*out = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *out ? ERR_OK : problem_set(p, ERR_INTERNAL, "out of memory");
}

enum err
report_area(struct db_conn *c, const char *area_id, const char *year, char **out, struct problem *p)
{
	const char *v[] = {area_id, year};
	return one_text(c, &REPORT_AREA, 2, v, out, p, "area");
}

enum err
report_authority(struct db_conn *c, const char *la_code, const char *year, char **out, struct problem *p)
{
	const char *v[] = {la_code, year};
	return one_text(c, &REPORT_AUTHORITY, 2, v, out, p, "local authority");
}

enum err
report_body(struct db_conn *c, const char *body_id, const char *year, const char *as_of, char **out,
            struct problem *p)
{
	const char *v[] = {body_id, year, as_of};
	return one_text(c, &REPORT_BODY, 3, v, out, p, "body");
}

enum err
report_bodies_below_target(struct db_conn *c, const char *la_code, const char *year, const char *as_of,
                           char **out, struct problem *p)
{
	const char *v[] = {la_code, year, as_of};
	return one_text(c, &REPORT_BELOW_TARGET, 3, v, out, p, "local authority");
}

enum err
report_person_export(struct db_conn *c, const char *person_id, char **out, struct problem *p)
{
	const char *v[] = {person_id};
	return one_text(c, &REPORT_PERSON, 1, v, out, p, "person");
}

/* ---- the chairs' casework ------------------------------------------------------ */

/*
 * The new heads of the groups in the caller's scope (and of $5 LA, $6 group
 * when given) as of $4, with their check-ins this half-term and whether
 * coaching was offered.
 */
static const struct db_stmt REPORT_NEW_HEADS = {"report_new_heads",
	"SELECT json_build_object('as_of', $4::date, 'half_term_from', lower(half_term($4::date)), "
	"'half_term_to', upper(half_term($4::date)) - 1, 'items', coalesce(json_agg(n.doc "
	"ORDER BY g.name, n.doc ->> 'school_name', n.doc ->> 'person_id'), '[]'::json))::text "
	"FROM local_authority l CROSS JOIN LATERAL new_heads(l.code, $4::date) n "
	"JOIN school_group g ON g.id = n.group_id "
	"WHERE ($5::integer IS NULL OR l.code = $5::integer) AND ($6::bigint IS NULL OR g.id = $6::bigint)"
	REPORT_SCOPE};

enum err
report_new_heads(struct db_conn *c, const struct scope *sc, const char *as_of, const char *la,
                 const char *group, char **out, struct problem *p)
{
	const char *args[] = {as_of, la, group};

	return run(c, &REPORT_NEW_HEADS, sc, args, 3, out, p);
}

/* Is $1 an AAG, and $2 one of its meetings? */
static const struct db_stmt PACK_CHECK = {"pack_check",
	"SELECT b.kind = 'area_analysis_group', "
	"EXISTS (SELECT 1 FROM meeting m WHERE m.id = $2::bigint AND m.body_id = b.id) "
	"FROM body b WHERE b.id = $1::bigint"};
static const struct db_stmt PACK = {"pack", "SELECT aag_pack($1::bigint, $2::bigint)::text"};

enum err
report_aag_pack(struct db_conn *c, const char *body_id, const char *meeting_id, char **out,
                struct problem *p)
{
	const char *v[] = {body_id, meeting_id};
	PGresult *res = NULL;
	enum err e;
	bool aag, held;

	*out = NULL;
	if ((e = db_exec(c, &PACK_CHECK, 2, v, &res, p)) != ERR_OK)
		return e;
	aag = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	held = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	PQclear(res);
	if (!aag)
		return problem_set(p, ERR_NOT_FOUND, "no Area Analysis Group %s", body_id);
	if (!held)
		return problem_set(p, ERR_NOT_FOUND, "no meeting %s of Area Analysis Group %s", meeting_id,
		                   body_id);
	return one_text(c, &PACK, 2, v, out, p, "Area Analysis Group");
}

static const struct db_stmt PACK_RECEIVE = {"pack_receive",
	"SELECT aag_pack_receive($1::bigint), m.body_id FROM meeting m WHERE m.id = $1::bigint"};

enum err
aag_pack_receive(struct db_conn *c, const char *meeting_id, char body_id[24], int *marked,
                 struct problem *p)
{
	const char *v[] = {meeting_id};
	PGresult *res = NULL;
	enum err e;

	*marked = 0;
	if ((e = db_exec(c, &PACK_RECEIVE, 1, v, &res, p)) != ERR_OK)
		return e;
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
		PQclear(res);
		return problem_set(p, ERR_CONFLICT, "meeting %s is not one of an Area Analysis Group: "
		                   "only an AAG receives a pack", meeting_id);
	}
	*marked = atoi(PQgetvalue(res, 0, 0));
	snprintf(body_id, 24, "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	return ERR_OK;
}

static const struct db_stmt SEATED = {"seated_today",
	"SELECT seated($1::bigint, jsonb_build_array($2::bigint), london_today())"};

enum err
body_seated_today(struct db_conn *c, long long body_id, long long person_id, bool *seated,
                  struct problem *p)
{
	char b[24], q[24];
	const char *v[] = {b, q};
	PGresult *res = NULL;
	enum err e;

	snprintf(b, sizeof b, "%lld", body_id);
	snprintf(q, sizeof q, "%lld", person_id);
	*seated = false;
	if ((e = db_exec(c, &SEATED, 2, v, &res, p)) != ERR_OK)
		return e;
	*seated = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return ERR_OK;
}

static const struct db_stmt PLAN_REPORT = {"strategic_plan_report",
	"SELECT strategic_plan_report($1::bigint, coalesce($2::date, london_today()))::text"};
static const struct db_stmt PLAN_ROWS = {"strategic_plan_rows",
	"SELECT json_build_object('items', strategic_plan_rows(p.id, coalesce($2::date, london_today())))::text "
	"FROM strategic_plan p WHERE p.id = $1::bigint"};

enum err
report_strategic_plan(struct db_conn *c, const char *plan_id, const char *as_of, bool rows, char **out,
                      struct problem *p)
{
	const char *v[] = {plan_id, as_of};
	return one_text(c, rows ? &PLAN_ROWS : &PLAN_REPORT, 2, v, out, p, "strategic plan");
}

static const struct db_stmt THREESIXTY = {"threesixty_package",
	"SELECT threesixty_package(l.id, $2)::text FROM local_authority l WHERE l.id = $1::bigint"};
static const struct db_stmt THREESIXTY_ROWS = {"threesixty_rows",
	"SELECT threesixty_rows(l.id, $2)::text FROM local_authority l WHERE l.id = $1::bigint"};

enum err
report_360giving(struct db_conn *c, const char *la_id, const char *academic_year, bool rows, char **out,
                 struct problem *p)
{
	const char *v[] = {la_id, academic_year};
	return one_text(c, rows ? &THREESIXTY_ROWS : &THREESIXTY, 2, v, out, p, "local authority");
}
