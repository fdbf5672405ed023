/*
 * membership.c
 *    This module defines memberships of schools in groups (with dates) and
 *    the move of a school from one group to another, and holds their SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "group.h"

enum { MF_GROUP_ID, MF_SCHOOL_URN, MF_START_DATE, MF_END_DATE, MF__COUNT };

static const struct field membership_fields[MF__COUNT] = {
	[MF_GROUP_ID] = {.name = "group_id", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY,
	                 .min = 1, .max = 9223372036854775807LL},
	[MF_SCHOOL_URN] = {.name = "school_urn", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY,
	                   .min = 100000, .max = 999999},
	[MF_START_DATE] = {.name = "start_date", .type = FT_DATE, .flags = F_REQUIRED},
	[MF_END_DATE] = {.name = "end_date", .type = FT_DATE, .flags = F_NULLABLE},
};

static const char *const membership_read_only[] = {
	"id", "kind", "la_code", "school_name", "group_name", "created_at", "updated_at", "version", NULL};

static const struct field_set membership_field_set = {membership_fields, MF__COUNT,
                                                      membership_read_only};

static void
membership_check(const struct record *rec, struct problem *p)
{
	const char *start = rec->val[MF_START_DATE], *end = rec->val[MF_END_DATE];

	if (start && end && strcmp(end, start) < 0)
		problem_field(p, IN_BODY, "end_date", "rule", "must not be before start_date");
}

#define MEMBERSHIP_DOC                                                                       \
	"json_build_object('id', m.id, 'group_id', m.group_id, 'group_name', g.name, "           \
	"'la_code', l.code, "                                                                     \
	"'kind', m.kind, 'school_urn', m.school_urn, 'school_name', s.name, "                     \
	"'start_date', m.start_date, 'end_date', m.end_date, 'created_at', api_ts(m.created_at), " \
	"'updated_at', api_ts(m.updated_at), 'version', m.version)"
#define MEMBERSHIP_FROM                                                                      \
	"membership m JOIN school_group g ON g.id = m.group_id JOIN local_authority l ON l.id = g.la_id " \
	"JOIN school s ON s.urn = m.school_urn"

static const struct db_stmt MEMBERSHIP_INSERT = {"membership_insert",
	"INSERT INTO membership (group_id, kind, school_urn, start_date, end_date) "
	"SELECT g.id, g.kind, $2::integer, $3::date, $4::date FROM school_group g "
	"WHERE g.id = $1::bigint RETURNING id"};
static const struct db_stmt MEMBERSHIP_UPDATE = {"membership_update",
	"UPDATE membership SET start_date = $4::date, end_date = $5::date, updated_at = now(), "
	"version = version + 1 WHERE id = $1::bigint AND $2::bigint IS NOT NULL "
	"AND $3::integer IS NOT NULL"};
static const struct db_stmt MEMBERSHIP_DELETE = {"membership_delete",
	"DELETE FROM membership WHERE id = $1::bigint"};

static const char *const kinds[] = {"consortium", "area_network", NULL};

static const struct filter_def membership_filters[] = {
	{.name = "group_id", .kind = FILTER_INT, .sql = "m.group_id = $%d::bigint", .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "school_urn", .kind = FILTER_INT, .sql = "m.school_urn = $%d::integer",
	 .min = 100000, .max = 999999},
	{.name = "kind", .kind = FILTER_ENUM, .sql = "m.kind = $%d", .values = kinds},
	{.name = "la", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
	{.name = "on", .kind = FILTER_DATE, .sql = "m.valid @> $%d::date"},
};

static const struct sort_def membership_sorts[] = {
	{"id", "m.id", "bigint", false},
	{"-id", "m.id", "bigint", true},
	{"start_date", "m.start_date", "date", false},
	{"-start_date", "m.start_date", "date", true},
};

static const struct constraint_def membership_constraints[] = {
	{"membership_one_group_per_kind", "school_urn", "overlap",
	 "is already in a group of this kind on some of these dates"},
	{"membership_phase_rule", "school_urn", "rule",
	 "is of a phase that cannot join this kind of group (primary schools join consortia, "
	 "secondary schools area networks)"},
	{"membership_school_la_rule", "school_urn", "reference", "does not name a school of the group's local authority"},
	{"membership_school_fkey", "school_urn", "reference", "does not name a school of the group's local authority"},
	{"membership_group_fkey", "group_id", "reference", "does not name a group"},
	{"membership_dates_check", "end_date", "rule", "must not be before start_date"},
};

static const char *const membership_csv[] = {
	"id", "group_id", "group_name", "la_code", "kind", "school_urn", "school_name", "start_date", "end_date", NULL};

const struct resource_def membership_def = {
	.csv_columns = membership_csv,
	.noun = "membership",
	.resource = "membership",
	.path = "/v1/memberships",
	.key_field = "id",
	.key_min = 1,
	.key_max = 9223372036854775807LL,
	.fields = &membership_field_set,
	.load_cols = "m.group_id, m.school_urn, m.start_date, m.end_date",
	.insert = &MEMBERSHIP_INSERT,
	.insert_miss_field = "group_id",
	.update = &MEMBERSHIP_UPDATE,
	.del = &MEMBERSHIP_DELETE,
	.del_conflict = "the membership is referred to",
	.list_doc = MEMBERSHIP_DOC,
	.list_from = MEMBERSHIP_FROM,
	.key_expr = "m.id",
	.key_type = "bigint",
	.scope_la = "l.code = $%d::integer",
	.scope_school = "m.school_urn = $%d::integer",
	.scope_group = "m.group_id = $%d::bigint",
	.la_field = "la_code",
	.group_field = "group_id",
	.filters = membership_filters,
	.nfilters = sizeof membership_filters / sizeof membership_filters[0],
	.sorts = membership_sorts,
	.nsorts = sizeof membership_sorts / sizeof membership_sorts[0],
	.constraints = membership_constraints,
	.nconstraints = sizeof membership_constraints / sizeof membership_constraints[0],
	.check = membership_check,
};

/* ---- moving a school ------------------------------------------------- */

