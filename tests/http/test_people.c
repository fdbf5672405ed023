/*
 * People and the bodies they sit on, over HTTP: a person recorded once and
 * named by the register, appointments and nominations; roles over dates;
 * bodies of every kind with members and targets; meetings with attendance
 * of members only, apologies, actions and items received; the body report
 * against its targets on both sides of each line, as JSON and as a page,
 * and the LA's list of bodies below target. The forum's report is left
 * for the browser check (tests/contract/body-report-browser.mjs), named in
 * BODY_REPORT_FIXTURE.
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

/* An officer's POST of body to path, refused with this status, problem type and field. */
static void
refused(const char *path, const char *body, long status, const char *slug, const char *field)
{
	struct resp *r = http_json("POST", path, token("officer"), body, NULL);
	assert_problem(r, status, slug, field);
	resp_free(r);
}

static long long
person(int la, const char *name, const char *email)
{
	char body[512];
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"%s\", \"email\": %s%s%s}", la, name,
	         email ? "\"" : "", email ? email : "null", email ? "\"" : "");
	return post_created(token("officer"), "/v1/people", body);
}

/* A person of an LA of their own, made between a fingerprint and the next (*before is taken again). */
static long long
stranger_person(char **before)
{
	int other = unused_la_code();
	long long id;

	make_la(other, "Elsewhere");
	free(*before);
	id = person(other, "Someone Else", NULL);
	*before = db_fingerprint();
	return id;
}

static long long
body_of(int la, const char *kind, const char *name, const char *targets)
{
	char body[512];
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"%s\", \"name\": \"%s\"%s%s}", la, kind, name,
	         targets ? ", " : "", targets ? targets : "");
	return post_created(token("officer"), "/v1/bodies", body);
}

static long long
seat(long long body, long long who, const char *role, const char *start, const char *end)
{
	char b[256];
	snprintf(b, sizeof b, "{\"body_id\": %lld, \"person_id\": %lld, \"role\": \"%s\", \"start_date\": \"%s\", "
	         "\"end_date\": %s%s%s}", body, who, role, start, end ? "\"" : "", end ? end : "null", end ? "\"" : "");
	return post_created(token("officer"), "/v1/body-members", b);
}

/* "[1, 2]" from ids (0-terminated). */
static void
ids(char *out, size_t n, const long long *v)
{
	size_t used = (size_t)snprintf(out, n, "[");
	for (int i = 0; v[i]; i++)
		used += (size_t)snprintf(out + used, n - used, "%s%lld", i ? ", " : "", v[i]);
	snprintf(out + used, n - used, "]");
}

static struct resp *
try_meet(long long body, const char *on, const long long *attended, const long long *apologies, const char *extra)
{
	char a[256], s[256], b[2048];
	ids(a, sizeof a, attended);
	ids(s, sizeof s, apologies);
	snprintf(b, sizeof b, "{\"body_id\": %lld, \"held_on\": \"%s\", \"attended_person_ids\": %s, "
	         "\"apologies_person_ids\": %s%s%s}", body, on, a, s, extra ? ", " : "", extra ? extra : "");
	return http_json("POST", "/v1/meetings", token("officer"), b, NULL);
}

static long long
meet(long long body, const char *on, const long long *attended, const long long *apologies, const char *extra)
{
	struct resp *r = try_meet(body, on, attended, apologies, extra);
	long long id;

	cr_assert_eq(r->status, 201, "meeting on %s: %s", on, r->body);
	id = num(r->json, "id");
	resp_free(r);
	return id;
}

static json_t *
report(long long body, const char *year, const char *as_of)
{
	char path[160];
	snprintf(path, sizeof path, "/v1/bodies/%lld/report?academic_year=%s&as_of=%s", body, year, as_of);
	return http_get_json(token("viewer"), path);
}

/* The report's line for person p (borrowed), or NULL. */
static json_t *
member_line(const json_t *rep, long long p)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(json_object_get(rep, "attendance"), "members"), i, it)
		if (num(it, "person_id") == p)
			return it;
	return NULL;
}

static const char *
term_status(const json_t *rep, const char *term)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(json_object_get(rep, "meetings"), "terms"), i, it)
		if (strcmp(str(it, "term"), term) == 0)
			return str(it, "status");
	return NULL;
}

