/*
 * group.h
 *    Families of schools: primary consortia and secondary area networks,
 *    one model with two kinds; their memberships over time, chairs and
 *    deputies, and nominated leads.
 */
#ifndef CONSORTIA_GROUP_H
#define CONSORTIA_GROUP_H

#include "resource.h"

extern const struct resource_def consortium_def;
extern const struct resource_def network_def;
extern const struct resource_def membership_def;
extern const struct resource_def chair_def;
extern const struct resource_def confirmation_def;
extern const struct resource_def nomination_def;

/*
 * Move the school of membership `key` to another group of the same kind
 * from the date `body.on`: the membership ends the day before, a new one
 * starts that day, in one transaction. out is the new membership.
 */
enum err membership_move(struct db_conn *c, const struct actor *who, const char *key,
                         const struct expected_version *expect, const json_t *body,
                         struct doc *out, struct problem *p);

/*
 * The eligibility verdict on a would-be appointment (a chair's create
 * body), with what the register knows of its school (c), stored nowhere:
 * *out is {"eligible", "applies", "rules": [...]} as JSON text, owned by
 * the caller. ERR_VALIDATION when the body is not an appointment.
 */
enum err chair_eligibility(struct db_conn *c, const json_t *body, char **out, struct problem *p);

/*
 * SQL: the URNs of the schools of group `param` (a parameter's "$n"), of
 * its own LA only, for a group's scope: a school of another LA named by a
 * membership made before that was refused grants nothing.
 */
#define GROUP_SCHOOLS(param)                                                             \
	"SELECT m.school_urn FROM membership m JOIN school_group g ON g.id = m.group_id "    \
	"JOIN school ms ON ms.urn = m.school_urn AND ms.la_id = g.la_id "                   \
	"WHERE m.group_id = " param "::bigint"

#endif
