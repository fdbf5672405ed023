/*
 * Unit tests of scope written once and of the list builder: for every
 * resource and every kind of caller (none, LA, school, group) the list,
 * read and lock statements restrict by the def's one fragment, numbered
 * right, with the right parameter; and the list builder's filters, sorts,
 * search, limit and cursor. No database.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework.h"
#include "cursor.h"
#include "query_string.h"
#include "register.h"
#include "resource.h"

enum kind { NONE, LA, SCHOOL, GROUP, REGION };
static const char *const kind_names[] = {"none", "LA", "school", "group", "region"};

static struct scope
scope_of(enum kind k)
{
	struct scope s = {.admin = false, .subject = "writer"};

	if (k == LA)
		s.la_code = 937;
	if (k == SCHOOL)
		s.school_urn = 123456;
	if (k == GROUP)
		s.group_id = 42;
	if (k == REGION)
		s.region_id = 77;
	return s;
}

static const char *
value_of(enum kind k)
{
	return k == LA ? "937" : k == SCHOOL ? "123456" : k == REGION ? "77" : "42";
}

static const char *
fragment_of(const struct resource_def *def, enum kind k)
{
	return k == LA ? def->scope_la : k == SCHOOL ? def->scope_school : k == REGION ? def->scope_region
	                                                                             : def->scope_group;
}

/*
 * " AND <fragment with $n>", as the builder writes it, or its "sees nothing"
 * form; for a lock, an LA's narrower fragment where the def has one.
 */
static void
expected_for(const struct resource_def *def, enum kind k, bool lock, int n, char *out, size_t size)
{
	const char *frag = lock && k == LA && def->scope_la_lock ? def->scope_la_lock : fragment_of(def, k);
	const char *mark = frag ? strstr(frag, "%d") : NULL;

	if (frag == NULL)
		snprintf(out, size, " AND false AND $%d::text IS NOT NULL", n);
	else
		snprintf(out, size, " AND %.*s%d%s", (int)(mark - frag), frag, n, mark + 2);
}

static void
expected(const struct resource_def *def, enum kind k, int n, char *out, size_t size)
{
	expected_for(def, k, false, n, out, size);
}

static struct query
parse(const char *url)
{
	struct query q = {0};
	struct problem p = {0};

	cr_assert_eq(query_parse(url, &q, &p), ERR_OK, "%s", p.detail);
	problem_clear(&p);
	return q;
}

Test(scope, every_list_is_restricted_by_the_defs_one_fragment)
{
	for (const struct resource_def *const *d = resource_defs; *d; d++)
		for (enum kind k = NONE; k <= REGION; k++) {
			struct scope s = scope_of(k);
			struct query q = parse("/x");
			struct list_request lr;
			struct problem p = {0};
			int dated = (*d)->as_of ? 1 : 0;
			char want[512];

			int owner = (*d)->private_to ? 1 : 0;

			cr_assert_eq(list_prepare(*d, &s, &q, NULL, true, &lr, &p), ERR_OK, "%s %s: %s",
			             (*d)->resource, kind_names[k], p.detail);
			if (owner) {   /* a private record: its writer's alone, the last parameter */
				snprintf(want, sizeof want, " AND %s = $%d::text", (*d)->private_to, lr.nparams);
				cr_assert(strstr(lr.sql, want) != NULL, "%s: %s lacks %s", (*d)->resource, lr.sql, want);
				cr_assert_str_eq(lr.params[lr.nparams - 1], "writer");
			}
			if (k == NONE) {
				cr_assert_eq(lr.nparams, dated + owner, "%s: no scope, no parameter", (*d)->resource);
			} else {
				cr_assert_eq(lr.nparams, dated + 1 + owner, "%s %s", (*d)->resource, kind_names[k]);
				cr_assert_str_eq(lr.params[dated], value_of(k));
				expected(*d, k, dated + 1, want, sizeof want);
				cr_assert(strstr(lr.sql, want) != NULL, "%s %s: %s lacks %s", (*d)->resource,
				          kind_names[k], lr.sql, want);
			}
			list_request_free(&lr);
			query_free(&q);
			problem_clear(&p);
		}
}

