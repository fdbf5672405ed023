/*
 * Local authorities and areas: create, read, list, patch, delete, and the
 * refusals of each.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

Test(local_authorities, create_read_patch_delete)
{
	int code = unused_la_code();
	char body[128], path[64], *loc, *etag;
	struct resp *r;
	long long id;

	snprintf(body, sizeof body, "{\"code\": %d, \"name\": \"Testshire\"}", code);
	r = http_json("POST", "/v1/local-authorities", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	id = json_integer_value(json_object_get(r->json, "id"));
	loc = resp_header(r, "Location");
	snprintf(path, sizeof path, "/v1/local-authorities/%lld", id);
	cr_assert_str_eq(loc, path);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "review_interval_months")), 12);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 1);
	free(loc);
	resp_free(r);

	r = http("GET", path, token("viewer"), NULL, NULL);
	etag = resp_header(r, "ETag");
	cr_assert_eq(r->status, 200);
	cr_assert(strncmp(etag, "\"1-", 3) == 0 && strlen(etag) == 3 + 16 + 1, "%s", etag);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "name")), "Testshire");
	free(etag);
	resp_free(r);

	r = http_json("PATCH", path, token("officer"), "{\"review_interval_months\": 24}", "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "review_interval_months")), 24);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 2);
	resp_free(r);

	r = http_json("DELETE", path, token("officer"), NULL, "\"2\"");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	r = http("GET", path, token("viewer"), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
}

Test(local_authorities, duplicate_code_is_409_and_changes_nothing)
{
	int code = unused_la_code();
	char body[128], *before;
	struct resp *r;

	make_la(code, "First");
	before = db_fingerprint();
	snprintf(body, sizeof body, "{\"code\": %d, \"name\": \"Second\"}", code);
	r = http_json("POST", "/v1/local-authorities", token("admin"), body, NULL);
	assert_problem(r, 409, "conflict", "code");
	resp_free(r);
	assert_unchanged(before);
}

Test(local_authorities, code_cannot_be_patched)
{
	long long id = make_la(unused_la_code(), "Fixedshire");
	char path[64], *before = db_fingerprint();
	struct resp *r;

	snprintf(path, sizeof path, "/v1/local-authorities/%lld", id);
	r = http_json("PATCH", path, token("admin"), "{\"code\": 555, \"id\": 1}", "\"1\"");
	assert_problem(r, 422, "validation", "code");
	assert_problem(r, 422, "validation", "id");
	resp_free(r);
	assert_unchanged(before);
}

Test(local_authorities, list_filters_by_code)
{
	int code = unused_la_code();
	char path[64];
	struct resp *r;

	make_la(code, "Filtershire");
	snprintf(path, sizeof path, "/v1/local-authorities?code=%d", code);
	r = http("GET", path, token("viewer"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1);
	cr_assert(json_is_null(json_object_get(r->json, "next_cursor")));
	resp_free(r);
}

Test(local_authorities, a_referred_to_la_cannot_be_deleted)
{
	int code = unused_la_code();
	long long id = make_la(code, "Busyshire");
	char path[64], *before;
	struct resp *r;

	make_school(code, 1, "Busy Primary", "primary");
	before = db_fingerprint();
	snprintf(path, sizeof path, "/v1/local-authorities/%lld", id);
	r = http_json("DELETE", path, token("admin"), NULL, "\"1\"");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	assert_unchanged(before);
}

Test(areas, create_list_patch)
{
	int code = unused_la_code();
	char body[256], path[64], list[64];
	struct resp *r;
	long long id;

	make_la(code, "Areashire");
	snprintf(body, sizeof body,
	         "{\"la_code\": %d, \"code\": \"south\", \"name\": \"South\", "
	         "\"district_codes\": [\"E07000221\"]}", code);
	r = http_json("POST", "/v1/areas", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	id = json_integer_value(json_object_get(r->json, "id"));
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(r->json, "district_codes"), 0)),
	                 "E07000221");
	resp_free(r);

	snprintf(list, sizeof list, "/v1/areas?la=%d", code);
	r = http("GET", list, token("viewer"), NULL, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1);
	resp_free(r);

	snprintf(path, sizeof path, "/v1/areas/%lld", id);
	r = http_json("PATCH", path, token("officer"), "{\"name\": \"South Area\", \"district_codes\": []}",
	              "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "district_codes")), 0);
	resp_free(r);

	r = http("GET", path, token("chair"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "name")), "South Area");
	resp_free(r);
	r = http_json("DELETE", path, token("officer"), NULL, "\"2\"");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	r = http("GET", path, token("chair"), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
}

Test(areas, an_area_with_schools_cannot_be_deleted)
{
	int code = unused_la_code(), urn;
	char body[256], path[64], patch[64], spath[64], *before;
	struct resp *r;
	long long id;

	make_la(code, "Keepshire");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"kept\", \"name\": \"Kept\"}", code);
	r = http_json("POST", "/v1/areas", token("officer"), body, NULL);
	id = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);
	urn = make_school(code, 1, "Kept Primary", "primary");
	snprintf(spath, sizeof spath, "/v1/schools/%d", urn);
	snprintf(patch, sizeof patch, "{\"area_id\": %lld}", id);
	r = http_json("PATCH", spath, token("officer"), patch, "\"1\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	before = db_fingerprint();
	snprintf(path, sizeof path, "/v1/areas/%lld", id);
	r = http_json("DELETE", path, token("officer"), NULL, "\"1\"");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	assert_unchanged(before);
}

Test(areas, refusals)
{
	int code = unused_la_code();
	char body[256], *before;
	struct resp *r;

	make_la(code, "Refuseshire");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"north\", \"name\": \"North\"}", code);
	r = http_json("POST", "/v1/areas", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201);
	resp_free(r);
	before = db_fingerprint();

	r = http_json("POST", "/v1/areas", token("officer"), body, NULL);
	assert_problem(r, 409, "conflict", "code");
	resp_free(r);

	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"x\", \"name\": \"X\"}",
	         unused_la_code());
	r = http_json("POST", "/v1/areas", token("officer"), body, NULL);
	assert_problem(r, 422, "validation", "la_code");
	resp_free(r);

	snprintf(body, sizeof body,
	         "{\"la_code\": %d, \"code\": \"Bad Code\", \"name\": \"\", \"district_codes\": [\"X1\", 3]}",
	         code);
	r = http_json("POST", "/v1/areas", token("officer"), body, NULL);
	assert_problem(r, 422, "validation", "code");
	assert_problem(r, 422, "validation", "name");
	assert_problem(r, 422, "validation", "district_codes[0]");
	assert_problem(r, 422, "validation", "district_codes[1]");
	resp_free(r);
	assert_unchanged(before);
}