static const struct field move_fields[] = {
	{.name = "to_group_id", .type = FT_INT, .flags = F_REQUIRED, .min = 1,
	 .max = 9223372036854775807LL},
	{.name = "on", .type = FT_DATE, .flags = F_REQUIRED},
};
static const struct field_set move_field_set = {move_fields, 2, NULL};

static const struct db_stmt MEMBERSHIP_END = {"membership_end",
	"UPDATE membership SET end_date = $2::date - 1, updated_at = now(), version = version + 1 "
	"WHERE id = $1::bigint"};
static const struct db_stmt MEMBERSHIP_SUCCEED = {"membership_succeed",
	"INSERT INTO membership (group_id, kind, school_urn, start_date, end_date) "
	"SELECT g.id, g.kind, m.school_urn, $3::date, $4::date FROM membership m, school_group g "
	"WHERE m.id = $1::bigint AND g.id = $2::bigint AND g.kind = m.kind "
	/* the new group must be inside the caller's scope too */
	"AND ($5::integer IS NULL OR g.la_id = (SELECT id FROM local_authority WHERE code = $5::integer)) "
	"AND ($6::bigint IS NULL OR g.id = $6::bigint) RETURNING id"};

enum err
membership_move(struct db_conn *c, const struct actor *who, const char *key,
                const struct expected_version *expect, const json_t *body, struct doc *out,
                struct problem *p)
{
	struct record mv = {0}, cur = {0};
	struct doc before = {0}, ended = {0};
	PGresult *res = NULL;
	char new_key[24];
	enum err e;

	memset(out, 0, sizeof *out);
	if (who->scope.school_urn)
		return problem_set(p, ERR_FORBIDDEN, "a school's account cannot move schools");
	if ((e = record_from_json(&move_field_set, body, RECORD_CREATE, &mv, p)) != ERR_OK)
		goto out;
	if ((e = resource_lock(c, &membership_def, who, key, expect, &cur, &before, p)) != ERR_OK)
		goto out;
	/* The move day must fall after the membership starts and within it. */
	if (strcmp(mv.val[1], cur.val[MF_START_DATE]) <= 0 ||
	    (cur.val[MF_END_DATE] && strcmp(mv.val[1], cur.val[MF_END_DATE]) > 0)) {
		problem_field(p, IN_BODY, "on", "rule",
		              "must be after the membership's start_date and no later than its end_date");
		e = problem_set(p, ERR_VALIDATION, "the move date is outside the membership");
		goto out;
	}
	{
		const char *v[] = {key, mv.val[1]};
		if ((e = db_exec(c, &MEMBERSHIP_END, 2, v, &res, p)) != ERR_OK)
			goto out;
		PQclear(res);
		res = NULL;
	}
	{
		/* the new membership keeps the end the old one had */
		char la[16], group[24];
		const char *v[] = {key, mv.val[0], mv.val[1], cur.val[MF_END_DATE],
		                   who->scope.la_code ? la : NULL, who->scope.group_id ? group : NULL};
		snprintf(la, sizeof la, "%d", who->scope.la_code);
		snprintf(group, sizeof group, "%lld", who->scope.group_id);
		if ((e = db_exec(c, &MEMBERSHIP_SUCCEED, 6, v, &res, p)) != ERR_OK) {
			if (p->constraint[0]) {
				for (size_t i = 0; i < membership_def.nconstraints; i++)
					if (strcmp(membership_def.constraints[i].name, p->constraint) == 0)
						problem_field(p, IN_BODY, "to_group_id", membership_def.constraints[i].code,
						              "the school %s", membership_def.constraints[i].message);
				if (strcmp(p->sqlstate, "23514") == 0)
					p->err = e = ERR_VALIDATION;
			}
			goto out;
		}
		if (PQntuples(res) != 1) {
			problem_field(p, IN_BODY, "to_group_id", "reference",
			              "does not name a group of the same kind");
			e = problem_set(p, ERR_VALIDATION, "to_group_id does not name a group of the same kind");
			goto out;
		}
		snprintf(new_key, sizeof new_key, "%s", PQgetvalue(res, 0, 0));
	}
	if ((e = resource_record(c, &membership_def, who, key, "update", before.body, &ended, p)) != ERR_OK ||
	    (e = resource_made(c, &membership_def, who, new_key, "create", out, p)) != ERR_OK)
		goto out;
out:
	if (e != ERR_OK)
		doc_free(out);
	PQclear(res);
	doc_free(&before);
	doc_free(&ended);
	record_clear(&mv);
	record_clear(&cur);
	return e;
}
