/*
 * fuzz_import.c
 *    libFuzzer target: a GIAS establishment extract (POST
 *    /v1/schools/import) through import_gias: libcsv, the Windows-1252 or
 *    UTF-8 decoding, the header, gias_row_map and the school field table.
 *
 * The database is replaced by the stubs below (this target links neither
 * db.c nor audit.c): a transaction the target opens and ends itself, as
 * the dispatcher's unit of work does, an import_school() that answers "created", "updated", "unchanged" or a
 * rejection by the URN, and an audit_write that only checks its input.
 * What the stubs receive is what PostgreSQL would: the stub checks every
 * value is NULL or valid UTF-8 without NUL (PostgreSQL refuses anything
 * else, failing the whole import) and that the dates and numbers are what
 * the SQL casts them to.
 *
 * Input: byte 0 bit 0 chooses the encoding (0 Windows-1252, the DfE's;
 * 1 UTF-8), bit 1 an LA filter of 937; the rest is the file.
 *
 * Contracts checked: a file is refused only as ERR_VALIDATION naming a
 * fault; an accepted one has a report whose counts add up to its rows,
 * with one rejection listed for each one counted.
 */
#include <jansson.h>
#include <stdbool.h>

#include "audit.h"
#include "config.h"
#include "date.h"
#include "db.h"
#include "fields.h"
#include "fuzz.h"
#include "import.h"

/* ---- the database, stubbed --------------------------------------------- */

enum err
db_begin(struct db_conn *c, struct problem *p)
{
	(void)p;
	FUZZ_CHECK(!c->in_tx, "a transaction is already open");
	c->in_tx = true;
	return ERR_OK;
}

enum err
db_commit(struct db_conn *c, struct problem *p)
{
	(void)p;
	FUZZ_CHECK(c->in_tx, "commit outside a transaction");
	c->in_tx = false;
	return ERR_OK;
}

void
db_rollback(struct db_conn *c)
{
	c->in_tx = false;
}

static bool
text_ok(const char *v)
{
	return v == NULL || utf8_valid(v, strlen(v));
}

/* What `$n::type` would make of v: NULL or a value of that type. */
static bool
cast_ok(const char *v, const char *type)
{
	long long n;
	int y, m, d;

	if (v == NULL)
		return true;
	if (strcmp(type, "integer") == 0)
		return parse_int(v, -2147483648LL, 2147483647LL, &n);
	if (strcmp(type, "boolean") == 0)
		return strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
	if (strcmp(type, "date") == 0)
		return date_parse_iso(v, &y, &m, &d);
	return true;
}

enum err
db_exec(struct db_conn *c, const struct db_stmt *st, int n, const char *const *vals,
        PGresult **out, struct problem *p)
{
	/* the casts of IMPORT_ROW's parameters, $1..$20, and of IMPORT_CENSUS's, $1..$3 */
	static const char *const row_types[20] = {
		"integer", "integer", "text", "integer", "text", "text", "text", "text", "boolean", "text",
		"date", "boolean", "integer", "boolean", "text", "boolean", "date", "boolean", "date", "text"};
	static const char *const census_types[3] = {"integer", "date", "integer"};
	static const char *const outcomes[] = {"created", "updated", "unchanged",
	                                       "rejected:URN 1 cannot be registered under local authority 937"};
	const char *const *types = strcmp(st->name, "import_row") == 0 ? row_types : census_types;
	PGresAttDesc col = {.name = "r", .typid = 25, .typlen = -1, .atttypmod = -1};
	PGresult *res;

	(void)p;
	FUZZ_CHECK(c->in_tx, "%s outside a transaction", st->name);
	FUZZ_CHECK(strcmp(st->name, "import_row") == 0 ? n == 20 : strcmp(st->name, "import_census") == 0 && n == 3,
	           "unexpected statement %s with %d parameters", st->name, n);
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(text_ok(vals[i]), "%s: $%d is not valid UTF-8", st->name, i + 1);
		FUZZ_CHECK(cast_ok(vals[i], types[i]), "%s: $%d = '%s' is no %s", st->name, i + 1, vals[i],
		           types[i]);
	}
	res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	FUZZ_CHECK(res && PQsetResultAttrs(res, 1, &col), "cannot make a result");
	if (strcmp(st->name, "import_row") == 0) {
		const char *o = outcomes[atoi(vals[0]) % 4];
		FUZZ_CHECK(PQsetvalue(res, 0, 0, (char *)o, (int)strlen(o)), "cannot fill a result");
	}
	*out = res;
	return ERR_OK;
}

enum err
audit_write(struct db_conn *c, const struct audit_actor *who, const char *resource,
            const char *resource_id, const char *action, const json_t *changes, int la_code,
            struct problem *p)
{
	(void)who;
	(void)resource_id;
	(void)p;
	FUZZ_CHECK(c->in_tx, "audit outside a transaction");
	FUZZ_CHECK(strcmp(resource, "school") == 0 && strcmp(action, "import") == 0, "%s %s", resource,
	           action);
	FUZZ_CHECK(json_is_object(changes), "no changes");
	FUZZ_CHECK(la_code == 0 || la_code == 937, "la %d", la_code);
	return ERR_OK;
}

/* ---- the target -------------------------------------------------------- */

static json_int_t
count(const json_t *report, const char *name)
{
	const json_t *v = json_object_get(report, name);

	FUZZ_CHECK(json_is_integer(v) && json_integer_value(v) >= 0, "report.%s", name);
	return json_integer_value(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct db_conn conn = {0};
	struct import_options opt;
	struct audit_actor who = {.subject = "fuzz", .role = ROLE_OFFICER, .issuer = "consortia"};
	struct problem p = {0};
	json_t *report = NULL;
	enum err e;

	if (size < 1)
		return 0;
	opt.encoding = (data[0] & 1) ? IMPORT_UTF8 : IMPORT_CP1252;
	opt.la_filter = (data[0] & 2) ? 937 : 0;
	/* as the dispatcher's unit of work does: open, run, then commit or roll back */
	db_begin(&conn, &p);
	e = import_gias(&conn, (const char *)data + 1, size - 1, &opt, &who, &report, &p);
	FUZZ_CHECK(conn.in_tx, "the import ended its caller's transaction");
	if (e == ERR_OK)
		db_commit(&conn, &p);
	else
		db_rollback(&conn);
	if (e == ERR_OK) {
		json_t *rejections = json_object_get(report, "rejections");
		json_int_t rows = count(report, "rows");
		json_int_t sum = count(report, "created") + count(report, "updated") +
		                 count(report, "unchanged") + count(report, "skipped") +
		                 count(report, "rejected");

		FUZZ_CHECK(sum == rows, "%lld rows, %lld accounted for", (long long)rows, (long long)sum);
		FUZZ_CHECK(json_is_array(rejections) &&
		           (json_int_t)json_array_size(rejections) == count(report, "rejected"),
		           "rejections listed and counted differ");
		FUZZ_CHECK(problem_count(&p) == 0, "accepted with faults");
	} else {
		FUZZ_CHECK(e == ERR_VALIDATION, "import_gias gave %d: %s", e, p.detail);
		FUZZ_CHECK(problem_count(&p) > 0, "refused naming nothing: %s", p.detail);
		FUZZ_CHECK(report == NULL, "refused with a report");
	}
	json_decref(report);
	problem_clear(&p);
	return 0;
}
