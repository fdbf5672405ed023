/*
 * Schools: the register's main resource, and every kind of bad input the
 * API conventions promise an answer for.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static char *
school_path(int urn)
{
	char *p;
	cr_assert(asprintf(&p, "/v1/schools/%d", urn) > 0);
	return p;
}

Test(schools, create_with_every_field_then_read_it)
{
	int code = unused_la_code(), urn = unused_urn();
	char body[1024], area[256], *loc, *path = school_path(urn);
	struct resp *r;
	long long area_id;

	make_la(code, "Fullshire");
	snprintf(area, sizeof area, "{\"la_code\": %d, \"code\": \"east\", \"name\": \"East\"}", code);
	r = http_json("POST", "/v1/areas", token("admin"), area, NULL);
	area_id = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);

	snprintf(body, sizeof body,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": 42, "
	         "\"name\": \"St Thérèse’s Primary\", \"phase\": \"primary\", \"type\": \"academy\", "
	         "\"status\": \"open\", \"ofsted_grade\": \"good\", \"ofsted_date\": \"2019-03-01\", "
	         "\"pupils\": 210, \"support_category\": 2, \"vulnerable\": true, "
	         "\"vulnerable_reason\": \"falling roll\", \"headteacher_name\": \"Ms A Head\", "
	         "\"headteacher_appointed_on\": \"2016-02-29\", \"area_id\": %lld, "
	         "\"opened_on\": \"2012-09-01\", \"closed_on\": null}",
	         urn, code, area_id);
	r = http_json("POST", "/v1/schools", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	loc = resp_header(r, "Location");
	cr_assert_str_eq(loc, path);
	free(loc);
	resp_free(r);

	r = http("GET", path, token("finance"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "id")), urn);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "name")), "St Thérèse’s Primary");
	{
		char dfe[16];
		snprintf(dfe, sizeof dfe, "%d/0042", code);
		cr_assert_str_eq(json_string_value(json_object_get(r->json, "dfe_number")), dfe);
	}
	cr_assert_eq(json_integer_value(json_object_get(r->json, "area_id")), area_id);
	cr_assert(json_is_false(json_object_get(r->json, "headteacher_newly_appointed")));
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "headteacher_appointed_on")),
	                 "2016-02-29");
	resp_free(r);
	free(path);
}

Test(schools, bad_json_is_400)
{
	char *before = db_fingerprint();
	struct resp *r = http_json("POST", "/v1/schools", token("admin"), "{\"urn\": 1", NULL);

	assert_problem(r, 400, "malformed", NULL);
	resp_free(r);
	r = http_json("POST", "/v1/schools", token("admin"), "[1, 2]", NULL);
	assert_problem(r, 400, "malformed", NULL);
	resp_free(r);
	r = http_json("POST", "/v1/schools", token("admin"), "{\"name\": \"a\", \"name\": \"b\"}", NULL);
	assert_problem(r, 400, "malformed", NULL);
	resp_free(r);
	assert_unchanged(before);
}

Test(schools, every_broken_rule_is_listed)
{
	char *before = db_fingerprint();
	struct resp *r = http_json("POST", "/v1/schools", token("admin"),
		"{\"urn\": 12345, \"la_code\": \"937\", \"establishment_number\": 1.5, \"name\": \"\", "
		"\"phase\": \"college\", \"type\": \"maintained\", \"ofsted_date\": \"2019-02-30\", "
		"\"pupils\": -1, \"support_category\": 5, \"vulnerable\": \"yes\", \"colour\": \"red\", "
		"\"version\": 3}", NULL);

	assert_problem(r, 422, "validation", "urn");
	assert_problem(r, 422, "validation", "la_code");
	assert_problem(r, 422, "validation", "establishment_number");
	assert_problem(r, 422, "validation", "name");
	assert_problem(r, 422, "validation", "phase");
	assert_problem(r, 422, "validation", "ofsted_date");
	assert_problem(r, 422, "validation", "pupils");
	assert_problem(r, 422, "validation", "support_category");
	assert_problem(r, 422, "validation", "vulnerable");
	assert_problem(r, 422, "validation", "colour");
	assert_problem(r, 422, "validation", "version");
	cr_assert_eq(json_array_size(json_object_get(r->json, "errors")), 11, "%s", r->body);
	resp_free(r);
	assert_unchanged(before);
}

Test(schools, cross_field_rules)
{
	int code = unused_la_code(), urn = unused_urn();
	char body[512], *before;
	struct resp *r;

	make_la(code, "Ruleshire");
	before = db_fingerprint();
	snprintf(body, sizeof body,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": 1, \"name\": \"R\", "
	         "\"phase\": \"primary\", \"type\": \"maintained\", \"vulnerable\": true, "
	         "\"opened_on\": \"2020-01-01\", \"closed_on\": \"2019-12-31\"}", urn, code);
	r = http_json("POST", "/v1/schools", token("admin"), body, NULL);
	assert_problem(r, 422, "validation", "vulnerable_reason");
	assert_problem(r, 422, "validation", "closed_on");
	resp_free(r);
	assert_unchanged(before);
}

Test(schools, references_must_resolve)
{
	int code = unused_la_code(), other = 0, urn = unused_urn();
	char body[512], *before;
	struct resp *r;
	long long area;

	make_la(code, "Refshire");
	other = unused_la_code();
	make_la(other, "Othershire");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"west\", \"name\": \"West\"}", other);
	r = http_json("POST", "/v1/areas", token("admin"), body, NULL);
	area = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);
	before = db_fingerprint();

	snprintf(body, sizeof body,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": 1, \"name\": \"R\", "
	         "\"phase\": \"primary\", \"type\": \"maintained\", \"area_id\": %lld}", urn, code, area);
	r = http_json("POST", "/v1/schools", token("admin"), body, NULL);
	assert_problem(r, 422, "validation", "area_id");
	resp_free(r);

	snprintf(body, sizeof body,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": 1, \"name\": \"R\", "
	         "\"phase\": \"primary\", \"type\": \"maintained\"}", urn, unused_la_code());
	r = http_json("POST", "/v1/schools", token("admin"), body, NULL);
	assert_problem(r, 422, "validation", "la_code");
	resp_free(r);
	assert_unchanged(before);
}

Test(schools, duplicates_are_409)
{
	int code = unused_la_code(), urn;
	char body[512], *before;
	struct resp *r;

	make_la(code, "Dupshire");
	urn = make_school(code, 10, "Original", "primary");
	before = db_fingerprint();
	snprintf(body, sizeof body,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": 11, \"name\": \"Copy\", "
	         "\"phase\": \"primary\", \"type\": \"maintained\"}", urn, code);
	r = http_json("POST", "/v1/schools", token("admin"), body, NULL);
	assert_problem(r, 409, "conflict", "urn");
	resp_free(r);
	snprintf(body, sizeof body,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": 10, \"name\": \"Copy\", "
	         "\"phase\": \"primary\", \"type\": \"maintained\"}", unused_urn(), code);
	r = http_json("POST", "/v1/schools", token("admin"), body, NULL);
	assert_problem(r, 409, "conflict", "establishment_number");
	resp_free(r);
	assert_unchanged(before);
}

Test(schools, path_urn_must_be_six_digits_and_exist)
{
	struct resp *r = http("GET", "/v1/schools/12ab", token("viewer"), NULL, NULL);

	assert_problem(r, 400, "malformed", "urn");
	resp_free(r);
	r = http("GET", "/v1/schools/99999", token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "urn");
	resp_free(r);
	r = http("GET", "/v1/schools/999998", token("viewer"), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	r = http("GET", "/v1/schools/999998?urn=1", token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "urn");
	resp_free(r);
}

Test(schools, patch_needs_a_current_if_match)
{
	int code = unused_la_code(), urn;
	char *path, *before;
	struct resp *r;

	make_la(code, "Matchshire");
	urn = make_school(code, 1, "Matching Primary", "primary");
	path = school_path(urn);
	before = db_fingerprint();

	r = http_json("PATCH", path, token("officer"), "{\"pupils\": 5}", NULL);
	assert_problem(r, 428, "precondition-required", NULL);
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"pupils\": 5}", "\"7\"");
	assert_problem(r, 412, "precondition-failed", NULL);
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"pupils\": 5}", "W/\"1\"");
	assert_problem(r, 412, "precondition-failed", NULL);
	resp_free(r);
	r = http_json("DELETE", path, token("officer"), NULL, "\"9\"");
	assert_problem(r, 412, "precondition-failed", NULL);
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"urn\": 100001, \"la_code\": 100, \"dfe_number\": \"x\"}",
	              "\"1\"");
	assert_problem(r, 422, "validation", "urn");
	assert_problem(r, 422, "validation", "la_code");
	assert_problem(r, 422, "validation", "dfe_number");
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"name\": null}", "\"1\"");
	assert_problem(r, 422, "validation", "name");
	resp_free(r);
	assert_unchanged(before);

	/* a stale writer loses; the first one wins */
	r = http_json("PATCH", path, token("officer"), "{\"pupils\": 300, \"headteacher_name\": null}", "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 2);
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"pupils\": 301}", "\"1\"");
	assert_problem(r, 412, "precondition-failed", NULL);
	resp_free(r);
	cr_assert_eq(db_scalar("SELECT pupils FROM school WHERE urn = $1", path + 12), 300);

	/* a patch that changes nothing keeps the version */
	r = http_json("PATCH", path, token("officer"), "{\"pupils\": 300}", "\"2\"");
	cr_assert_eq(r->status, 200);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 2);
	resp_free(r);
	free(path);
}

