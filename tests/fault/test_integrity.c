/*
 * Rows made before the cross-LA rule (schema/0008_isolation.sql) are not
 * changed by it: the service reports each when it starts, and refuses to
 * start over them only when the operator says so (STRICT_ISOLATION=1).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"

/* Does the file at path hold needle? */
static bool
log_holds(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* Run `consortia serve` with env until it exits by itself (at most 20 s); its exit status. */
static int
serve_until_exit(const char *const *env, const char *log)
{
	/* port 1 is never reached: a strict start stops before listening */
	pid_t pid = server_exec(env, 1, log);
	int status = 0;

	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(100 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	cr_assert_fail("the server with STRICT_ISOLATION=1 kept running over a cross-LA row");
	return -1;
}

Test(integrity, rows_from_before_the_rule_are_reported_and_stop_a_strict_start)
{
	struct server s;
	const char *strict[] = {"STRICT_ISOLATION=1", NULL};
	char log[256];
	PGconn *pg;

	/* a server migrates the database; then a row as an older version could have made it */
	server_start(&s, NULL);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
	pg = db_open();
	db_run(pg, "INSERT INTO local_authority (code, name) VALUES (401, 'Before A'), (402, 'Before B')");
	db_run(pg, "INSERT INTO school (urn, la_id, establishment_number, name, phase, type) "
	            "SELECT 940001, id, 1, 'Before B Primary', 'primary', 'maintained' "
	            "FROM local_authority WHERE code = 402");
	db_run(pg, "INSERT INTO school_group (kind, la_id, name) "
	            "SELECT 'consortium', id, 'Before A Consortium' FROM local_authority WHERE code = 401");
	db_run(pg, "ALTER TABLE membership DISABLE TRIGGER membership_a_la_rule");
	db_run(pg, "INSERT INTO membership (group_id, kind, school_urn, start_date) "
	            "SELECT id, 'consortium', 940001, '2019-09-01' FROM school_group "
	            "WHERE name = 'Before A Consortium'");
	db_run(pg, "ALTER TABLE membership ENABLE TRIGGER membership_a_la_rule");
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM cross_la_reference WHERE resource = 'membership' "
	                          "AND la_code = 401 AND other_la_code = 402", NULL), 1);

	/* the operator asked for a strict start: refused, saying why */
	snprintf(log, sizeof log, "%s/strict-%d.log", getenv("FAULT_WORK") ? getenv("FAULT_WORK") : "/tmp",
	         (int)getpid());
	cr_assert_neq(serve_until_exit(strict, log), 0);
	cr_assert(log_holds(log, "cross_la_reference"), "see %s", log);
	cr_assert(log_holds(log, "integrity check: 1 cross-LA reference (STRICT_ISOLATION=1)"), "see %s", log);
	cr_assert(!log_holds(log, "\"event\":\"listening\""), "it served all the same; see %s", log);

	/* otherwise it serves, and the row is in its log */
	server_start(&s, NULL);
	cr_assert(log_holds(s.log, "\"event\":\"cross_la_reference\""), "see %s", s.log);
	cr_assert(log_holds(s.log, "membership"), "see %s", s.log);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);

	db_run(pg, "DELETE FROM membership WHERE school_urn = 940001");
	db_run(pg, "DELETE FROM school_group WHERE name = 'Before A Consortium'");
	db_run(pg, "DELETE FROM school WHERE urn = 940001");
	db_run(pg, "DELETE FROM local_authority WHERE code IN (401, 402)");
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM cross_la_reference", NULL), 0);
	PQfinish(pg);
}

Test(integrity, a_chair_whose_school_was_not_a_member_is_reported_at_start)
{
	struct server s;
	PGconn *pg;

	server_start(&s, NULL);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
	pg = db_open();
	db_run(pg, "INSERT INTO local_authority (code, name) VALUES (403, 'Before C')");
	db_run(pg, "INSERT INTO school (urn, la_id, establishment_number, name, phase, type) "
	            "SELECT 940003, id, 3, 'Before C Primary', 'primary', 'maintained' "
	            "FROM local_authority WHERE code = 403");
	db_run(pg, "INSERT INTO school_group (kind, la_id, name) "
	            "SELECT 'consortium', id, 'Before C Consortium' FROM local_authority WHERE code = 403");
	db_run(pg, "INSERT INTO membership (group_id, kind, school_urn, start_date) "
	            "SELECT id, 'consortium', 940003, '2020-10-01' FROM school_group WHERE name = 'Before C Consortium'");
	db_run(pg, "ALTER TABLE chair_appointment DISABLE TRIGGER chair_b_member_rule");
	db_run(pg, "INSERT INTO chair_appointment (group_id, role, person_name, email, school_urn, head_since, "
	            "start_date, elected_on, review_due_on, eligibility) SELECT id, 'chair', 'Early Chair', "
	            "'early@school.example', 940003, '2010-09-01', '2020-09-01', '2020-07-01', '2021-07-01', "
	            "'{\"eligible\": true, \"rules\": []}' FROM school_group WHERE name = 'Before C Consortium'");
	db_run(pg, "ALTER TABLE chair_appointment ENABLE TRIGGER chair_b_member_rule");
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM chair_not_member WHERE school_urn = 940003", NULL), 1);

	server_start(&s, NULL);
	cr_assert(log_holds(s.log, "\"event\":\"chair_not_member\""), "see %s", s.log);
	cr_assert(log_holds(s.log, "school 940003 was not a member of the group when it started on 2020-09-01"),
	          "see %s", s.log);
	cr_assert(log_holds(s.log, "\"event\":\"listening\""), "a report, not a refusal; see %s", s.log);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);

	db_run(pg, "DELETE FROM chair_appointment WHERE school_urn = 940003");
	db_run(pg, "DELETE FROM membership WHERE school_urn = 940003");
	db_run(pg, "DELETE FROM school_group WHERE name = 'Before C Consortium'");
	db_run(pg, "DELETE FROM school WHERE urn = 940003");
	db_run(pg, "DELETE FROM person WHERE la_id = (SELECT id FROM local_authority WHERE code = 403)");
	db_run(pg, "DELETE FROM local_authority WHERE code = 403");
	PQfinish(pg);
}
