/*
 * metrics.c
 *    Counts every request by route, method and status, with a latency
 *    histogram per route, and serves them with the database pool's state
 *    and failures at GET /metrics in Prometheus' text format (0.0.4).
 *    Counters are process-wide and lock-free; each replica has its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/standby.h"
#include "handlers.h"

/* The statuses the service answers; anything else is counted as "other". */
static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 406, 409,
                               412, 413, 415, 422, 428, 429, 431, 500, 503};
#define N_STATUS (sizeof statuses / sizeof statuses[0] + 1)

/* Upper bounds of the latency buckets, in microseconds (the last is +Inf). */
static const long long bounds_us[] = {1000, 2500, 5000, 10000, 25000, 50000, 100000,
                                      250000, 500000, 1000000, 2500000, 5000000, 10000000};
#define N_BUCKET (sizeof bounds_us / sizeof bounds_us[0] + 1)

struct route_counts {
	unsigned long long by_status[N_STATUS];
	unsigned long long buckets[N_BUCKET]; /* not cumulative; summed when written */
	unsigned long long sum_us;
	unsigned long long statements;        /* database round trips, summed */
};

struct metrics {
	struct route_counts *counts;   /* one per route, and a last one for requests no route matched */
	size_t n;
};

struct metrics *
metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof *m);

	if (m == NULL || (m->counts = calloc(routes_count + 1, sizeof *m->counts)) == NULL) {
		free(m);
		return NULL;
	}
	m->n = routes_count + 1;
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	free(m->counts);
	free(m);
}

