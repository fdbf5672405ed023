/*
 * main.c
 *    The consortia program: the HTTP service and the command-line tools an
 *    administrator runs beside it (migrate, token, create-admin, sql; the
 *    imports are in import_commands.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../http/problem.h"
#include "../lib/account.h"
#include "../lib/config.h"
#include "../lib/fund.h"
#include "../lib/integrity.h"
#include "../lib/log.h"
#include "../lib/migrate.h"
#include "../lib/standby.h"
#include "commands.h"
#include "server.h"

static const char usage_main[] =
	"usage: consortia COMMAND [OPTIONS]\n"
	"\n"
	"The school improvement consortia service.\n"
	"\n"
	"commands:\n"
	"  serve                 run the HTTP API (migrates first unless MIGRATE_ON_START=0)\n"
	"  migrate               apply the schema migrations to DATABASE_URL\n"
	"  import-gias FILE      load a DfE GIAS establishment extract into the register\n"
	"  import-gias-links FILE  carry closed schools' groups and support to their successors\n"
	"  import-groups FILE    load an LA's groups, members, chairs and deputies from CSV\n"
	"  token                 print a signed bearer token, for scripts and tests\n"
	"  create-admin NAME     make an admin service account; prints its secret once\n"
	"  sql RESOURCE          print the statements a resource's reads and writes run\n"
	"\n"
	"Run 'consortia COMMAND --help' for a command's options. Settings come from the\n"
	"environment (DATABASE_URL, PORT, WORKERS, JWT_SECRET, ...); see README.md.\n";

static const char usage_serve[] =
	"usage: consortia serve\n"
	"\n"
	"Serve the API on BIND_ADDRESS:PORT (default 0.0.0.0:8080) with WORKERS threads and\n"
	"as many database connections, until SIGTERM or SIGINT. Needs JWT_SECRET or\n"
	"JWT_SECRET_FILE; DATABASE_URL names the database.\n";

static const char usage_migrate[] =
	"usage: consortia migrate\n"
	"\n"
	"Apply the schema migrations this program carries that DATABASE_URL lacks, each in\n"
	"its own transaction, and record them in schema_migration.\n";

static const char usage_create_admin[] =
	"usage: consortia create-admin NAME\n"
	"\n"
	"Create the first administrator: a service account with the admin role. Prints its\n"
	"client id and secret as JSON, once; the secret is stored only as a hash. Trade them\n"
	"for a token at POST /v1/auth/token (client credentials).\n";

static const char usage_sql[] =
	"usage: consortia sql RESOURCE\n"
	"\n"
	"Print the SQL the service runs for a resource (as the audit trail names it, such as\n"
	"school or fund-allocation), for an unscoped caller: one statement a line, after\n"
	"its kind (get, lock, record, list, insert, update, delete, action:NAME; feed, the\n"
	"payments' change feed) and a tab; list is a list's first page, in its default order\n"
	"and of its default size. For\n"
	"a database administrator's EXPLAIN, and the benchmark's pgbench scripts.\n";

static const char usage_token[] =
	"usage: consortia token --role ROLE --sub SUBJECT [--ttl SECONDS] [--la CODE] [--school URN]\n"
	"                       [--group ID] [--body ID --person ID] [--region ID]\n"
	"\n"
	"Print a bearer token signed with the configured JWT_SECRET.\n"
	"  --role ROLE     admin, officer, finance, chair, viewer or member\n"
	"  --sub SUBJECT   who the token speaks for\n"
	"  --ttl SECONDS   lifetime (default JWT_TTL, 900)\n"
	"  --la CODE       scope the token to one local authority\n"
	"  --school URN    scope the token to one school\n"
	"  --group ID      scope the token to one consortium or area network\n"
	"  --body ID       a member's body (an Area Analysis Group): with --person, for --role member\n"
	"  --person ID     the person the member is, who sits on the body\n"
	"  --region ID     scope the token to one region (and nothing else)\n";

static bool
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

int
cli_fail(const char *what, const char *why)
{
	fprintf(stderr, "consortia: %s: %s\n", what, why);
	return 1;
}

/* Connect, waiting up to `patience` seconds for the database to come up. */
static PGconn *
connect_patiently(const struct config *cfg, int patience, char *why, size_t whylen)
{
	for (int waited = 0;; waited++) {
		PGconn *pg = db_connect(cfg->database_url, 0, why, whylen);
		if (pg || waited >= patience)
			return pg;
		sleep(1);
	}
}

