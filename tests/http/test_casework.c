/*
 * The chairs' casework over HTTP: new heads' check-ins and coaching and the
 * report of those missed; support a chair brokers for a vulnerable member
 * school and its reviews; panel outcomes, development issues, requests for
 * assistance and the money granted; school-to-school support; inspections
 * and who the rule says speaks, with an officer's override; references
 * private to their writer with every read audited; the Area Analysis
 * Group's pack, received at a meeting so the next carries only what is new,
 * read by the people who sit on it; and every record's out-of-scope read
 * and write refused as if it did not exist. The pack is left for the
 * browser check (tests/contract/pack-browser.mjs), named in PACK_FIXTURE.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static long long
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/*
 * One LA with an area (and its AAG) and two consortia in it: the first of
 * a maintained category 1 school whose head chairs it, a maintained
 * category 3 school with a head new in January 2026 and an academy with a
 * head new in September 2025; the second of one school. A system leader.
 */
struct world {
	int la, chair_school, cat3, academy, other_school;
	long long area, aag, g1, g2;
	long long chair_head, new_head, academy_head, other_head, leader;
	const char *chair;        /* the first group's chair's token */
	const char *other_chair;  /* the second group's */
};

static int
school(int la, int estab, const char *name, const char *type, int category, long long area)
{
	char body[512];
	int urn = unused_urn();

	snprintf(body, sizeof body,
	         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": %d, \"name\": \"%s\", \"phase\": \"primary\", "
	         "\"type\": \"%s\", \"pupils\": 200, \"support_category\": %d, \"area_id\": %lld}",
	         urn, la, estab, name, type, category, area);
	post_created(token("officer"), "/v1/schools", body);
	return urn;
}

static long long
person(int la, const char *name, const char *email)
{
	char body[256];
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"%s\", \"email\": \"%s\"}", la, name, email);
	return post_created(token("officer"), "/v1/people", body);
}

static void
role(long long who, int urn, const char *what, const char *start)
{
	char body[256], at[32] = "";

	if (urn)
		snprintf(at, sizeof at, "\"school_urn\": %d, ", urn);
	snprintf(body, sizeof body, "{\"person_id\": %lld, %s\"role\": \"%s\", \"start_date\": \"%s\"}", who, at, what,
	         start);
	post_created(token("officer"), "/v1/person-roles", body);
}

static long long
group(int la, long long area, const char *name)
{
	char body[256];
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"%s\", \"area_id\": %lld, \"created_on\": \"2019-01-01\"}",
	         la, name, area);
	return post_created(token("officer"), "/v1/consortia", body);
}

static void
join(long long g, int urn)
{
	char body[256];
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}", g, urn);
	post_created(token("officer"), "/v1/memberships", body);
}

static struct world
build(void)
{
	struct world w = {.la = unused_la_code()};
	char body[1200], key[24];

	make_la(w.la, "Casework Borough");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"cw\", \"name\": \"Casework Area\"}", w.la);
	w.area = post_created(token("admin"), "/v1/areas", body);
	snprintf(key, sizeof key, "%lld", w.area);
	w.aag = db_scalar("SELECT id FROM body WHERE area_id = $1::bigint AND kind = 'area_analysis_group'", key);
	w.chair_school = school(w.la, 5001, "Chair Primary", "maintained", 1, w.area);
	w.cat3 = school(w.la, 5002, "Category Three Primary", "maintained", 3, w.area);
	w.academy = school(w.la, 5003, "Trust Academy", "academy", 2, w.area);
	w.other_school = school(w.la, 5004, "Other Primary", "maintained", 1, w.area);
	w.g1 = group(w.la, w.area, "Casework One");
	w.g2 = group(w.la, w.area, "Casework Two");
	join(w.g1, w.chair_school);
	join(w.g1, w.cat3);
	join(w.g1, w.academy);
	join(w.g2, w.other_school);
	w.chair_head = person(w.la, "Chair Head", "chair.head@school.example");
	w.new_head = person(w.la, "New Head", "new.head@school.example");
	w.academy_head = person(w.la, "Academy Head", "academy.head@school.example");
	w.other_head = person(w.la, "Other Head", "other.head@school.example");
	w.leader = person(w.la, "System Leader", "leader@school.example");
	role(w.chair_head, w.chair_school, "headteacher", "2010-09-01");
	role(w.new_head, w.cat3, "headteacher", "2026-01-05");
	role(w.academy_head, w.academy, "headteacher", "2025-09-01");
	role(w.other_head, w.other_school, "headteacher", "2012-09-01");
	role(w.leader, 0, "system_leader", "2020-09-01");
	snprintf(body, sizeof body,
	         "{\"group_id\": %lld, \"role\": \"chair\", \"person_id\": %lld, \"school_urn\": %d, "
	         "\"head_since\": \"2010-09-01\", \"led_school_grades\": [\"good\"], \"governing_body_support_on\": \"2020-06-01\", "
	         "\"group_backing\": \"vote\", \"time_commitment\": true, \"improvement_note\": \"rising\", "
	         "\"start_date\": \"2020-09-01\", \"end_date\": null, \"elected_on\": \"2020-07-01\"}",
	         w.g1, w.chair_head, w.chair_school);
	post_created(token("officer"), "/v1/chairs", body);
	w.chair = token_full("chair", "chair-one", w.la, w.g1, 0, 0);
	w.other_chair = token_full("chair", "chair-two", w.la, w.g2, 0, 0);
	return w;
}