static size_t
status_slot(int status)
{
	for (size_t i = 0; i < N_STATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return N_STATUS - 1;
}

void
metrics_record(struct metrics *m, const struct route *route, int status, long long us,
               unsigned statements)
{
	struct route_counts *rc;
	size_t b = 0;

	if (m == NULL)
		return;
	rc = route >= routes && route < routes + routes_count ? &m->counts[route - routes]
	                                                      : &m->counts[m->n - 1];
	while (b < N_BUCKET - 1 && us > bounds_us[b])
		b++;
	__atomic_add_fetch(&rc->by_status[status_slot(status)], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&rc->buckets[b], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&rc->sum_us, (unsigned long long)(us > 0 ? us : 0), __ATOMIC_RELAXED);
	__atomic_add_fetch(&rc->statements, statements, __ATOMIC_RELAXED);
}

static unsigned long long
load(const unsigned long long *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

static void
labels(FILE *f, size_t i)
{
	if (i < routes_count)
		fprintf(f, "method=\"%s\",route=\"%s\"", routes[i].method, routes[i].path);
	else
		fputs("method=\"\",route=\"unmatched\"", f);
}

static void
write_requests(FILE *f, const struct metrics *m)
{
	fputs("# HELP consortia_http_requests_total Requests answered, by route, method and status.\n"
	      "# TYPE consortia_http_requests_total counter\n", f);
	for (size_t i = 0; i < m->n; i++)
		for (size_t s = 0; s < N_STATUS; s++) {
			unsigned long long v = load(&m->counts[i].by_status[s]);
			if (v == 0)
				continue;
			fputs("consortia_http_requests_total{", f);
			labels(f, i);
			if (s < N_STATUS - 1)
				fprintf(f, ",status=\"%d\"} %llu\n", statuses[s], v);
			else
				fprintf(f, ",status=\"other\"} %llu\n", v);
		}
}

static void
write_statements(FILE *f, const struct metrics *m)
{
	fputs("# HELP consortia_db_statements_total Database round trips of the requests, by route.\n"
	      "# TYPE consortia_db_statements_total counter\n", f);
	for (size_t i = 0; i < m->n; i++) {
		unsigned long long v = load(&m->counts[i].statements);
		if (v == 0)
			continue;
		fputs("consortia_db_statements_total{", f);
		labels(f, i);
		fprintf(f, "} %llu\n", v);
	}
}

static void
write_latency(FILE *f, const struct metrics *m)
{
	fputs("# HELP consortia_http_request_duration_seconds Time from a request's arrival to its answer.\n"
	      "# TYPE consortia_http_request_duration_seconds histogram\n", f);
	for (size_t i = 0; i < m->n; i++) {
		unsigned long long cum = 0, b[N_BUCKET];

		for (size_t k = 0; k < N_BUCKET; k++)
			cum += b[k] = load(&m->counts[i].buckets[k]);
		if (cum == 0)
			continue;
		cum = 0;
		for (size_t k = 0; k < N_BUCKET; k++) {
			cum += b[k];
			fputs("consortia_http_request_duration_seconds_bucket{", f);
			labels(f, i);
			if (k < N_BUCKET - 1)
				fprintf(f, ",le=\"%g\"} %llu\n", (double)bounds_us[k] / 1e6, cum);
			else
				fprintf(f, ",le=\"+Inf\"} %llu\n", cum);
		}
		fputs("consortia_http_request_duration_seconds_sum{", f);
		labels(f, i);
		fprintf(f, "} %.6f\n", (double)load(&m->counts[i].sum_us) / 1e6);
		fputs("consortia_http_request_duration_seconds_count{", f);
		labels(f, i);
		fprintf(f, "} %llu\n", cum);
	}
}

static void
write_database(FILE *f, struct db_pool *pool, struct db_pool *exports)
{
	struct db_pool_stats st, ex;
	struct db_failures fl, fx;

	db_pool_stats(pool, &st);
	db_pool_stats(exports, &ex);
	/* the service's failures: its requests' pool and its downloads' together */
	db_failures_read(pool, &fl);
	db_failures_read(exports, &fx);
	fl.pool_busy += fx.pool_busy;
	fl.unreachable += fx.unreachable;
	fl.timeout += fx.timeout;
	fl.conflict_retry += fx.conflict_retry;
	fl.unexpected += fx.unexpected;
	fprintf(f,
	        "# HELP consortia_db_export_connections Connections CSV downloads may hold.\n"
	        "# TYPE consortia_db_export_connections gauge\n"
	        "consortia_db_export_connections %zu\n"
	        "# HELP consortia_db_export_in_use Connections CSV downloads hold now.\n"
	        "# TYPE consortia_db_export_in_use gauge\n"
	        "consortia_db_export_in_use %zu\n",
	        ex.size, ex.in_use);
	fprintf(f,
	        "# HELP consortia_db_pool_connections Connections the pool may hold.\n"
	        "# TYPE consortia_db_pool_connections gauge\n"
	        "consortia_db_pool_connections %zu\n"
	        "# HELP consortia_db_pool_in_use Connections lent to requests now.\n"
	        "# TYPE consortia_db_pool_in_use gauge\n"
	        "consortia_db_pool_in_use %zu\n"
	        "# HELP consortia_db_pool_waiting Requests waiting for a connection now.\n"
	        "# TYPE consortia_db_pool_waiting gauge\n"
	        "consortia_db_pool_waiting %zu\n"
	        "# HELP consortia_db_errors_total Database failures, by kind.\n"
	        "# TYPE consortia_db_errors_total counter\n"
	        "consortia_db_errors_total{kind=\"pool_busy\"} %llu\n"
	        "consortia_db_errors_total{kind=\"unreachable\"} %llu\n"
	        "consortia_db_errors_total{kind=\"timeout\"} %llu\n"
	        "consortia_db_errors_total{kind=\"conflict_retry\"} %llu\n"
	        "consortia_db_errors_total{kind=\"unexpected\"} %llu\n",
	        st.size, st.in_use, st.waiting, fl.pool_busy, fl.unreachable, fl.timeout, fl.conflict_retry,
	        fl.unexpected);
}

/* The standby of DATABASE_READ_URL, when there is one. */
static void
write_standby(FILE *f, struct standby *s)
{
	struct standby_stats st;

	standby_stats(s, &st);
	fprintf(f,
	        "# HELP consortia_standby_usable Whether the standby takes reads now (well, and lagging at "
	        "most READ_MAX_LAG_MS).\n"
	        "# TYPE consortia_standby_usable gauge\n"
	        "consortia_standby_usable %d\n"
	        "# HELP consortia_standby_lag_seconds How far the standby's replay is behind the primary "
	        "(-1: unknown).\n"
	        "# TYPE consortia_standby_lag_seconds gauge\n"
	        "consortia_standby_lag_seconds %.3f\n"
	        "# HELP consortia_standby_reads_total Reads that could go to the standby, by where they went "
	        "and why.\n"
	        "# TYPE consortia_standby_reads_total counter\n"
	        "consortia_standby_reads_total{outcome=\"standby\"} %llu\n"
	        "consortia_standby_reads_total{outcome=\"primary_fenced\"} %llu\n"
	        "consortia_standby_reads_total{outcome=\"primary_skipped\"} %llu\n"
	        "consortia_standby_reads_total{outcome=\"primary_after_failure\"} %llu\n",
	        st.usable ? 1 : 0, st.lag_ms < 0 ? -1.0 : (double)st.lag_ms / 1000, st.reads, st.fenced,
	        st.skipped, st.failed);
}

/* PIPELINE_CONNECTIONS: the reads sent without holding a worker. */
static void
write_pipeline(FILE *f, struct pipeline *pl)
{
	struct pipeline_stats st;

	pipeline_stats(pl, &st);
	fprintf(f,
	        "# HELP consortia_pipeline_statements_total Reads sent to the database without holding "
	        "a worker (their connection suspended until the answer is in).\n"
	        "# TYPE consortia_pipeline_statements_total counter\n"
	        "consortia_pipeline_statements_total %llu\n"
	        "# HELP consortia_pipeline_in_flight Those on the database now.\n"
	        "# TYPE consortia_pipeline_in_flight gauge\n"
	        "consortia_pipeline_in_flight %u\n"
	        "# HELP consortia_pipeline_in_flight_peak The most on the database at once since start.\n"
	        "# TYPE consortia_pipeline_in_flight_peak gauge\n"
	        "consortia_pipeline_in_flight_peak %u\n"
	        "# HELP consortia_pipeline_connections The pipeline's database connections open now.\n"
	        "# TYPE consortia_pipeline_connections gauge\n"
	        "consortia_pipeline_connections %u\n",
	        st.sent, st.in_flight, st.peak, st.connections);
}

static void
write_connections(FILE *f, struct conns *cs)
{
	struct conn_stats st;

	conns_stats(cs, &st);
	fprintf(f,
	        "# HELP consortia_http_connections Client connections open now.\n"
	        "# TYPE consortia_http_connections gauge\n"
	        "consortia_http_connections %llu\n"
	        "# HELP consortia_http_requests_in_flight Requests being received, answered or sent now.\n"
	        "# TYPE consortia_http_requests_in_flight gauge\n"
	        "consortia_http_requests_in_flight %llu\n"
	        "# HELP consortia_http_connections_cut_total Connections the service closed: idle "
	        "(no request within HTTP_IDLE_TIMEOUT) or slow (a request longer than HTTP_REQUEST_TIMEOUT).\n"
	        "# TYPE consortia_http_connections_cut_total counter\n"
	        "consortia_http_connections_cut_total{reason=\"idle\"} %llu\n"
	        "consortia_http_connections_cut_total{reason=\"slow\"} %llu\n",
	        st.open, st.in_request, st.cut_idle, st.cut_slow);
}

enum err
api_metrics(struct req *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	if (r->app->metrics) {
		write_requests(f, r->app->metrics);
		write_latency(f, r->app->metrics);
		write_statements(f, r->app->metrics);
	}
	write_database(f, &r->app->pool, &r->app->exports);
	if (r->app->standby)
		write_standby(f, r->app->standby);
	if (r->app->pipeline)
		write_pipeline(f, r->app->pipeline);
	write_connections(f, r->app->conns);
	if (fclose(f) != 0 || text == NULL) {
		free(text);
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	}
	ulfius_set_binary_body_response(r->out, 200, text, len);
	respond_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	r->status = 200;
	free(text);
	return ERR_OK;
}