/*
 * Rows that reach from one LA into another, made before the schema refused
 * them, are reported; with STRICT_ISOLATION=1 they stop the start. Chairs
 * whose school was not a member when they started are reported too.
 */
static int
check_isolation(const struct config *cfg, PGconn *pg)
{
	char why[256];
	long n = integrity_cross_la(pg, why, sizeof why);

	if (n < 0)
		return cli_fail("integrity check", why);
	{
		long chairs = integrity_chairs_not_members(pg, why, sizeof why);
		if (chairs < 0)
			return cli_fail("integrity check", why);
		if (chairs > 0)
			log_msg("warn", "chair_not_member",
			        "%ld appointment%s started while %s school was not a member of the group",
			        chairs, chairs == 1 ? "" : "s", chairs == 1 ? "its" : "their");
	}
	if (n == 0)
		return 0;
	log_msg("warn", "cross_la_reference", "%ld record%s name another local authority's records",
	        n, n == 1 ? "" : "s");
	if (!cfg->strict_isolation)
		return 0;
	snprintf(why, sizeof why, "%ld cross-LA reference%s (STRICT_ISOLATION=1)", n,
	         n == 1 ? "" : "s");
	return cli_fail("integrity check", why);
}

static int
do_migrate(const struct config *cfg, int patience)
{
	char why[512];
	int applied, rc;
	PGconn *pg = connect_patiently(cfg, patience, why, sizeof why);

	if (pg == NULL)
		return cli_fail("cannot reach the database", why);
	if (migrate_run(pg, &applied, why, sizeof why) != 0) {
		PQfinish(pg);
		return cli_fail("migrate", why);
	}
	log_msg("info", "migrate", "%d migration%s applied", applied, applied == 1 ? "" : "s");
	rc = check_isolation(cfg, pg);
	PQfinish(pg);
	return rc;
}

static int
cmd_migrate(int argc, char **argv)
{
	struct config cfg;
	char why[256];
	int rc;

	if (wants_help(argc, argv) || argc != 1) {
		fputs(usage_migrate, wants_help(argc, argv) ? stdout : stderr);
		return wants_help(argc, argv) ? 0 : 2;
	}
	if (!config_load(&cfg, why, sizeof why)) {
		config_free(&cfg);
		return cli_fail("configuration", why);
	}
	rc = do_migrate(&cfg, 0);
	config_free(&cfg);
	return rc;
}

static int
cmd_serve(int argc, char **argv)
{
	struct app app;
	char why[256];
	int rc = 1;

	if (wants_help(argc, argv) || argc != 1) {
		fputs(usage_serve, wants_help(argc, argv) ? stdout : stderr);
		return wants_help(argc, argv) ? 0 : 2;
	}
	memset(&app, 0, sizeof app);
	if (!config_load(&app.cfg, why, sizeof why) ||
	    !token_keys_load(&app.keys, &app.cfg, why, sizeof why)) {
		token_keys_free(&app.keys);
		config_free(&app.cfg);
		return cli_fail("configuration", why);
	}
	if (app.cfg.migrate_on_start && do_migrate(&app.cfg, 30) != 0)
		goto out;
	/*
	 * A connection for each worker, and the CSV downloads' own: a download
	 * holds one for as long as its client reads, and must not take the
	 * workers' (beyond EXPORT_CONNECTIONS, 503).
	 */
	if (db_pool_init(&app.pool, app.cfg.database_url, (size_t)app.cfg.workers,
	                 app.cfg.statement_timeout_ms, app.cfg.request_deadline_ms) != ERR_OK ||
	    db_pool_init(&app.exports, app.cfg.database_url, (size_t)app.cfg.export_connections,
	                 app.cfg.statement_timeout_ms, app.cfg.request_deadline_ms) != ERR_OK) {
		cli_fail("start", "out of memory");
		goto out_pool;
	}
	/* Reads on the standby: as many connections again, and a watch over it. */
	if (app.cfg.database_read_url &&
	    (db_pool_init(&app.reads, app.cfg.database_read_url, (size_t)app.cfg.workers,
	                  app.cfg.statement_timeout_ms, app.cfg.request_deadline_ms) != ERR_OK ||
	     db_pool_init(&app.read_exports, app.cfg.database_read_url, (size_t)app.cfg.export_connections,
	                  app.cfg.statement_timeout_ms, app.cfg.request_deadline_ms) != ERR_OK ||
	     (app.standby = standby_start(app.cfg.database_url, app.cfg.database_read_url,
	                                  app.cfg.read_max_lag_ms, app.cfg.read_check_ms)) == NULL)) {
		cli_fail("start", "cannot start the reads on the standby");
		goto out_pool;
	}
	rc = server_run(&app);
out_pool:
	standby_stop(app.standby);
	if (app.cfg.database_read_url) {
		db_pool_destroy(&app.read_exports);
		db_pool_destroy(&app.reads);
	}
	db_pool_destroy(&app.exports);
	db_pool_destroy(&app.pool);
out:
	token_keys_free(&app.keys);
	config_free(&app.cfg);
	return rc;
}

