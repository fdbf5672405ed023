/*
 * Unit tests of the chair eligibility rules and the date arithmetic they
 * and the scheme's years rest on.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "date.h"
#include "eligibility.h"

static struct eligibility_input
all_met(const char *head_since, const char *start)
{
	return (struct eligibility_input){head_since, start, true, true, true, true, true, 0, NULL, NULL};
}

Test(eligibility, every_rule_met)
{
	struct eligibility_rule r[ELIGIBILITY_RULES];
	struct eligibility_input in = all_met("2015-09-01", "2020-09-01");

	cr_assert(eq(int, eligibility_check(&in, r), 0));
	for (int i = 0; i < ELIGIBILITY_RULES; i++) {
		cr_assert(eq(int, r[i].rule, i + 1));
		cr_assert(r[i].passed);
		cr_assert(strlen(r[i].reason) > 0);
	}
}

Test(eligibility, exactly_three_years_is_enough_a_day_less_is_not)
{
	struct eligibility_rule r[ELIGIBILITY_RULES];
	struct eligibility_input in = all_met("2017-09-01", "2020-09-01");

	cr_assert(eq(int, eligibility_check(&in, r), 0), "the third anniversary is the start day");
	in.head_since = "2017-09-02";
	cr_assert(eq(int, eligibility_check(&in, r), 1));
	cr_assert_not(r[0].passed);
	cr_assert(eq(str, (char *)r[0].code, "head_experience"));
	cr_assert(eq(str, (char *)r[0].field, "head_since"));
	cr_assert(strstr(r[0].reason, "2020-09-02") != NULL, "the reason says when: %s", r[0].reason);
}

Test(eligibility, a_head_since_29_february)
{
	struct eligibility_rule r[ELIGIBILITY_RULES];
	struct eligibility_input in = all_met("2016-02-29", "2019-02-28");

	cr_assert(eq(int, eligibility_check(&in, r), 1), "the anniversary in 2019 is 1 March");
	in.start_date = "2019-03-01";
	cr_assert(eq(int, eligibility_check(&in, r), 0));
	in = all_met("2016-02-29", "2020-02-29");
	cr_assert(eq(int, eligibility_check(&in, r), 0), "four years later it exists");
}

Test(eligibility, every_failed_rule_is_reported_one_by_one)
{
	struct eligibility_rule r[ELIGIBILITY_RULES];
	struct eligibility_input in = {"2019-01-01", "2020-09-01", false, false, false, false, false, 0, NULL, NULL};
	static const char *const fields[] = {"head_since", "led_school_grades",
	                                     "governing_body_support_on", "group_backing",
	                                     "time_commitment", "improvement_note"};

	cr_assert(eq(int, eligibility_check(&in, r), 6));
	for (int i = 0; i < ELIGIBILITY_RULES; i++) {
		cr_assert_not(r[i].passed);
		cr_assert(eq(str, (char *)r[i].field, (char *)fields[i]));
	}
	in.led_good_school = true;
	in.time_commitment = true;
	cr_assert(eq(int, eligibility_check(&in, r), 4));
	cr_assert(r[1].passed && r[4].passed);
}

Test(eligibility, the_register_knows_better_than_the_form)
{
	struct eligibility_rule r[ELIGIBILITY_RULES];
	struct eligibility_input in = all_met("2010-09-01", "2020-09-01");

	in.school_urn = 123456;
	/* the register's head was appointed three years before the start: the form stands */
	in.register_head_since = "2017-09-01";
	cr_assert(eq(int, eligibility_check(&in, r), 0));
	/* appointed in 2019: the form's 2010 is not taken; both dates are named */
	in.register_head_since = "2019-04-01";
	cr_assert(eq(int, eligibility_check(&in, r), 1));
	cr_assert_not(r[0].passed);
	cr_assert(strstr(r[0].reason, "2010-09-01") && strstr(r[0].reason, "2019-04-01") &&
	          strstr(r[0].reason, "123456") && strstr(r[0].reason, "2022-04-01"), "%s", r[0].reason);
	/* a form that fails on its own fails as it always did */
	in.head_since = "2019-01-01";
	cr_assert(eq(int, eligibility_check(&in, r), 1));
	cr_assert(strstr(r[0].reason, "declared") == NULL, "%s", r[0].reason);
	in.head_since = "2010-09-01";
	in.register_head_since = NULL;

	/* rule 2: the register's grade decides where it has one */
	in.register_grade = "requires_improvement";
	cr_assert(eq(int, eligibility_check(&in, r), 1));
	cr_assert_not(r[1].passed);
	cr_assert(strstr(r[1].reason, "requires_improvement") && strstr(r[1].reason, "declared"), "%s",
	          r[1].reason);
	in.led_good_school = false;
	cr_assert(eq(int, eligibility_check(&in, r), 1), "nothing declared, nothing good known");
	cr_assert(strstr(r[1].reason, "requires_improvement") == NULL);
	in.register_grade = "outstanding";
	cr_assert(eq(int, eligibility_check(&in, r), 0), "the register shows a school graded outstanding");
	cr_assert(strstr(r[1].reason, "outstanding") != NULL);
}

Test(eligibility, missing_dates_fail_rule_one)
{
	struct eligibility_rule r[ELIGIBILITY_RULES];
	struct eligibility_input in = all_met(NULL, "2020-09-01");

	cr_assert(eq(int, eligibility_check(&in, r), 1));
	cr_assert_not(r[0].passed);
}

Test(dates, adding_years)
{
	char out[11];

	date_add_years("2017-09-01", 3, out);
	cr_assert(eq(str, out, "2020-09-01"));
	date_add_years("2016-02-29", 1, out);
	cr_assert(eq(str, out, "2017-03-01"));
	date_add_years("2016-02-29", 4, out);
	cr_assert(eq(str, out, "2020-02-29"));
	date_add_years("2019-12-31", 1, out);
	cr_assert(eq(str, out, "2020-12-31"));
}

Test(dates, academic_years_run_september_to_august)
{
	char start[11], end[11], year[8];

	cr_assert(academic_year_parse("2020/21", start, end));
	cr_assert(eq(str, start, "2020-09-01"));
	cr_assert(eq(str, end, "2021-08-31"));
	cr_assert(academic_year_parse("1999/00", start, end), "across a century");
	cr_assert(eq(str, end, "2000-08-31"));
	cr_assert_not(academic_year_parse("2020/22", start, end));
	cr_assert_not(academic_year_parse("2020-21", start, end));
	cr_assert_not(academic_year_parse("20/21", start, end));
	cr_assert_not(academic_year_parse(NULL, start, end));

	cr_assert(academic_year_of("2020-08-31", year));
	cr_assert(eq(str, year, "2019/20"));
	cr_assert(academic_year_of("2020-09-01", year));
	cr_assert(eq(str, year, "2020/21"));
	cr_assert(academic_year_of("2021-02-29", year) == false, "not a date");
}

Test(dates, rfc3339_timestamps)
{
	cr_assert(timestamp_valid("2020-09-11T09:00:00Z"));
	cr_assert(timestamp_valid("2020-09-11T09:00:00.123+01:00"));
	cr_assert_not(timestamp_valid("2020-09-11 09:00:00Z"));
	cr_assert_not(timestamp_valid("2020-02-30T09:00:00Z"));
	cr_assert_not(timestamp_valid("2020-09-11T24:00:00Z"));
	cr_assert_not(timestamp_valid("yesterday"));
}
