/*
 * eligibility.c
 *    This module implements the chair eligibility rules (see eligibility.h).
 */
#include "eligibility.h"

#include <stdio.h>
#include <string.h>

#include "date.h"

int
eligibility_check(const struct eligibility_input *in, struct eligibility_rule out[ELIGIBILITY_RULES])
{
	int y, m, d, failed = 0;
	char third[11] = "";

	memset(out, 0, sizeof *out * ELIGIBILITY_RULES);
	out[0] = (struct eligibility_rule){1, "head_experience", "head_since", false, ""};
	if (date_parse_iso(in->head_since, &y, &m, &d) && date_parse_iso(in->start_date, &y, &m, &d)) {
		date_add_years(in->head_since, 3, third);
		out[0].passed = strcmp(third, in->start_date) <= 0;
		snprintf(out[0].reason, sizeof out[0].reason,
		         out[0].passed ? "a headteacher since %s: three years' headship by %s, before the "
		                         "term starts on %s"
		                       : "a headteacher since %s: three years' headship only on %s, after "
		                         "the term starts on %s",
		         in->head_since, third, in->start_date);
		if (out[0].passed && in->register_head_since &&
		    date_parse_iso(in->register_head_since, &y, &m, &d)) {
			char registered[11] = "";
			date_add_years(in->register_head_since, 3, registered);
			if (strcmp(registered, in->start_date) > 0) {
				out[0].passed = false;
				snprintf(out[0].reason, sizeof out[0].reason,
				         "declared a headteacher since %s, but the register has the head of school "
				         "%d appointed on %s: three years' headship only on %s, after the term "
				         "starts on %s", in->head_since, in->school_urn, in->register_head_since,
				         registered, in->start_date);
			}
		}
	} else {
		snprintf(out[0].reason, sizeof out[0].reason, "the headship and term start dates are needed");
	}
	out[1] = (struct eligibility_rule){2, "good_school", "led_school_grades", in->led_good_school, ""};
	if (in->register_grade && (strcmp(in->register_grade, "good") == 0 ||
	                           strcmp(in->register_grade, "outstanding") == 0)) {
		out[1].passed = true;
		snprintf(out[1].reason, sizeof out[1].reason, "the register grades school %d %s",
		         in->school_urn, in->register_grade);
	} else if (in->register_grade && in->led_good_school) {
		out[1].passed = false;
		snprintf(out[1].reason, sizeof out[1].reason,
		         "declared to lead or have led a school graded good or outstanding, but the register "
		         "grades school %d %s", in->school_urn, in->register_grade);
	} else {
		snprintf(out[1].reason, sizeof out[1].reason, "%s", in->led_good_school
		         ? "leads or has led a school graded good or outstanding"
		         : "no school led is recorded as good or outstanding");
	}
	out[2] = (struct eligibility_rule){3, "governing_body_support", "governing_body_support_on",
	                                   in->governing_body_support, ""};
	snprintf(out[2].reason, sizeof out[2].reason, "%s", in->governing_body_support
	         ? "the governing body's full support is recorded"
	         : "the governing body's support is not recorded (governing_body_support_on)");
	out[3] = (struct eligibility_rule){4, "group_backing", "group_backing", in->group_backing, ""};
	snprintf(out[3].reason, sizeof out[3].reason, "%s", in->group_backing
	         ? "the group's backing is recorded"
	         : "the group's backing (the vote or its date) is not recorded");
	out[4] = (struct eligibility_rule){5, "time_commitment", "time_commitment", in->time_commitment, ""};
	snprintf(out[4].reason, sizeof out[4].reason, "%s", in->time_commitment
	         ? "has declared the time the role takes"
	         : "has not declared the time the role takes");
	out[5] = (struct eligibility_rule){6, "continued_improvement", "improvement_note",
	                                   in->improvement_note, ""};
	snprintf(out[5].reason, sizeof out[5].reason, "%s", in->improvement_note
	         ? "continued improvement or consistently high performance is declared, with a note"
	         : "no declaration of continued improvement or high performance (improvement_note)");
	for (int i = 0; i < ELIGIBILITY_RULES; i++)
		failed += !out[i].passed;
	return failed;
}
