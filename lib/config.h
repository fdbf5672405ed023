/*
 * config.h
 *    The service's settings, read once from the environment. README lists
 *    every variable with its default.
 */
#ifndef CONSORTIA_CONFIG_H
#define CONSORTIA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config {
	char *database_url;         /* DATABASE_URL, "" = libpq defaults */
	char *bind_address;         /* BIND_ADDRESS, default 0.0.0.0 */
	int port;                   /* PORT, default 8080 */
	int workers;                /* WORKERS, default: online cores */
	unsigned char *jwt_secret;  /* JWT_SECRET or the file JWT_SECRET_FILE names */
	size_t jwt_secret_len;
	char *jwt_issuer;           /* JWT_ISSUER, default "consortia" */
	char *jwt_audience;         /* JWT_AUDIENCE, default "consortia" */
	int jwt_leeway;             /* JWT_LEEWAY seconds, default 60 */
	int jwt_ttl;                /* JWT_TTL seconds for issued tokens, default 900 */
	size_t max_body;            /* MAX_BODY_BYTES, default 1 MiB */
	size_t import_max_body;     /* IMPORT_MAX_BYTES, default 128 MiB */
	char **cors_origins;        /* CORS_ORIGINS, comma-separated; NULL-terminated */
	bool migrate_on_start;      /* MIGRATE_ON_START, default 1 */
	int statement_timeout_ms;   /* DB_STATEMENT_TIMEOUT_MS, default 5000 */
	int connection_timeout;     /* HTTP_IDLE_TIMEOUT seconds, default 30 */
};

/*
 * Fill cfg from the environment. need_secret: fail without a JWT secret
 * (serve and token need one). Returns false with the reason in why; cfg
 * must be released with config_free either way.
 */
bool config_load(struct config *cfg, bool need_secret, char *why, size_t whylen);

void config_free(struct config *cfg);

/*
 * Parse a whole decimal integer in [min, max]; false for anything else
 * ("", "12x", overflow, signs where min >= 0).
 */
bool parse_int(const char *s, long long min, long long max, long long *out);

#endif
