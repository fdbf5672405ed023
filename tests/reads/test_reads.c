/*
 * The hot reads answer byte for byte what they answered before they were
 * reworked: the statements of before.h against the server's answers over
 * HTTP, and against the service's own statements in SQL for every day the
 * answers can change on, on the demo and on the bench's data (run.sh).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/group.h"
#include "../../lib/register.h"
#include "../../lib/resource.h"
#include "../http/client.h"
#include "before.h"
#include "reads.h"

/* Every school's document as the reference builds it, as of day (NULL: today). */
static PGresult *
before_schools(const char *day)
{
	PGresult *res = rows(BEFORE_SCHOOLS, 1, day);

	cr_assert_gt(PQntuples(res), 2000, "the demo and the bench's schools are loaded");
	return res;
}

/*
 * The days a school's document can change on: today, and each first and
 * last day of a membership or a vulnerability, with the day after each.
 */
static PGresult *
days(void)
{
	return rows("SELECT DISTINCT d::text FROM ("
	            "SELECT lower(valid) AS d FROM membership UNION SELECT upper(valid) - 1 FROM membership "
	            "UNION SELECT upper(valid) FROM membership "
	            "UNION SELECT lower(period) FROM vulnerability UNION SELECT upper(period) FROM vulnerability "
	            "UNION SELECT london_today() UNION SELECT london_today() + 1) x "
	            "WHERE d IS NOT NULL ORDER BY 1",
	            0, NULL);
}

/* GET path as a viewer answers 200 with exactly the reference's document. */
static void
answers_the_reference(const char *path, const char *reference)
{
	struct resp *r = http("GET", path, token("viewer"), NULL, NULL);

	cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
	cr_assert_str_eq(r->body, reference, "%s", path);
	resp_free(r);
}

/*
 * The service's statement for def (its document over the rows one record's
 * read takes) against the reference, for every record, as of every day the
 * answers can change on.
 */
static void
statement_equals_reference(const struct resource_def *def, const char *reference)
{
	char *sql = NULL;
	PGresult *d = days();
	int checked = 0;

	cr_assert(asprintf(&sql,
	                   "SELECT count(*) FILTER (WHERE b.doc IS DISTINCT FROM n.doc), count(*), "
	                   "min(n.key) FILTER (WHERE b.doc IS DISTINCT FROM n.doc) "
	                   "FROM (SELECT %s, (%s)::text FROM %s WHERE %s) n (key, doc) "
	                   "LEFT JOIN (%s) b (key, doc) USING (key)",
	                   def->key_expr, def->list_doc, def->one_from ? def->one_from : def->list_from,
	                   def->list_where ? def->list_where : "true", reference) > 0);
	cr_assert_gt(PQntuples(d), 8, "the data has memberships and vulnerabilities over many days");
	for (int i = -1; i < PQntuples(d); i++) {
		const char *day = i < 0 ? NULL : PQgetvalue(d, i, 0);
		PGresult *res = rows(sql, 1, day);
		cr_assert_str_eq(PQgetvalue(res, 0, 0), "0", "%s as of %s: %s %s differs", def->noun,
		                 day ? day : "today", def->noun, PQgetvalue(res, 0, 2));
		cr_assert_gt(atoi(PQgetvalue(res, 0, 1)), 100);
		PQclear(res);
		checked++;
	}
	cr_assert_eq(checked, PQntuples(d) + 1);
	PQclear(d);
	free(sql);
}

Test(reads, school_statement_equals_the_reference_on_every_day_that_matters)
{
	statement_equals_reference(&school_def, BEFORE_SCHOOLS);
}

Test(reads, group_statements_equal_the_reference_on_every_day_that_matters)
{
	statement_equals_reference(&consortium_def, BEFORE_GROUPS);
	statement_equals_reference(&network_def, BEFORE_GROUPS);
}