/* POST body to path as tok, refused with this status, problem type and field; nothing changes. */
static void
refused_as(const char *tok, const char *path, const char *body, long status, const char *slug, const char *field)
{
	char *before = db_fingerprint();
	struct resp *r = http_json("POST", path, tok, body, NULL);

	assert_problem(r, status, slug, field);
	resp_free(r);
	assert_unchanged(before);
}

/* The items of GET path as tok (a new reference). */
static json_t *
items(const char *tok, const char *path)
{
	json_t *o = http_get_json(tok, path), *it = json_incref(json_object_get(o, "items"));

	json_decref(o);
	return it;
}

/* The item of list a whose `key` is v, or NULL (borrowed). */
static json_t *
find(const json_t *a, const char *key, long long v)
{
	size_t i;
	json_t *it;

	json_array_foreach(a, i, it)
		if (num(it, key) == v)
			return it;
	return NULL;
}

Test(casework, new_heads_are_checked_in_on_and_offered_coaching)
{
	struct world w = build();
	char body[512], path[160];
	json_t *rep, *it;
	struct resp *r;

	/* a check-in says whether well-being support was signposted, and coaching how it is paid */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"person_id\": %lld, \"kind\": \"check_in\", "
	         "\"held_on\": \"2026-11-10\"}", w.g1, w.cat3, w.new_head);
	refused_as(w.chair, "/v1/head-support", body, 422, "validation", "wellbeing_signposted");
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"person_id\": %lld, \"kind\": \"peer_coaching\", "
	         "\"held_on\": \"2026-11-10\"}", w.g1, w.cat3, w.new_head);
	refused_as(w.chair, "/v1/head-support", body, 422, "validation", "funding");
	/* the person must be the school's head that day, the school a member of the group */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"person_id\": %lld, \"kind\": \"check_in\", "
	         "\"held_on\": \"2025-11-10\", \"wellbeing_signposted\": true}", w.g1, w.cat3, w.new_head);
	refused_as(w.chair, "/v1/head-support", body, 422, "validation", "person_id");
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"person_id\": %lld, \"kind\": \"check_in\", "
	         "\"held_on\": \"2026-11-10\", \"wellbeing_signposted\": true}", w.g1, w.other_school, w.other_head);
	refused_as(w.chair, "/v1/head-support", body, 422, "validation", "school_urn");
	/* a chair keeps its own group's casework only */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"person_id\": %lld, \"kind\": \"check_in\", "
	         "\"held_on\": \"2026-11-10\", \"wellbeing_signposted\": true}", w.g2, w.other_school, w.other_head);
	refused_as(w.chair, "/v1/head-support", body, 403, "forbidden", NULL);
	refused_as(token_full("chair", "no-group", w.la, 0, 0, 0), "/v1/head-support", body, 403, "forbidden", NULL);

	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"person_id\": %lld, \"kind\": \"check_in\", "
	         "\"held_on\": \"2026-11-10\", \"wellbeing_signposted\": true, \"by_person_id\": %lld, "
	         "\"notes\": \"settling in; signposted Education Support\"}", w.g1, w.cat3, w.new_head, w.chair_head);
	r = http_json("POST", "/v1/head-support", w.chair, body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_str_eq(str(r->json, "person_name"), "New Head");
	cr_assert_str_eq(str(r->json, "by_person_name"), "Chair Head");
	cr_assert(json_is_true(json_object_get(r->json, "wellbeing_signposted")));
	cr_assert(json_is_null(json_object_get(r->json, "reported_meeting_id")));
	resp_free(r);

	/* autumn 2 of 2026: the maintained school's new head is checked in on, never offered coaching;
	 * the academy's head had no check-in, and an academy buys coaching in */
	snprintf(path, sizeof path, "/v1/reports/new-heads?as_of=2026-11-30&la=%d", w.la);
	rep = http_get_json(token("officer"), path);
	cr_assert_str_eq(str(rep, "half_term_from"), "2026-11-01");
	cr_assert_str_eq(str(rep, "half_term_to"), "2026-12-31");
	cr_assert_eq(json_array_size(json_object_get(rep, "items")), 2, "two heads newly appointed; the others long since");
	it = find(json_object_get(rep, "items"), "person_id", w.new_head);
	cr_assert_not_null(it);
	cr_assert_str_eq(str(it, "last_check_in"), "2026-11-10");
	cr_assert(json_is_false(json_object_get(it, "no_check_in")));
	cr_assert(json_is_true(json_object_get(it, "coaching_not_offered")));
	it = find(json_object_get(rep, "items"), "person_id", w.academy_head);
	cr_assert_not_null(it);
	cr_assert(json_is_true(json_object_get(it, "no_check_in")));
	cr_assert(json_is_false(json_object_get(it, "coaching_not_offered")), "an academy buys coaching in");
	json_decref(rep);

	/* the check-in of November is last half-term's by January */
	snprintf(path, sizeof path, "/v1/reports/new-heads?as_of=2027-01-10&la=%d", w.la);
	rep = http_get_json(token("officer"), path);
	it = find(json_object_get(rep, "items"), "person_id", w.new_head);
	cr_assert(json_is_true(json_object_get(it, "no_check_in")));
	json_decref(rep);

	/* coaching offered free to the maintained school's head */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"person_id\": %lld, "
	         "\"kind\": \"coaching_offered\", \"held_on\": \"2026-11-12\", \"funding\": \"free_maintained\"}",
	         w.g1, w.cat3, w.new_head);
	post_created(w.chair, "/v1/head-support", body);
	rep = http_get_json(w.chair, "/v1/reports/new-heads?as_of=2026-11-30");
	it = find(json_object_get(rep, "items"), "person_id", w.new_head);
	cr_assert(json_is_false(json_object_get(it, "coaching_not_offered")));
	cr_assert(json_is_true(json_object_get(it, "coaching_offered")));
	json_decref(rep);

	/* the head's export holds the support they had; its giver's, what they gave */
	snprintf(path, sizeof path, "/v1/people/%lld/export", w.new_head);
	rep = http_get_json(token("officer"), path);
	it = json_object_get(json_object_get(rep, "casework"), "head_support");
	cr_assert_eq(json_array_size(it), 2);
	cr_assert_str_eq(str(json_array_get(it, 0), "as"), "head");
	json_decref(rep);
	snprintf(path, sizeof path, "/v1/people/%lld/export", w.chair_head);
	rep = http_get_json(token("officer"), path);
	it = json_object_get(json_object_get(rep, "casework"), "head_support");
	cr_assert_eq(json_array_size(it), 1);
	cr_assert_str_eq(str(json_array_get(it, 0), "as"), "given_by");
	json_decref(rep);

	/* another group's chair sees none of them; a chair's token without its group reads nothing */
	rep = http_get_json(w.other_chair, "/v1/reports/new-heads?as_of=2026-11-30");
	cr_assert_eq(json_array_size(json_object_get(rep, "items")), 0);
	json_decref(rep);
	r = http("GET", "/v1/head-support", token_full("chair", "no-group", w.la, 0, 0, 0), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	r = http("GET", "/v1/reports/new-heads?as_of=2026-02-30", token("officer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "as_of");
	resp_free(r);
}

Test(casework, a_chair_brokers_support_for_a_vulnerable_member_and_reviews_it)
{
	struct world w = build();
	char body[768], path[96];
	long long support, fund;
	struct resp *r;

	snprintf(body, sizeof body, "{\"school_urn\": %d, \"start_date\": \"2026-01-10\", \"reason\": \"new head, falling roll\"}",
	         w.cat3);
	post_created(token("officer"), "/v1/vulnerabilities", body);

	/* paid from a fund, the fund must be named; and cost is said */
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"group_id\": %lld, \"brokered_by\": \"Chair Head\", "
	         "\"provider\": \"Chair Primary\", \"support\": \"Leadership coaching\", \"started_on\": \"2026-02-01\", "
	         "\"cost_pence\": 150000, \"funding\": \"fund\"}", w.cat3, w.g1);
	refused_as(w.chair, "/v1/support-records", body, 422, "validation", "fund_id");
	/* for a school of another group */
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"group_id\": %lld, \"brokered_by\": \"Chair Head\", "
	         "\"support\": \"Leadership coaching\", \"started_on\": \"2026-02-01\"}", w.other_school, w.g1);
	refused_as(w.chair, "/v1/support-records", body, 422, "validation", "school_urn");
	/* for the LA, as the LA's */
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"brokered_by\": \"Chair Head\", "
	         "\"support\": \"Leadership coaching\", \"started_on\": \"2026-02-01\"}", w.cat3);
	refused_as(w.chair, "/v1/support-records", body, 403, "forbidden", NULL);

	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"School support\", "
	         "\"academic_year\": \"2025/26\", \"pot_pence\": 1000000}", w.la);
	fund = post_created(token("officer"), "/v1/funds", body);
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"group_id\": %lld, \"brokered_by\": \"Chair Head\", "
	         "\"provider\": \"Chair Primary\", \"support\": \"Leadership coaching\", \"started_on\": \"2026-02-01\", "
	         "\"cost_pence\": 150000, \"funding\": \"fund\", \"fund_id\": %lld}", w.cat3, w.g1, fund);
	r = http_json("POST", "/v1/support-records", w.chair, body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	support = num(r->json, "id");
	cr_assert_eq(num(r->json, "cost_pence"), 150000);
	cr_assert_eq(num(r->json, "group_id"), w.g1);
	resp_free(r);

	/* progress is on track or not; effectiveness is effective or not: the two do not mix */
	snprintf(body, sizeof body, "{\"support_id\": %lld, \"kind\": \"effectiveness\", \"reviewed_on\": \"2026-03-20\", "
	         "\"rating\": \"on_track\", \"notes\": \"early days\"}", support);
	refused_as(w.chair, "/v1/support-reviews", body, 422, "validation", "rating");
	snprintf(body, sizeof body, "{\"support_id\": %lld, \"kind\": \"progress\", \"reviewed_on\": \"2026-01-20\", "
	         "\"rating\": \"on_track\", \"notes\": \"before it began\"}", support);
	refused_as(w.chair, "/v1/support-reviews", body, 422, "validation", "reviewed_on");
	snprintf(body, sizeof body, "{\"support_id\": %lld, \"kind\": \"progress\", \"reviewed_on\": \"2026-03-20\", "
	         "\"rating\": \"on_track\", \"notes\": \"new SLT in place\"}", support);
	refused_as(w.other_chair, "/v1/support-reviews", body, 403, "forbidden", NULL);
	post_created(w.chair, "/v1/support-reviews", body);
	snprintf(body, sizeof body, "{\"support_id\": %lld, \"kind\": \"effectiveness\", \"reviewed_on\": \"2026-07-10\", "
	         "\"rating\": \"effective\", \"notes\": \"outcomes rising\"}", support);
	post_created(w.chair, "/v1/support-reviews", body);
	snprintf(path, sizeof path, "/v1/support-reviews?support_id=%lld", support);
	{
		json_t *a = items(w.chair, path);
		cr_assert_eq(json_array_size(a), 2);
		json_decref(a);
		a = items(w.other_chair, path);
		cr_assert_eq(json_array_size(a), 0, "another group's chair sees none of them");
		json_decref(a);
	}
}

