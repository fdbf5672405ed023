/*
 * A slow or stuck database, slow and idle clients, a flood of
 * connections, a caller over its rate, oversized headers and a stop
 * signal: each ends in a prompt answer or a closed connection, never a
 * worker held for good or a service down.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"

static void
get(struct answer *a, const struct server *s, const char *path, const char *tok, long timeout)
{
	char url[256];

	snprintf(url, sizeof url, "%s%s", s->url, path);
	call(a, "GET", url, tok, NULL, NULL, timeout);
}

/* The problem body's detail names the fault. */
static void
assert_unavailable(const struct answer *a, const char *detail)
{
	cr_assert_eq(a->status, 503, "%ld %s", a->status, a->body);
	cr_assert_str_neq(a->retry_after, "", "503 carries Retry-After");
	cr_assert(strstr(a->body, "\"status\":503") != NULL, "%s", a->body);
	cr_assert(strstr(a->body, detail) != NULL, "%s", a->body);
}

struct reader {
	const struct server *s;
	const char *tok;
	struct answer a;
};

static void *
read_schools(void *arg)
{
	struct reader *r = arg;

	get(&r->a, r->s, "/v1/schools?limit=1", r->tok, 30);
	return NULL;
}

/*
 * A read held in flight: school locked by another session, then a reader
 * thread's GET, which waits on the lock. Returns the locking session
 * (ROLLBACK lets the read go on).
 */
static PGconn *
hold_a_read(struct server *s, struct reader *r, pthread_t *t, const char *sub)
{
	PGconn *locker = db_open();
	PGresult *res = PQexec(locker, "BEGIN; LOCK TABLE school IN ACCESS EXCLUSIVE MODE");

	cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(locker));
	PQclear(res);
	*r = (struct reader){s, token_as("viewer", sub), {0}};
	cr_assert(pthread_create(t, NULL, read_schools, r) == 0);
	usleep(300 * 1000);
	return locker;
}

Test(limits, a_database_that_stops_answering_frees_the_worker_with_503)
{
	struct server s;
	const char *env[] = {"REQUEST_DEADLINE_MS=1500", NULL};
	const char *tok = token_as("viewer", "stuck-reader");
	struct reader r[4];
	pthread_t t[4];
	struct answer a;
	double back;

	server_start(&s, env);
	/* every pooled connection open, so the requests below reach a statement */
	for (int i = 0; i < 4; i++) {
		r[i] = (struct reader){&s, tok, {0}};
		cr_assert(pthread_create(&t[i], NULL, read_schools, &r[i]) == 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(r[i].a.status, 200);
		answer_free(&r[i].a);
	}

	cluster_signal(SIGSTOP);   /* every PostgreSQL process frozen: no answer, no error */
	for (int i = 0; i < 4; i++)
		cr_assert(pthread_create(&t[i], NULL, read_schools, &r[i]) == 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	get(&a, &s, "/healthz", NULL, 5);   /* the service itself still answers */
	cluster_signal(SIGCONT);

	cr_assert_eq(a.status, 200);
	answer_free(&a);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(r[i].a.status, 503, "%ld %s", r[i].a.status, r[i].a.body);
		cr_assert_str_neq(r[i].a.retry_after, "");
		/* the deadline, or the 3 s connect timeout for a connection it had to replace */
		cr_assert_lt(r[i].a.seconds, 8.0, "answered in %.1f s", r[i].a.seconds);
		answer_free(&r[i].a);
	}
	/* and it recovers once the database answers again */
	back = now_s();
	do {
		get(&a, &s, "/v1/schools?limit=1", tok, 10);
		if (a.status != 200) {
			answer_free(&a);
			usleep(100 * 1000);
			continue;
		}
		break;
	} while (now_s() - back < 10);
	cr_assert_eq(a.status, 200, "%s", a.body);
	answer_free(&a);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
}

Test(limits, a_statement_stuck_on_a_lock_is_cut_by_the_statement_timeout)
{
	struct server s;
	const char *env[] = {"DB_STATEMENT_TIMEOUT_MS=500", NULL};
	const char *tok = token_as("officer", "lock-waiter");
	const char *h[] = {"Content-Type: application/json", NULL};
	PGconn *locker = db_open();
	PGresult *res;
	struct answer a;
	char url[128];

	server_start(&s, env);
	snprintf(url, sizeof url, "%s/v1/local-authorities", s.url);
	call(&a, "POST", url, tok, "{\"code\": 793, \"name\": \"Lockshire\"}", h, 10);
	cr_assert_eq(a.status, 201, "%s", a.body);
	answer_free(&a);
	res = PQexec(locker, "BEGIN; LOCK TABLE school IN ACCESS EXCLUSIVE MODE");
	cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(locker));
	PQclear(res);

	get(&a, &s, "/v1/schools?limit=1", tok, 10);
	assert_unavailable(&a, "took too long");
	cr_assert_lt(a.seconds, 3.0, "answered in %.1f s", a.seconds);
	answer_free(&a);

	snprintf(url, sizeof url, "%s/v1/schools", s.url);
	call(&a, "POST", url, tok,
	     "{\"urn\": 659001, \"la_code\": 793, \"establishment_number\": 1001, \"name\": \"Locked\", "
	     "\"phase\": \"primary\", \"type\": \"maintained\"}",
	     h, 10);
	assert_unavailable(&a, "took too long");
	answer_free(&a);

	res = PQexec(locker, "ROLLBACK");
	PQclear(res);
	cr_assert_eq(db_count(locker, "SELECT count(*) FROM school WHERE urn = 659001", NULL), 0,
	             "the timed-out write left nothing");
	PQfinish(locker);
	get(&a, &s, "/v1/schools?limit=1", tok, 10);
	cr_assert_eq(a.status, 200, "%s", a.body);
	answer_free(&a);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
}

