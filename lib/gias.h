/*
 * gias.h
 *    Reading the DfE "Get Information about Schools" establishment extract:
 *    its header (columns found by name, never by position), its text
 *    (Windows-1252) and the mapping of one row onto a school.
 *
 * Pure: no database, no I/O. import.c drives it.
 */
#ifndef CONSORTIA_GIAS_H
#define CONSORTIA_GIAS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum gias_col {
	GC_URN, GC_LA_CODE, GC_LA_NAME, GC_ESTAB, GC_NAME, GC_TYPE_NAME, GC_GROUP_CODE,
	GC_STATUS_NAME, GC_PHASE_CODE,
	/* optional from here on: a column the extract lacks leaves stored values alone */
	GC_PUPILS, GC_OFSTED_RATING, GC_OFSTED_DATE, GC_HEAD_TITLE, GC_HEAD_FIRST, GC_HEAD_LAST,
	GC_OPEN_DATE, GC_CLOSE_DATE, GC_DISTRICT, GC_CENSUS_DATE,
	GC__COUNT
};
#define GC__REQUIRED GC_PUPILS

/* Where each column is in the file; -1 when absent. */
struct gias_header {
	int col[GC__COUNT];
};

/*
 * Find the columns in a header row (UTF-8 field names). A header missing
 * any required column is ERR_VALIDATION naming every missing one: the file
 * is then not such an extract at all.
 */
enum err gias_header_parse(struct gias_header *h, char *const *fields, size_t n,
                           struct problem *p);

enum gias_outcome { GIAS_IMPORT, GIAS_SKIP, GIAS_REJECT };

/* One row, mapped. */
struct gias_row {
	enum gias_outcome outcome;
	char reason[256];       /* GIAS_REJECT / GIAS_SKIP: why */
	char urn[16];           /* the URN cell as written (cut short), for reports */
	json_t *school;         /* owned: the API's school fields, to be validated */
	int la_code;
	char la_name[201];
	char district[16];      /* "" when absent */
	char census_date[11];   /* YYYY-MM-DD of NumberOfPupils, "" when unknown */
	bool has_ofsted, has_pupils, has_head, has_opened, has_closed;
};

/*
 * Map a data row (UTF-8 fields) onto out. la_filter > 0 skips other LAs.
 * Establishments outside the scheme (independent schools, colleges,
 * universities, other types) are GIAS_SKIP. Release with gias_row_clear.
 */
void gias_row_map(const struct gias_header *h, char *const *fields, size_t n, int la_filter,
                  struct gias_row *out);

void gias_row_clear(struct gias_row *r);

/*
 * Windows-1252 text to UTF-8, as a new string (caller frees); NULL when
 * out of memory or when the text holds a NUL byte. The five bytes the code
 * page leaves undefined map to the C1 controls of the same value.
 */
char *cp1252_to_utf8(const char *s, size_t len);

#endif