Test(reads, every_group_over_http_is_the_reference)
{
	PGresult *d = rows("SELECT NULL UNION ALL SELECT (london_today() + 60)::text", 0, NULL);

	for (int k = 0; k < PQntuples(d); k++) {
		const char *day = PQgetisnull(d, k, 0) ? NULL : PQgetvalue(d, k, 0);
		PGresult *b = rows(BEFORE_GROUPS, 1, day);
		cr_assert_gt(PQntuples(b), 1000);
		for (int i = 0; i < PQntuples(b); i += day ? 5 : 1) {
			char path[96];
			snprintf(path, sizeof path, "/v1/%s/%s%s%s", PQgetvalue(b, i, 2), PQgetvalue(b, i, 0),
			         day ? "?as_of=" : "", day ? day : "");
			answers_the_reference(path, PQgetvalue(b, i, 1));
		}
		PQclear(b);
	}
	PQclear(d);
}

Test(reads, both_ways_to_a_group_are_taken)
{
	/* Today the kept group answers; on a day outside its span the memberships are asked. */
	long long kept = db_scalar("SELECT count(*) FROM school WHERE consortium_span @> london_today() "
	                           "AND consortium_doc <> 'null'", NULL);
	long long asked = db_scalar("SELECT count(*) FROM school WHERE NOT consortium_span @> (london_today() + 60)",
	                            NULL);

	cr_assert_gt(kept, 1000);
	cr_assert_gt(asked, 100);
}

Test(reads, every_school_over_http_is_the_reference)
{
	PGresult *b = before_schools(NULL);
	char path[64];

	for (int i = 0; i < PQntuples(b); i++) {
		snprintf(path, sizeof path, "/v1/schools/%s", PQgetvalue(b, i, 0));
		answers_the_reference(path, PQgetvalue(b, i, 1));
	}
	PQclear(b);
}

Test(reads, schools_as_of_other_days_over_http_are_the_reference)
{
	PGresult *d = rows("SELECT (london_today() + k)::text FROM unnest(ARRAY[-400, -244, 30, 31, 60, 900]) k",
	                   0, NULL);

	for (int k = 0; k < PQntuples(d); k++) {
		const char *day = PQgetvalue(d, k, 0);
		PGresult *b = before_schools(day);
		for (int i = 0; i < PQntuples(b); i += 7) {
			char path[96];
			snprintf(path, sizeof path, "/v1/schools/%s?as_of=%s", PQgetvalue(b, i, 0), day);
			answers_the_reference(path, PQgetvalue(b, i, 1));
		}
		PQclear(b);
	}
	PQclear(d);
}

/*
 * Every page of /v1/schools (as of day, NULL: today) is the reference's
 * documents in order. The pages may be read on the standby: once it has
 * replayed what the reference reads on the primary.
 */
static void
pages_are_the_reference(const char *day)
{
	PGresult *b = before_schools(day);

	standby_caught_up();
	char path[512] = "/v1/schools?limit=100";
	int at = 0, pages = 0;

	if (day)
		snprintf(path, sizeof path, "/v1/schools?limit=100&as_of=%s", day);
	for (;;) {
		struct resp *r = http("GET", path, token("viewer"), NULL, NULL);
		const char *cursor;
		size_t used = 10;
		cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
		cr_assert(strncmp(r->body, "{\"items\":[", 10) == 0);
		for (size_t i = 0; i < json_array_size(json_object_get(r->json, "items")); i++, at++) {
			const char *doc = PQgetvalue(b, at, 1);
			size_t len = strlen(doc);
			cr_assert(strncmp(r->body + used, doc, len) == 0, "page %d, school %s differs", pages,
			          PQgetvalue(b, at, 0));
			used += len + 1;   /* and the comma, or the closing bracket */
		}
		pages++;
		cursor = json_string_value(json_object_get(r->json, "next_cursor"));
		if (cursor == NULL) {
			resp_free(r);
			break;
		}
		snprintf(path, sizeof path, "/v1/schools?limit=100&cursor=%s%s%s", cursor, day ? "&as_of=" : "",
		         day ? day : "");
		resp_free(r);
	}
	cr_assert_eq(at, PQntuples(b), "every school listed once");
	cr_assert_gt(pages, 20);
	PQclear(b);
}

Test(reads, every_page_of_schools_is_the_reference)
{
	PGresult *d = rows("SELECT (london_today() + 60)::text", 0, NULL);

	pages_are_the_reference(NULL);
	pages_are_the_reference(PQgetvalue(d, 0, 0));
	PQclear(d);
}

