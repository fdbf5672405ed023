/*
 * import_commands.c
 *    The command line's imports, each one transaction on DATABASE_URL that
 *    prints its report: import-gias (a GIAS extract), import-gias-links
 *    (GIAS's links file) and import-groups (an LA's list of groups).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/problem.h"
#include "../lib/config.h"
#include "../lib/gias_links.h"
#include "../lib/group_import.h"
#include "../lib/import.h"
#include "commands.h"

static const char usage_import[] =
	"usage: consortia import-gias FILE [--la CODE] [--encoding windows-1252|utf-8]\n"
	"\n"
	"Upsert the schools of a GIAS establishment extract (edubasealldata*.csv) by URN.\n"
	"  --la CODE       only this local authority's establishments (e.g. 937)\n"
	"  --encoding ENC  the file's encoding; the DfE's is windows-1252 (the default)\n"
	"Prints the report as JSON: created, updated, unchanged, skipped, rejected rows.\n";

static const char usage_import_links[] =
	"usage: consortia import-gias-links FILE [--la CODE] [--dry-run]\n"
	"\n"
	"Read GIAS's links file (links_edubasealldata*.csv: URN, LinkURN, LinkName, LinkType,\n"
	"LinkEstablishedDate). For each school linked to a successor that the register has\n"
	"closed, carry its memberships, chair and deputy appointments, vulnerability, open\n"
	"support and system leader to the successor from the day it took over. Applied again,\n"
	"it carries nothing more.\n"
	"  --la CODE       only this local authority's closed schools (e.g. 937)\n"
	"  --dry-run       report what would be carried, keeping nothing\n"
	"Prints the report as JSON; exits 1 when a row is at fault.\n";

static const char usage_import_groups[] =
	"usage: consortia import-groups FILE --la CODE [--dry-run]\n"
	"\n"
	"Load an LA's consortia and area networks from a CSV list: one row per member school\n"
	"(columns group, kind, school, from, and to, chair, deputy, email, ...; see the API's\n"
	"POST /v1/local-authorities/{id}/groups/import). A file with a faulty row changes\n"
	"nothing; applying the same file again changes nothing.\n"
	"  --la CODE       the local authority (e.g. 937)\n"
	"  --dry-run       check every row and report, keeping nothing\n"
	"Prints the report as JSON; exits 1 when a row is at fault.\n";

static char *
read_file(const char *path, size_t *len, char *why, size_t whylen)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long size;

	if (f == NULL) {
		snprintf(why, whylen, "cannot open %s", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (data = malloc((size_t)size + 1)) == NULL ||
	    fread(data, 1, (size_t)size, f) != (size_t)size) {
		snprintf(why, whylen, "cannot read %s", path);
		free(data);
		data = NULL;
	} else {
		*len = (size_t)size;
	}
	fclose(f);
	return data;
}

/* What a file's import does inside its transaction (import_file). */
typedef enum err (*file_import_fn)(struct db_conn *c, const char *data, size_t len, void *ctx, json_t **report,
                                   struct problem *p);

/*
 * Run fn over the file at path in one transaction on DATABASE_URL and print
 * its report. 0 when the file was read and its report has no faults (a file
 * with faulty rows changes nothing and is 1), 1 on a failure.
 */
