/*
 * The command line beside the server: `consortia sql RESOURCE` prints the
 * statements a resource runs, built as the server builds them, and refuses
 * a resource it does not have.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "fault.h"

/* Run `consortia ARGS`; its standard output into out (size), its exit status. */
static int
consortia(const char *args, char *out, size_t size)
{
	char cmd[512];
	size_t used = 0, n;
	FILE *f;
	int status;

	snprintf(cmd, sizeof cmd, "'%s' %s 2>/dev/null", getenv("CONSORTIA_BIN"), args);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	while (used + 1 < size && (n = fread(out + used, 1, size - used - 1, f)) > 0)
		used += n;
	out[used] = '\0';
	status = pclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(cli, sql_prints_what_a_resource_runs)
{
	static char out[1 << 17];
	static const char *const kinds[] = {"get\t", "lock\t", "record\t", "insert\t", "update\t",
	                                    "action:approve\t", "action:cancel\t"};

	cr_assert_eq(consortia("sql fund-allocation", out, sizeof out), 0);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		cr_assert(strstr(out, kinds[i]) != NULL, "no %s line in:\n%s", kinds[i], out);
	cr_assert(strstr(out, "lock\tSELECT a.version AS version, json_build_object(") != NULL);
	cr_assert(strstr(out, " FOR UPDATE OF a\n") != NULL, "the lock locks the allocation");
	cr_assert(strstr(out, "INSERT INTO audit_event") != NULL, "the record writes the audit event");
	cr_assert(strstr(out, "delete\t") == NULL, "an allocation is never deleted");
}

Test(cli, sql_prints_the_payments_feed_and_no_other_resource_has_one)
{
	static char out[1 << 17];

	cr_assert_eq(consortia("sql payment", out, sizeof out), 0);
	cr_assert(strstr(out, "\nfeed\tSELECT '{\"items\" : [' || ") != NULL, "no feed line in:\n%s", out);
	cr_assert(strstr(out, "FROM payment_change c WHERE c.position > $1::bigint ORDER BY c.position "
	                      "LIMIT $2::integer) c\n") != NULL, "%s", out);
	cr_assert_eq(consortia("sql fund-allocation", out, sizeof out), 0);
	cr_assert(strstr(out, "feed\t") == NULL, "%s", out);
}

Test(cli, sql_refuses_an_unknown_resource)
{
	char out[256];

	cr_assert_eq(consortia("sql no-such-thing", out, sizeof out), 1);
	cr_assert_str_eq(out, "");
	cr_assert_eq(consortia("sql", out, sizeof out), 2, "a resource is required");
}

/* Write text to a file of the test's work folder; its path into path. */
static void
work_file(const char *name, const char *text, char path[256])
{
	FILE *f;

	snprintf(path, 256, "%s/%s", getenv("FAULT_WORK"), name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

Test(cli, import_groups_checks_a_list_then_applies_it_once)
{
	static const char list[] =
		"group,kind,school,from\n"
		"Cli Consortium,consortium,885001,2024-09-01\n"
		"Cli Consortium,consortium,885/2002,2024-09-01\n";
	static const char bad[] = "group,kind,school,from\nCli Consortium,consortium,885999,2024-09-01\n";
	char out[4096], args[512], path[256];
	PGconn *pg;

	cr_assert_eq(consortia("migrate", out, sizeof out), 0);
	pg = PQconnectdb(getenv("DATABASE_URL"));
	db_run(pg, "INSERT INTO local_authority (code, name) VALUES (885, 'Cliford') ON CONFLICT DO NOTHING");
	db_run(pg, "INSERT INTO school (urn, la_id, establishment_number, name, phase, type) "
	           "SELECT 885000 + n, l.id, 2000 + n, 'Cli Primary ' || n, 'primary', 'maintained' "
	           "FROM local_authority l, generate_series(1, 2) n WHERE l.code = 885 ON CONFLICT DO NOTHING");

	/* a dry run reports and keeps nothing; a bad file is 1 and keeps nothing */
	work_file("groups.csv", list, path);
	snprintf(args, sizeof args, "import-groups '%s' --la 885 --dry-run", path);
	cr_assert_eq(consortia(args, out, sizeof out), 0, "%s", out);
	cr_assert(strstr(out, "\"memberships\": 2"), "%s", out);
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM school_group WHERE name = $1", "Cli Consortium"), 0);
	work_file("bad.csv", bad, path);
	snprintf(args, sizeof args, "import-groups '%s' --la 885", path);
	cr_assert_eq(consortia(args, out, sizeof out), 1, "%s", out);
	cr_assert(strstr(out, "names no school of the register"), "%s", out);
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM school_group WHERE name = $1", "Cli Consortium"), 0);

	/* applied, then applied again changing nothing */
	snprintf(args, sizeof args, "import-groups '%s/groups.csv' --la 885", getenv("FAULT_WORK"));
	cr_assert_eq(consortia(args, out, sizeof out), 0, "%s", out);
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM membership m JOIN school_group g ON g.id = m.group_id "
	                          "WHERE g.name = $1", "Cli Consortium"), 2);
	cr_assert_eq(consortia(args, out, sizeof out), 0, "%s", out);
	cr_assert(strstr(out, "\"unchanged\": 2"), "%s", out);
	cr_assert_eq(consortia("import-groups --la 885", out, sizeof out), 2, "a file is required");
	PQfinish(pg);
}
