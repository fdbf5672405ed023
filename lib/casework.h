/*
 * casework.h
 *    The chairs' casework (seeds 000 and 001): what a chair keeps for its
 *    own group and the LA's officers for the LA (casework.c), the support
 *    brokered for vulnerable schools (meeting.c) and its reviews, and the
 *    allocation of system leaders. What is reported to an Area Analysis
 *    Group is marked with the meeting that received its pack.
 */
#ifndef CONSORTIA_CASEWORK_H
#define CONSORTIA_CASEWORK_H

#include "resource.h"

extern const struct resource_def head_support_def;
extern const struct resource_def support_review_def;
extern const struct resource_def panel_outcome_def;
extern const struct resource_def development_issue_def;
extern const struct resource_def assistance_request_def;
extern const struct resource_def school_support_def;
extern const struct resource_def system_leader_def;
extern const struct resource_def inspection_def;
extern const struct resource_def reference_def;

/* The caseworks' common pieces: a record a group keeps, under alias x. */
#define CASEWORK_FROM(table)                                                                       \
	table " x JOIN school_group g ON g.id = x.group_id JOIN local_authority l ON l.id = g.la_id"
#define CASEWORK_DOC_HEAD "'id', x.id, 'group_id', x.group_id, 'group_name', g.name, 'la_code', l.code, "
#define CASEWORK_DOC_TAIL                                                                          \
	"'created_at', api_ts(x.created_at), 'updated_at', api_ts(x.updated_at), 'version', x.version"

#endif