/* Officers editing the same school at once, each from version 1. */
struct editor {
	const char *path;
	int pupils;
	long status;
	char detail[160];   /* of an answer that is neither 200 nor 412 */
};

static void *
edit(void *arg)
{
	struct editor *e = arg;
	char body[64];
	struct resp *r;

	snprintf(body, sizeof body, "{\"pupils\": %d}", e->pupils);
	r = http_json("PATCH", e->path, token("officer"), body, "\"1\"");
	e->status = r->status;
	snprintf(e->detail, sizeof e->detail, "%s", r->body);
	resp_free(r);
	return NULL;
}

Test(schools, concurrent_edits_from_the_same_version_one_wins)
{
	int la = unused_la_code(), urn, ok = 0, stale = 0, winner = -1;
	char path[32], urn_text[16];
	struct editor e[10];
	pthread_t t[10];

	make_la(la, "Editshire");
	urn = make_school(la, 1, "Edited Primary", "primary");
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	snprintf(urn_text, sizeof urn_text, "%d", urn);
	for (int i = 0; i < 10; i++) {
		e[i] = (struct editor){.path = path, .pupils = 300 + i};   /* each a change (it was 200) */
		cr_assert_eq(pthread_create(&t[i], NULL, edit, &e[i]), 0);
	}
	for (int i = 0; i < 10; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 10; i++) {
		if (e[i].status == 200) {
			ok++;
			winner = i;
		}
		stale += e[i].status == 412;
	}
	cr_assert_eq(ok, 1, "exactly one edit wins");
	for (int i = 0; i < 10; i++)
		cr_assert(e[i].status == 200 || e[i].status == 412, "editor %d: %ld %s", i, e[i].status, e[i].detail);
	cr_assert_eq(stale, 9, "the others are told their version is stale");
	cr_assert_eq(db_scalar("SELECT version FROM school WHERE urn = $1::integer", urn_text), 2);
	cr_assert_eq(db_scalar("SELECT pupils FROM school WHERE urn = $1::integer", urn_text), 300 + winner,
	             "the stored value is the winner's");
}