Test(casework, requests_for_finance_become_allocations_of_an_other_fund)
{
	struct world w = build();
	char body[768], path[96];
	long long fund, mine, theirs, request;
	struct resp *r;

	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"other\", \"name\": \"Hardship\", "
	         "\"academic_year\": \"2025/26\", \"pot_pence\": 1000000}", w.la);
	fund = post_created(token("officer"), "/v1/funds", body);
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 250000, \"payee_urn\": %d}",
	         fund, w.g1, w.chair_school);
	mine = post_created(token("officer"), "/v1/fund-allocations", body);
	snprintf(body, sizeof body, "{\"fund_id\": %lld, \"group_id\": %lld, \"amount_pence\": 1000, \"payee_urn\": %d}",
	         fund, w.g2, w.other_school);
	theirs = post_created(token("officer"), "/v1/fund-allocations", body);

	/* money is asked for in a request for finance only */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"requested_on\": \"2026-03-01\", \"asked_of\": \"aag\", "
	         "\"kind\": \"assistance\", \"request\": \"an HR adviser\", \"amount_pence\": 500}", w.g1);
	refused_as(w.chair, "/v1/assistance-requests", body, 422, "validation", "amount_pence");
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"requested_on\": \"2026-03-01\", "
	         "\"asked_of\": \"aag\", \"kind\": \"finance\", \"request\": \"cover for a long absence\", "
	         "\"amount_pence\": 250000}", w.g1, w.cat3);
	request = post_created(w.chair, "/v1/assistance-requests", body);
	snprintf(path, sizeof path, "/v1/assistance-requests/%lld", request);

	/* a decision comes with its day; the money granted is the group's allocation of a fund of kind other */
	r = http_json("PATCH", path, w.chair, "{\"decision\": \"granted\"}", "*");
	assert_problem(r, 422, "validation", "decided_on");
	resp_free(r);
	snprintf(body, sizeof body, "{\"decision\": \"granted\", \"decided_on\": \"2026-03-20\", \"allocation_id\": %lld}",
	         theirs);
	r = http_json("PATCH", path, w.chair, body, "*");
	assert_problem(r, 422, "validation", "allocation_id");
	resp_free(r);
	snprintf(body, sizeof body, "{\"decision\": \"granted\", \"decided_on\": \"2026-03-20\", \"allocation_id\": %lld, "
	         "\"decision_notes\": \"from the hardship fund\"}", mine);
	r = http_json("PATCH", path, w.chair, body, "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(num(r->json, "allocation_id"), mine);
	cr_assert_str_eq(str(r->json, "decision"), "granted");
	resp_free(r);
	{
		json_t *a = items(token("officer"), "/v1/assistance-requests?decided=true&kind=finance");
		cr_assert_not_null(find(a, "id", request));
		json_decref(a);
	}
}

