/*
 * fuzz_date.c
 *    libFuzzer target: the date forms of date.c (API dates, the extract's
 *    dd-mm-yyyy, RFC 3339 timestamps of ?from= / ?to=, academic years of
 *    ?academic_year= and fund bodies) and the first chair eligibility rule,
 *    which is date arithmetic on two dates of a request body.
 *
 * Input: byte 0 (mod 4) chooses the function; the rest, up to a NUL, is
 * the text (mode 2: byte 1 is a signed number of years first; mode 3: two
 * texts separated by a NUL, head_since and start_date).
 *
 * Contracts checked: an accepted date prints back as given and is a real
 * day; a converted extract date is a real day with the same parts; an
 * academic year gives real first and last days a year apart; adding years
 * gives a real day, later for a positive number; eligibility rule 1 passes
 * exactly when three years' headship (29 February counted to 1 March, and
 * no later than 9999-12-31) are complete by the start of the term.
 */
#include <stdbool.h>

#include "date.h"
#include "eligibility.h"
#include "fuzz.h"

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static void
fuzz_forms(const char *s)
{
	char out[11] = "untouched", back[16], date[11];
	int y, m, d, y2, m2, d2;

	if (date_parse_iso(s, &y, &m, &d)) {
		FUZZ_CHECK(date_is_real(y, m, d), "%s is no real day", s);
		snprintf(back, sizeof back, "%04d-%02d-%02d", y, m, d);
		FUZZ_CHECK(strcmp(back, s) == 0, "%s read as %s", s, back);
	}
	if (date_dmy_to_iso(s, out)) {
		FUZZ_CHECK(date_parse_iso(out, &y, &m, &d), "%s became %s", s, out);
		snprintf(back, sizeof back, "%02d-%02d-%04d", d, m, y);
		FUZZ_CHECK(strcmp(back, s) == 0, "%s became %s", s, out);
	} else {
		FUZZ_CHECK(strcmp(out, "untouched") == 0, "a refused %s changed out", s);
	}
	if (timestamp_valid(s)) {
		memcpy(date, s, 10);
		date[10] = '\0';
		FUZZ_CHECK(date_parse_iso(date, &y2, &m2, &d2), "timestamp %s has no real day", s);
		FUZZ_CHECK(s[10] == 'T' || s[10] == 't', "timestamp %s", s);
	}
}

static void
fuzz_academic_year(const char *s)
{
	char start[11], end[11], of[8];
	int y, m, d, y2, m2, d2;

	if (academic_year_parse(s, start, end)) {
		FUZZ_CHECK(date_parse_iso(start, &y, &m, &d) && date_parse_iso(end, &y2, &m2, &d2),
		           "%s runs from %.10s to %.10s", s, start, end);
		FUZZ_CHECK(m == 9 && d == 1 && m2 == 8 && d2 == 31 && y2 == y + 1, "%s: %s to %s", s, start, end);
		FUZZ_CHECK(academic_year_of(start, of) && strcmp(of, s) == 0, "%s starts in %s", s, of);
		FUZZ_CHECK(academic_year_of(end, of) && strcmp(of, s) == 0, "%s ends in %s", s, of);
	}
	if (academic_year_of(s, of)) {
		FUZZ_CHECK(date_parse_iso(s, &y, &m, &d), "%s has an academic year", s);
		FUZZ_CHECK(strlen(of) == 7 && of[4] == '/', "the year of %s is %s", s, of);
	}
}

static void
fuzz_add_years(const char *s, int n)
{
	char out[11] = "untouched";
	int y, m, d;

	date_add_years(s, n, out);
	if (!date_parse_iso(s, &y, &m, &d)) {
		FUZZ_CHECK(strcmp(out, "untouched") == 0, "%s is no date, yet out is %s", s, out);
		return;
	}
	FUZZ_CHECK(date_parse_iso(out, &y, &m, &d), "%s + %d years = %.10s", s, n, out);
	FUZZ_CHECK(n < 0 || strcmp(out, s) >= 0, "%s + %d years = %s, earlier", s, n, out);
	FUZZ_CHECK(n > 0 || strcmp(out, s) <= 0, "%s + %d years = %s, later", s, n, out);
}

static void
fuzz_eligibility(const char *head_since, const char *start)
{
	struct eligibility_input in = {.head_since = head_since, .start_date = start};
	struct eligibility_rule rules[ELIGIBILITY_RULES];
	int y, m, d, y2, m2, d2;
	bool want = false;

	eligibility_check(&in, rules);
	if (date_parse_iso(head_since, &y, &m, &d) && date_parse_iso(start, &y2, &m2, &d2)) {
		y += 3;
		if (m == 2 && d == 29 && !leap(y)) {
			m = 3;
			d = 1;
		}
		if (y > 9999) {   /* date_add_years stops at the calendar's last day */
			y = 9999;
			m = 12;
			d = 31;
		}
		want = (long)y * 10000 + m * 100 + d <= (long)y2 * 10000 + m2 * 100 + d2;
	}
	FUZZ_CHECK(rules[0].passed == want, "head since %s, term from %s: rule 1 %s", head_since, start,
	           rules[0].passed ? "passed" : "failed");
	for (int i = 0; i < ELIGIBILITY_RULES; i++)
		FUZZ_CHECK(rules[i].rule == i + 1 && rules[i].reason[0], "rule %d", i + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 2 || (s = fuzz_cstr(data + 1, size - 1)) == NULL)
		return 0;
	switch (data[0] % 4) {
	case 0: fuzz_forms(s); break;
	case 1: fuzz_academic_year(s); break;
	case 2: fuzz_add_years(s + 1, (signed char)data[1]); break;
	case 3: fuzz_eligibility(s, strlen(s) < size - 1 ? s + strlen(s) + 1 : ""); break;
	}
	free(s);
	return 0;
}