static int
import_file(const char *command, const char *path, file_import_fn fn, void *ctx)
{
	struct config cfg;
	struct db_conn conn = {0};
	struct problem p = {0};
	json_t *report = NULL;
	char why[512], *data;
	size_t len = 0;
	int rc = 1;

	if (!config_load(&cfg, why, sizeof why)) {
		config_free(&cfg);
		return cli_fail("configuration", why);
	}
	if ((data = read_file(path, &len, why, sizeof why)) == NULL) {
		config_free(&cfg);
		return cli_fail(command, why);
	}
	if ((conn.pg = db_connect(cfg.database_url, 0, why, sizeof why)) == NULL) {
		rc = cli_fail("cannot reach the database", why);
		goto out;
	}
	if (db_begin(&conn, &p) != ERR_OK || fn(&conn, data, len, ctx, &report, &p) != ERR_OK ||
	    db_commit(&conn, &p) != ERR_OK) {
		json_t *o = problem_to_json(&p, path, NULL, NULL);
		char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		fprintf(stderr, "consortia: %s: %s\n%s\n", command, p.detail, text ? text : "");
		free(text);
		json_decref(o);
		db_rollback(&conn);
		goto out;
	}
	json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	rc = json_array_size(json_object_get(report, "faults")) > 0;
out:
	db_conn_close(&conn);
	json_decref(report);
	problem_clear(&p);
	free(data);
	config_free(&cfg);
	return rc;
}

/* Who the imports run as: the audit trail names the command line. */
static const struct actor cli_actor = {.audit = {"command-line", ROLE_ADMIN, "local", NULL}};

static enum err
gias_file(struct db_conn *c, const char *data, size_t len, void *ctx, json_t **report, struct problem *p)
{
	return import_gias(c, data, len, ctx, &cli_actor.audit, report, p);
}

int
cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"la", required_argument, NULL, 'l'},
		{"encoding", required_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct import_options opt = {.encoding = IMPORT_CP1252};
	long long v;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			if (!parse_int(optarg, 100, 999, &v))
				return cli_fail("--la", "must be a 3-digit LA code");
			opt.la_filter = (int)v;
			break;
		case 'e':
			if (strcmp(optarg, "utf-8") == 0)
				opt.encoding = IMPORT_UTF8;
			else if (strcmp(optarg, "windows-1252") != 0)
				return cli_fail("--encoding", "must be windows-1252 or utf-8");
			break;
		case 'h':
			fputs(usage_import, stdout);
			return 0;
		default:
			fputs(usage_import, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_import, stderr);
		return 2;
	}
	return import_file("import-gias", argv[optind], gias_file, &opt);
}

/* What `import-gias-links` and `import-groups` take: FILE, --la CODE and --dry-run. */
struct file_options {
	int la_code;
	bool dry_run;
};

/*
 * Read argv into o: -1 when the command is to go on with argv[optind] its
 * file, else the exit status (0 after --help, 2 on a usage fault).
 */
static int
file_options(int argc, char **argv, const char *usage, bool la_required, struct file_options *o)
{
	static const struct option longopts[] = {
		{"la", required_argument, NULL, 'l'},
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	long long v;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			if (!parse_int(optarg, 100, 999, &v))
				return cli_fail("--la", "must be a 3-digit LA code");
			o->la_code = (int)v;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || (la_required && o->la_code == 0)) {
		fputs(usage, stderr);
		return 2;
	}
	return -1;
}

/* Run a file command: its options (--la, --dry-run), then fn over its file. */
static int
run_file_command(int argc, char **argv, const char *command, const char *usage, bool la_required,
                 file_import_fn fn)
{
	struct file_options o = {0};
	int rc = file_options(argc, argv, usage, la_required, &o);

	return rc >= 0 ? rc : import_file(command, argv[optind], fn, &o);
}

static enum err
links_file(struct db_conn *c, const char *data, size_t len, void *ctx, json_t **report, struct problem *p)
{
	const struct file_options *o = ctx;

	return gias_links_import(c, &cli_actor, o->la_code, data, len, o->dry_run, report, p);
}

int
cmd_import_links(int argc, char **argv)
{
	return run_file_command(argc, argv, "import-gias-links", usage_import_links, false, links_file);
}

static enum err
groups_file(struct db_conn *c, const char *data, size_t len, void *ctx, json_t **report, struct problem *p)
{
	const struct file_options *o = ctx;

	return group_import(c, &cli_actor, o->la_code, data, len, o->dry_run, report, p);
}

int
cmd_import_groups(int argc, char **argv)
{
	return run_file_command(argc, argv, "import-groups", usage_import_groups, true, groups_file);
}