Test(casework, inspections_are_spoken_for_as_the_rule_says_or_an_officer_overrides)
{
	struct world w = build();
	char body[768];
	struct resp *r;

	/* a category 1 maintained school: its group's chair */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"inspected_on\": \"2026-05-12\", "
	         "\"inspectorate\": \"ofsted\", \"speaker_role\": \"chair\", \"speaker_person_id\": %lld}",
	         w.g1, w.chair_school, w.leader);
	refused_as(w.chair, "/v1/inspections", body, 422, "validation", "speaker_person_id");
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"inspected_on\": \"2026-05-12\", "
	         "\"inspectorate\": \"ofsted\", \"speaker_role\": \"chair\", \"speaker_person_id\": %lld}",
	         w.g1, w.chair_school, w.chair_head);
	r = http_json("POST", "/v1/inspections", w.chair, body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_str_eq(str(r->json, "expected_speaker_role"), "chair");
	cr_assert_eq(num(r->json, "expected_speaker_person_id"), w.chair_head);
	cr_assert_str_eq(str(r->json, "speaker_name"), "Chair Head");
	resp_free(r);

	/* a maintained category 3 school: its allocated system leader, not the chair */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"inspected_on\": \"2026-06-02\", "
	         "\"inspectorate\": \"ofsted\", \"speaker_role\": \"chair\", \"speaker_person_id\": %lld}",
	         w.g1, w.cat3, w.chair_head);
	refused_as(w.chair, "/v1/inspections", body, 422, "validation", "speaker_person_id");
	/* only a system leader is allocated, and only the LA's officers allocate */
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"person_id\": %lld, \"start_date\": \"2026-01-01\"}",
	         w.cat3, w.chair_head);
	refused_as(token("officer"), "/v1/system-leaders", body, 422, "validation", "person_id");
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"person_id\": %lld, \"start_date\": \"2026-01-01\"}",
	         w.cat3, w.leader);
	refused_as(w.chair, "/v1/system-leaders", body, 403, "forbidden", NULL);
	post_created(token("officer"), "/v1/system-leaders", body);
	refused_as(token("officer"), "/v1/system-leaders", body, 409, "conflict", "start_date");
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"inspected_on\": \"2026-06-02\", "
	         "\"inspectorate\": \"ofsted\", \"speaker_role\": \"system_leader\", \"speaker_person_id\": %lld}",
	         w.g1, w.cat3, w.leader);
	post_created(w.chair, "/v1/inspections", body);

	/* an academy: the trust's CEO, who is no person of the LA */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"inspected_on\": \"2026-06-09\", "
	         "\"inspectorate\": \"ofsted\", \"speaker_role\": \"chair\", \"speaker_person_id\": %lld}",
	         w.g1, w.academy, w.chair_head);
	refused_as(w.chair, "/v1/inspections", body, 422, "validation", "speaker_person_id");
	/* the chair may not override the rule; an officer may, with a reason */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"inspected_on\": \"2026-06-09\", "
	         "\"inspectorate\": \"ofsted\", \"speaker_role\": \"chair\", \"speaker_person_id\": %lld, "
	         "\"override_reason\": \"the CEO was abroad; the trust asked the chair\"}", w.g1, w.academy, w.chair_head);
	refused_as(w.chair, "/v1/inspections", body, 403, "forbidden", "override_reason");
	r = http_json("POST", "/v1/inspections", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_str_eq(str(r->json, "expected_speaker_role"), "trust_ceo");
	resp_free(r);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"inspected_on\": \"2026-07-01\", "
	         "\"inspectorate\": \"hmi\", \"speaker_role\": \"trust_ceo\", \"speaker_name\": \"Dr T Trust\"}",
	         w.g1, w.academy);
	post_created(w.chair, "/v1/inspections", body);
	{
		json_t *a = items(token("officer"), "/v1/inspections?overridden=true");
		size_t mine = 0, i;
		json_t *it;
		json_array_foreach(a, i, it)
			mine += num(it, "group_id") == w.g1;
		cr_assert_eq(mine, 1);
		json_decref(a);
	}
}

