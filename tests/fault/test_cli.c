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

Test(cli, sql_refuses_an_unknown_resource)
{
	char out[256];

	cr_assert_eq(consortia("sql no-such-thing", out, sizeof out), 1);
	cr_assert_str_eq(out, "");
	cr_assert_eq(consortia("sql", out, sizeof out), 2, "a resource is required");
}
