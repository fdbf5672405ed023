/*
 * CSV downloads stream on database connections of their own
 * (EXPORT_CONNECTIONS): clients that stop reading hold those, never the
 * workers', so JSON requests are served all the while; one download more
 * is 503 with Retry-After, and a connection comes back when its client goes.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fault.h"

/*
 * A client that asks for the whole register as CSV, reads its status line
 * and then nothing more, with a small receive buffer: the download stalls
 * with its connection held. Returns the socket.
 */
static int
stalled_download(const struct server *s, const char *tok)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
	struct timeval tv = {.tv_sec = 10};
	int small = 4096, fd = socket(AF_INET, SOCK_STREAM, 0);
	char req[2048], line[13] = "";
	size_t got = 0;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	cr_assert(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	snprintf(req, sizeof req, "GET /v1/schools.csv HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n",
	         tok);
	cr_assert(send(fd, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req));
	while (got < 12) {
		ssize_t n = recv(fd, line + got, 12 - got, 0);
		cr_assert(n > 0, "the download did not start");
		got += (size_t)n;
	}
	cr_assert_str_eq(line, "HTTP/1.1 200");
	return fd;
}

Test(exports, stalled_downloads_hold_their_own_connections_and_json_is_served)
{
	const char *env[] = {"EXPORT_CONNECTIONS=2", NULL};
	const char *tok = token_as("viewer", "exporter");
	char url[256];
	struct server s;
	struct answer a;
	PGconn *pg;
	int slow[2];

	server_start(&s, env);
	/* 60,000 schools with long names: far more than the sockets' buffers hold */
	pg = db_open();
	db_run(pg, "INSERT INTO local_authority (code, name) SELECT c, 'Export LA ' || c "
	            "FROM generate_series(403, 408) c");
	db_run(pg, "INSERT INTO school (urn, la_id, establishment_number, name, phase, type) "
	            "SELECT 500000 + (l.code - 403) * 10000 + g, l.id, g, "
	            "'Export school ' || g || repeat(' with a long name', 10), 'primary', 'maintained' "
	            "FROM local_authority l, generate_series(1, 9999) g WHERE l.code BETWEEN 403 AND 408");

	slow[0] = stalled_download(&s, tok);
	slow[1] = stalled_download(&s, tok);
	/* one download more waits for nobody: 503 at once, with Retry-After */
	snprintf(url, sizeof url, "%s/v1/schools.csv?q=nothing-matches", s.url);
	call(&a, "GET", url, tok, NULL, NULL, 10);
	cr_assert_eq(a.status, 503, "%ld %s", a.status, a.body);
	cr_assert_str_neq(a.retry_after, "");
	cr_assert(strstr(a.body, "EXPORT_CONNECTIONS") != NULL, "%s", a.body);
	answer_free(&a);
	/* and JSON is served all the while, with no wait */
	for (int i = 0; i < 20; i++) {
		snprintf(url, sizeof url, "%s/v1/schools?limit=5", s.url);
		call(&a, "GET", url, tok, NULL, NULL, 10);
		cr_assert_eq(a.status, 200, "request %d: %ld %s", i, a.status, a.body);
		cr_assert_lt(a.seconds, 2.0, "request %d waited %.2f s", i, a.seconds);
		answer_free(&a);
	}
	/* a client that goes gives its connection back */
	close(slow[0]);
	{
		bool served = false;
		snprintf(url, sizeof url, "%s/v1/schools.csv?q=nothing-matches", s.url);
		for (int i = 0; i < 50 && !served; i++) {
			call(&a, "GET", url, tok, NULL, NULL, 10);
			served = a.status == 200;
			answer_free(&a);
			if (!served)
				usleep(100 * 1000);
		}
		cr_assert(served, "no download was served again after its client went");
	}
	close(slow[1]);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
	db_run(pg, "DELETE FROM school WHERE urn BETWEEN 500001 AND 560000");
	db_run(pg, "DELETE FROM local_authority WHERE code BETWEEN 403 AND 408");
	PQfinish(pg);
}
