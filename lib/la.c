/*
 * la.c
 *    This module defines the local authority resource and holds its SQL.
 */
#include "region.h"
#include "register.h"

#include <string.h>

#include "date.h"

/* "MM-DD" from 1 September to 31 December: the LA's day for confirming chairs. */
static bool
deadline_ok(const char *s)
{
	int m, d;

	if (strlen(s) != 5 || s[2] != '-' || strspn(s, "0123456789-") != 5)
		return false;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	d = (s[3] - '0') * 10 + (s[4] - '0');
	return m >= 9 && m <= 12 && date_is_real(2001, m, d);
}

/* An org-id.guide identifier: a list's prefix of two parts (GB-LAE), a hyphen, the identifier in it. */
static bool
org_id_ok(const char *s)
{
	size_t a = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), b, c;

	if (a < 2 || a > 8 || s[a] != '-')
		return false;
	b = strspn(s + a + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
	if (b < 2 || b > 12 || s[a + 1 + b] != '-')
		return false;
	c = strspn(s + a + b + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-");
	return c >= 1 && c <= 100 && s[a + b + 2 + c] == '\0';
}

static const struct field la_fields[] = {
	{.name = "code", .type = FT_INT, .flags = F_REQUIRED | F_CREATE_ONLY, .min = 100, .max = 999},
	{.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .min = 1, .max = 200},
	{.name = "review_interval_months", .type = FT_INT, .min = 1, .max = 60, .dflt = "12"},
	{.name = "confirmation_deadline", .type = FT_TEXT, .min = 5, .max = 5, .check = deadline_ok,
	 .format = "a day from 09-01 to 12-31 as MM-DD", .dflt = "09-11"},
	{.name = "separate_approver", .type = FT_BOOL, .dflt = "false"},
	{.name = "second_approval_over_pence", .type = FT_INT, .flags = F_NULLABLE, .min = 0, .max = MAX_PENCE},
	/* its name in Welsh, where it has one */
	{.name = "name_cy", .type = FT_TEXT, .flags = F_NULLABLE | F_NAME, .min = 1, .max = 200},
	/* its org-id.guide identifier (GB-LAE-WAR), for its 360Giving data */
	{.name = "org_id", .type = FT_TEXT, .flags = F_NULLABLE, .min = 8, .max = 122, .check = org_id_ok,
	 .format = "an org-id.guide identifier: a list's prefix (GB-LAE), a hyphen, the identifier"},
};

static const char *const la_read_only[] = {"id", "created_at", "updated_at", "version", NULL};

static const struct field_set la_field_set = {la_fields, sizeof la_fields / sizeof la_fields[0], la_read_only};

#define LA_DOC                                                                              \
	"json_build_object('id', l.id, 'code', l.code, 'name', l.name, 'name_cy', l.name_cy, "\
	"'org_id', l.org_id, "                                                                  \
	"'review_interval_months', l.review_interval_months, "                                  \
	"'confirmation_deadline', l.confirmation_deadline, 'separate_approver', l.separate_approver, " \
	"'second_approval_over_pence', l.second_approval_over_pence, "                              \
	"'created_at', api_ts(l.created_at), "                                                      \
	"'updated_at', api_ts(l.updated_at), 'version', l.version)"


static const struct db_stmt LA_INSERT = {"la_insert",
	"INSERT INTO local_authority (code, name, review_interval_months, confirmation_deadline, "
	"separate_approver, second_approval_over_pence, name_cy, org_id) "
	"VALUES ($1::integer, $2, $3::integer, $4, $5::boolean, $6::bigint, $7, $8) RETURNING id"};
static const struct db_stmt LA_UPDATE = {"la_update",
	"UPDATE local_authority SET name = $3, review_interval_months = $4::integer, "
	"confirmation_deadline = $5, separate_approver = $6::boolean, "
	"second_approval_over_pence = $7::bigint, name_cy = $8, org_id = $9, "
	"updated_at = now(), version = version + 1 WHERE id = $1::bigint AND $2::integer IS NOT NULL"};
static const struct db_stmt LA_DELETE = {"la_delete",
	"DELETE FROM local_authority WHERE id = $1::bigint"};

static const struct filter_def la_filters[] = {
	{.name = "code", .kind = FILTER_INT, .sql = "l.code = $%d::integer", .min = 100, .max = 999},
};

static const struct sort_def la_sorts[] = {
	{"id", "l.id", "bigint", false},      {"-id", "l.id", "bigint", true},
	{"name", "l.name", "text", false},    {"-name", "l.name", "text", true},
	{"code", "l.code", "integer", false}, {"-code", "l.code", "integer", true},
};

static const struct constraint_def la_constraints[] = {
	{"local_authority_code_key", "code", "duplicate", "is already the code of a local authority"},
	{"local_authority_code_check", "code", "range", "must be an LA code from 100 to 999"},
	{"local_authority_name_check", "name", "length", "must be 1 to 200 characters long"},
	{"local_authority_name_cy_check", "name_cy", "length", "must be 1 to 200 characters long"},
	{"local_authority_org_id_check", "org_id", "format", "must be an org-id.guide identifier (GB-LAE-WAR)"},
	{"local_authority_review_interval_months_check", "review_interval_months", "range", "must be 1 to 60 months"},
	{"la_second_approval_check", "second_approval_over_pence", "range", "must not be negative"},
	{"la_confirmation_deadline_check", "confirmation_deadline", "format",
	 "must be a day from 09-01 to 12-31 as MM-DD"},
};

const struct resource_def la_def = {
	.noun = "local authority",
	.resource = "local-authority",
	.path = "/v1/local-authorities",
	.key_field = "id",
	.key_min = 1,
	.key_max = 9223372036854775807LL,
	.fields = &la_field_set,
	.load_cols = "l.code, l.name, l.review_interval_months, l.confirmation_deadline, "
	             "l.separate_approver, l.second_approval_over_pence, l.name_cy, l.org_id",
	.insert = &LA_INSERT,
	.update = &LA_UPDATE,
	.del = &LA_DELETE,
	.del_conflict = "the local authority still has areas or schools",
	.list_doc = LA_DOC,
	.list_from = "local_authority l",
	.key_expr = "l.id",
	.key_type = "bigint",
	.q_expr = "l.name",
	.scope_la = "l.code = $%d::integer",
	.scope_school = "l.id = (SELECT la_id FROM school WHERE urn = $%d::integer)",
	.scope_group = "l.id = (SELECT la_id FROM school_group WHERE id = $%d::bigint)",
	.scope_region = "l.id IN (" REGION_LAS("$%d") ")",
	.la_field = "code",
	.filters = la_filters,
	.nfilters = sizeof la_filters / sizeof la_filters[0],
	.sorts = la_sorts,
	.nsorts = sizeof la_sorts / sizeof la_sorts[0],
	.constraints = la_constraints,
	.nconstraints = sizeof la_constraints / sizeof la_constraints[0],
};
