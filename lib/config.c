/*
 * config.c
 *    This module implements reading the settings from the environment.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool
parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	if (*s == '-' && min >= 0)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static char *
env_str(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return strdup(v && *v ? v : dflt);
}

/* An optional setting: NULL when unset or empty. */
static char *
env_opt(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? strdup(v) : NULL;
}

static bool
env_int(const char *name, long long dflt, long long min, long long max, long long *out,
        char *why, size_t whylen)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0') {
		*out = dflt;
		return true;
	}
	if (!parse_int(v, min, max, out)) {
		snprintf(why, whylen, "%s must be a whole number from %lld to %lld", name, min, max);
		return false;
	}
	return true;
}

static bool
load_secret(struct config *cfg, char *why, size_t whylen)
{
	const char *v = getenv("JWT_SECRET");
	const char *file = getenv("JWT_SECRET_FILE");

	if (v && *v) {
		cfg->jwt_secret = (unsigned char *)strdup(v);
		cfg->jwt_secret_len = strlen(v);
	} else if (file && *file) {
		char buf[1024];
		size_t n;
		FILE *f = fopen(file, "r");
		if (f == NULL) {
			snprintf(why, whylen, "JWT_SECRET_FILE %s: %s", file, strerror(errno));
			return false;
		}
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			n--;
		buf[n] = '\0';
		cfg->jwt_secret = (unsigned char *)strdup(buf);
		cfg->jwt_secret_len = n;
	} else {
		return true;
	}
	if (cfg->jwt_secret == NULL) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	if (cfg->jwt_secret_len < 32) {
		snprintf(why, whylen, "the JWT secret must be at least 32 bytes long");
		return false;
	}
	return true;
}

/* A comma- or space-separated list into a NULL-terminated array. */
static bool
split_list(char ***out, const char *list)
{
	size_t n = 1;
	char *copy, *tok, *save = NULL;

	for (const char *c = list; *c; c++)
		n += *c == ',' || *c == ' ';
	*out = calloc(n + 1, sizeof **out);
	if (*out == NULL || (copy = strdup(list)) == NULL)
		return false;
	n = 0;
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		if (((*out)[n++] = strdup(tok)) == NULL) {
			free(copy);
			return false;
		}
	free(copy);
	return true;
}

static void
free_list(char **list)
{
	for (char **o = list; o && *o; o++)
		free(*o);
	free(list);
}

/* "5,300,1800": whole seconds, 1 to 16 of them, each 1 to a day. */
static bool
retry_schedule(struct webhook_config *w, char *why, size_t whylen)
{
	const char *v = getenv("WEBHOOK_RETRY_SECONDS");
	char *copy = strdup(v && *v ? v : "5,300,1800,7200,18000,36000,36000"), *save = NULL;
	long long n;
	bool ok = copy != NULL;

	w->nretry = 0;
	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; ok && t; t = strtok_r(NULL, ",", &save)) {
		ok = w->nretry < 16 && parse_int(t, 1, 86400, &n);
		if (ok)
			w->retry_s[w->nretry++] = (int)n;
	}
	free(copy);
	if (!ok || w->nretry == 0)
		snprintf(why, whylen, "WEBHOOK_RETRY_SECONDS must be 1 to 16 whole seconds (1 to 86400) separated by commas");
	return ok && w->nretry > 0;
}