Test(schools, merge_patch_content_type_and_limits)
{
	int code = unused_la_code(), urn;
	char *path, *before, *big;
	const char *mp[] = {"Content-Type: application/merge-patch+json", "If-Match: \"1\"", NULL};
	const char *xml[] = {"Content-Type: application/xml", "If-Match: \"1\"", NULL};
	struct resp *r;

	make_la(code, "Typeshire");
	urn = make_school(code, 1, "Typed Primary", "primary");
	path = school_path(urn);
	before = db_fingerprint();

	r = http("PATCH", path, token("officer"), "<school/>", xml);
	assert_problem(r, 415, "unsupported-media-type", NULL);
	resp_free(r);

	big = malloc(70000);
	memset(big, ' ', 69999);
	big[0] = '{';
	big[69997] = '}';
	big[69998] = '\0';
	r = http("PATCH", path, token("officer"), big, mp);
	assert_problem(r, 413, "payload-too-large", NULL);
	resp_free(r);
	free(big);
	assert_unchanged(before);

	r = http("PATCH", path, token("officer"), "{\"status\": \"closed\", \"closed_on\": \"2021-08-31\"}", mp);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "closed");
	resp_free(r);
	free(path);
}

Test(schools, delete_an_unreferenced_school)
{
	int code = unused_la_code(), urn;
	char *path;
	struct resp *r;

	make_la(code, "Goneshire");
	urn = make_school(code, 1, "Short-lived Primary", "primary");
	path = school_path(urn);
	r = http_json("DELETE", path, token("admin"), NULL, NULL);
	assert_problem(r, 428, "precondition-required", NULL);
	resp_free(r);
	r = http_json("DELETE", path, token("admin"), NULL, "\"1\"");
	cr_assert_eq(r->status, 204);
	resp_free(r);
	cr_assert_eq(db_scalar("SELECT count(*) FROM school WHERE urn = $1", path + 12), 0);
	free(path);
}

