/*
 * config.h
 *    The service's settings, read once from the environment. README lists
 *    every variable with its default.
 */
#ifndef CONSORTIA_CONFIG_H
#define CONSORTIA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* The webhooks' sender (api/webhook_sender.c). */
struct webhook_config {
	bool enabled;               /* WEBHOOKS: run the sender in this server, default 1 */
	bool allow_http;            /* WEBHOOK_ALLOW_HTTP: http:// URLs too, default 0 (https only) */
	int timeout_s;              /* WEBHOOK_TIMEOUT_SECONDS for a receiver to answer, default 10 */
	int poll_ms;                /* WEBHOOK_POLL_MS between looks at the outbox when not woken, default 1000 */
	int scan_s;                 /* WEBHOOK_SCAN_SECONDS between emitting the day's events, default 300 */
	int deadline_days;          /* WEBHOOK_DEADLINE_DAYS a deadline is told ahead, default 7 */
	int retry_s[16];            /* WEBHOOK_RETRY_SECONDS: the waits before each attempt again */
	int nretry;
};

struct config {
	char *database_url;         /* DATABASE_URL, "" = libpq defaults */
	char *database_read_url;    /* DATABASE_READ_URL: a standby of it for reads, or NULL */
	int read_max_lag_ms;        /* READ_MAX_LAG_MS a standby may lag and still take reads, default 1000 */
	int read_check_ms;          /* READ_CHECK_MS between looks at the standby, default 100 */
	char *bind_address;         /* BIND_ADDRESS, default 0.0.0.0 */
	int port;                   /* PORT, default 8080 */
	int workers;                /* WORKERS, default: online cores */
	unsigned char *jwt_secret;  /* JWT_SECRET or the file JWT_SECRET_FILE names */
	size_t jwt_secret_len;
	char *jwt_alg;              /* JWT_ALG: HS256 (default), RS256 or ES256 */
	char *jwt_private_key_file; /* JWT_PRIVATE_KEY_FILE: PEM, for RS256 / ES256 */
	char *jwt_issuers_file;     /* JWT_ISSUERS_FILE: external issuers (JSON), or NULL */
	char *jwt_issuer;           /* JWT_ISSUER, default "consortia" */
	char *jwt_audience;         /* JWT_AUDIENCE, default "consortia" */
	int jwt_leeway;             /* JWT_LEEWAY seconds, default 60 */
	int jwt_ttl;                /* JWT_TTL seconds for issued tokens, default 900 */
	size_t max_body;            /* MAX_BODY_BYTES, default 1 MiB */
	size_t import_max_body;     /* IMPORT_MAX_BYTES, default 128 MiB */
	char **cors_origins;        /* CORS_ORIGINS, comma-separated; NULL-terminated */
	char **trusted_proxies;     /* TRUSTED_PROXIES: addresses whose X-Forwarded-For is believed */
	bool migrate_on_start;      /* MIGRATE_ON_START, default 1 */
	int statement_timeout_ms;   /* DB_STATEMENT_TIMEOUT_MS, default 5000 */
	int auth_failures_client;   /* AUTH_FAILURES_PER_CLIENT from one address in a window, default 10 */
	int auth_failures_client_total; /* AUTH_FAILURES_PER_CLIENT_TOTAL from every address, default 100 */
	bool strict_isolation;      /* STRICT_ISOLATION: refuse to start over cross-LA rows, default off */
	int auth_failures_address;  /* AUTH_FAILURES_PER_ADDRESS in a window, default 50 */
	int auth_failure_window;    /* AUTH_FAILURE_WINDOW seconds, default 300 */
	int connection_timeout;     /* HTTP_IDLE_TIMEOUT seconds, default 30 */
	int request_timeout;        /* HTTP_REQUEST_TIMEOUT s to send a request, and to read its answer; 60 */
	int request_deadline_ms;    /* REQUEST_DEADLINE_MS on the database per request, default 10000 */
	int shutdown_grace;         /* SHUTDOWN_GRACE seconds to finish requests on SIGTERM, default 20 */
	int rate_per_minute;        /* RATE_LIMIT_PER_MINUTE per caller and replica, default 6000; 0 off */
	int rate_burst;             /* RATE_LIMIT_BURST requests at once, default 200 */
	int max_connections;        /* MAX_CONNECTIONS open at once, default 8192 */
	int max_connections_per_ip; /* MAX_CONNECTIONS_PER_ADDRESS, default 0: no limit */
	size_t max_header_bytes;    /* MAX_HEADER_BYTES of header fields, default 16 KiB (431 past it) */
	int export_connections;     /* EXPORT_CONNECTIONS: CSV downloads streaming at once, default 2 */
	int pipeline_connections;   /* PIPELINE_CONNECTIONS a record's reads share, sent without waiting; 1, 0 off */
	size_t max_uri_bytes;       /* MAX_URI_BYTES of the request target, default 8 KiB (414 past it) */
	struct webhook_config webhooks;
};

/*
 * Fill cfg from the environment. Returns false with the reason in why; cfg
 * must be released with config_free either way. (Whether the signing keys
 * are complete is token_keys_load's to say.)
 */
bool config_load(struct config *cfg, char *why, size_t whylen);

void config_free(struct config *cfg);

/*
 * The private database and signing key `make run` made for a checkout, for
 * a command run in it: path (".local/consortia.env", written by
 * tools/run.sh) holds DATABASE_URL=... and JWT_SECRET_FILE=... lines; each
 * is put in the environment when the environment has none of its own (a
 * secret given as JWT_SECRET, or a key file, counts as one). No file: nothing.
 */
void config_checkout_defaults(const char *path);

/*
 * Parse a whole decimal integer in [min, max]; false for anything else
 * ("", "12x", overflow, signs where min >= 0).
 */
bool parse_int(const char *s, long long min, long long max, long long *out);

#endif