static bool
webhook_settings(struct webhook_config *w, char *why, size_t whylen)
{
	long long v;

	if (!env_int("WEBHOOKS", 1, 0, 1, &v, why, whylen))
		return false;
	w->enabled = v == 1;
	if (!env_int("WEBHOOK_ALLOW_HTTP", 0, 0, 1, &v, why, whylen))
		return false;
	w->allow_http = v == 1;
	if (!env_int("WEBHOOK_TIMEOUT_SECONDS", 10, 1, 60, &v, why, whylen))
		return false;
	w->timeout_s = (int)v;
	if (!env_int("WEBHOOK_POLL_MS", 1000, 50, 60000, &v, why, whylen))
		return false;
	w->poll_ms = (int)v;
	if (!env_int("WEBHOOK_SCAN_SECONDS", 300, 1, 86400, &v, why, whylen))
		return false;
	w->scan_s = (int)v;
	if (!env_int("WEBHOOK_DEADLINE_DAYS", 7, 1, 60, &v, why, whylen))
		return false;
	w->deadline_days = (int)v;
	return retry_schedule(w, why, whylen);
}

bool
config_load(struct config *cfg, char *why, size_t whylen)
{
	long long v;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(cfg, 0, sizeof *cfg);
	cfg->database_url = env_str("DATABASE_URL", "");
	cfg->bind_address = env_str("BIND_ADDRESS", "0.0.0.0");
	cfg->jwt_issuer = env_str("JWT_ISSUER", "consortia");
	cfg->jwt_audience = env_str("JWT_AUDIENCE", "consortia");
	cfg->jwt_alg = env_str("JWT_ALG", "HS256");
	cfg->jwt_private_key_file = env_opt("JWT_PRIVATE_KEY_FILE");
	cfg->jwt_issuers_file = env_opt("JWT_ISSUERS_FILE");
	cfg->database_read_url = env_opt("DATABASE_READ_URL");
	if (!cfg->database_url || !cfg->bind_address || !cfg->jwt_issuer || !cfg->jwt_audience ||
	    !cfg->jwt_alg ||
	    !split_list(&cfg->cors_origins, getenv("CORS_ORIGINS") ? getenv("CORS_ORIGINS") : "") ||
	    !split_list(&cfg->trusted_proxies, getenv("TRUSTED_PROXIES") ? getenv("TRUSTED_PROXIES") : "")) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	if (!env_int("PORT", 8080, 1, 65535, &v, why, whylen))
		return false;
	cfg->port = (int)v;
	if (!env_int("WORKERS", cores > 0 ? cores : 2, 1, 256, &v, why, whylen))
		return false;
	cfg->workers = (int)v;
	if (!env_int("JWT_LEEWAY", 60, 0, 3600, &v, why, whylen))
		return false;
	cfg->jwt_leeway = (int)v;
	if (!env_int("JWT_TTL", 900, 60, 86400 * 31, &v, why, whylen))
		return false;
	cfg->jwt_ttl = (int)v;
	if (!env_int("MAX_BODY_BYTES", 1 << 20, 1024, 64LL << 20, &v, why, whylen))
		return false;
	cfg->max_body = (size_t)v;
	if (!env_int("IMPORT_MAX_BYTES", 128LL << 20, 1024, 1LL << 30, &v, why, whylen))
		return false;
	cfg->import_max_body = (size_t)v;
	if (!env_int("MIGRATE_ON_START", 1, 0, 1, &v, why, whylen))
		return false;
	cfg->migrate_on_start = v == 1;
	if (!env_int("DB_STATEMENT_TIMEOUT_MS", 5000, 100, 600000, &v, why, whylen))
		return false;
	cfg->statement_timeout_ms = (int)v;
	if (!env_int("HTTP_IDLE_TIMEOUT", 30, 1, 3600, &v, why, whylen))
		return false;
	cfg->connection_timeout = (int)v;
	if (!env_int("HTTP_REQUEST_TIMEOUT", 60, 1, 3600, &v, why, whylen))
		return false;
	cfg->request_timeout = (int)v;
	if (!env_int("REQUEST_DEADLINE_MS", 10000, 100, 3600000, &v, why, whylen))
		return false;
	cfg->request_deadline_ms = (int)v;
	if (!env_int("SHUTDOWN_GRACE", 20, 0, 3600, &v, why, whylen))
		return false;
	cfg->shutdown_grace = (int)v;
	if (!env_int("RATE_LIMIT_PER_MINUTE", 6000, 0, 6000000, &v, why, whylen))
		return false;
	cfg->rate_per_minute = (int)v;
	if (!env_int("RATE_LIMIT_BURST", 200, 1, 1000000, &v, why, whylen))
		return false;
	cfg->rate_burst = (int)v;
	if (!env_int("MAX_CONNECTIONS", 8192, 16, 1000000, &v, why, whylen))
		return false;
	cfg->max_connections = (int)v;
	if (!env_int("MAX_CONNECTIONS_PER_ADDRESS", 0, 0, 1000000, &v, why, whylen))
		return false;
	cfg->max_connections_per_ip = (int)v;
	if (!env_int("MAX_HEADER_BYTES", 16384, 4096, 1 << 20, &v, why, whylen))
		return false;
	cfg->max_header_bytes = (size_t)v;
	if (!env_int("PIPELINE_CONNECTIONS", 1, 0, 64, &v, why, whylen))
		return false;
	cfg->pipeline_connections = (int)v;
	if (!env_int("EXPORT_CONNECTIONS", 2, 1, 256, &v, why, whylen))
		return false;
	cfg->export_connections = (int)v;
	if (!env_int("READ_MAX_LAG_MS", 1000, 0, 3600000, &v, why, whylen))
		return false;
	cfg->read_max_lag_ms = (int)v;
	if (!env_int("READ_CHECK_MS", 100, 10, 60000, &v, why, whylen))
		return false;
	cfg->read_check_ms = (int)v;
	if (!env_int("MAX_URI_BYTES", 8192, 1024, 1 << 20, &v, why, whylen))
		return false;
	cfg->max_uri_bytes = (size_t)v;
	if (!env_int("AUTH_FAILURES_PER_CLIENT", 10, 1, 100000, &v, why, whylen))
		return false;
	cfg->auth_failures_client = (int)v;
	if (!env_int("AUTH_FAILURES_PER_CLIENT_TOTAL", 100, 1, 10000000, &v, why, whylen))
		return false;
	cfg->auth_failures_client_total = (int)v;
	if (!env_int("STRICT_ISOLATION", 0, 0, 1, &v, why, whylen))
		return false;
	cfg->strict_isolation = v == 1;
	if (!env_int("AUTH_FAILURES_PER_ADDRESS", 50, 1, 1000000, &v, why, whylen))
		return false;
	cfg->auth_failures_address = (int)v;
	if (!env_int("AUTH_FAILURE_WINDOW", 300, 1, 86400, &v, why, whylen))
		return false;
	cfg->auth_failure_window = (int)v;
	if (!webhook_settings(&cfg->webhooks, why, whylen))
		return false;
	return load_secret(cfg, why, whylen);
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->database_url);
	free(cfg->database_read_url);
	free(cfg->bind_address);
	free(cfg->jwt_secret);
	free(cfg->jwt_issuer);
	free(cfg->jwt_audience);
	free(cfg->jwt_alg);
	free(cfg->jwt_private_key_file);
	free(cfg->jwt_issuers_file);
	free_list(cfg->cors_origins);
	free_list(cfg->trusted_proxies);
	memset(cfg, 0, sizeof *cfg);
}

void
config_checkout_defaults(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\r\n")] = '\0';
		if (eq == NULL)
			continue;
		*eq = '\0';
		if (strcmp(line, "DATABASE_URL") == 0 && getenv("DATABASE_URL") == NULL)
			setenv("DATABASE_URL", eq + 1, 0);
		else if (strcmp(line, "JWT_SECRET_FILE") == 0 && getenv("JWT_SECRET") == NULL &&
		         getenv("JWT_SECRET_FILE") == NULL && getenv("JWT_PRIVATE_KEY_FILE") == NULL)
			setenv("JWT_SECRET_FILE", eq + 1, 0);
	}
	fclose(f);
}