Test(people, a_person_is_kept_once_and_only_the_las_officers_read_them)
{
	int la = unused_la_code();
	char path[96], *before;
	struct resp *r;
	long long p;

	make_la(la, "People Borough");
	p = person(la, "Ada Lovelace", "ada@school.example");
	/* the same work email is the same person, whatever its case */
	before = db_fingerprint();
	snprintf(path, sizeof path, "{\"la_code\": %d, \"name\": \"Another Ada\", \"email\": \"ADA@school.example\"}", la);
	refused("/v1/people", path, 409, "conflict", "email");
	snprintf(path, sizeof path, "{\"la_code\": %d, \"name\": \"X\", \"email\": \"not an email\"}", la);
	refused("/v1/people", path, 422, "validation", "email");
	snprintf(path, sizeof path, "{\"la_code\": %d, \"name\": \"X\"}", unused_la_code());
	refused("/v1/people", path, 422, "validation", "la_code");
	/* people's data is the LA's officers' to read: not a viewer's or a chair's */
	snprintf(path, sizeof path, "/v1/people/%lld", p);
	r = http("GET", path, token("viewer"), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	r = http("GET", "/v1/people", token("chair"), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	/* nor another LA's officer's */
	r = http("GET", path, token_scoped("officer", la == 999 ? 998 : la + 1, 0), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/people/%lld/erase", p);
	r = http_json("POST", path, token("officer"), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	assert_unchanged(before);
	r = http("GET", "/v1/people?email=ADA%40SCHOOL.EXAMPLE", token_scoped("officer", la, 0), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1);
	cr_assert_eq(num(json_array_get(json_object_get(r->json, "items"), 0), "id"), p);
	resp_free(r);
}

Test(people, the_register_names_heads_and_a_new_head_starts_a_new_headship)
{
	int la = unused_la_code(), urn;
	char path[96], body[256], today[11];
	json_t *s, *roles, *old_head, *new_head;
	long long first, second;
	struct resp *r;

	make_la(la, "Heads Borough");
	urn = make_school(la, 4101, "Headship Primary", "primary");
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	r = http_json("PATCH", path, token("officer"),
	              "{\"headteacher_name\": \"Mr Grey\", \"headteacher_appointed_on\": \"2012-09-01\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	first = db_scalar("SELECT headteacher_person_id FROM school WHERE urn = $1::integer",
	                  (snprintf(body, sizeof body, "%d", urn), body));
	cr_assert_gt(first, 0, "the head is a person");
	snprintf(path, sizeof path, "/v1/people/%lld", first);
	s = http_get_json(token("officer"), path);
	cr_assert_str_eq(str(s, "name"), "Mr Grey");
	cr_assert_str_eq(str(s, "head_since"), "2012-09-01");
	roles = json_object_get(s, "roles");
	cr_assert_eq(json_array_size(roles), 1);
	cr_assert_str_eq(str(json_array_get(roles, 0), "role"), "headteacher");
	cr_assert_str_eq(str(json_array_get(roles, 0), "start_date"), "2012-09-01");
	json_decref(s);

	/* the same name with a corrected date is the same headship, moved */
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	r = http_json("PATCH", path, token("officer"), "{\"headteacher_appointed_on\": \"2011-09-01\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	cr_assert_eq(db_scalar("SELECT count(*) FROM person_role WHERE school_urn = $1::integer", body), 1);

	/* another name with no date: a new head from today, the last headship ended yesterday */
	r = http_json("PATCH", path, token("officer"), "{\"headteacher_name\": \"Ms Green\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	snprintf(today, sizeof today, "%s", str(r->json, "headteacher_appointed_on"));
	cr_assert(json_is_true(json_object_get(r->json, "headteacher_newly_appointed")), "%s", r->body);
	resp_free(r);
	cr_assert_eq(db_scalar("SELECT (headteacher_appointed_on = london_today())::int FROM school WHERE urn = $1::integer", body), 1);
	second = db_scalar("SELECT headteacher_person_id FROM school WHERE urn = $1::integer", body);
	cr_assert_neq(second, first);
	snprintf(path, sizeof path, "/v1/person-roles?school_urn=%d&role=headteacher", urn);
	s = http_get_json(token("officer"), path);
	cr_assert_eq(json_array_size(json_object_get(s, "items")), 2);
	old_head = json_array_get(json_object_get(s, "items"), 0);
	new_head = json_array_get(json_object_get(s, "items"), 1);
	cr_assert_eq(num(old_head, "person_id"), first);
	cr_assert_eq(num(new_head, "person_id"), second);
	cr_assert_str_eq(str(new_head, "start_date"), today);
	cr_assert_str_eq(str(new_head, "source"), "register");
	cr_assert_eq(db_scalar("SELECT (end_date = london_today() - 1)::int FROM person_role WHERE person_id = $1::bigint",
	                       (snprintf(body, sizeof body, "%lld", first), body)), 1);
	json_decref(s);

	/* a school has one head on any day: a second headship recorded by hand overlaps */
	snprintf(body, sizeof body, "{\"person_id\": %lld, \"school_urn\": %d, \"role\": \"headteacher\", "
	         "\"start_date\": \"2019-01-01\"}", first, urn);
	refused("/v1/person-roles", body, 409, "conflict", "start_date");
	/* a role held at a school needs the school, and a school of the person's LA */
	snprintf(body, sizeof body, "{\"person_id\": %lld, \"role\": \"deputy_headteacher\"}", first);
	refused("/v1/person-roles", body, 422, "validation", "school_urn");
	/* a peer coach for the LA needs none; the person's roles show it */
	snprintf(body, sizeof body, "{\"person_id\": %lld, \"role\": \"peer_coach\", \"start_date\": \"2022-09-01\"}",
	         first);
	post_created(token("officer"), "/v1/person-roles", body);
	snprintf(path, sizeof path, "/v1/people?role=peer_coach&la=%d", la);
	s = http_get_json(token("officer"), path);
	cr_assert_eq(json_array_size(json_object_get(s, "items")), 1);
	json_decref(s);
}

Test(people, appointments_and_nominations_name_people)
{
	int la = unused_la_code(), urn, urn2;
	char body[1400], path[96], *before;
	long long g, g2, p, chair, chair2;
	struct resp *r;
	json_t *o;

	make_la(la, "Chairs Borough");
	urn = make_school(la, 4201, "Named Primary", "primary");
	urn2 = make_school(la, 4202, "Named Two Primary", "primary");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Named\", \"created_on\": \"2019-01-01\"}", la);
	g = post_created(token("officer"), "/v1/consortia", body);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Named Two\", \"created_on\": \"2019-01-01\"}", la);
	g2 = post_created(token("officer"), "/v1/consortia", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}", g, urn);
	post_created(token("officer"), "/v1/memberships", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2020-09-01\"}", g2, urn2);
	post_created(token("officer"), "/v1/memberships", body);

#define APPOINTMENT                                                                                  \
	"\"school_urn\": %d, \"head_since\": \"2010-09-01\", \"led_school_grades\": [\"good\"], "        \
	"\"governing_body_support_on\": \"2019-06-01\", \"group_backing\": \"vote\", "                   \
	"\"time_commitment\": true, \"improvement_note\": \"rising\", \"start_date\": \"2020-09-01\", " \
	"\"elected_on\": \"2020-07-01\"}"
	/* by name and email: the person is made, and found again by the email */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"role\": \"chair\", \"person_name\": \"Dr Chair\", "
	         "\"email\": \"chair@named.example\", " APPOINTMENT, g, urn);
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	chair = num(r->json, "id");
	p = num(r->json, "person_id");
	cr_assert_gt(p, 0);
	resp_free(r);
	/* by person_id alone: the name and email are the person's */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"role\": \"chair\", \"person_id\": %lld, " APPOINTMENT, g2, p,
	         urn2);
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	chair2 = num(r->json, "id");
	cr_assert_eq(num(r->json, "person_id"), p);
	cr_assert_str_eq(str(r->json, "person_name"), "Dr Chair");
	cr_assert_str_eq(str(r->json, "email"), "chair@named.example");
	resp_free(r);
	/* neither: 422 naming what is missing; another LA's person: 422 reference */
	before = db_fingerprint();
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"role\": \"deputy\", " APPOINTMENT, g, urn);
	r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
	assert_problem(r, 422, "validation", "person_name");
	assert_problem(r, 422, "validation", "email");
	resp_free(r);
	{
		long long stranger = stranger_person(&before);
		snprintf(body, sizeof body, "{\"group_id\": %lld, \"role\": \"deputy\", \"person_id\": %lld, " APPOINTMENT, g,
		         stranger, urn);
		r = http_json("POST", "/v1/chairs", token("officer"), body, NULL);
		assert_problem(r, 422, "validation", "person_id");
		resp_free(r);
	}
	assert_unchanged(before);
#undef APPOINTMENT

	/* a change of the name on one appointment is the person's: the other follows */
	snprintf(path, sizeof path, "/v1/chairs/%lld", chair);
	r = http_json("PATCH", path, token("officer"), "{\"person_name\": \"Dr Chair-Smith\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/chairs/%lld", chair2);
	o = http_get_json(token("viewer"), path);
	cr_assert_str_eq(str(o, "person_name"), "Dr Chair-Smith");
	json_decref(o);
	snprintf(path, sizeof path, "/v1/chairs?person_id=%lld", p);
	o = http_get_json(token("viewer"), path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 2);
	json_decref(o);

	/* a nomination by person_id */
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"role\": \"remote_learning_lead\", \"person_id\": %lld, "
	         "\"school_urn\": %d, \"start_date\": \"2020-09-01\"}", g, p, urn);
	r = http_json("POST", "/v1/nominations", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_str_eq(str(r->json, "person_name"), "Dr Chair-Smith");
	cr_assert_eq(num(r->json, "person_id"), p);
	resp_free(r);
}

Test(bodies, every_group_and_area_has_its_body_and_others_are_recorded)
{
	int la = unused_la_code();
	char body[256], path[128], *before;
	long long g, area, aag, board;
	struct resp *r;
	json_t *o;

	make_la(la, "Bodies Borough");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"code\": \"north\", \"name\": \"North\"}", la);
	area = post_created(token("officer"), "/v1/areas", body);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Northern\", \"area_id\": %lld}", la, area);
	g = post_created(token("officer"), "/v1/consortia", body);

	/* the area's Area Analysis Group and the group's body were made with them */
	snprintf(path, sizeof path, "/v1/bodies?la=%d&kind=area_analysis_group", la);
	o = http_get_json(token("viewer"), path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
	aag = num(json_array_get(json_object_get(o, "items"), 0), "id");
	cr_assert_eq(num(json_array_get(json_object_get(o, "items"), 0), "area_id"), area);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/bodies?group_id=%lld", g);
	o = http_get_json(token("viewer"), path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
	cr_assert_str_eq(str(json_array_get(json_object_get(o, "items"), 0), "kind"), "consortium");
	cr_assert_str_eq(str(json_array_get(json_object_get(o, "items"), 0), "name"), "Northern");
	cr_assert_eq(num(json_array_get(json_object_get(o, "items"), 0), "meetings_per_term"), 2);
	snprintf(path, sizeof path, "/v1/bodies/%lld", num(json_array_get(json_object_get(o, "items"), 0), "id"));
	json_decref(o);

	/* a group's body is the group's: renamed with it, never on its own, never deleted alone */
	before = db_fingerprint();
	r = http_json("PATCH", path, token("officer"), "{\"name\": \"Renamed\"}", "*");
	assert_problem(r, 422, "validation", "name");
	resp_free(r);
	r = http_json("DELETE", path, token("officer"), NULL, "*");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"consortium\", \"name\": \"Loose\"}", la);
	refused("/v1/bodies", body, 422, "validation", "kind");
	/* an area has one AAG */
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"area_analysis_group\", \"name\": \"Second AAG\", "
	         "\"area_id\": %lld}", la, area);
	refused("/v1/bodies", body, 409, "conflict", "area_id");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"area_analysis_group\", \"name\": \"No area\"}", la);
	refused("/v1/bodies", body, 422, "validation", "area_id");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"headteacher_forum\", \"name\": \"Forum\", "
	         "\"attendance_target_percent\": 101}", la);
	refused("/v1/bodies", body, 422, "validation", "attendance_target_percent");
	r = http_json("POST", "/v1/bodies", token("viewer"), body, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	assert_unchanged(before);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Northern Renamed\"}", la);
	snprintf(path, sizeof path, "/v1/consortia/%lld", g);
	r = http_json("PATCH", path, token("officer"), "{\"name\": \"Northern Renamed\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/bodies?group_id=%lld", g);
	o = http_get_json(token("viewer"), path);
	cr_assert_str_eq(str(json_array_get(json_object_get(o, "items"), 0), "name"), "Northern Renamed");
	json_decref(o);

	/* the chairs' board: a name unique among the LA's boards */
	board = body_of(la, "chairs_board", "Primary Consortia and Secondary Area Network Chairs", NULL);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"kind\": \"chairs_board\", "
	         "\"name\": \"primary consortia and secondary area network chairs\"}", la);
	refused("/v1/bodies", body, 409, "conflict", "name");
	cr_assert_neq(board, aag);
}