Test(casework, a_reference_is_its_writers_and_the_admins_and_every_read_is_audited)
{
	struct world w = build();
	const char *deputy_chair = token_full("chair", "chair-deputy", w.la, w.g1, 0, 0);
	char body[512], path[96], key[24];
	long long deputy = person(w.la, "A Deputy", "deputy@school.example"), ref;
	struct resp *r;
	json_t *a;

	snprintf(body, sizeof body, "{\"group_id\": %lld, \"candidate_person_id\": %lld, \"asked_by\": \"Hill Primary's governors\", "
	         "\"post\": \"Headteacher, Hill Primary\", \"asked_on\": \"2026-04-01\", \"given_on\": \"2026-04-08\"}", w.g1, deputy);
	r = http_json("POST", "/v1/references", w.chair, body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	ref = num(r->json, "id");
	cr_assert_str_eq(str(r->json, "written_by"), "chair-one");
	cr_assert_str_eq(str(r->json, "candidate_name"), "A Deputy");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/references/%lld", ref);
	snprintf(key, sizeof key, "%lld", ref);

	/* its writer and admins read it; another chair of the same group, the LA's officers, do not */
	json_decref(http_get_json(w.chair, path));
	json_decref(http_get_json(token("admin"), path));
	for (int i = 0; i < 3; i++) {
		const char *tok = i == 0 ? deputy_chair : i == 1 ? token_scoped("officer", w.la, 0) : token("officer");
		r = http("GET", path, tok, NULL, NULL);
		assert_problem(r, 404, "not-found", NULL);
		resp_free(r);
		r = http_json("PATCH", path, tok, "{\"post\": \"changed\"}", "*");
		assert_problem(r, 404, "not-found", NULL);
		resp_free(r);
		a = items(tok, "/v1/references");
		cr_assert_null(find(a, "id", ref), "not in another's list");
		json_decref(a);
	}
	a = items(w.chair, "/v1/references");
	cr_assert_not_null(find(a, "id", ref));
	json_decref(a);

	/* a confidential reference is not in its subject's export */
	snprintf(path, sizeof path, "/v1/people/%lld/export", deputy);
	a = http_get_json(token("admin"), path);
	{
		char *text = json_dumps(a, JSON_COMPACT);
		bool held = strstr(text, "Hill Primary") != NULL;
		free(text);
		cr_assert(!held, "the export holds no reference");
	}
	json_decref(a);

	/* the reads are on the audit trail: two by its writer (one a list), one by the admin; none by the others */
	cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event WHERE resource = 'reference' AND resource_id = $1 "
	                       "AND action = 'read' AND subject = 'chair-one'", key), 2);
	cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event WHERE resource = 'reference' AND resource_id = $1 "
	                       "AND action = 'read' AND role = 'admin'", key), 1);
	cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event WHERE resource = 'reference' AND resource_id = $1 "
	                       "AND action = 'read'", key), 3);
	cr_assert_eq(db_scalar("SELECT count(*) FROM audit_event WHERE resource = 'reference' AND resource_id = $1 "
	                       "AND action = 'create'", key), 1);

	/* the trail of a reference is the admins' alone: what it said is in its events */
	snprintf(path, sizeof path, "/v1/audit-events?resource=reference&resource_id=%lld", ref);
	a = items(token_scoped("officer", w.la, 0), path);
	cr_assert_eq(json_array_size(a), 0, "an officer of its LA reads none of its events");
	json_decref(a);
	a = items(token("admin"), path);
	cr_assert_eq(json_array_size(a), 4, "its creation and its three reads");
	json_decref(a);
}

/* A meeting of the AAG on a day. */
static long long
aag_meeting(const struct world *w, const char *on)
{
	char body[256];
	snprintf(body, sizeof body, "{\"body_id\": %lld, \"held_on\": \"%s\", \"attended_person_ids\": []}", w->aag, on);
	return post_created(token("officer"), "/v1/meetings", body);
}

static json_t *
pack(const char *tok, long long body, long long meeting)
{
	char path[128];
	snprintf(path, sizeof path, "/v1/bodies/%lld/pack?meeting=%lld", body, meeting);
	return http_get_json(tok, path);
}

