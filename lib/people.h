/*
 * people.h
 *    The people of the scheme and the bodies they sit on: a person, the
 *    roles they hold at schools over dates (person.c); bodies of every kind
 *    with their members (body.c). Meetings belong to bodies (meeting.c).
 */
#ifndef CONSORTIA_PEOPLE_H
#define CONSORTIA_PEOPLE_H

#include "resource.h"

extern const struct resource_def person_def;
extern const struct resource_def person_role_def;
extern const struct resource_def body_def;
extern const struct resource_def body_member_def;

/* A work email: one '@' with something either side, no spaces or angle brackets. */
bool email_ok(const char *s);

#endif
