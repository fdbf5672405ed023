/*
 * date.c
 *    This module implements strict parsing of the two date forms the
 *    service meets, and the day in England at a given time. Nothing here
 *    consults the clock or the locale.
 */
#include "date.h"

#include <stdio.h>
#include <string.h>

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool
date_is_real(int y, int m, int d)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && is_leap(y));
}

/* Parse exactly n decimal digits at s. */
static bool
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool
date_parse_iso(const char *s, int *y, int *m, int *d)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!digits(s, 4, y) || !digits(s + 5, 2, m) || !digits(s + 8, 2, d))
		return false;
	return date_is_real(*y, *m, *d);
}

bool
date_within(const char *s, int last_year)
{
	int y, m, d;

	return date_parse_iso(s, &y, &m, &d) && y >= DATE_FIRST_YEAR && y <= last_year;
}

static void format_iso(int y, int m, int d, char out[11]);

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Hinnant's days_from_civil). */
static long long
days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* 01:00 UTC on the last Sunday of month m (31 days long) of year y, in seconds since the epoch. */
static long long
last_sunday_0100(int y, int m)
{
	long long day = days_from_civil(y, m, 31);
	long long wday = ((day % 7) + 7 + 4) % 7;   /* 1970-01-01 was a Thursday (4) */

	return (day - wday) * 86400 + 3600;
}

void
date_london(time_t t, char out[11])
{
	struct tm tm;
	long long s = (long long)t;

	gmtime_r(&t, &tm);
	if (s >= last_sunday_0100(tm.tm_year + 1900, 3) && s < last_sunday_0100(tm.tm_year + 1900, 10)) {
		time_t bst = t + 3600;
		gmtime_r(&bst, &tm);
	}
	format_iso(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, out);
}

bool
date_dmy_to_iso(const char *s, char out[11])
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[2] != '-' || s[5] != '-')
		return false;
	if (!digits(s, 2, &d) || !digits(s + 3, 2, &m) || !digits(s + 6, 4, &y))
		return false;
	if (!date_is_real(y, m, d))
		return false;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return true;
}

bool
timestamp_valid(const char *s)
{
	int y, m, d, hh, mm, ss, oh, om;
	char date[11];

	if (s == NULL || strlen(s) < 20 || (s[10] != 'T' && s[10] != 't'))
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!date_parse_iso(date, &y, &m, &d))
		return false;
	s += 11;
	if (!digits(s, 2, &hh) || s[2] != ':' || !digits(s + 3, 2, &mm) || s[5] != ':' ||
	    !digits(s + 6, 2, &ss) || hh > 23 || mm > 59 || ss > 60)
		return false;
	s += 8;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		return true;
	return (*s == '+' || *s == '-') && digits(s + 1, 2, &oh) && s[3] == ':' &&
	       digits(s + 4, 2, &om) && s[6] == '\0' && oh <= 23 && om <= 59;
}

/* n (>= 0) as exactly `width` digits at out. */
static void
put_digits(char *out, unsigned n, int width)
{
	for (int i = width - 1; i >= 0; i--, n /= 10)
		out[i] = (char)('0' + n % 10);
}

static void
format_iso(int y, int m, int d, char out[11])
{
	put_digits(out, (unsigned)y, 4);
	out[4] = '-';
	put_digits(out + 5, (unsigned)m, 2);
	out[7] = '-';
	put_digits(out + 8, (unsigned)d, 2);
	out[10] = '\0';
}

/*
 * NB: a year past the calendar's (1..9999) stops at its last or first day,
 * so that the result still compares after (or before) iso as text: written
 * with four digits, 9999 + 3 would read as year 2.
 */
void
date_add_years(const char *iso, int n, char out[11])
{
	int y, m, d;

	if (!date_parse_iso(iso, &y, &m, &d))
		return;
	if (n > 9999 - y) {
		format_iso(9999, 12, 31, out);
		return;
	}
	if (n < 1 - y) {
		format_iso(1, 1, 1, out);
		return;
	}
	y += n;
	if (m == 2 && d == 29 && !is_leap(y)) {
		m = 3;
		d = 1;
	}
	format_iso(y, m, d, out);
}

bool
academic_year_parse(const char *s, char start[11], char end[11])
{
	int y, yy;

	/* 9999/00 would end in year 10000, which four digits cannot write */
	if (s == NULL || strlen(s) != 7 || s[4] != '/' || !digits(s, 4, &y) || !digits(s + 5, 2, &yy) ||
	    y < 1900 || y > 9998 || (y + 1) % 100 != yy)
		return false;
	format_iso(y, 9, 1, start);
	format_iso(y + 1, 8, 31, end);
	return true;
}

static bool
year_from(const char *iso, int first_month, char out[8])
{
	int y, m, d;

	if (!date_parse_iso(iso, &y, &m, &d))
		return false;
	if (m < first_month)
		y--;
	put_digits(out, (unsigned)y, 4);
	out[4] = '/';
	put_digits(out + 5, (unsigned)(y + 1), 2);
	out[7] = '\0';
	return true;
}

bool
academic_year_of(const char *iso, char out[8])
{
	return year_from(iso, 9, out);
}

bool
academic_year_ok(const char *s)
{
	char start[11], end[11];
	return academic_year_parse(s, start, end);
}
