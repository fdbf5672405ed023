/*
 * Conditional reads: a copy still current (If-None-Match holding its ETag)
 * is answered 304 with no body; one that is not, by any byte, the usual
 * 200. The tag is "<version>-<digest>" for a record, "<digest>" for a page,
 * and If-Match takes the version it names.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

/* GET path with If-None-Match: inm (NULL: none); the answer. */
static struct resp *
get_if(const char *path, const char *inm)
{
	char h[256];
	const char *headers[] = {h, NULL};

	snprintf(h, sizeof h, "If-None-Match: %s", inm ? inm : "");
	return http("GET", path, token("viewer"), NULL, inm ? headers : NULL);
}

/* GET path: 200; its ETag (malloc'd). */
static char *
etag_of_get(const char *path)
{
	struct resp *r = get_if(path, NULL);
	char *etag;

	cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
	etag = resp_header(r, "ETag");
	cr_assert_not_null(etag);
	resp_free(r);
	return etag;
}

static void
not_modified(const char *path, const char *inm, const char *etag)
{
	struct resp *r = get_if(path, inm);
	char *again = resp_header(r, "ETag");

	cr_assert_eq(r->status, 304, "%s with %s: %ld %s", path, inm, r->status, r->body);
	cr_assert_eq(r->len, 0, "no body");
	cr_assert_str_eq(again, etag, "the ETag a 200 would carry");
	free(again);
	resp_free(r);
}

static void
modified(const char *path, const char *inm)
{
	struct resp *r = get_if(path, inm);

	cr_assert_eq(r->status, 200, "%s with %s: %ld", path, inm, r->status);
	cr_assert_gt(r->len, 0);
	resp_free(r);
}

Test(conditional, a_current_copy_of_a_record_is_answered_304)
{
	int la = unused_la_code(), urn;
	char path[64], list[96], weak[64];
	char *etag;

	make_la(la, "Condshire");
	urn = make_school(la, 1, "Cond Primary", "primary");
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	etag = etag_of_get(path);
	cr_assert(strncmp(etag, "\"1-", 3) == 0 && strlen(etag) == 20, "%s", etag);

	not_modified(path, etag, etag);
	snprintf(weak, sizeof weak, "W/%s", etag);
	not_modified(path, weak, etag);
	snprintf(list, sizeof list, "\"1-0000000000000000\", %s", etag);
	not_modified(path, list, etag);
	not_modified(path, "*", etag);

	modified(path, "\"1\"");                    /* the version alone is not the representation */
	modified(path, "\"1-0000000000000000\"");
	modified(path, "not a tag");
	free(etag);
}

Test(conditional, a_change_to_another_record_a_document_shows_is_not_a_current_copy)
{
	int la = unused_la_code(), urn;
	long long group;
	char path[64], group_path[64], body[256], *before, *after;
	struct resp *r;

	make_la(la, "Renameshire");
	urn = make_school(la, 1, "Shown Primary", "primary");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Old Name\", \"created_on\": \"2019-09-01\"}", la);
	group = post_created(token("officer"), "/v1/consortia", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2019-09-01\"}", group,
	         urn);
	post_created(token("officer"), "/v1/memberships", body);
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	before = etag_of_get(path);

	/* the school's consortium renamed: the school's own version is what it was */
	snprintf(group_path, sizeof group_path, "/v1/consortia/%lld", group);
	r = http_json("PATCH", group_path, token("officer"), "{\"name\": \"New Name\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	r = get_if(path, before);
	cr_assert_eq(r->status, 200, "the copy shows the old name: not current");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r->json, "consortium"), "name")),
	                 "New Name");
	after = resp_header(r, "ETag");
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 1);
	cr_assert(strncmp(after, "\"1-", 3) == 0 && strcmp(after, before) != 0, "%s after %s", after, before);
	resp_free(r);
	not_modified(path, after, after);
	free(before);
	free(after);
}

Test(conditional, if_match_takes_the_version_the_tag_names)
{
	int la = unused_la_code(), urn;
	char path[64], *etag;
	struct resp *r;

	make_la(la, "Matchshire");
	urn = make_school(la, 1, "Match Primary", "primary");
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	etag = etag_of_get(path);

	r = http_json("PATCH", path, token("officer"), "{\"pupils\": 120}", etag);
	cr_assert_eq(r->status, 200, "the GET's tag: %s", r->body);
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"pupils\": 122}", etag);
	assert_problem(r, 412, "precondition-failed", NULL);
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"pupils\": 123}", "\"2\"");
	cr_assert_eq(r->status, 200, "the version alone: %s", r->body);
	resp_free(r);
	free(etag);
}

Test(conditional, a_current_page_is_answered_304_and_a_changed_one_is_not)
{
	int la = unused_la_code(), urn;
	char list[96], path[64], *etag, *again;
	struct resp *r;

	make_la(la, "Pageshire");
	urn = make_school(la, 1, "Page Primary", "primary");
	make_school(la, 2, "Page Secondary", "secondary");
	snprintf(list, sizeof list, "/v1/schools?la=%d", la);
	etag = etag_of_get(list);
	cr_assert(strlen(etag) == 18 && etag[0] == '"', "%s", etag);
	not_modified(list, etag, etag);

	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	r = http_json("PATCH", path, token("officer"), "{\"pupils\": 99}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	modified(list, etag);
	again = etag_of_get(list);
	cr_assert_str_neq(again, etag);
	free(etag);
	free(again);
}

Test(conditional, the_payment_feed_polled_with_its_tag_is_304_until_it_moves)
{
	char path[96], *etag;
	struct resp *r;
	const char *headers[2] = {NULL, NULL};
	char h[128];

	snprintf(path, sizeof path, "/v1/payments?after=%lld&limit=10",
	         db_scalar("SELECT last FROM payment_feed_counter", NULL));
	r = http("GET", path, token("finance"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	etag = resp_header(r, "ETag");
	cr_assert(etag && strlen(etag) == 18, "%s", etag ? etag : "(none)");
	resp_free(r);

	snprintf(h, sizeof h, "If-None-Match: %s", etag);
	headers[0] = h;
	r = http("GET", path, token("finance"), NULL, headers);
	cr_assert_eq(r->status, 304, "%ld %s", r->status, r->body);
	cr_assert_eq(r->len, 0);
	resp_free(r);
	free(etag);
}
