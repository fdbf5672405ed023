/*
 * fault.c
 *    This module implements the fault tests' servers, cluster control and
 *    HTTP calls (see fault.h).
 */
#include "fault.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int
free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	cr_assert(fd >= 0);
	cr_assert(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
	cr_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static bool
healthy(const struct server *s)
{
	struct answer a;
	char url[96];
	bool ok;

	snprintf(url, sizeof url, "%s/healthz", s->url);
	call(&a, "GET", url, NULL, NULL, NULL, 2);
	ok = a.status == 200;
	answer_free(&a);
	return ok;
}

pid_t
server_exec(const char *const *env, int port, const char *log)
{
	const char *bin = getenv("CONSORTIA_BIN");
	char port_text[16];
	pid_t pid;
	int fd;

	cr_assert(bin != NULL, "CONSORTIA_BIN is not set: run through tests/fault/run.sh");
	/* No assertion in the child: Criterion would hear from a process it does not know. */
	pid = fork();
	if (pid < 0)
		cr_assert_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		snprintf(port_text, sizeof port_text, "%d", port);
		setenv("PORT", port_text, 1);
		setenv("BIND_ADDRESS", "127.0.0.1", 1);
		setenv("WORKERS", "2", 1);
		setenv("MIGRATE_ON_START", "1", 1);
		for (const char *const *e = env; e && *e; e++)
			putenv((char *)*e);
		/* It dies with the test, even one that failed half-way. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl(bin, "consortia", "serve", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void
spawn(struct server *s, const char *const *env)
{
	s->pid = server_exec(env, s->port, s->log);
	for (int i = 0; i < 200; i++) {
		if (healthy(s))
			return;
		cr_assert(server_alive(s), "the server exited at start; see %s", s->log);
		usleep(50 * 1000);
	}
	cr_assert_fail("the server did not answer /healthz within 10 s; see %s", s->log);
}

void
server_start(struct server *s, const char *const *env)
{
	const char *work = getenv("FAULT_WORK");
	static int n;

	memset(s, 0, sizeof *s);
	s->port = free_port();
	snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
	snprintf(s->log, sizeof s->log, "%s/server-%d-%d.log", work ? work : "/tmp", (int)getpid(),
	         n++);
	spawn(s, env);
}

void
server_restart(struct server *s, const char *const *env)
{
	spawn(s, env);
}

bool
server_alive(const struct server *s)
{
	return s->pid > 0 && waitpid(s->pid, NULL, WNOHANG) == 0;
}

int
server_signal(struct server *s, int sig, bool wait)
{
	int status = 0;

	cr_assert(kill(s->pid, sig) == 0);
	if (!wait)
		return 0;
	cr_assert(waitpid(s->pid, &status, 0) == s->pid);
	s->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- HTTP ----------------------------------------------------------------- */

/* If the header line at ptr is `name`, its value into out. */
static void
take_header(const char *ptr, size_t len, const char *name, char *out, size_t outlen)
{
	size_t v = strlen(name);

	if (len <= v || strncasecmp(ptr, name, v) != 0)
		return;
	while (v < len && ptr[v] == ' ')
		v++;
	snprintf(out, outlen, "%.*s", (int)strcspn(ptr + v, "\r\n"), ptr + v);
}

static size_t
header_line(char *ptr, size_t size, size_t n, void *userdata)
{
	struct answer *a = userdata;
	size_t len = size * n;

	take_header(ptr, len, "Retry-After:", a->retry_after, sizeof a->retry_after);
	take_header(ptr, len, "RateLimit-Limit:", a->rate_limit, sizeof a->rate_limit);
	take_header(ptr, len, "RateLimit-Remaining:", a->rate_remaining, sizeof a->rate_remaining);
	take_header(ptr, len, "RateLimit-Reset:", a->rate_reset, sizeof a->rate_reset);
	return len;
}

void
call(struct answer *a, const char *method, const char *url, const char *tok, const char *body,
     const char *const *headers, long timeout_s)
{
	CURL *curl = curl_easy_init();
	struct curl_slist *list = NULL;
	struct http_buf b = {0};
	char auth[4096];
	double start = now_s();

	memset(a, 0, sizeof *a);
	cr_assert(curl != NULL);
	if (tok) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
		list = curl_slist_append(list, auth);
	}
	list = curl_slist_append(list, "Expect:");
	for (const char *const *h = headers; h && *h; h++)
		list = curl_slist_append(list, *h);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	if (body) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, http_collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, header_line);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	if (curl_easy_perform(curl) == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a->status);
	else
		a->status = -1;
	curl_slist_free_all(list);
	curl_easy_cleanup(curl);
	a->body = b.data ? b.data : strdup("");
	a->seconds = now_s() - start;
}

void
answer_free(struct answer *a)
{
	free(a->body);
	a->body = NULL;
}

/* ---- the cluster ------------------------------------------------------------ */

void
cluster(const char *verb)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd, "bash '%s' %s >/dev/null", getenv("PG_SH"), verb);
	cr_assert(system(cmd) == 0, "pg.sh %s failed", verb);
}

/* The postmaster and every process it started. */
void
cluster_signal(int sig)
{
	char cmd[512], line[64];
	FILE *f;
	pid_t pm;
	DIR *proc;
	struct dirent *d;

	snprintf(cmd, sizeof cmd, "bash '%s' pid", getenv("PG_SH"));
	cr_assert((f = popen(cmd, "r")) != NULL);
	cr_assert(fgets(line, sizeof line, f) != NULL);
	pclose(f);
	pm = (pid_t)atoi(line);
	cr_assert(pm > 1);
	cr_assert((proc = opendir("/proc")) != NULL);
	while ((d = readdir(proc)) != NULL) {
		char path[300], stat[512], *close_paren;
		FILE *s;
		int ppid;

		if (atoi(d->d_name) <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", d->d_name);
		if ((s = fopen(path, "r")) == NULL)
			continue;
		if (fgets(stat, sizeof stat, s) && (close_paren = strrchr(stat, ')')) &&
		    sscanf(close_paren + 2, "%*c %d", &ppid) == 1 && ppid == pm)
			kill(atoi(d->d_name), sig);
		fclose(s);
	}
	closedir(proc);
	cr_assert(kill(pm, sig) == 0);
}

PGconn *
db_open(void)
{
	PGconn *pg = PQconnectdb(getenv("DATABASE_URL"));

	cr_assert(PQstatus(pg) == CONNECTION_OK, "database: %s", PQerrorMessage(pg));
	return pg;
}

long long
db_count(PGconn *pg, const char *sql, const char *param)
{
	const char *v[] = {param};
	PGresult *res = PQexecParams(pg, sql, param ? 1 : 0, NULL, v, NULL, NULL, 0);
	long long n;

	cr_assert(PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1, "%s: %s", sql,
	          PQerrorMessage(pg));
	n = atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n;
}


void
db_run(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);

	cr_assert(PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK,
	          "%s: %s", sql, PQerrorMessage(pg));
	PQclear(res);
}