/* What the rows keep of their groups is what the memberships say today. */
static void
kept_groups_are_today_s(void)
{
	cr_assert_eq(db_scalar("SELECT count(*) FROM school s WHERE NOT EXISTS (SELECT FROM "
	                       "school_group_on(s.urn, 'consortium', london_today()) c, "
	                       "school_group_on(s.urn, 'area_network', london_today()) n "
	                       "WHERE (c.doc, c.span, n.doc, n.span) IS NOT DISTINCT FROM "
	                       "(s.consortium_doc, s.consortium_span, s.area_network_doc, s.area_network_span))",
	                       NULL),
	             0);
}

/* One school's answer over HTTP is the reference's, today. */
static void
school_is_the_reference(long long urn)
{
	char path[64], u[24];
	const char *v[2] = {NULL, u};
	PGresult *b;

	snprintf(u, sizeof u, "%lld", urn);
	b = PQexecParams(pg(), "SELECT doc FROM (" BEFORE_SCHOOLS ") x (urn, doc) WHERE urn = $2::integer", 2, NULL,
	                 v, NULL, NULL, 0);
	cr_assert_eq(PQresultStatus(b), PGRES_TUPLES_OK, "%s", PQerrorMessage(pg()));
	cr_assert_eq(PQntuples(b), 1);
	snprintf(path, sizeof path, "/v1/schools/%lld", urn);
	answers_the_reference(path, PQgetvalue(b, 0, 0));
	PQclear(b);
}

Test(reads, a_stale_kept_group_is_not_answered)
{
	/* As if the calendar had moved past what the rows keep: the memberships are asked. */
	run("UPDATE school SET consortium_doc = '{\"id\" : 0, \"name\" : \"stale\"}', "
	    "consortium_span = daterange(london_today() - 10, london_today()) "
	    "WHERE urn IN (SELECT school_urn FROM membership WHERE kind = 'consortium' ORDER BY school_urn LIMIT 50)");
	pages_are_the_reference(NULL);
	run("SELECT school_groups_keep(urn) FROM school WHERE consortium_doc LIKE '%\"stale\"%'");
	kept_groups_are_today_s();
}

