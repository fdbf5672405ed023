/*
 * eligibility.h
 *    Whether a headteacher may chair (or deputise for) a consortium or area
 *    network: the six rules of DOMAIN.md, each checked and reported on its
 *    own. Pure: plain values in, verdicts out.
 */
#ifndef CONSORTIA_ELIGIBILITY_H
#define CONSORTIA_ELIGIBILITY_H

#include <stdbool.h>

#define ELIGIBILITY_RULES 6

struct eligibility_input {
	const char *head_since;       /* YYYY-MM-DD: became a headteacher */
	const char *start_date;       /* YYYY-MM-DD: the term starts */
	bool led_good_school;         /* leads or has led a school graded good or outstanding */
	bool governing_body_support;  /* recorded, with its date */
	bool group_backing;           /* the vote or its date recorded */
	bool time_commitment;         /* declared */
	bool improvement_note;        /* declaration of continued improvement, with a note */
	/* What the register knows of the school the person leads (0 / NULL: nothing) */
	int school_urn;
	const char *register_head_since;  /* YYYY-MM-DD: its headteacher appointed */
	const char *register_grade;       /* its Ofsted grade ("good", "requires_improvement" ...) */
};

struct eligibility_rule {
	int rule;                     /* 1..6 */
	const char *code;             /* e.g. "head_experience" */
	const char *field;            /* the input it is about, e.g. "head_since" */
	bool passed;
	char reason[200];
};

/*
 * Check every rule into out[0..5]; returns how many failed. Three years'
 * headship are complete on the third anniversary of head_since; the
 * anniversary of 29 February is 1 March in a year that has none.
 *
 * The register knows better than the form where it knows at all. Rule 1:
 * when the register has the school's headteacher appointed on a date from
 * which three years are not complete by the start while the declared
 * head_since says they are, the rule fails naming both dates. Rule 2: the
 * school's Ofsted grade, when the register has one, decides: good or
 * outstanding passes (whatever was declared), another grade fails a
 * declaration of good or outstanding, naming both.
 */
int eligibility_check(const struct eligibility_input *in, struct eligibility_rule out[ELIGIBILITY_RULES]);

#endif