/* Walk every page; return how many items, checking no URN repeats. */
static size_t
walk(const char *first, int *urns, size_t max)
{
	char *next = strdup(first);
	size_t n = 0;

	while (next) {
		struct resp *r = http("GET", next, token("viewer"), NULL, NULL);
		json_t *items = json_object_get(r->json, "items"), *it;
		const char *cursor = json_string_value(json_object_get(r->json, "next_cursor"));
		char *link = resp_header(r, "Link");
		size_t i;

		cr_assert_eq(r->status, 200, "%s: %s", next, r->body);
		json_array_foreach(items, i, it) {
			int urn = (int)json_integer_value(json_object_get(it, "urn"));
			for (size_t k = 0; k < n; k++)
				cr_assert_neq(urns[k], urn, "URN %d seen twice", urn);
			cr_assert(n < max);
			urns[n++] = urn;
		}
		free(next);
		next = NULL;
		if (cursor) {
			cr_assert(link && strstr(link, "rel=\"next\"") && strstr(link, cursor));
			cr_assert(link[0] == '<');
			next = strndup(link + 1, strcspn(link + 1, ">"));
		} else {
			cr_assert_null(link);
		}
		free(link);
		resp_free(r);
	}
	return n;
}

Test(schools, keyset_pages_cover_every_match_once)
{
	int code = unused_la_code(), urns[16];
	char path[128];

	make_la(code, "Pageshire");
	for (int i = 0; i < 7; i++) {
		char name[32];
		snprintf(name, sizeof name, "Page %c School", 'G' - i);
		make_school(code, 100 + i, name, i % 2 ? "secondary" : "primary");
	}
	snprintf(path, sizeof path, "/v1/schools?la=%d&limit=2", code);
	cr_assert_eq(walk(path, urns, 16), 7);
	snprintf(path, sizeof path, "/v1/schools?la=%d&limit=3&sort=-name", code);
	cr_assert_eq(walk(path, urns, 16), 7);
	snprintf(path, sizeof path, "/v1/schools?la=%d&limit=2&sort=-updated_at&phase=secondary", code);
	cr_assert_eq(walk(path, urns, 16), 3);
	snprintf(path, sizeof path, "/v1/schools?la=%d&q=page+a&limit=1", code);
	cr_assert_eq(walk(path, urns, 16), 1);
}

Test(schools, list_sorts_by_name_descending)
{
	int code = unused_la_code();
	char path[128];
	struct resp *r;

	make_la(code, "Sortshire");
	make_school(code, 1, "Alpha", "primary");
	make_school(code, 2, "Charlie", "primary");
	make_school(code, 3, "Bravo", "primary");
	snprintf(path, sizeof path, "/v1/schools?la=%d&sort=-name", code);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "name")), "Charlie");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r->json, "items"), 2), "name")), "Alpha");
	resp_free(r);
}

