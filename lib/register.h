/*
 * register.h
 *    The register's resources: local authorities, areas and schools. Each
 *    definition (fields, statements, filters, sorts) lives in its own
 *    repository file: la.c, area.c, school.c.
 */
#ifndef CONSORTIA_REGISTER_H
#define CONSORTIA_REGISTER_H

#include "resource.h"

extern const struct resource_def la_def;
extern const struct resource_def area_def;
extern const struct resource_def school_def;
extern const struct resource_def vulnerability_def;

/* Field indexes of a school record, in school_def's table order. */
enum school_field {
	SF_URN, SF_LA_CODE, SF_ESTABLISHMENT_NUMBER, SF_NAME, SF_PHASE, SF_TYPE, SF_STATUS,
	SF_OFSTED_GRADE, SF_OFSTED_DATE, SF_PUPILS, SF_SUPPORT_CATEGORY, SF_VULNERABLE,
	SF_VULNERABLE_REASON, SF_HEADTEACHER_NAME, SF_HEADTEACHER_APPOINTED_ON, SF_AREA_ID,
	SF_OPENED_ON, SF_CLOSED_ON, SF_LANGUAGE_CATEGORY, SF_ESTYN_JUDGEMENT, SF_ESTYN_DATE, SF__COUNT
};

/* An area code: 1-40 lower-case letters, digits and hyphens, not starting with a hyphen. */
bool area_code_valid(const char *s);

extern const char *const school_phases[];
extern const char *const school_types[];
extern const char *const school_statuses[];
extern const char *const ofsted_grades[];

/* The cross-field rules of a school (vulnerable needs a reason, dates in order). */
void school_check(const struct record *rec, struct problem *p);

/* The CSV export: its columns, taken from the JSON representation. */
extern const char *const school_csv_columns[];

#endif
