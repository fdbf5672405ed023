/*
 * The same bad inputs against every route that takes them: each answer is
 * the promised status with a problem body, and nothing in the database
 * changes.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

struct target {
	const char *method;
	char path[96];
	const char *valid;        /* a body the route would accept */
	const char *wrong_type;   /* valid JSON, one field of the wrong type */
	const char *wrong_field;  /* the field that names */
	bool needs_if_match;
};

static struct target targets[6];
static size_t ntargets;

/* One LA, one area, one school to aim the item routes at. */
static void
setup(void)
{
	int code = unused_la_code(), urn;
	char body[256];
	long long la, area;
	struct resp *r;

	la = make_la(code, "Sweepshire");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"sweep\", \"name\": \"Sweep\"}", code);
	r = http_json("POST", "/v1/areas", token("admin"), body, NULL);
	area = json_integer_value(json_object_get(r->json, "id"));
	resp_free(r);
	urn = make_school(code, 1, "Sweep Primary", "primary");

	ntargets = 0;
	targets[ntargets++] = (struct target){"POST", "/v1/local-authorities",
		"{\"code\": 101, \"name\": \"X\"}", "{\"code\": \"101\", \"name\": \"X\"}", "code", false};
	targets[ntargets++] = (struct target){"POST", "/v1/areas",
		"{\"la_code\": 101, \"code\": \"x\", \"name\": \"X\"}",
		"{\"la_code\": 101, \"code\": \"x\", \"name\": [\"X\"]}", "name", false};
	targets[ntargets++] = (struct target){"POST", "/v1/schools",
		"{\"urn\": 111111, \"la_code\": 101, \"establishment_number\": 1, \"name\": \"X\", "
		"\"phase\": \"primary\", \"type\": \"other\"}",
		"{\"urn\": 111111, \"la_code\": 101, \"establishment_number\": 1, \"name\": \"X\", "
		"\"phase\": \"primary\", \"type\": \"other\", \"pupils\": \"many\"}", "pupils", false};
	targets[ntargets] = (struct target){"PATCH", "", "{\"name\": \"Y\"}", "{\"name\": true}", "name", true};
	snprintf(targets[ntargets++].path, sizeof targets[0].path, "/v1/local-authorities/%lld", la);
	targets[ntargets] = (struct target){"PATCH", "", "{\"name\": \"Y\"}", "{\"district_codes\": \"E07000221\"}",
		"district_codes", true};
	snprintf(targets[ntargets++].path, sizeof targets[0].path, "/v1/areas/%lld", area);
	targets[ntargets] = (struct target){"PATCH", "", "{\"name\": \"Y\"}", "{\"support_category\": \"2\"}",
		"support_category", true};
	snprintf(targets[ntargets++].path, sizeof targets[0].path, "/v1/schools/%d", urn);
}

static struct resp *
send(const struct target *t, const char *tok, const char *ct, const char *body, const char *if_match,
     const char *query)
{
	char ctype[96], im[64], path[160];
	const char *h[] = {ctype, t->needs_if_match ? im : NULL, NULL};

	snprintf(ctype, sizeof ctype, "Content-Type: %s", ct);
	snprintf(im, sizeof im, "If-Match: %s", if_match);
	snprintf(path, sizeof path, "%s%s", t->path, query ? query : "");
	return http(t->method, path, tok, body, h);
}

Test(sweep, every_bad_input_on_every_write_route, .init = setup)
{
	char *big = malloc(70001);

	memset(big, ' ', 70000);
	big[0] = '{';
	big[69999] = '}';
	big[70000] = '\0';
	cr_assert_eq(ntargets, 6, "every write route of the register is a target");
	for (size_t i = 0; i < ntargets; i++) {
		const struct target *t = &targets[i];
		char *before = db_fingerprint();
		struct resp *r;

		cr_log_info("%s %s", t->method, t->path);
		r = send(t, NULL, "application/json", t->valid, "\"1\"", NULL);
		assert_problem(r, 401, "unauthorized", NULL);
		resp_free(r);
		r = send(t, "x.y.z", "application/json", t->valid, "\"1\"", NULL);
		assert_problem(r, 401, "unauthorized", NULL);
		resp_free(r);
		r = send(t, token("chair"), "application/json", t->valid, "\"1\"", NULL);
		assert_problem(r, 403, "forbidden", NULL);
		resp_free(r);
		r = send(t, token("admin"), "application/json", "{\"name\": ", "\"1\"", NULL);
		assert_problem(r, 400, "malformed", NULL);
		resp_free(r);
		r = send(t, token("admin"), "application/json", "\"just a string\"", "\"1\"", NULL);
		assert_problem(r, 400, "malformed", NULL);
		resp_free(r);
		r = send(t, token("admin"), "application/json", t->wrong_type, "\"1\"", NULL);
		assert_problem(r, 422, "validation", t->wrong_field);
		resp_free(r);
		r = send(t, token("admin"), "application/json", "{\"no_such_field\": 1}", "\"1\"", NULL);
		assert_problem(r, 422, "validation", "no_such_field");
		resp_free(r);
		r = send(t, token("admin"), "application/json", "{\"created_at\": \"2020-01-01T00:00:00Z\"}",
		         "\"1\"", NULL);
		assert_problem(r, 422, "validation", "created_at");
		resp_free(r);
		r = send(t, token("admin"), "text/plain", t->valid, "\"1\"", NULL);
		assert_problem(r, 415, "unsupported-media-type", NULL);
		resp_free(r);
		r = send(t, token("admin"), "application/json", big, "\"1\"", NULL);
		assert_problem(r, 413, "payload-too-large", NULL);
		resp_free(r);
		r = send(t, token("admin"), "application/json", t->valid, "\"1\"", "?dry_run=1");
		assert_problem(r, 400, "malformed", "dry_run");
		resp_free(r);
		if (t->needs_if_match) {
			r = send(t, token("admin"), "application/json", t->valid, "\"99\"", NULL);
			assert_problem(r, 412, "precondition-failed", NULL);
			resp_free(r);
		}
		assert_unchanged(before);
	}
	free(big);
}
