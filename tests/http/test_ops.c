/*
 * The open routes, unknown routes, CORS, and what a client sees when the
 * database is gone or has dropped the server's connections.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	cr_assert_str_eq(allow, "GET, HEAD, POST");
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

Test(ops, every_answer_carries_the_security_headers)
{
	const char *paths[] = {"/healthz", "/v1/local-authorities", "/v1/no-such-route", "/openapi.yaml"};

	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct resp *r = http("GET", paths[i], token("viewer"), NULL, NULL);
		char *csp = resp_header(r, "Content-Security-Policy"), *rp = resp_header(r, "Referrer-Policy"),
		     *xfo = resp_header(r, "X-Frame-Options"), *nosniff = resp_header(r, "X-Content-Type-Options");

		cr_assert(csp && strcmp(csp, "default-src 'none'; frame-ancestors 'none'") == 0, "%s: %s", paths[i], csp);
		cr_assert(rp && strcmp(rp, "no-referrer") == 0, "%s", paths[i]);
		cr_assert(xfo && strcmp(xfo, "DENY") == 0, "%s", paths[i]);
		cr_assert(nosniff && strcmp(nosniff, "nosniff") == 0, "%s", paths[i]);
		free(csp);
		free(rp);
		free(xfo);
		free(nosniff);
		resp_free(r);
	}
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

struct writer {
	const char *path;
	long status;
};

/* A write: a transaction is not retried on another connection if its first statement fails. */
static void *
write_school(void *arg)
{
	struct writer *w = arg;
	struct resp *r = http_json("PATCH", w->path, token("officer"), "{\"pupils\": 321}", "*");

	w->status = r->status;
	resp_free(r);
	return NULL;
}

static void
write_at_once(struct writer *w, int n)
{
	pthread_t t[8];

	for (int i = 0; i < n; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, write_school, &w[i]), 0);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* Every pooled connection dropped while idle: none of them fails a request. */
Test(ops, connections_dropped_while_idle_are_replaced_before_use)
{
	int la = unused_la_code(), urn;
	char path[32];
	struct writer w[8];

	make_la(la, "Dropshire");
	urn = make_school(la, 1, "Dropped Primary", "primary");
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	for (int i = 0; i < 8; i++)
		w[i] = (struct writer){.path = path};
	for (int round = 0; round < 2; round++) {
		/* fill the pool (every replica's), then drop every connection */
		write_at_once(w, 8);
		cr_assert(db_scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
		                    "WHERE application_name = 'consortia'", NULL) >= 1);
		/* pg_terminate_backend only signals: wait until the backends have gone */
		for (int i = 0; i < 500 && db_scalar("SELECT count(*) FROM pg_stat_activity "
		                                     "WHERE application_name = 'consortia'", NULL) > 0; i++)
			usleep(10000);
		write_at_once(w, 8);
		for (int i = 0; i < 8; i++)
			cr_assert_eq(w[i].status, 200, "round %d, write %d after the drop: %ld", round, i, w[i].status);
	}
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

/* ---- metrics -------------------------------------------------------------- */

/* The value of one series in a /metrics text from base (one replica); 0 when absent. */
static double
metric(const char *base, const char *series)
{
	char *url;
	struct resp *r;
	const char *at;
	double v = 0;

	cr_assert(asprintf(&url, "%s/metrics", base) > 0);
	r = http("GET", url, NULL, NULL, NULL);
	cr_assert_eq(r->status, 200);
	for (at = strstr(r->body, series); at; at = strstr(at + 1, series))
		if ((at == r->body || at[-1] == '\n') && at[strlen(series)] == ' ') {
			v = strtod(at + strlen(series) + 1, NULL);
			break;
		}
	resp_free(r);
	free(url);
	return v;
}