/* ---- connections ------------------------------------------------------------- */

static int
connect_to(const struct server *s)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
	cr_assert(fd >= 0);
	cr_assert(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "%s", strerror(errno));
	return fd;
}

/*
 * Hold n connections at once for up to limit s: each sends its trickle a
 * byte every 200 ms (NULL: nothing). closed_after[i] is when the server
 * closed connection i, -1 if it never did.
 */
static void
hold(const int *fds, const char *const *trickles, double *closed_after, int n, double limit)
{
	double start = now_s();
	size_t sent[8] = {0};
	char buf[4096];
	int open = n;

	for (int i = 0; i < n; i++)
		closed_after[i] = -1;
	while (open > 0 && now_s() - start < limit) {
		struct pollfd p[8];

		for (int i = 0; i < n; i++)
			p[i] = (struct pollfd){.fd = closed_after[i] < 0 ? fds[i] : -1, .events = POLLIN};
		if (poll(p, (nfds_t)n, 200) > 0)
			for (int i = 0; i < n; i++)
				if (p[i].revents && recv(fds[i], buf, sizeof buf, 0) <= 0) {
					closed_after[i] = now_s() - start;
					open--;
				}
		for (int i = 0; i < n; i++) {
			if (closed_after[i] >= 0 || trickles[i] == NULL)
				continue;
			if (send(fds[i], trickles[i] + sent[i] % strlen(trickles[i]), 1, MSG_NOSIGNAL) < 0) {
				closed_after[i] = now_s() - start;
				open--;
			}
			sent[i]++;
		}
	}
}

static long
series(const char *text, const char *name)
{
	const char *at = strstr(text, name);

	return at ? atol(at + strlen(name)) : -1;
}