Test(scope, every_read_and_lock_is_restricted_by_the_same_fragment)
{
	for (const struct resource_def *const *d = resource_defs; *d; d++)
		for (enum kind k = NONE; k <= REGION; k++) {
			struct scope s = scope_of(k);
			struct scope_values sv;
			const char *v[2 + SCOPE_PARAMS_MAX];
			int key_at = (*d)->as_of ? 2 : 1, owner = (*d)->private_to ? 1 : 0;
			int n = resource_stmt_params(*d, &s, "2020-09-01", "7", &sv, v);
			char want[512], *get = resource_stmt_sql(*d, STMT_GET, scope_mask(*d, &s));
			char *lock = resource_stmt_sql(*d, STMT_LOCK, scope_mask(*d, &s));

			cr_assert_not_null(get);
			cr_assert_not_null(lock);
			cr_assert_not_null(resource_stmt(*d, STMT_GET, &s), "%s has a read", (*d)->resource);
			cr_assert_eq(n, key_at + (k != NONE) + owner, "%s %s: parameters", (*d)->resource,
			             kind_names[k]);
			if (owner) {
				snprintf(want, sizeof want, " AND %s = $%d::text", (*d)->private_to, n);
				cr_assert(strstr(get, want) != NULL, "%s: %s lacks %s", (*d)->resource, get, want);
				cr_assert(strstr(lock, want) != NULL, "%s: %s lacks %s", (*d)->resource, lock, want);
				cr_assert_str_eq(v[n - 1], "writer");
			}
			cr_assert_str_eq(v[key_at - 1], "7", "the key is $%d", key_at);
			if ((*d)->as_of)
				cr_assert_str_eq(v[0], "2020-09-01", "a dated read takes its date as $1");
			cr_assert(strstr(lock, " FOR UPDATE OF ") != NULL, "%s", lock);
			if (k != NONE) {
				cr_assert_str_eq(v[key_at], value_of(k));
				expected(*d, k, key_at + 1, want, sizeof want);
				cr_assert(strstr(get, want) != NULL, "%s: %s lacks %s", (*d)->resource, get, want);
				expected_for(*d, k, true, key_at + 1, want, sizeof want);
				cr_assert(strstr(lock, want) != NULL, "%s: %s lacks %s", (*d)->resource, lock, want);
				if ((*d)->lock_la_only && k != LA)
					cr_assert(strstr(lock, " AND false") != NULL, "%s: only its LA locks it",
					          (*d)->resource);
			} else {
				cr_assert(strstr(get, "$2") == NULL || (*d)->as_of || owner, "%s: unscoped: %s",
				          (*d)->resource, get);
			}
			free(get);
			free(lock);
		}
}

Test(scope, an_admin_only_condition_binds_all_but_admins)
{
	struct scope officer = {.la_code = 937}, admin = {.admin = true};

	cr_assert(scope_mask(&audit_def, &officer) & SCOPE_NOT_ADMIN);
	cr_assert_eq(scope_mask(&audit_def, &admin) & SCOPE_NOT_ADMIN, 0u);
	cr_assert_eq(scope_mask(&school_def, &officer) & SCOPE_NOT_ADMIN, 0u,
	             "a resource without the condition has no such kind");
}

Test(scope, a_private_record_binds_all_but_admins_to_its_writer)
{
	struct scope officer = {.la_code = 937, .subject = "an-officer"}, admin = {.admin = true, .subject = "root"};
	struct scope_values sv;
	const char *v[SCOPE_PARAMS_MAX];
	int n;

	cr_assert(scope_mask(&reference_def, &officer) & SCOPE_OWNER, "an officer of its LA reaches only their own");
	cr_assert_eq(scope_mask(&reference_def, &admin) & SCOPE_OWNER, 0u, "an admin reaches every one");
	cr_assert_eq(scope_mask(&school_def, &officer) & SCOPE_OWNER, 0u, "a record no one owns binds no one");
	n = scope_params(&reference_def, &officer, &sv, v);
	cr_assert_eq(n, 2, "the LA, then the writer");
	cr_assert_str_eq(v[0], "937");
	cr_assert_str_eq(v[1], "an-officer");
	cr_assert_eq(scope_params(&reference_def, &admin, &sv, v), 0);
}

/* ---- the list builder ------------------------------------------------------ */

/* The list's parameters borrow the query's values: it lives as long as the test. */
static struct query q;

static void
fresh(void)
{
	memset(&q, 0, sizeof q);
}

static void
done(void)
{
	query_free(&q);
}

static enum err
prepare(const char *url, struct list_request *lr, struct problem *p)
{
	struct scope none = {0};

	query_free(&q);
	q = parse(url);
	return list_prepare(&school_def, &none, &q, NULL, true, lr, p);
}

TestSuite(list_builder, .init = fresh, .fini = done);

