/*
 * The open routes, unknown routes, CORS, and what a client sees when the
 * database is gone or has dropped the server's connections.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

Test(ops, healthz_answers_without_a_token)
{
	struct resp *r = http("GET", "/healthz", NULL, NULL, NULL);
	char *rid = resp_header(r, "X-Request-Id");

	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "ok");
	cr_assert(rid && strlen(rid) == 32, "X-Request-Id is 32 hex characters");
	free(rid);
	resp_free(r);
}

Test(ops, readyz_checks_the_database)
{
	struct resp *r = http("GET", "/readyz", NULL, NULL, NULL);

	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "ready");
	resp_free(r);
}

Test(ops, the_contract_is_served)
{
	struct resp *r = http("GET", "/openapi.yaml", NULL, NULL, NULL);
	char *ct = resp_header(r, "Content-Type");

	cr_assert_eq(r->status, 200);
	cr_assert(ct && strncmp(ct, "application/yaml", 16) == 0);
	cr_assert(strncmp(r->body, "openapi: 3.1", 12) == 0);
	cr_assert(strstr(r->body, "/v1/schools/{urn}:") != NULL);
	free(ct);
	resp_free(r);
}

Test(ops, a_caller_request_id_in_our_form_is_kept)
{
	const char *h[] = {"X-Request-Id: 0123456789abcdef0123456789abcdef", NULL};
	struct resp *r = http("GET", "/healthz", NULL, NULL, h);
	char *rid = resp_header(r, "X-Request-Id");

	cr_assert_str_eq(rid, "0123456789abcdef0123456789abcdef");
	free(rid);
	resp_free(r);
}

Test(ops, unknown_route_is_404_problem)
{
	struct resp *r = http("GET", "/v1/nothing-here", token("admin"), NULL, NULL);

	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
}

Test(ops, wrong_method_is_405_with_allow)
{
	struct resp *r = http("PUT", "/v1/schools", token("admin"), "{}", NULL);
	char *allow = resp_header(r, "Allow");

	assert_problem(r, 405, "method-not-allowed", NULL);
	cr_assert_str_eq(allow, "GET, POST");
	free(allow);
	resp_free(r);
}

Test(ops, cors_preflight_for_a_configured_origin)
{
	const char *h[] = {"Origin: https://app.example", "Access-Control-Request-Method: PATCH",
	                   NULL};
	struct resp *r = http("OPTIONS", "/v1/schools/123456", NULL, NULL, h);
	char *methods = resp_header(r, "Access-Control-Allow-Methods");

	cr_assert_eq(r->status, 204);
	cr_assert(methods && strstr(methods, "PATCH") != NULL);
	free(methods);
	resp_free(r);
}

Test(ops, cors_headers_only_for_configured_origins)
{
	const char *good[] = {"Origin: https://app.example", NULL};
	const char *bad[] = {"Origin: https://evil.example", NULL};
	struct resp *r = http("GET", "/v1/local-authorities", token("viewer"), NULL, good);
	char *acao = resp_header(r, "Access-Control-Allow-Origin");

	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(acao, "https://app.example");
	free(acao);
	resp_free(r);
	r = http("GET", "/v1/local-authorities", token("viewer"), NULL, bad);
	acao = resp_header(r, "Access-Control-Allow-Origin");
	cr_assert_eq(r->status, 200);
	cr_assert_null(acao);
	resp_free(r);
}

Test(ops, authenticated_answers_are_not_cached)
{
	struct resp *r = http("GET", "/v1/local-authorities", token("viewer"), NULL, NULL);
	char *cc = resp_header(r, "Cache-Control"), *nosniff = resp_header(r, "X-Content-Type-Options");

	cr_assert_str_eq(cc, "no-store");
	cr_assert_str_eq(nosniff, "nosniff");
	free(cc);
	free(nosniff);
	resp_free(r);
}

/* The second server's database cannot be reached. */
static char *
dead(const char *path)
{
	char *url;
	cr_assert(asprintf(&url, "%s%s", getenv("CONSORTIA_DEAD_URL"), path) > 0);
	return url;
}

Test(ops, no_database_means_503_with_retry_after)
{
	char *url = dead("/v1/schools"), *ra;
	struct resp *r = http("GET", url, token("viewer"), NULL, NULL);

	assert_problem(r, 503, "unavailable", NULL);
	ra = resp_header(r, "Retry-After");
	cr_assert(ra && atoi(ra) > 0);
	cr_assert(strstr(r->body, "host=") == NULL, "no connection details leak");
	free(ra);
	free(url);
	resp_free(r);
}

Test(ops, readyz_is_503_without_a_database_but_healthz_lives)
{
	char *ready = dead("/readyz"), *health = dead("/healthz");
	struct resp *r = http("GET", ready, NULL, NULL, NULL);

	assert_problem(r, 503, "unavailable", NULL);
	resp_free(r);
	r = http("GET", health, NULL, NULL, NULL);
	cr_assert_eq(r->status, 200);
	resp_free(r);
	free(ready);
	free(health);
}

Test(ops, server_reconnects_after_the_database_drops_its_connections)
{
	struct resp *r = http("GET", "/v1/local-authorities", token("viewer"), NULL, NULL);

	cr_assert_eq(r->status, 200);
	resp_free(r);
	cr_assert(db_scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
	                    "WHERE application_name = 'consortia'", NULL) >= 1);
	for (int i = 0; i < 6; i++) {   /* more requests than workers: every connection is hit */
		r = http("GET", "/v1/local-authorities", token("viewer"), NULL, NULL);
		cr_assert_eq(r->status, 200, "request %d after the drop: %ld %s", i, r->status, r->body);
		resp_free(r);
	}
}