Test(limits, idle_and_slow_clients_are_cut_by_timeouts)
{
	struct server s;
	const char *env[] = {"HTTP_IDLE_TIMEOUT=2", "HTTP_REQUEST_TIMEOUT=4", NULL};
	/* connected and silent; the request line a byte at a time (never idle, never
	 * done); headers a byte at a time after a prompt request line */
	const char *trickles[] = {NULL, "GET /healthz HTTP/1.1", "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
	int fds[3];
	double closed[3];
	struct answer a;

	server_start(&s, env);
	for (int i = 0; i < 3; i++)
		fds[i] = connect_to(&s);
	cr_assert(send(fds[2], "GET /healthz HTTP/1.1\r\nHost: x\r\n", 32, MSG_NOSIGNAL) == 32);
	hold(fds, trickles, closed, 3, 12);
	for (int i = 0; i < 3; i++)
		close(fds[i]);

	cr_assert(closed[0] > 1.5 && closed[0] < 4, "an idle connection closed after %.1f s", closed[0]);
	cr_assert(closed[1] > 1.5 && closed[1] < 4, "a trickled request line cut after %.1f s", closed[1]);
	cr_assert(closed[2] > 3.5 && closed[2] < 6, "trickled headers cut after %.1f s", closed[2]);

	get(&a, &s, "/metrics", NULL, 5);
	cr_assert_eq(a.status, 200);
	/* the trickled line is the service's cut; the silent one may be libmicrohttpd's own */
	{
		long idle = series(a.body, "consortia_http_connections_cut_total{reason=\"idle\"} ");
		cr_assert(idle == 1 || idle == 2, "%ld idle cuts", idle);
	}
	cr_assert_eq(series(a.body, "consortia_http_connections_cut_total{reason=\"slow\"} "), 1, "%s", a.body);
	answer_free(&a);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
}

Test(limits, a_request_slow_to_handle_is_not_cut_as_a_slow_client)
{
	struct server s;
	const char *env[] = {"HTTP_REQUEST_TIMEOUT=1", NULL};
	PGconn *locker;
	struct reader r;
	pthread_t t;

	server_start(&s, env);
	locker = hold_a_read(&s, &r, &t, "patient-reader");
	sleep(3);   /* three times the request timeout, inside the handler */
	PQclear(PQexec(locker, "ROLLBACK"));
	pthread_join(t, NULL);
	PQfinish(locker);
	cr_assert_eq(r.a.status, 200, "%ld %s", r.a.status, r.a.body);
	cr_assert_gt(r.a.seconds, 2.5);
	answer_free(&r.a);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
}

#define FLOOD 10000

Test(limits, ten_thousand_connections_at_once_do_not_take_it_down)
{
	struct server s;
	const char *env[] = {"HTTP_IDLE_TIMEOUT=4", NULL};
	struct sockaddr_in addr = {.sin_family = AF_INET};
	struct rlimit lim = {FLOOD + 1024, FLOOD + 1024};
	static int fds[FLOOD];
	int opened = 0;
	const char *tok = token_as("viewer", "flood-reader");
	struct answer a;
	double start;
	char status[64], line[128];
	long rss_kb = 0;
	FILE *f;

	if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
		getrlimit(RLIMIT_NOFILE, &lim);
		cr_skip_test("this process may open only %lu files", (unsigned long)lim.rlim_max);
	}
	server_start(&s, env);
	addr.sin_port = htons((uint16_t)s.port);
	inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
	for (int i = 0; i < FLOOD; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		cr_assert(fds[i] >= 0, "socket %d: %s", i, strerror(errno));
		if (connect(fds[i], (struct sockaddr *)&addr, sizeof addr) == 0 || errno == EINPROGRESS)
			opened++;
	}
	cr_assert_eq(opened, FLOOD);
	sleep(1);
	cr_assert(server_alive(&s), "the server survived the flood; see %s", s.log);

	/* While they are held: answered as soon as a slot is free (idle ones are cut at 4 s). */
	start = now_s();
	do {
		get(&a, &s, "/v1/schools?limit=1", tok, 3);
		if (a.status == 200)
			break;
		answer_free(&a);
		usleep(200 * 1000);
	} while (now_s() - start < 15);
	cr_assert_eq(a.status, 200, "a real request got through within %.1f s", now_s() - start);
	answer_free(&a);
	for (int i = 0; i < FLOOD; i++)
		close(fds[i]);

	get(&a, &s, "/v1/schools?limit=1", tok, 5);
	cr_assert_eq(a.status, 200);
	answer_free(&a);
	snprintf(status, sizeof status, "/proc/%d/status", (int)s.pid);
	if ((f = fopen(status, "r")) != NULL) {
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "VmHWM: %ld", &rss_kb) == 1)
				break;
		fclose(f);
	}
	cr_log_info("flood: %d connections; peak RSS %ld MB", FLOOD, rss_kb / 1024);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
}