Test(schools, q_matches_text_literally)
{
	int code = unused_la_code();
	char path[128];
	struct resp *r;

	make_la(code, "Likeshire");
	make_school(code, 1, "100% Primary", "primary");
	make_school(code, 2, "1000 Primary", "primary");
	snprintf(path, sizeof path, "/v1/schools?la=%d&q=100%%25", code);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1, "%s", r->body);
	resp_free(r);
}

Test(schools, bad_query_parameters_are_400_naming_them)
{
	struct resp *r = http("GET", "/v1/schools?colour=red", token("viewer"), NULL, NULL);

	assert_problem(r, 400, "malformed", "colour");
	resp_free(r);
	r = http("GET", "/v1/schools?limit=501&phase=college&vulnerable=maybe&sort=size", token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "limit");
	assert_problem(r, 400, "malformed", "phase");
	assert_problem(r, 400, "malformed", "vulnerable");
	assert_problem(r, 400, "malformed", "sort");
	resp_free(r);
	r = http("GET", "/v1/schools?phase=primary&phase=secondary", token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "phase");
	resp_free(r);
	r = http("GET", "/v1/schools?q=%ff", token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", NULL);
	resp_free(r);
	r = http("GET", "/v1/schools?area=North+Area", token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "area");
	resp_free(r);
	r = http("GET", "/v1/schools?area=99999999999999999999", token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "area");
	resp_free(r);
}

Test(schools, a_list_is_json_and_its_csv_a_path_of_its_own)
{
	const char *no_csv[] = {"Accept: text/csv;q=0, application/json", NULL};
	const char *prefer_csv[] = {"Accept: application/json;q=0.5, text/csv", NULL};
	const char *csv[] = {"Accept: text/csv", NULL};
	struct resp *r = http("GET", "/v1/schools?limit=1", token("viewer"), NULL, no_csv);
	char *ct = resp_header(r, "Content-Type");

	cr_assert_str_eq(ct, "application/json; charset=utf-8");
	free(ct);
	resp_free(r);
	/* JSON when JSON is acceptable at all, so a typed client's list is JSON alone */
	r = http("GET", "/v1/schools?limit=1", token("viewer"), NULL, prefer_csv);
	ct = resp_header(r, "Content-Type");
	cr_assert_str_eq(ct, "application/json; charset=utf-8");
	free(ct);
	resp_free(r);
	r = http("GET", "/v1/schools?limit=1", token("viewer"), NULL, csv);
	assert_problem(r, 406, "not-acceptable", NULL);
	cr_assert(strstr(r->body, "/v1/schools.csv") != NULL, "the refusal names the CSV's path: %s", r->body);
	resp_free(r);
}

Test(schools, cursors_are_checked)
{
	struct resp *r = http("GET", "/v1/schools?cursor=bm90LWEtY3Vyc29y", token("viewer"), NULL, NULL);
	char *c;

	assert_problem(r, 400, "malformed", "cursor");
	resp_free(r);
	r = http("GET", "/v1/schools?limit=1", token("viewer"), NULL, NULL);
	c = strdup(json_string_value(json_object_get(r->json, "next_cursor")));
	resp_free(r);
	{
		char path[512];
		snprintf(path, sizeof path, "/v1/schools?limit=1&sort=name&cursor=%s", c);
		r = http("GET", path, token("viewer"), NULL, NULL);
		assert_problem(r, 400, "malformed", "cursor");
		resp_free(r);
	}
	free(c);
	/* a cursor whose value is not of the sort's type: {"s":"updated_at","v":"x","k":"1"} */
	r = http("GET", "/v1/schools?sort=updated_at&cursor=eyJzIjoidXBkYXRlZF9hdCIsInYiOiJ4IiwiayI6IjEifQ",
	         token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "cursor");
	resp_free(r);
}

Test(schools, idempotency_key_replays_and_guards)
{
	int code = unused_la_code(), urn = unused_urn();
	char body[512], other[512], key[80], *before;
	const char *h[] = {"Content-Type: application/json", key, NULL};
	struct resp *a, *b;

	make_la(code, "Idemshire");
	snprintf(key, sizeof key, "Idempotency-Key: create-%d", urn);
	snprintf(body, sizeof body,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": 1, \"name\": \"Once\", "
	         "\"phase\": \"primary\", \"type\": \"maintained\"}", urn, code);
	a = http("POST", "/v1/schools", token("officer"), body, h);
	cr_assert_eq(a->status, 201, "%s", a->body);
	before = db_fingerprint();
	b = http("POST", "/v1/schools", token("officer"), body, h);
	cr_assert_eq(b->status, 201);
	cr_assert(json_equal(a->json, b->json), "the replay is the first response");
	{
		char *la = resp_header(a, "Location"), *lb = resp_header(b, "Location");
		char *ea = resp_header(a, "ETag"), *eb = resp_header(b, "ETag");
		cr_assert_str_eq(la, lb);
		cr_assert_str_eq(ea, eb);
		free(la); free(lb); free(ea); free(eb);
	}
	resp_free(b);
	assert_unchanged(before);

	before = db_fingerprint();
	snprintf(other, sizeof other,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": 2, \"name\": \"Twice\", "
	         "\"phase\": \"primary\", \"type\": \"maintained\"}", urn + 1, code);
	b = http("POST", "/v1/schools", token("officer"), other, h);
	assert_problem(b, 422, "validation", "Idempotency-Key");
	resp_free(b);
	assert_unchanged(before);
	resp_free(a);
	snprintf(other, sizeof other, "%d", urn);
	cr_assert_eq(db_scalar("SELECT count(*) FROM school WHERE urn = $1::int", other), 1);
}

Test(schools, csv_export_with_filters)
{
	int code = unused_la_code();
	char path[128];
	const char *csv[] = {"Accept: text/csv", NULL};
	struct resp *r;

	long long group;
	char body[160];
	int comma;

	make_la(code, "Csvshire");
	comma = make_school(code, 1, "Comma, Primary", "primary");
	make_school(code, 2, "=Formula Primary", "primary");
	make_school(code, 3, "Secondary One", "secondary");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Csv Consortium\"}", code);
	group = post_created(token("admin"), "/v1/consortia", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}", group,
	         comma);
	post_created(token("admin"), "/v1/memberships", body);
	snprintf(path, sizeof path, "/v1/schools.csv?la=%d&phase=primary&sort=name", code);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert(strncmp(r->body, "id,urn,la_code,establishment_number,dfe_number,name,", 52) == 0);
	/* each school's consortium and area network today, as the list's attached list gives them */
	cr_assert(strstr(r->body, ",consortium_id,consortium_name,area_network_id,area_network_name,") != NULL, "%s",
	          r->body);
	{
		char want[64];
		snprintf(want, sizeof want, ",%lld,Csv Consortium,,,", group);
		cr_assert(strstr(r->body, want) != NULL, "%s", r->body);
	}
	cr_assert(strstr(r->body, "\"Comma, Primary\"") != NULL, "%s", r->body);
	cr_assert(strstr(r->body, "\"'=Formula Primary\"") != NULL, "formulas are defused");
	cr_assert(strstr(r->body, "Secondary One") == NULL);
	{
		int lines = 0;
		for (const char *c = r->body; *c; c++)
			lines += *c == '\n';
		cr_assert_eq(lines, 3, "header and two rows");
	}
	resp_free(r);
	snprintf(path, sizeof path, "/v1/schools.csv?la=%d", code);
	r = http("GET", path, token("viewer"), NULL, csv);
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "Secondary One") != NULL);
	resp_free(r);
}

Test(schools, unacceptable_accept_is_406)
{
	const char *xml[] = {"Accept: application/xml", NULL};
	struct resp *r = http("GET", "/v1/schools", token("viewer"), NULL, xml);

	assert_problem(r, 406, "not-acceptable", NULL);
	resp_free(r);
}
