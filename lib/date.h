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

#endif
