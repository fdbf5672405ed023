/*
 * date.h
 *    Calendar dates as the API writes them ("YYYY-MM-DD") and as the DfE
 *    extract writes them ("dd-mm-yyyy").
 */
#ifndef CONSORTIA_DATE_H
#define CONSORTIA_DATE_H

#include <stdbool.h>

/* True if y-m-d is a real day of the Gregorian calendar (years 1..9999). */
bool date_is_real(int y, int m, int d);

/* True if s is exactly "YYYY-MM-DD" naming a real day. */
bool date_parse_iso(const char *s, int *y, int *m, int *d);

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

/* The academic year a date falls in, as "2020/21", into out (8 bytes). */
bool academic_year_of(const char *iso, char out[8]);

#endif