Test(bodies, members_sit_over_dates_and_only_they_attend)
{
	int la = unused_la_code(), urn;
	char body[512], path[128], *before;
	long long forum, board, a, b, c, m, g;
	struct resp *r;
	json_t *o;

	make_la(la, "Members Borough");
	a = person(la, "Member A", "a@members.example");
	b = person(la, "Member B", NULL);
	c = person(la, "Member C", NULL);
	forum = body_of(la, "headteacher_forum", "Forum", "\"meetings_per_year\": 6, \"attendance_target_percent\": 80");
	board = body_of(la, "chairs_board", "Chairs board", NULL);
	seat(forum, a, "chair", "2019-09-01", NULL);
	seat(forum, b, "member", "2019-09-01", "2019-12-31");
	/* a person on two bodies */
	seat(board, a, "member", "2019-09-01", NULL);
	snprintf(path, sizeof path, "/v1/bodies?person_id=%lld", a);
	o = http_get_json(token("viewer"), path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 2);
	json_decref(o);

	before = db_fingerprint();
	/* once at a time on one body */
	snprintf(body, sizeof body, "{\"body_id\": %lld, \"person_id\": %lld, \"role\": \"member\", "
	         "\"start_date\": \"2019-10-01\"}", forum, a);
	refused("/v1/body-members", body, 409, "conflict", "start_date");
	{
		long long stranger = stranger_person(&before);
		snprintf(body, sizeof body, "{\"body_id\": %lld, \"person_id\": %lld, \"role\": \"member\", "
		         "\"start_date\": \"2019-10-01\"}", forum, stranger);
		r = http_json("POST", "/v1/body-members", token("officer"), body, NULL);
		assert_problem(r, 422, "validation", "person_id");
		resp_free(r);
	}
	snprintf(body, sizeof body, "{\"body_id\": %lld, \"person_id\": %lld, \"role\": \"member\", "
	         "\"start_date\": \"2019-10-01\", \"end_date\": \"2019-09-01\"}", forum, c);
	refused("/v1/body-members", body, 422, "validation", "end_date");
	/* attendance only of members on the day: B had left by January, C never sat */
	{
		const long long att[] = {a, b, 0}, none[] = {0}, stranger[] = {c, 0}, both[] = {a, 0};
		r = try_meet(forum, "2020-01-15", att, none, NULL);
		assert_problem(r, 422, "validation", "attended_person_ids");
		resp_free(r);
		r = try_meet(forum, "2019-10-15", none, stranger, NULL);
		assert_problem(r, 422, "validation", "apologies_person_ids");
		resp_free(r);
		r = try_meet(forum, "2019-10-15", both, both, NULL);
		assert_problem(r, 422, "validation", "apologies_person_ids");
		resp_free(r);
		r = try_meet(forum, "2019-10-15", att, none, "\"actions\": [{\"description\": \"x\", \"owner\": \"y\", "
		             "\"due_date\": \"2019-11-01\", \"owner_person_id\": 0}]");
		assert_problem(r, 422, "validation", "actions");
		resp_free(r);
		r = try_meet(forum, "2019-10-15", att, none, "\"items_received\": [{\"kind\": \"memo\", \"title\": \"x\"}]");
		assert_problem(r, 422, "validation", "items_received");
		resp_free(r);
	}
	r = http_json("POST", "/v1/meetings", token("officer"), "{\"held_on\": \"2019-10-15\"}", NULL);
	assert_problem(r, 422, "validation", "body_id");
	resp_free(r);
	assert_unchanged(before);
	{
		const long long att[] = {a, b, 0}, none[] = {0};
		m = meet(forum, "2019-10-15", att, none,
		         "\"items_received\": [{\"kind\": \"la_message\", \"title\": \"Funding for 2020/21 to pass back\"}]");
	}
	snprintf(path, sizeof path, "/v1/meetings/%lld", m);
	o = http_get_json(token("viewer"), path);
	cr_assert_eq(num(o, "body_id"), forum);
	cr_assert(json_is_null(json_object_get(o, "group_id")));
	cr_assert_eq(num(o, "seats"), 2);
	cr_assert_eq(json_array_size(json_object_get(o, "attended_person_ids")), 2);
	cr_assert_str_eq(str(json_array_get(json_object_get(o, "items_received"), 0), "kind"), "la_message");
	json_decref(o);
	snprintf(path, sizeof path, "/v1/meetings?person_id=%lld", b);
	o = http_get_json(token("viewer"), path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 1);
	json_decref(o);

	/* a group's meeting given schools brings their heads, who sit on the group's body */
	urn = make_school(la, 4301, "Member School", "primary");
	snprintf(path, sizeof path, "/v1/schools/%d", urn);
	r = http_json("PATCH", path, token("officer"),
	              "{\"headteacher_name\": \"Head Member\", \"headteacher_appointed_on\": \"2015-01-01\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Members Consortium\", \"created_on\": \"2019-01-01\"}", la);
	g = post_created(token("officer"), "/v1/consortia", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2019-09-01\"}", g, urn);
	post_created(token("officer"), "/v1/memberships", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"held_on\": \"2019-10-01\", \"attended_urns\": [%d]}", g, urn);
	r = http_json("POST", "/v1/meetings", token("officer"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_eq(json_integer_value(json_array_get(json_object_get(r->json, "attended_person_ids"), 0)),
	             db_scalar("SELECT headteacher_person_id FROM school WHERE urn = $1::integer",
	                       (snprintf(path, sizeof path, "%d", urn), path)));
	cr_assert_eq(num(r->json, "members"), 1);
	cr_assert_eq(num(r->json, "seats"), 1);
	cr_assert_str_eq(str(r->json, "body_kind"), "consortium");
	resp_free(r);
	/* a body and a group that do not go together */
	before = db_fingerprint();
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"body_id\": %lld, \"held_on\": \"2019-10-01\"}", g, forum);
	refused("/v1/meetings", body, 422, "validation", "body_id");
	assert_unchanged(before);
}

/*
 * A forum (6 meetings a year, 80% attendance) over 2019/20: six meetings,
 * two a term but one in spring. A attends all (100%), B all but the first
 * (83.3%), C joins in November and misses one of four (75%): overall
 * 14 of 16, 87.5%. A second forum holds five (the year missed) where
 * attendance is exactly 80% (A five of five, D three of five).
 */
Test(bodies, the_report_judges_targets_on_both_sides_of_the_line)
{
	int la = unused_la_code();
	long long forum, short_forum, a, b, c, d;
	char path[160];
	json_t *rep, *line, *it;
	struct resp *r;
	size_t i;
	bool listed_short = false, listed_full = false;

	make_la(la, "Targets Borough");
	a = person(la, "Anne Always", NULL);
	b = person(la, "Bob Mostly", NULL);
	c = person(la, "Cat Late", NULL);
	d = person(la, "Dan Sometimes", NULL);
	forum = body_of(la, "headteacher_forum", "Forum",
	                "\"meetings_per_year\": 6, \"attendance_target_percent\": 80, \"established_on\": \"2019-09-01\"");
	short_forum = body_of(la, "headteacher_forum", "Short forum",
	                      "\"meetings_per_year\": 6, \"attendance_target_percent\": 80, \"established_on\": \"2019-09-01\"");
	/* established after the year began: that year is not judged */
	{
		long long late = body_of(la, "headteacher_forum", "Late forum",
		                         "\"meetings_per_year\": 6, \"established_on\": \"2019-10-01\"");
		rep = report(late, "2019/20", "2020-09-30");
		cr_assert_str_eq(str(json_object_get(rep, "meetings"), "status"), "no_target");
		cr_assert(json_is_false(json_object_get(rep, "below_target")));
		json_decref(rep);
	}
	seat(forum, a, "chair", "2019-09-01", NULL);
	seat(forum, b, "member", "2019-09-01", NULL);
	seat(forum, c, "member", "2019-11-01", NULL);
	{
		const long long ab[] = {a, 0}, abc[] = {a, b, c, 0}, ab2[] = {a, b, 0}, ap_c[] = {c, 0}, none[] = {0},
		                ap_b[] = {b, 0};
		meet(forum, "2019-09-20", ab, ap_b, NULL);
		meet(forum, "2019-10-20", ab2, none, NULL);
		meet(forum, "2019-11-20", abc, none, NULL);
		meet(forum, "2020-02-20", ab2, ap_c, NULL);
		meet(forum, "2020-05-20", abc, none, NULL);
		meet(forum, "2020-06-20", abc, none, NULL);
	}
	/* the short forum: A at all five, D at three; one action open past its date, one done */
	seat(short_forum, a, "member", "2019-09-01", NULL);
	seat(short_forum, d, "member", "2019-09-01", NULL);
	{
		char extra[512];
		const long long ad[] = {a, d, 0}, a_only[] = {a, 0}, none[] = {0}, ap_d[] = {d, 0};
		snprintf(extra, sizeof extra,
		         "\"actions\": [{\"description\": \"Write the forum's terms\", \"owner\": \"Anne Always\", "
		         "\"owner_person_id\": %lld, \"due_date\": \"2019-12-01\"}, {\"description\": \"Book rooms\", "
		         "\"owner\": \"Dan\", \"due_date\": \"2019-10-01\", \"done_on\": \"2019-09-30\"}]", a);
		meet(short_forum, "2019-09-21", ad, none, extra);
		meet(short_forum, "2019-10-21", ad, none, NULL);
		meet(short_forum, "2020-01-21", ad, none, NULL);
		meet(short_forum, "2020-03-21", a_only, ap_d, NULL);
		meet(short_forum, "2020-06-21", a_only, none, NULL);
	}

	rep = report(forum, "2019/20", "2020-09-30");
	cr_assert_eq(num(json_object_get(rep, "meetings"), "held"), 6);
	cr_assert_str_eq(str(json_object_get(rep, "meetings"), "status"), "met");
	cr_assert_str_eq(term_status(rep, "autumn"), "no_target");
	line = member_line(rep, a);
	cr_assert_eq(num(line, "attended"), 6);
	cr_assert_str_eq(str(line, "status"), "met");
	line = member_line(rep, b);
	cr_assert_eq(num(line, "meetings"), 6);
	cr_assert_eq(num(line, "attended"), 5);
	cr_assert_eq(num(line, "apologies"), 1);
	cr_assert_float_eq(json_number_value(json_object_get(line, "percent")), 83.3, 0.01);
	cr_assert_str_eq(str(line, "status"), "met");
	line = member_line(rep, c);
	cr_assert_eq(num(line, "meetings"), 4, "only the meetings held while C sat on it");
	cr_assert_eq(num(line, "attended"), 3);
	cr_assert_float_eq(json_number_value(json_object_get(line, "percent")), 75.0, 0.01);
	cr_assert_str_eq(str(line, "status"), "missed");
	cr_assert_float_eq(json_number_value(json_object_get(json_object_get(rep, "attendance"), "overall_percent")),
	                   87.5, 0.01);
	cr_assert(json_is_false(json_object_get(rep, "below_target")));
	cr_assert_eq(json_array_size(json_object_get(rep, "overdue_actions")), 0);
	json_decref(rep);

	/* mid-year the year's target is in progress, not missed */
	rep = report(short_forum, "2019/20", "2020-01-31");
	cr_assert_str_eq(str(json_object_get(rep, "meetings"), "status"), "in_progress");
	cr_assert_eq(json_array_size(json_object_get(rep, "overdue_actions")), 1);
	json_decref(rep);
	/* after it: five of six is missed; attendance of exactly 80% meets its target */
	rep = report(short_forum, "2019/20", "2020-09-30");
	cr_assert_eq(num(json_object_get(rep, "meetings"), "held"), 5);
	cr_assert_str_eq(str(json_object_get(rep, "meetings"), "status"), "missed");
	line = member_line(rep, d);
	cr_assert_eq(num(line, "meetings"), 5);
	cr_assert_float_eq(json_number_value(json_object_get(line, "percent")), 60.0, 0.01);
	cr_assert_str_eq(str(line, "status"), "missed");
	cr_assert_float_eq(json_number_value(json_object_get(json_object_get(rep, "attendance"), "overall_percent")),
	                   80.0, 0.01);
	cr_assert_str_eq(str(json_object_get(rep, "attendance"), "status"), "met");
	cr_assert(json_is_true(json_object_get(rep, "below_target")));
	it = json_array_get(json_object_get(rep, "overdue_actions"), 0);
	cr_assert_str_eq(str(it, "description"), "Write the forum's terms");
	cr_assert_eq(num(it, "owner_person_id"), a);
	json_decref(rep);

	/* the LA's bodies below target: the short forum, not the full one */
	snprintf(path, sizeof path, "/v1/reports/bodies-below-target?academic_year=2019/20&as_of=2020-09-30&la=%d", la);
	rep = http_get_json(token("viewer"), path);
	json_array_foreach(json_object_get(rep, "items"), i, it) {
		listed_short |= num(it, "body_id") == short_forum;
		listed_full |= num(it, "body_id") == forum;
		if (num(it, "body_id") == short_forum) {
			cr_assert_str_eq(str(it, "meetings_status"), "missed");
			cr_assert_eq(num(it, "overdue_actions"), 1);
		}
	}
	cr_assert(listed_short && !listed_full);
	json_decref(rep);
	{
		const char *html[] = {"Accept: text/html", NULL};
		char row[64];
		snprintf(path, sizeof path, "/v1/reports/bodies-below-target?academic_year=2019/20&as_of=2020-09-30&la=%d", la);
		r = http("GET", path, token("viewer"), NULL, html);
		cr_assert_eq(r->status, 200, "%s", r->body);
		snprintf(row, sizeof row, "<tr data-body-id=\"%lld\"><td>Short forum", short_forum);
		cr_assert(strstr(r->body, row) != NULL, "%s", r->body);
		snprintf(row, sizeof row, "<tr data-body-id=\"%lld\">", forum);
		cr_assert(strstr(r->body, row) == NULL, "%s", r->body);
		resp_free(r);
	}
	r = http("GET", "/v1/reports/bodies-below-target?academic_year=2019/20", token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "la");
	resp_free(r);
	r = http("GET", "/v1/reports/bodies-below-target?academic_year=2019-20&la=937", token("viewer"), NULL, NULL);
	assert_problem(r, 400, "malformed", "academic_year");
	resp_free(r);

	/* the page shows the same figures */
	{
		const char *html[] = {"Accept: text/html", NULL};
		snprintf(path, sizeof path, "/v1/bodies/%lld/report?academic_year=2019/20&as_of=2020-09-30", short_forum);
		r = http("GET", path, token("viewer"), NULL, html);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert(strstr(r->body, "<h1>Short forum</h1>") != NULL, "%s", r->body);
		cr_assert(strstr(r->body, "data-field=\"below_target\">Below target.") != NULL);
		cr_assert(strstr(r->body, "<tr data-term=\"year\"><td>The year</td><td data-field=\"held\" data-value=\"5\">") != NULL,
		          "%s", r->body);
		resp_free(r);
		r = http("GET", path, token("viewer"), NULL, (const char *[]){"Accept: image/png", NULL});
		assert_problem(r, 406, "not-acceptable", NULL);
		resp_free(r);
	}
	if (getenv("BODY_REPORT_FIXTURE")) {
		FILE *f = fopen(getenv("BODY_REPORT_FIXTURE"), "w");
		cr_assert(f != NULL);
		fprintf(f, "%lld 2019/20 2020-09-30\n", short_forum);
		fclose(f);
	}
}

Test(bodies, a_groups_body_expects_two_meetings_a_term)
{
	int la = unused_la_code(), urn;
	char body[256];
	long long g, b;
	json_t *rep;

	make_la(la, "Terms Borough");
	urn = make_school(la, 4401, "Terms Primary", "primary");
	snprintf(body, sizeof body, "{\"la_code\": %d, \"name\": \"Terms\", \"created_on\": \"2019-01-01\"}", la);
	g = post_created(token("officer"), "/v1/consortia", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"school_urn\": %d, \"start_date\": \"2019-09-01\"}", g, urn);
	post_created(token("officer"), "/v1/memberships", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"held_on\": \"2019-10-01\"}", g);
	post_created(token("officer"), "/v1/meetings", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"held_on\": \"2019-11-01\"}", g);
	post_created(token("officer"), "/v1/meetings", body);
	snprintf(body, sizeof body, "{\"group_id\": %lld, \"held_on\": \"2020-02-01\"}", g);
	post_created(token("officer"), "/v1/meetings", body);
	snprintf(body, sizeof body, "%lld", g);
	b = db_scalar("SELECT id FROM body WHERE group_id = $1::bigint", body);
	rep = report(b, "2019/20", "2020-04-15");
	cr_assert_str_eq(term_status(rep, "autumn"), "met");
	cr_assert_str_eq(term_status(rep, "spring"), "missed");
	cr_assert_str_eq(term_status(rep, "summer"), "in_progress");
	cr_assert(json_is_true(json_object_get(rep, "below_target")));
	json_decref(rep);
}

Test(people, records_made_by_mistake_go_and_memberships_end)
{
	int la = unused_la_code();
	char path[96], body[256];
	long long p, q, role, forum, seat_id, mistake;
	struct resp *r;
	json_t *o;

	make_la(la, "Mistakes Borough");
	p = person(la, "Kept Person", NULL);
	q = person(la, "Mistaken Person", NULL);
	snprintf(path, sizeof path, "/v1/people/%lld", q);
	r = http_json("DELETE", path, token("officer"), NULL, "*");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	r = http("GET", path, token("officer"), NULL, NULL);
	assert_problem(r, 404, "not-found", NULL);
	resp_free(r);

	/* a role: read, ended, and one recorded by mistake deleted */
	snprintf(body, sizeof body, "{\"person_id\": %lld, \"role\": \"system_leader\", \"start_date\": \"2020-09-01\"}", p);
	role = post_created(token("officer"), "/v1/person-roles", body);
	snprintf(path, sizeof path, "/v1/people/%lld", p);
	r = http_json("DELETE", path, token("officer"), NULL, "*");
	assert_problem(r, 409, "conflict", NULL);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/person-roles/%lld", role);
	o = http_get_json(token("officer"), path);
	cr_assert_str_eq(str(o, "person_name"), "Kept Person");
	cr_assert_str_eq(str(o, "source"), "manual");
	json_decref(o);
	r = http_json("PATCH", path, token("officer"), "{\"end_date\": \"2020-08-31\"}", "*");
	assert_problem(r, 422, "validation", "end_date");
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"end_date\": \"2022-08-31\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(str(r->json, "end_date"), "2022-08-31");
	resp_free(r);
	r = http("GET", path, token("viewer"), NULL, NULL);
	assert_problem(r, 403, "forbidden", NULL);
	resp_free(r);
	r = http_json("DELETE", path, token("officer"), NULL, "*");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);

	/* a membership of a body: read, listed, ended; one made by mistake deleted */
	forum = body_of(la, "task_and_finish_group", "Attendance task group", "\"meetings_per_term\": 3");
	snprintf(path, sizeof path, "/v1/bodies/%lld", forum);
	o = http_get_json(token("viewer"), path);
	cr_assert_str_eq(str(o, "kind"), "task_and_finish_group");
	cr_assert_eq(num(o, "meetings_per_term"), 3);
	cr_assert_eq(num(o, "members"), 0);
	json_decref(o);
	seat_id = seat(forum, p, "chair", "2020-09-01", NULL);
	mistake = seat(forum, person(la, "Seated By Mistake", NULL), "observer", "2020-09-01", NULL);
	snprintf(path, sizeof path, "/v1/body-members?body_id=%lld", forum);
	o = http_get_json(token("viewer"), path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 2);
	json_decref(o);
	snprintf(path, sizeof path, "/v1/body-members/%lld", seat_id);
	o = http_get_json(token("viewer"), path);
	cr_assert_str_eq(str(o, "person_name"), "Kept Person");
	cr_assert_str_eq(str(o, "body_name"), "Attendance task group");
	json_decref(o);
	r = http_json("PATCH", path, token("officer"), "{\"end_date\": \"2021-07-31\", \"role\": \"member\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(str(r->json, "role"), "member");
	resp_free(r);
	r = http_json("PATCH", path, token("officer"), "{\"person_id\": 1}", "*");
	assert_problem(r, 422, "validation", "person_id");
	resp_free(r);
	snprintf(path, sizeof path, "/v1/body-members/%lld", mistake);
	r = http_json("DELETE", path, token("officer"), NULL, "*");
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof path, "/v1/body-members?body_id=%lld&on=2022-01-01", forum);
	o = http_get_json(token("viewer"), path);
	cr_assert_eq(json_array_size(json_object_get(o, "items")), 0, "the membership ended in July 2021");
	json_decref(o);
}