Test(limits, a_caller_over_its_rate_gets_429_and_others_do_not)
{
	struct server s;
	const char *env[] = {"RATE_LIMIT_PER_MINUTE=60", "RATE_LIMIT_BURST=5", NULL};
	const char *busy = token_as("viewer", "busy-client"), *other = token_as("viewer", "calm");
	struct answer a;
	int ok = 0;

	server_start(&s, env);
	for (int i = 0; i < 5; i++) {
		char left[8];
		get(&a, &s, "/v1/schools?limit=1", busy, 5);
		ok += a.status == 200;
		/* each answer tells the caller its bucket: 5 at once, one fewer each time */
		snprintf(left, sizeof left, "%d", 4 - i);
		cr_assert_str_eq(a.rate_limit, "5");
		cr_assert_str_eq(a.rate_remaining, left);
		cr_assert(atoi(a.rate_reset) >= 1 && atoi(a.rate_reset) <= 5, "reset %s", a.rate_reset);
		answer_free(&a);
	}
	cr_assert_eq(ok, 5, "the burst is let through");
	get(&a, &s, "/v1/schools?limit=1", busy, 5);
	cr_assert_eq(a.status, 429, "%ld %s", a.status, a.body);
	cr_assert_str_eq(a.rate_remaining, "0");
	cr_assert(strstr(a.body, "\"type\":\"urn:consortia:problem:too-many-requests\"") != NULL, "%s", a.body);
	cr_assert(strstr(a.body, "requests a minute") != NULL, "%s", a.body);
	cr_assert_str_eq(a.retry_after, "1");
	answer_free(&a);

	get(&a, &s, "/v1/schools?limit=1", other, 5);
	cr_assert_eq(a.status, 200, "another caller is not held back");
	answer_free(&a);
	get(&a, &s, "/healthz", NULL, 5);
	cr_assert_eq(a.status, 200, "nor are health checks");
	answer_free(&a);

	sleep(1);
	get(&a, &s, "/v1/schools?limit=1", busy, 5);
	cr_assert_eq(a.status, 200, "after Retry-After the caller goes on");
	answer_free(&a);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
}

Test(limits, headers_past_the_limit_get_431)
{
	struct server s;
	const char *env[] = {"MAX_HEADER_BYTES=8192", NULL};
	static char big[20000];
	const char *h[] = {big, NULL};
	char url[128];
	struct answer a;

	server_start(&s, env);
	memcpy(big, "X-Padding: ", 11);
	memset(big + 11, 'a', sizeof big - 12);
	snprintf(url, sizeof url, "%s/healthz", s.url);
	call(&a, "GET", url, NULL, NULL, h, 5);
	cr_assert_eq(a.status, 431, "%ld", a.status);
	cr_assert(strstr(a.body, "\"type\":\"urn:consortia:problem:header-fields-too-large\"") != NULL,
	          "a problem, not the HTTP library's page: %s", a.body);
	answer_free(&a);
	big[4000] = '\0';
	call(&a, "GET", url, NULL, NULL, h, 5);
	cr_assert_eq(a.status, 200, "headers under the limit are fine");
	answer_free(&a);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
}

/* ---- stopping ------------------------------------------------------------------ */

Test(limits, sigterm_finishes_requests_in_flight_then_exits_0)
{
	struct server s;
	PGconn *locker;
	struct reader r;
	pthread_t t;
	double start;
	struct answer a;

	server_start(&s, NULL);
	locker = hold_a_read(&s, &r, &t, "draining-reader");
	start = now_s();
	server_signal(&s, SIGTERM, false);
	usleep(300 * 1000);
	/* no longer taking connections */
	get(&a, &s, "/healthz", NULL, 2);
	cr_assert_eq(a.status, -1, "a stopping server takes no new connection (got %ld)", a.status);
	answer_free(&a);
	PQclear(PQexec(locker, "ROLLBACK"));
	pthread_join(t, NULL);
	cr_assert_eq(r.a.status, 200, "the request in flight was answered: %ld %s", r.a.status, r.a.body);
	answer_free(&r.a);
	{
		int status = 0;
		cr_assert_eq(waitpid(s.pid, &status, 0), s.pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
	}
	cr_assert_lt(now_s() - start, 5.0);
	PQfinish(locker);
}

Test(limits, sigterm_waits_no_longer_than_the_grace)
{
	struct server s;
	const char *env[] = {"SHUTDOWN_GRACE=1", "DB_STATEMENT_TIMEOUT_MS=20000", "REQUEST_DEADLINE_MS=3000",
	                     NULL};
	PGconn *locker;
	struct reader r;
	pthread_t t;
	double start, took;
	int status = 0;

	server_start(&s, env);
	locker = hold_a_read(&s, &r, &t, "slow-reader");
	start = now_s();
	server_signal(&s, SIGTERM, false);
	cr_assert_eq(waitpid(s.pid, &status, 0), s.pid);
	took = now_s() - start;
	pthread_join(t, NULL);
	PQclear(PQexec(locker, "ROLLBACK"));
	PQfinish(locker);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
	/* the grace, then at most the request's database deadline */
	cr_assert_lt(took, 1 + 3 + 1.5, "stopped in %.1f s", took);
	cr_assert(r.a.status == 503 || r.a.status == -1, "the held request: %ld", r.a.status);
	answer_free(&r.a);
}