Test(list_builder, defaults_to_the_first_sort_and_fifty_rows)
{
	struct list_request lr;
	struct problem p = {0};

	cr_assert_eq(prepare("/v1/schools", &lr, &p), ERR_OK);
	cr_assert_str_eq(lr.sort, school_def.sorts[0].name);
	cr_assert(strstr(lr.sql, " LIMIT 51") != NULL, "one more than the page: %s", lr.sql);
	cr_assert_eq(lr.nparams, 1, "only the date of the representation");
	cr_assert_null(lr.params[0], "no as_of: today");
	list_request_free(&lr);
}

Test(list_builder, filters_are_parameters_in_order)
{
	struct list_request lr;
	struct problem p = {0};

	cr_assert_eq(prepare("/v1/schools?phase=primary&la=937&as_of=2020-09-01&limit=10", &lr, &p),
	             ERR_OK, "%s", p.detail);
	cr_assert_str_eq(lr.params[0], "2020-09-01");
	/* filters in the def's order: la, then phase */
	cr_assert_str_eq(lr.params[1], "937");
	cr_assert_str_eq(lr.params[2], "primary");
	cr_assert(strstr(lr.sql, "l.code = $2::integer") != NULL, "%s", lr.sql);
	cr_assert(strstr(lr.sql, "s.phase = $3") != NULL, "%s", lr.sql);
	cr_assert(strstr(lr.sql, " LIMIT 11") != NULL);
	list_request_free(&lr);
}

Test(list_builder, an_id_or_a_code_picks_its_fragment)
{
	struct list_request lr;
	struct problem p = {0};

	cr_assert_eq(prepare("/v1/schools?area=12", &lr, &p), ERR_OK);
	cr_assert(strstr(lr.sql, "s.area_id = $2::bigint") != NULL, "%s", lr.sql);
	list_request_free(&lr);
	cr_assert_eq(prepare("/v1/schools?area=north-east", &lr, &p), ERR_OK);
	cr_assert(strstr(lr.sql, "SELECT id FROM area WHERE code = $2") != NULL, "%s", lr.sql);
	list_request_free(&lr);
}

Test(list_builder, a_search_matches_its_text_literally)
{
	struct list_request lr;
	struct problem p = {0};

	cr_assert_eq(prepare("/v1/schools?q=50%25_off", &lr, &p), ERR_OK);
	cr_assert_str_eq(lr.params[lr.nparams - 1], "%50\\%\\_off%");
	cr_assert(strstr(lr.sql, "ILIKE $2") != NULL, "%s", lr.sql);
	list_request_free(&lr);
}

/* The list sorted by -name, after a cursor made for sort `made_for`. */
static enum err
prepare_after(const char *made_for, struct list_request *lr, struct problem *p)
{
	char url[512], *cursor = cursor_encode(made_for, "Oak", "123456");
	enum err e;

	cr_assert_not_null(cursor);
	snprintf(url, sizeof url, "/v1/schools?sort=-name&cursor=%s", cursor);
	e = prepare(url, lr, p);
	free(cursor);
	return e;
}

Test(list_builder, a_descending_sort_and_its_cursor)
{
	struct list_request lr;
	struct problem p = {0};

	cr_assert_eq(prepare_after("-name", &lr, &p), ERR_OK, "%s", p.detail);
	cr_assert(strstr(lr.sql, "DESC") != NULL, "%s", lr.sql);
	cr_assert(strstr(lr.sql, ") < ($2::text, $3::integer)") != NULL, "keyset after the cursor: %s",
	          lr.sql);
	cr_assert_str_eq(lr.params[1], "Oak");
	cr_assert_str_eq(lr.params[2], "123456");
	list_request_free(&lr);
}

Test(list_builder, every_bad_parameter_is_named_at_once)
{
	struct list_request lr;
	struct problem p = {0};

	cr_assert_eq(prepare("/v1/schools?limit=0&sort=colour&phase=tertiary&nope=1", &lr, &p),
	             ERR_MALFORMED);
	cr_assert(problem_names(&p, "limit", "range"));
	cr_assert(problem_names(&p, "sort", "enum"));
	cr_assert(problem_names(&p, "phase", "enum"));
	cr_assert(problem_names(&p, "nope", "unknown"));
	cr_assert_eq(problem_count(&p), 4);
	problem_clear(&p);
	list_request_free(&lr);
}

Test(list_builder, a_cursor_of_another_sort_is_refused)
{
	struct list_request lr;
	struct problem p = {0};

	cr_assert_eq(prepare_after("name", &lr, &p), ERR_MALFORMED);
	cr_assert(problem_names(&p, "cursor", "format"), "%s", p.detail);
	cr_assert_str_eq(p.detail, "the cursor does not match the sort");
	problem_clear(&p);
	list_request_free(&lr);
}