Test(reads, the_kept_group_follows_every_change_through_the_api)
{
	const char *officer = token("admin");
	long long m = db_scalar("SELECT min(id) FROM membership m JOIN school s ON s.urn = m.school_urn "
	                        "WHERE m.kind = 'consortium' AND m.valid @> london_today() AND m.start_date < london_today() - 1 "
	                        "AND s.la_id = (SELECT id FROM local_authority WHERE code = 990)",
	                        NULL);
	char id[24], school[24], path[96], body[256];
	long long urn, group, other, moved;
	PGresult *today = rows("SELECT london_today()::text", 0, NULL);
	struct resp *r;

	snprintf(id, sizeof id, "%lld", m);
	urn = db_scalar("SELECT school_urn FROM membership WHERE id = $1::bigint", id);
	snprintf(school, sizeof school, "%lld", urn);
	group = db_scalar("SELECT group_id FROM membership WHERE id = $1::bigint", id);
	other = db_scalar("SELECT min(g.id) FROM school_group g JOIN membership m ON m.id = $1::bigint "
	                  "WHERE g.kind = 'consortium' AND g.la_id = (SELECT la_id FROM school_group WHERE id = m.group_id) "
	                  "AND g.id <> m.group_id",
	                  id);

	/* moved to another group from today */
	snprintf(path, sizeof path, "/v1/memberships/%lld/move", m);
	snprintf(body, sizeof body, "{\"to_group_id\": %lld, \"on\": \"%s\"}", other, PQgetvalue(today, 0, 0));
	r = http_json("POST", path, officer, body, "*");
	cr_assert_lt(r->status, 300, "%s", r->body);
	resp_free(r);
	kept_groups_are_today_s();
	school_is_the_reference(urn);
	cr_assert_eq(db_scalar("SELECT (consortium_doc::json ->> 'id')::bigint FROM school WHERE urn = $1::integer",
	                       school),
	             other);

	/* the new group renamed */
	snprintf(path, sizeof path, "/v1/consortia/%lld", other);
	r = http_json("PATCH", path, officer, "{\"name\": \"Renamed \\\"Cylch\\\" ñ\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	kept_groups_are_today_s();
	school_is_the_reference(urn);

	/* the move undone: the new membership deleted, the old one open again */
	moved = db_scalar("SELECT id FROM membership WHERE school_urn = $1::integer AND kind = 'consortium' "
	                  "AND valid @> london_today()",
	                  school);
	snprintf(path, sizeof path, "/v1/memberships/%lld", moved);
	r = http("DELETE", path, officer, NULL, (const char *const[]){"If-Match: *", NULL});
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	kept_groups_are_today_s();
	school_is_the_reference(urn);
	snprintf(path, sizeof path, "/v1/memberships/%lld", m);
	r = http_json("PATCH", path, officer, "{\"end_date\": null}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	kept_groups_are_today_s();
	school_is_the_reference(urn);
	cr_assert_eq(db_scalar("SELECT (consortium_doc::json ->> 'id')::bigint FROM school WHERE urn = $1::integer",
	                       school),
	             group);
	PQclear(today);
}

/* The feed's page after `after`, of limit, as the reference builds it for a caller scoped by where. */
static char *
before_feed(const char *where, long long after, int limit)
{
	char *sql = NULL, *page, a[24], l[16];
	const char *v[] = {a, l};
	PGresult *res;

	snprintf(a, sizeof a, "%lld", after);
	snprintf(l, sizeof l, "%d", limit);
	cr_assert(asprintf(&sql, "%s%s%s", BEFORE_FEED_HEAD, where, BEFORE_FEED_TAIL) > 0);
	res = PQexecParams(pg(), sql, 2, NULL, v, NULL, NULL, 0);
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(pg()));
	cr_assert(page = strdup(PQgetvalue(res, 0, 0)));
	PQclear(res);
	free(sql);
	return page;
}

/* Every page of the feed, limit changes each, as tok's caller reads them, is the reference's; the changes read. */
static long
feed_is_the_reference(const char *tok, const char *where, int limit)
{
	long long after = 0;
	long read = 0;

	for (;;) {
		char path[96], *reference = before_feed(where, after, limit);
		struct resp *r;
		json_t *page;
		size_t n;

		snprintf(path, sizeof path, "/v1/payments?after=%lld&limit=%d", after, limit);
		r = http("GET", path, tok, NULL, NULL);
		cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
		cr_assert_str_eq(r->body, reference, "%s", path);
		cr_assert(page = json_loads(r->body, 0, NULL), "%s", path);
		n = json_array_size(json_object_get(page, "items"));
		after = json_integer_value(json_object_get(page, "last_position"));
		json_decref(page);
		resp_free(r);
		free(reference);
		if (n == 0)
			return read;
		read += (long)n;
	}
}

Test(reads, every_page_of_the_payment_feed_is_the_reference)
{
	long long changes = db_scalar("SELECT count(*) FROM payment_change", NULL);
	long long of_990 = db_scalar("SELECT count(*) FROM payment_change WHERE la_code = 990", NULL);
	long long group = db_scalar("SELECT min(a.group_id) FROM payment_change c JOIN payment p ON p.id = "
	                            "c.payment_id JOIN fund_allocation a ON a.id = p.allocation_id", NULL);
	long long of_group = db_scalar("SELECT count(*) FROM payment_change c JOIN payment p ON p.id = "
	                               "c.payment_id JOIN fund_allocation a ON a.id = p.allocation_id "
	                               "WHERE a.group_id = (SELECT min(a.group_id) FROM fund_allocation a "
	                               "JOIN payment p ON p.allocation_id = a.id)", NULL);
	char where[64];

	/* Every kind of change is there: made, acknowledged, paid, rejected, reissued, reversed. */
	cr_assert_gt(changes, 500, "the data has the feed's changes");
	cr_assert_eq(db_scalar("SELECT count(DISTINCT payment->>'status') FROM payment_change", NULL), 4);
	cr_assert_gt(db_scalar("SELECT count(*) FROM payment WHERE reverses_payment_id IS NOT NULL", NULL), 0);
	cr_assert_gt(db_scalar("SELECT count(*) FROM payment WHERE reissues_payment_id IS NOT NULL", NULL), 0);

	/* Kept as the feed sends them: each change's item is the one built from its columns. */
	cr_assert_eq(db_scalar("SELECT count(*) FROM payment_change WHERE item IS DISTINCT FROM "
	                       "json_build_object('position', position, 'changed_at', api_ts(changed_at), "
	                       "'payment', payment)::text", NULL),
	             0);

	/* An LA's caller finds its changes by the LA each names: a payment's LA is its LA for good. */
	{
		PGresult *res = PQexec(pg(), "UPDATE payment SET la_code = 937 WHERE id = (SELECT min(id) FROM "
		                             "payment WHERE status = 'due' AND la_code = 990)");

		cr_assert_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "a payment moved to another LA");
		cr_assert_str_eq(PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME), "payment_final");
		PQclear(res);
	}

	cr_assert_eq(feed_is_the_reference(token("finance"), "", 37), changes);
	cr_assert_eq(feed_is_the_reference(token("finance"), "", 5000), changes);
	cr_assert_eq(feed_is_the_reference(token_scoped("finance", 990, 0), " AND p.la_code = 990", 37), of_990);
	snprintf(where, sizeof where, " AND a.group_id = %lld", group);
	cr_assert_eq(feed_is_the_reference(token_group("officer", 990, 0, group), where, 37), of_group);
	cr_assert_gt(of_group, 0);
}