Test(casework, the_aag_receives_what_is_new_since_its_last_meeting)
{
	struct world w = build();
	char body[768], path[128];
	long long first, second, support, member, panel, issue, later_panel;
	const char *member_token;
	struct resp *r;
	json_t *p, *s;
	FILE *f;

	snprintf(body, sizeof body, "{\"school_urn\": %d, \"start_date\": \"2026-01-10\", \"reason\": \"falling roll\"}", w.cat3);
	post_created(token("officer"), "/v1/vulnerabilities", body);
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"group_id\": %lld, \"brokered_by\": \"Chair Head\", "
	         "\"support\": \"Leadership coaching\", \"started_on\": \"2026-02-01\", \"cost_pence\": 80000, "
	         "\"funding\": \"contributed\"}", w.cat3, w.g1);
	support = post_created(w.chair, "/v1/support-records", body);
	snprintf(body, sizeof body, "{\"support_id\": %lld, \"kind\": \"progress\", \"reviewed_on\": \"2026-03-01\", "
	         "\"rating\": \"some_concerns\", \"notes\": \"slow start\"}", support);
	post_created(w.chair, "/v1/support-reviews", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"panel\": \"fap\", \"held_on\": \"2026-02-20\", "
	         "\"pupils_considered\": 4, \"outcome\": \"all placed\", \"capacity_view\": \"stretched in year 6\"}", w.g1);
	panel = post_created(w.chair, "/v1/panel-outcomes", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"raised_on\": \"2026-02-25\", \"issue\": \"recruitment of SENCOs\"}",
	         w.g2);
	issue = post_created(w.other_chair, "/v1/development-issues", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"person_id\": %lld, \"kind\": \"check_in\", "
	         "\"held_on\": \"2026-02-02\", \"wellbeing_signposted\": false}", w.g1, w.cat3, w.new_head);
	post_created(w.chair, "/v1/head-support", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"candidate_person_id\": %lld, \"asked_by\": \"Governors\", "
	         "\"post\": \"Headteacher\", \"asked_on\": \"2026-02-01\"}", w.g1, w.new_head);
	post_created(w.chair, "/v1/references", body);

	first = aag_meeting(&w, "2026-03-10");
	/* the first pack: everything dated by its meeting, nothing received yet */
	p = pack(token("officer"), w.aag, first);
	cr_assert(json_is_false(json_object_get(p, "received")));
	cr_assert(json_is_null(json_object_get(p, "since")));
	cr_assert_eq(json_array_size(json_object_get(p, "vulnerable_schools")), 1);
	s = json_array_get(json_object_get(json_array_get(json_object_get(p, "vulnerable_schools"), 0), "support"), 0);
	cr_assert_eq(num(s, "id"), support);
	cr_assert_eq(num(s, "cost_pence"), 80000);
	cr_assert_eq(json_array_size(json_object_get(s, "reviews")), 1);
	cr_assert_eq(num(json_array_get(json_object_get(p, "panel_outcomes"), 0), "pupils_considered"), 4);
	cr_assert_not_null(find(json_object_get(p, "development_issues"), "id", issue), "both groups of the area");
	cr_assert_not_null(find(json_object_get(p, "new_heads"), "person_id", w.new_head));
	cr_assert_null(json_object_get(p, "references"), "references are never in the pack");
	json_decref(p);

	/* the people who sit on the AAG read its pack, and nothing else */
	snprintf(body, sizeof body, "{\"body_id\": %lld, \"person_id\": %lld, \"role\": \"member\", \"start_date\": \"2026-01-01\"}",
	         w.aag, w.other_head);
	post_created(token("officer"), "/v1/body-members", body);
	member_token = token_full("member", "other-head", 0, 0, w.aag, w.other_head);
	p = pack(member_token, w.aag, first);
	cr_assert_eq(num(p, "meeting_id"), first);
	json_decref(p);
	r = http("GET", "/v1/head-support", member_token, NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/bodies/%lld", w.aag);
	r = http("GET", path, member_token, NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	/* a person who does not sit on it, or another body, is as if none */
	member = person(w.la, "Not A Member", "not.member@school.example");
	snprintf(path, sizeof path, "/v1/bodies/%lld/pack?meeting=%lld", w.aag, first);
	r = http("GET", path, token_full("member", "stranger", 0, 0, w.aag, member), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/bodies/%lld/pack?meeting=%lld", w.aag + 1000000, first);
	r = http("GET", path, member_token, NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	/* a group's body is no AAG; a meeting must be the AAG's; the meeting is required */
	snprintf(path, sizeof path, "/v1/bodies/%lld/pack?meeting=%lld",
	         db_scalar("SELECT id FROM body WHERE group_id = $1::bigint", (snprintf(body, sizeof body, "%lld", w.g1), body)),
	         first);
	r = http("GET", path, token("officer"), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/bodies/%lld/pack", w.aag);
	r = http("GET", path, token("officer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "meeting");
	resp_free(r);
	r = http("GET", path, token_full("member", "t", 0, 0, w.aag, 0), NULL, NULL);
	cr_assert_eq(r->status, 401, "a member's token names its person");
	resp_free(r);

	/* received at the first meeting: marked; the second meeting's pack carries only what is new */
	snprintf(path, sizeof path, "/v1/meetings/%lld/receive-pack", first);
	r = http_json("POST", path, w.chair, NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	r = http_json("POST", path, token("officer"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_true(json_object_get(r->json, "received")));
	resp_free(r);
	snprintf(path, sizeof path, "/v1/panel-outcomes/%lld", panel);
	p = http_get_json(w.chair, path);
	cr_assert_eq(num(p, "reported_meeting_id"), first);
	json_decref(p);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"panel\": \"assessment_gateway\", \"held_on\": \"2026-04-20\", "
	         "\"pupils_considered\": 2, \"outcome\": \"one referred\"}", w.g1);
	later_panel = post_created(w.chair, "/v1/panel-outcomes", body);
	snprintf(body, sizeof body, "{\"support_id\": %lld, \"kind\": \"effectiveness\", \"reviewed_on\": \"2026-04-30\", "
	         "\"rating\": \"partly_effective\", \"notes\": \"attendance up\"}", support);
	post_created(w.chair, "/v1/support-reviews", body);
	second = aag_meeting(&w, "2026-05-12");
	p = pack(token("officer"), w.aag, second);
	cr_assert_str_eq(str(p, "since"), "2026-03-10");
	cr_assert_eq(json_array_size(json_object_get(p, "panel_outcomes")), 1);
	cr_assert_eq(num(json_array_get(json_object_get(p, "panel_outcomes"), 0), "id"), later_panel);
	cr_assert_eq(json_array_size(json_object_get(p, "development_issues")), 0);
	s = json_array_get(json_object_get(json_array_get(json_object_get(p, "vulnerable_schools"), 0), "support"), 0);
	cr_assert(json_is_true(json_object_get(s, "reported_before")), "in for its new review only");
	cr_assert_eq(json_array_size(json_object_get(s, "reviews")), 1);
	cr_assert_str_eq(str(json_array_get(json_object_get(s, "reviews"), 0), "rating"), "partly_effective");
	s = find(json_object_get(p, "new_heads"), "person_id", w.new_head);
	cr_assert_not_null(s, "still a new head");
	cr_assert_eq(json_array_size(json_object_get(s, "support")), 0, "the check-in went in the first pack");
	json_decref(p);
	/* the first meeting's pack is still what it received */
	p = pack(token("officer"), w.aag, first);
	cr_assert(json_is_true(json_object_get(p, "received")));
	cr_assert_eq(json_array_size(json_object_get(p, "panel_outcomes")), 1);
	cr_assert_eq(num(json_array_get(json_object_get(p, "panel_outcomes"), 0), "id"), panel);
	json_decref(p);
	/* only an AAG's meeting receives a pack */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"held_on\": \"2026-05-01\", \"attended_urns\": [%d]}", w.g1, w.cat3);
	snprintf(path, sizeof path, "/v1/meetings/%lld/receive-pack", post_created(w.chair, "/v1/meetings", body));
	refused_as(token("officer"), path, NULL, 409, "conflict", NULL);

	/* the page: the same pack, printable */
	snprintf(path, sizeof path, "/v1/bodies/%lld/pack?meeting=%lld", w.aag, second);
	{
		const char *accept[] = {"Accept: text/html", NULL};
		r = http("GET", path, member_token, NULL, accept);
		cr_assert_eq(r->status, 200);
		cr_assert(strstr(r->body, "data-field=\"since\"") != NULL);
		cr_assert(strstr(r->body, "Casework Area") != NULL);
		resp_free(r);
	}
	if (getenv("PACK_FIXTURE") && (f = fopen(getenv("PACK_FIXTURE"), "w")) != NULL) {
		fprintf(f, "%lld %lld %lld\n", w.aag, second, w.other_head);
		fclose(f);
	}
}

/*
 * Every kind of casework record, made in the first group: read, listed,
 * changed and deleted by a caller who does not reach it, it is as if it did
 * not exist (404, absent from the list), and nothing changes.
 */
struct kind {
	const char *path;
	char body[512];
	const char *patch;
	bool del;
};

Test(casework, every_record_out_of_a_callers_reach_is_not_found)
{
	struct world w = build();
	int stranger_la = unused_la_code();
	long long support, deputy;
	const char *outsiders[5];
	struct kind k[10];
	char body[512];
	size_t n = 0;

	make_la(stranger_la, "Stranger Borough");
	snprintf(body, sizeof body, "{\"school_urn\": %d, \"start_date\": \"2026-01-10\", \"reason\": \"falling roll\"}", w.cat3);
	post_created(token("officer"), "/v1/vulnerabilities", body);
	deputy = person(w.la, "Deputy", "dep@school.example");

	k[n] = (struct kind){"/v1/support-records", "", "{\"support\": \"x\"}", false};
	snprintf(k[n++].body, sizeof k[0].body, "{\"school_urn\": %d, \"group_id\": %lld, \"brokered_by\": \"Chair\", "
	         "\"support\": \"coaching\", \"started_on\": \"2026-02-01\"}", w.cat3, w.g1);
	support = post_created(w.chair, k[0].path, k[0].body);
	k[n] = (struct kind){"/v1/support-reviews", "", "{\"notes\": \"x\"}", false};
	snprintf(k[n++].body, sizeof k[0].body, "{\"support_id\": %lld, \"kind\": \"progress\", \"reviewed_on\": \"2026-03-01\", "
	         "\"rating\": \"on_track\", \"notes\": \"fine\"}", support);
	k[n] = (struct kind){"/v1/head-support", "", "{\"notes\": \"x\"}", true};
	snprintf(k[n++].body, sizeof k[0].body, "{\"group_id\": %lld, \"school_urn\": %d, \"person_id\": %lld, \"kind\": \"mentoring\", "
	         "\"held_on\": \"2026-02-02\"}", w.g1, w.cat3, w.new_head);
	k[n] = (struct kind){"/v1/panel-outcomes", "", "{\"outcome\": \"x\"}", true};
	snprintf(k[n++].body, sizeof k[0].body, "{\"group_id\": %lld, \"panel\": \"fap\", \"held_on\": \"2026-02-20\", "
	         "\"pupils_considered\": 1, \"outcome\": \"placed\"}", w.g1);
	k[n] = (struct kind){"/v1/development-issues", "", "{\"issue\": \"x\"}", true};
	snprintf(k[n++].body, sizeof k[0].body, "{\"group_id\": %lld, \"raised_on\": \"2026-02-20\", \"issue\": \"SEND\"}", w.g1);
	k[n] = (struct kind){"/v1/assistance-requests", "", "{\"request\": \"x\"}", true};
	snprintf(k[n++].body, sizeof k[0].body, "{\"group_id\": %lld, \"requested_on\": \"2026-02-20\", \"asked_of\": \"wsip\", "
	         "\"kind\": \"assistance\", \"request\": \"a data analyst\"}", w.g1);
	k[n] = (struct kind){"/v1/school-to-school-support", "", "{\"focus\": \"x\"}", true};
	snprintf(k[n++].body, sizeof k[0].body, "{\"group_id\": %lld, \"kind\": \"learning_walk\", \"providing_school_urn\": %d, "
	         "\"receiving_school_urn\": %d, \"held_on\": \"2026-02-20\", \"focus\": \"phonics\"}", w.g1, w.chair_school, w.cat3);
	k[n] = (struct kind){"/v1/inspections", "", "{\"outcome\": \"x\"}", true};
	snprintf(k[n++].body, sizeof k[0].body, "{\"group_id\": %lld, \"school_urn\": %d, \"inspected_on\": \"2026-02-20\", "
	         "\"inspectorate\": \"ofsted\", \"speaker_role\": \"chair\", \"speaker_person_id\": %lld}",
	         w.g1, w.chair_school, w.chair_head);
	k[n] = (struct kind){"/v1/references", "", "{\"post\": \"x\"}", true};
	snprintf(k[n++].body, sizeof k[0].body, "{\"group_id\": %lld, \"candidate_person_id\": %lld, \"asked_by\": \"Governors\", "
	         "\"post\": \"Head\", \"asked_on\": \"2026-02-01\"}", w.g1, deputy);
	k[n] = (struct kind){"/v1/system-leaders", "", "{\"end_date\": \"2027-01-01\"}", true};
	snprintf(k[n++].body, sizeof k[0].body, "{\"school_urn\": %d, \"person_id\": %lld, \"start_date\": \"2026-01-01\"}",
	         w.cat3, w.leader);

	/* another group's chair, an officer of another LA, a chair of another group with the writer's subject,
	 * a chair's token scoped to another school, and (for a reference) the LA's own officer */
	outsiders[0] = w.other_chair;
	outsiders[1] = token_scoped("officer", stranger_la, 0);
	outsiders[2] = token_full("chair", "chair-one", w.la, w.g2, 0, 0);   /* its writer's name, another group */
	outsiders[3] = token_group("chair", w.la, w.other_school, w.g2);
	outsiders[4] = token_scoped("officer", w.la, 0);

	for (size_t i = 0; i < n; i++) {
		const char *maker = strcmp(k[i].path, "/v1/system-leaders") == 0 ? token("officer") : w.chair;
		long long id = i == 0 ? support : post_created(maker, k[i].path, k[i].body);
		char path[96], list[160];
		bool sees_all = strcmp(k[i].path, "/v1/references") != 0;   /* the LA's officer reaches all but references */

		snprintf(path, sizeof path, "%s/%lld", k[i].path, id);
		for (size_t o = 0; o < 5; o++) {
			char *before;
			struct resp *r;
			json_t *a;

			/* a chair may not write a system leader's allocation at all: 403 before any lookup */
			long write_refusal = o != 1 && o != 4 && strcmp(k[i].path, "/v1/system-leaders") == 0 ? 403 : 404;

			if (o == 4 && sees_all)
				continue;
			before = db_fingerprint();
			r = http("GET", path, outsiders[o], NULL, NULL);
			cr_assert_eq(r->status, 404, "%s as outsider %zu: %ld %s", path, o, r->status, r->body);
			assert_problem(r, 404, "not-found", NULL);
			resp_free(r);
			r = http_json("PATCH", path, outsiders[o], k[i].patch, "*");
			assert_problem(r, write_refusal, write_refusal == 404 ? "not-found" : "forbidden", NULL);
			resp_free(r);
			if (k[i].del) {
				r = http("DELETE", path, outsiders[o], NULL, (const char *[]){"If-Match: *", NULL});
				assert_problem(r, write_refusal, write_refusal == 404 ? "not-found" : "forbidden", NULL);
				resp_free(r);
			}
			assert_unchanged(before);
			snprintf(list, sizeof list, "%s?limit=500", k[i].path);
			a = items(outsiders[o], list);
			cr_assert_null(find(a, "id", id), "%s listed to outsider %zu", path, o);
			json_decref(a);
		}
		/* roles whose work does not need casework are refused at the door */
		for (size_t o = 0; o < 3 && strcmp(k[i].path, "/v1/support-records") != 0; o++) {
			const char *tok = o == 0 ? token("viewer") : o == 1 ? token("finance")
			                                  : token_full("member", "m", 0, 0, w.aag, w.other_head);
			struct resp *r = http("GET", path, tok, NULL, NULL);
			assert_problem(r, 403, "forbidden", NULL);
			resp_free(r);
		}
	}
}
