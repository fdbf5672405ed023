/*
 * Unit tests of the tables of state changes: for every resource with
 * actions, every (state, action) pair gets the answer DOMAIN.md documents,
 * with no database: allowed, or 409 naming the state and the actions
 * allowed from it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "resource.h"

/* The documented transitions: from which states each action starts. */
static const struct documented {
	const char *resource, *action;
	const char *from[4];
} documented[] = {
	{"fund-allocation", "approve", {"proposed", "awaiting_second_approval"}},
	{"fund-allocation", "cancel", {"proposed", "awaiting_second_approval", "approved"}},
	{"payment", "acknowledge", {"due", "acknowledged"}},
	{"payment", "paid", {"due", "acknowledged", "paid"}},
	{"payment", "reject", {"due", "acknowledged", "rejected"}},
	{"payment", "reissue", {"rejected"}},
	{"payment", "reverse", {"paid"}},
	{"action-plan", "submit", {"draft", "returned"}},
	{"action-plan", "accept", {"submitted"}},
	{"action-plan", "return", {"submitted"}},
	{"evaluation", "submit", {"draft"}},
	{"evaluation", "report", {"submitted"}},
	{"service-account", "rotate", {"active"}},
	{"service-account", "revoke", {"active"}},
	{"person", "erase", {"active"}},
	{"webhook-subscription", "rotate", {"enabled", "disabled"}},
	{"webhook-delivery", "retry", {"delivered", "failed"}},
};
#define NDOCUMENTED (sizeof documented / sizeof documented[0])

static const struct documented *
find_documented(const char *resource, const char *action)
{
	for (size_t i = 0; i < NDOCUMENTED; i++)
		if (strcmp(documented[i].resource, resource) == 0 && strcmp(documented[i].action, action) == 0)
			return &documented[i];
	return NULL;
}

static bool
documented_from(const struct documented *d, const char *state)
{
	for (size_t i = 0; i < 4 && d->from[i]; i++)
		if (strcmp(d->from[i], state) == 0)
			return true;
	return false;
}

Test(actions, every_action_is_documented_and_every_documented_one_exists)
{
	size_t found = 0;

	for (const struct resource_def *const *d = resource_defs; *d; d++)
		for (size_t i = 0; i < (*d)->nactions; i++) {
			cr_assert_not_null(find_documented((*d)->resource, (*d)->actions[i].name),
			                   "%s %s is not documented", (*d)->resource, (*d)->actions[i].name);
			found++;
		}
	cr_assert_eq(found, NDOCUMENTED, "a documented action is missing from the tables");
}

Test(actions, an_action_starts_only_from_states_of_its_resource)
{
	for (const struct resource_def *const *d = resource_defs; *d; d++) {
		if ((*d)->nactions == 0)
			continue;
		cr_assert_not_null((*d)->states, "%s has actions but no states", (*d)->resource);
		for (size_t i = 0; i < (*d)->nactions; i++) {
			cr_assert_not_null((*d)->actions[i].change, "%s %s has no statement", (*d)->resource,
			                   (*d)->actions[i].name);
			for (const char *const *f = (*d)->actions[i].from; *f; f++) {
				bool known = false;
				for (const char *const *s = (*d)->states; *s; s++)
					known |= strcmp(*s, *f) == 0;
				cr_assert(known, "%s %s starts from %s, not a state", (*d)->resource,
				          (*d)->actions[i].name, *f);
			}
		}
	}
}

/* Each (state, action) pair: allowed as documented, or 409 naming the state and what is allowed. */
Test(actions, each_state_and_action_gets_the_documented_answer)
{
	size_t pairs = 0;

	for (const struct resource_def *const *d = resource_defs; *d; d++) {
		for (const char *const *s = (*d)->states; s && *s; s++) {
			char allowed[256] = "";
			for (size_t i = 0; i < (*d)->nactions; i++)
				if (documented_from(find_documented((*d)->resource, (*d)->actions[i].name), *s))
					snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
					         allowed[0] ? ", " : "", (*d)->actions[i].name);
			for (size_t i = 0; i < (*d)->nactions; i++) {
				const struct action_def *act = &(*d)->actions[i];
				const struct documented *doc = find_documented((*d)->resource, act->name);
				struct problem p = {0};
				enum err e = action_permits(*d, act, *s, &p);
				char want[300];

				pairs++;
				if (documented_from(doc, *s)) {
					cr_assert_eq(e, ERR_OK, "%s %s from %s: %s", (*d)->resource, act->name, *s, p.detail);
				} else {
					cr_assert_eq(e, ERR_CONFLICT, "%s %s from %s is allowed", (*d)->resource,
					             act->name, *s);
					snprintf(want, sizeof want, "is %s: %s is not allowed from %s (allowed: %s)", *s,
					         act->name, *s, allowed[0] ? allowed : "none");
					cr_assert(strstr(p.detail, want) != NULL, "%s; wanted \"%s\"", p.detail, want);
				}
				problem_clear(&p);
			}
		}
	}
	cr_assert_eq(pairs, 5 * 2 + 5 * 5 + 4 * 3 + 3 * 2 + 2 * 2 + 2 * 1 + 2 * 1 + 3 * 1, "every pair was walked");
}

Test(actions, a_record_in_no_known_state_is_refused)
{
	struct problem p = {0};
	const struct resource_def *def = NULL;

	for (const struct resource_def *const *d = resource_defs; *d; d++)
		if ((*d)->nactions > 0)
			def = *d;
	cr_assert_not_null(def);
	cr_assert_eq(action_permits(def, &def->actions[0], NULL, &p), ERR_CONFLICT);
	cr_assert(strstr(p.detail, "allowed: none") != NULL, "%s", p.detail);
	problem_clear(&p);
}

Test(actions, a_service_account_is_active_until_revoked)
{
	const struct resource_def *def = NULL;
	json_t *active = json_pack("{s:b}", "revoked", 0), *revoked = json_pack("{s:b}", "revoked", 1);

	for (const struct resource_def *const *d = resource_defs; *d; d++)
		if (strcmp((*d)->resource, "service-account") == 0)
			def = *d;
	cr_assert_not_null(def);
	cr_assert_not_null(def->state_of);
	cr_assert_str_eq(def->state_of(active), "active");
	cr_assert_str_eq(def->state_of(revoked), "revoked");
	json_decref(active);
	json_decref(revoked);
}