Test(reads, every_area_report_and_group_report_is_the_reference)
{
	static const char *const years[] = {"2020/21", "2024/25", "2025/26", "2026/27"};
	PGresult *areas;
	int compared = 0;

	run(BEFORE_REPORT_FUNCTIONS);
	/* There is something to report: money, meetings, vulnerable schools with the support brokered. */
	cr_assert_gt(db_scalar("SELECT count(*) FROM meeting m JOIN school_group g ON g.id = m.group_id "
	                       "WHERE g.area_id IS NOT NULL", NULL), 100);
	cr_assert_gt(db_scalar("SELECT count(*) FROM payment p JOIN fund_allocation a ON a.id = p.allocation_id "
	                       "JOIN school_group g ON g.id = a.group_id WHERE g.area_id IS NOT NULL "
	                       "AND p.status = 'paid'", NULL), 10);
	cr_assert_gt(db_scalar("SELECT count(*) FROM support_record r JOIN school s ON s.urn = r.school_urn "
	                       "WHERE s.area_id IS NOT NULL", NULL), 100);

	/* Every group's report, each year, in SQL (on this session's connection, where the reference is). */
	areas = rows("SELECT count(*) FILTER (WHERE group_report(g.id, y)::text IS DISTINCT FROM "
	             "pg_temp.before_group_report(g.id, y)::text), count(*) "
	             "FROM school_group g, unnest('{2020/21,2024/25,2025/26,2026/27}'::text[]) y",
	             0, NULL);
	cr_assert_str_eq(PQgetvalue(areas, 0, 0), "0");
	cr_assert_gt(atoi(PQgetvalue(areas, 0, 1)), 4 * 1500);
	PQclear(areas);

	/* Every area's report, each year, over HTTP. */
	areas = rows("SELECT id::text FROM area ORDER BY id", 0, NULL);
	cr_assert_gt(PQntuples(areas), 5);
	for (int i = 0; i < PQntuples(areas); i++)
		for (size_t y = 0; y < sizeof years / sizeof years[0]; y++) {
			const char *v[] = {PQgetvalue(areas, i, 0), years[y]};
			PGresult *b = PQexecParams(pg(), "SELECT pg_temp.before_area_report($1::bigint, $2::text)::text",
			                           2, NULL, v, NULL, NULL, 0);
			char path[96];
			struct resp *r;

			cr_assert_eq(PQresultStatus(b), PGRES_TUPLES_OK, "%s", PQerrorMessage(pg()));
			snprintf(path, sizeof path, "/v1/areas/%s/report?academic_year=%s", v[0], years[y]);
			r = http("GET", path, token("admin"), NULL, NULL);
			cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
			cr_assert_str_eq(r->body, PQgetvalue(b, 0, 0), "%s", path);
			resp_free(r);
			PQclear(b);
			compared++;
		}
	cr_assert_eq(compared, PQntuples(areas) * 4);
	PQclear(areas);
}