static int
cmd_token(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"role", required_argument, NULL, 'r'}, {"sub", required_argument, NULL, 's'},
		{"ttl", required_argument, NULL, 't'},  {"la", required_argument, NULL, 'l'},
		{"school", required_argument, NULL, 'u'},
		{"group", required_argument, NULL, 'g'},
		{"body", required_argument, NULL, 'b'}, {"person", required_argument, NULL, 'p'},
		{"region", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
	};
	struct config cfg;
	struct token_keys keys = {0};
	enum role role = ROLE_NONE;
	const char *sub = NULL;
	long long ttl = 0, la = 0, school = 0, group = 0, body = 0, person = 0, region = 0;
	struct token_claims claims = {0};
	char why[256], *token = NULL;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if ((role = role_parse(optarg)) == ROLE_NONE)
				return cli_fail("--role", "must be admin, officer, finance, chair, viewer or member");
			break;
		case 's':
			sub = optarg;
			break;
		case 't':
			if (!parse_int(optarg, 1, 86400LL * 366, &ttl))
				return cli_fail("--ttl", "must be a number of seconds");
			break;
		case 'l':
			if (!parse_int(optarg, 100, 999, &la))
				return cli_fail("--la", "must be a 3-digit LA code");
			break;
		case 'u':
			if (!parse_int(optarg, 100000, 999999, &school))
				return cli_fail("--school", "must be a 6-digit URN");
			break;
		case 'g':
			if (!parse_int(optarg, 1, 9223372036854775807LL, &group))
				return cli_fail("--group", "must be a group id");
			break;
		case 'b':
			if (!parse_int(optarg, 1, 9223372036854775807LL, &body))
				return cli_fail("--body", "must be a body id");
			break;
		case 'p':
			if (!parse_int(optarg, 1, 9223372036854775807LL, &person))
				return cli_fail("--person", "must be a person id");
			break;
		case 'R':
			if (!parse_int(optarg, 1, 9223372036854775807LL, &region))
				return cli_fail("--region", "must be a region id");
			break;
		case 'h':
			fputs(usage_token, stdout);
			return 0;
		default:
			fputs(usage_token, stderr);
			return 2;
		}
	}
	if (role == ROLE_NONE || sub == NULL || *sub == '\0' || strlen(sub) > 127 || optind != argc ||
	    (role == ROLE_MEMBER) != (body > 0 && person > 0) ||
	    (region > 0 && (la || school || group || body || person))) {
		fputs(usage_token, stderr);
		return 2;
	}
	if (!config_load(&cfg, why, sizeof why) || !token_keys_load(&keys, &cfg, why, sizeof why)) {
		token_keys_free(&keys);
		config_free(&cfg);
		return cli_fail("configuration", why);
	}
	claims = (struct token_claims){.role = role, .la_code = (int)la, .school_urn = (int)school,
	                               .group_id = group, .body_id = body, .person_id = person,
	                               .region_id = region};
	snprintf(claims.sub, sizeof claims.sub, "%s", sub);
	if (token_sign_claims(&keys, &claims, ttl ? (int)ttl : cfg.jwt_ttl, time(NULL), &token) != ERR_OK) {
		token_keys_free(&keys);
		config_free(&cfg);
		return cli_fail("token", "signing failed");
	}
	puts(token);
	free(token);
	token_keys_free(&keys);
	config_free(&cfg);
	return 0;
}