Test(ops, metrics_count_requests_by_route_and_status)
{
	const char *direct = getenv("CONSORTIA_DIRECT_URL");
	const char *count = "consortia_http_requests_total{method=\"GET\",route=\"/v1/schools/:urn\",status=\"404\"}";
	const char *hist = "consortia_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/schools/:urn\"}";
	const char *inf = "consortia_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/schools/:urn\","
	                  "le=\"+Inf\"}";
	const char *trips = "consortia_db_statements_total{method=\"GET\",route=\"/v1/schools/:urn\"}";
	double before = metric(direct, count), h_before = metric(direct, hist);
	double t_before = metric(direct, trips);
	char *url, *ct;
	struct resp *r;

	cr_assert(asprintf(&url, "%s/v1/schools/999998", direct) > 0);
	for (int i = 0; i < 3; i++) {
		r = http("GET", url, token("viewer"), NULL, NULL);
		cr_assert_eq(r->status, 404);
		resp_free(r);
	}
	free(url);
	cr_assert_eq(metric(direct, count) - before, 3, "three more 404s on the route");
	cr_assert_eq(metric(direct, hist) - h_before, 3, "and three more timings");
	/* each read of a school is one statement (and one prepare on a connection's first) */
	cr_assert(metric(direct, trips) - t_before >= 3 && metric(direct, trips) - t_before <= 5,
	          "three reads, %g round trips", metric(direct, trips) - t_before);
	cr_assert_eq(metric(direct, inf), metric(direct, hist), "the +Inf bucket holds every timing");
	cr_assert_eq(metric(direct, "consortia_db_pool_connections"), 2, "WORKERS");
	cr_assert_eq(metric(direct, "consortia_db_export_connections"), 2, "EXPORT_CONNECTIONS");
	cr_assert_eq(metric(direct, "consortia_db_export_in_use"), 0, "no download under way");
	cr_assert_eq(metric(direct, "consortia_db_pool_waiting"), 0);
	/* the /metrics request itself is in flight on an open connection */
	cr_assert_geq(metric(direct, "consortia_http_connections"), 1);
	cr_assert_geq(metric(direct, "consortia_http_requests_in_flight"), 1);

	/* the contract's view of it, through whatever the tests call */
	r = http("GET", "/metrics", NULL, NULL, NULL);
	cr_assert_eq(r->status, 200);
	ct = resp_header(r, "Content-Type");
	cr_assert_str_eq(ct, "text/plain; version=0.0.4; charset=utf-8");
	cr_assert(strstr(r->body, "# TYPE consortia_http_requests_total counter\n") != NULL);
	free(ct);
	resp_free(r);
}

Test(ops, metrics_count_database_failures)
{
	const char *dead_base = getenv("CONSORTIA_DEAD_URL");
	const char *series = "consortia_db_errors_total{kind=\"unreachable\"}";
	double before = metric(dead_base, series);
	char *url = dead("/v1/schools/100000");
	struct resp *r = http("GET", url, token("viewer"), NULL, NULL);

	assert_problem(r, 503, "unavailable", NULL);
	resp_free(r);
	free(url);
	cr_assert_eq(metric(dead_base, series) - before, 1, "one more failure to reach the database");
}

Test(ops, docs_are_served_from_the_binary)
{
	struct resp *r = http("GET", "/docs", NULL, NULL, NULL);
	char *ct = resp_header(r, "Content-Type"), *csp = resp_header(r, "Content-Security-Policy");

	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(ct, "text/html; charset=utf-8");
	cr_assert(strstr(r->body, "spec-url=\"/openapi.yaml\"") && strstr(r->body, "src=\"/docs/redoc.standalone.js\""));
	cr_assert(csp && strstr(csp, "script-src 'self'") && !strstr(csp, "http"), "%s", csp);
	free(ct);
	free(csp);
	resp_free(r);
	r = http("GET", "/docs/redoc.standalone.js", NULL, NULL, NULL);
	ct = resp_header(r, "Content-Type");
	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(ct, "text/javascript; charset=utf-8");
	cr_assert_gt(r->len, 500000);
	cr_assert(memmem(r->body, r->len, "cdn.redoc.ly", 12) == NULL, "nothing is loaded from elsewhere");
	free(ct);
	resp_free(r);
}
