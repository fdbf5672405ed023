/*
 * date.h
 *    Calendar dates as the API writes them ("YYYY-MM-DD") and as the DfE
 *    extract writes them ("dd-mm-yyyy").
 */
#ifndef CONSORTIA_DATE_H
#define CONSORTIA_DATE_H

#include <stdbool.h>
#include <time.h>

/*
 * The dates a client may write (bodies, imports): 1900-01-01 to
 * 2099-12-31. A filter may name any date up to 2199-12-31, so that every
 * date the service writes, derived ones too (a review due some years
 * after a start), can be asked about.
 */
#define DATE_FIRST_YEAR 1900
#define DATE_LAST_YEAR 2099
#define DATE_QUERY_LAST_YEAR 2199
#define QUERY_DATE_MESSAGE "must be a real date from 1900-01-01 to 2199-12-31 as YYYY-MM-DD"

/* True if y-m-d is a real day of the Gregorian calendar (years 1..9999). */
bool date_is_real(int y, int m, int d);

/* True if s is exactly "YYYY-MM-DD" naming a real day. */
bool date_parse_iso(const char *s, int *y, int *m, int *d);

/* True if s is a date as date_parse_iso reads it, from DATE_FIRST_YEAR to last_year. */
bool date_within(const char *s, int last_year);

/*
 * The calendar date in England and Wales at t, "YYYY-MM-DD" into out:
 * Europe/London's, GMT, or BST (UTC+1) from 01:00 UTC on the last Sunday
 * of March to 01:00 UTC on the last Sunday of October.
 */
void date_london(time_t t, char out[11]);

/*
 * Convert "dd-mm-yyyy" (the extract's form) into "YYYY-MM-DD" in out, which
 * holds at least 11 bytes. Returns false, out unaltered, if s is not exactly
 * that form or not a real day.
 */
bool date_dmy_to_iso(const char *s, char out[11]);

/*
 * True if s is an RFC 3339 date-time: "YYYY-MM-DDTHH:MM:SS", optional
 * fraction, then "Z" or an offset "+HH:MM" / "-HH:MM".
 */
bool timestamp_valid(const char *s);

/*
 * The date n years after iso (YYYY-MM-DD) into out; 29 February moves to
 * 1 March in a year without it. out unaltered if iso is not a date.
 */
void date_add_years(const char *iso, int n, char out[11]);

/*
 * An academic year "2020/21" (1 September to 31 August): its first and
 * last days into start and end. False for anything else ("2020/22", "2020-21").
 */
bool academic_year_parse(const char *s, char start[11], char end[11]);

/* Is s an academic year such as "2020/21"? */
bool academic_year_ok(const char *s);

/* The academic year a date falls in, as "2020/21", into out (8 bytes). */
bool academic_year_of(const char *iso, char out[8]);

#endif