static int
cmd_create_admin(int argc, char **argv)
{
	struct audit_actor cli = {"command-line", ROLE_ADMIN, "local", NULL};
	struct actor who = {.audit = cli};
	struct config cfg;
	struct db_conn conn = {0};
	struct problem p = {0};
	struct doc d = {0};
	json_t *body;
	char why[512], secret[48], *shown = NULL;
	int rc = 1;

	if (wants_help(argc, argv) || argc != 2) {
		fputs(usage_create_admin, wants_help(argc, argv) ? stdout : stderr);
		return wants_help(argc, argv) ? 0 : 2;
	}
	if (!config_load(&cfg, why, sizeof why)) {
		config_free(&cfg);
		return cli_fail("configuration", why);
	}
	if ((conn.pg = db_connect(cfg.database_url, 0, why, sizeof why)) == NULL) {
		config_free(&cfg);
		return cli_fail("cannot reach the database", why);
	}
	body = json_pack("{s:s, s:s}", "name", argv[1], "role", "admin");
	if (db_begin(&conn, &p) != ERR_OK ||
	    account_create(&conn, &who, body, &d, secret, &p) != ERR_OK ||
	    (shown = doc_with_field(d.body, "client_secret", secret)) == NULL || db_commit(&conn, &p) != ERR_OK) {
		fprintf(stderr, "consortia: create-admin: %s\n", p.detail[0] ? p.detail : "out of memory");
		for (size_t i = 0; i < problem_count(&p); i++)
			fprintf(stderr, "  %s\n", json_string_value(json_object_get(json_array_get(p.errors, i), "message")));
		db_rollback(&conn);
	} else {
		puts(shown);
		rc = 0;
	}
	explicit_bzero(secret, sizeof secret);
	if (shown)
		explicit_bzero(shown, strlen(shown));
	free(shown);
	json_decref(body);
	doc_free(&d);
	problem_clear(&p);
	db_conn_close(&conn);
	config_free(&cfg);
	return rc;
}

static void
print_sql(const char *kind, const char *sql)
{
	if (sql)
		printf("%s\t%s\n", kind, sql);
}

static int
cmd_sql(int argc, char **argv)
{
	const struct resource_def *def = NULL;
	static const char *const kinds[] = {"get", "lock", "record"};

	if (wants_help(argc, argv) || argc != 2) {
		fputs(usage_sql, wants_help(argc, argv) ? stdout : stderr);
		return wants_help(argc, argv) ? 0 : 2;
	}
	for (const struct resource_def *const *d = resource_defs; *d && def == NULL; d++)
		if (strcmp((*d)->resource, argv[1]) == 0)
			def = *d;
	if (def == NULL)
		return cli_fail("sql", "no such resource");
	for (int k = 0; k < STMT__COUNT; k++) {
		char *sql = resource_stmt_sql(def, (enum stmt_kind)k, 0);
		if (sql == NULL)
			return cli_fail("sql", "out of memory");
		print_sql(kinds[k], sql);
		free(sql);
	}
	/* A list's first page, in its default order, of the default size, as of today. */
	{
		struct query q = {0};
		struct scope all = {0};
		struct list_request lr;
		struct problem p = {0};

		if (list_prepare(def, &all, &q, NULL, true, &lr, &p) == ERR_OK) {
			print_sql("list", lr.sql);
			list_request_free(&lr);
		}
		problem_clear(&p);
	}
	print_sql("insert", def->insert ? def->insert->sql : NULL);
	print_sql("update", def->update ? def->update->sql : NULL);
	print_sql("delete", def->del ? def->del->sql : NULL);
	for (size_t i = 0; i < def->nactions; i++) {
		char kind[64];
		snprintf(kind, sizeof kind, "action:%s", def->actions[i].name);
		print_sql(kind, def->actions[i].change->sql);
		if (def->actions[i].guard) {
			snprintf(kind, sizeof kind, "guard:%s", def->actions[i].name);
			print_sql(kind, def->actions[i].guard->sql);
		}
	}
	if (def == &payment_def)
		print_sql("feed", payment_feed_sql());
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} commands[] = {
		{"serve", cmd_serve},
		{"migrate", cmd_migrate},
		{"import-gias", cmd_import},
		{"import-gias-links", cmd_import_links},
		{"import-groups", cmd_import_groups},
		{"token", cmd_token},
		{"create-admin", cmd_create_admin},
		{"sql", cmd_sql},
	};

	setvbuf(stderr, NULL, _IOLBF, 0);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_main, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	/* In a checkout after `make run`: its private database and key, unless the environment names others. */
	config_checkout_defaults(".local/consortia.env");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "consortia: unknown command '%s'\n\n%s", argv[1], usage_main);
	return 2;
}
