/*
 * gias_links.c
 *    GIAS's links file: for each school the DfE links to a successor (an
 *    academy conversion, an amalgamation), what the closed school was part
 *    of is carried to the successor by school_succession() in the schema,
 *    under a savepoint of its own, and reported. Links of other kinds, and
 *    those with nothing to carry, are counted by reason.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv_rows.h"
#include "date.h"
#include "gias_links.h"
#include "register.h"

enum col { C_URN, C_LINK_URN, C_LINK_TYPE, C_ESTABLISHED, C__COUNT };

static const char *const columns[C__COUNT + 1] = {"URN", "LinkURN", "LinkType", "LinkEstablishedDate", NULL};
static const bool required[C__COUNT] = {[C_URN] = true, [C_LINK_URN] = true, [C_LINK_TYPE] = true};
static const char *const ignored[] = {"LinkName", NULL};

/* What is carried, as school_succession() names it in its answer. */
static const char *const carried_kinds[] = {"memberships", "appointments", "vulnerabilities", "support",
                                            "system_leaders", NULL};

struct importer {
	struct csv_rows rows;
	char la_filter[8];
	long successor_links, carried, skipped, count[5];
	json_t *skipped_by_reason;   /* {reason: rows} */
	json_t *links;               /* [{predecessor, successor, on, memberships: [ids], ...}] */
};

/* The link carried, or {"skipped": reason}; a predecessor of another LA than the filter's is skipped. */
static const struct db_stmt SUCCESSION = {"gias_links_succession",
	"SELECT CASE WHEN $4::integer <> 0 AND EXISTS (SELECT 1 FROM school s JOIN local_authority l ON l.id = s.la_id "
	"WHERE s.urn = $1::integer AND l.code <> $4::integer) THEN '{\"skipped\": \"another LA''s school\"}'::jsonb "
	"ELSE school_succession($1::integer, $2::integer, $3::date) END::text, "
	"(SELECT l.code FROM school s JOIN local_authority l ON l.id = s.la_id WHERE s.urn = $2::integer)"};

static void
skip(struct importer *im, const char *reason)
{
	json_int_t n = json_integer_value(json_object_get(im->skipped_by_reason, reason));

	im->skipped++;
	if (json_object_set_new(im->skipped_by_reason, reason, json_integer(n + 1)) != 0)
		im->rows.err = problem_set(im->rows.p, ERR_INTERNAL, "out of memory");
}

static bool
urn_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 6 && n <= 8 && strspn(s, "0123456789") == n;
}

/* The carried link's answer, counted and kept with its two schools; audited as the successor's (of LA la_code). */
static void
carried(struct importer *im, const char *pred, const char *succ, int la_code, json_t *o)
{
	json_t *changes;
	enum err e;

	im->carried++;
	for (size_t k = 0; carried_kinds[k]; k++)
		im->count[k] += (long)json_array_size(json_object_get(o, carried_kinds[k]));
	json_object_set_new(o, "predecessor", json_integer(atoll(pred)));
	json_object_set_new(o, "successor", json_integer(atoll(succ)));
	changes = json_pack("{s:n, s:O}", "before", "after", o);
	e = changes ? audit_write(im->rows.c, &im->rows.who->audit, school_def.resource, succ, "succeed", changes, la_code,
	                          im->rows.p)
	            : problem_set(im->rows.p, ERR_INTERNAL, "out of memory");
	json_decref(changes);
	if (e == ERR_OK && json_array_append(im->links, o) != 0)
		e = problem_set(im->rows.p, ERR_INTERNAL, "out of memory");
	im->rows.err = e;
}

static void
row(struct csv_rows *rows, void *ctx)
{
	struct importer *im = ctx;
	const char *pred = csv_cell(rows, C_URN), *succ = csv_cell(rows, C_LINK_URN);
	const char *type = csv_cell(rows, C_LINK_TYPE), *established = csv_cell(rows, C_ESTABLISHED);
	char on[11] = "";
	PGresult *res = NULL;
	int la_code;
	json_t *o;

	if (!urn_ok(pred))
		csv_fault(rows, "URN", pred ? "format" : "required", "must be the school's URN");
	if (!urn_ok(succ))
		csv_fault(rows, "LinkURN", succ ? "format" : "required", "must be the linked school's URN");
	if (established && !date_dmy_to_iso(established, on) && !date_parse_iso(established, &(int){0}, &(int){0},
	                                                                       &(int){0}))
		csv_fault(rows, "LinkEstablishedDate", "format", "must be a date as dd-mm-yyyy");
	else if (established && !on[0])
		snprintf(on, sizeof on, "%s", established);
	if (!urn_ok(pred) || !urn_ok(succ) || (established && !on[0]))
		return;
	/* "Successor", "Successor - amalgamated", ...: the row's URN is the predecessor's */
	if (type == NULL || strncasecmp(type, "Successor", 9) != 0) {
		skip(im, "not a successor link");
		return;
	}
	im->successor_links++;
	if ((rows->err = csv_exec(rows, &SUCCESSION, 4, (const char *[]){pred, succ, on[0] ? on : NULL, im->la_filter},
	                          &res, "LinkURN")) != ERR_OK || res == NULL) {
		PQclear(res);
		return;
	}
	o = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	la_code = atoi(PQgetvalue(res, 0, 1));
	PQclear(res);
	if (o == NULL) {
		rows->err = problem_set(rows->p, ERR_INTERNAL, "out of memory");
		return;
	}
	if (json_object_get(o, "skipped"))
		skip(im, json_string_value(json_object_get(o, "skipped")));
	else
		carried(im, pred, succ, la_code, o);
	json_decref(o);
}

enum err
gias_links_import(struct db_conn *c, const struct actor *who, int la_filter, const char *data, size_t len,
                  bool dry_run, json_t **report, struct problem *p)
{
	struct importer im = {
		.rows = {.c = c, .who = who, .p = p, .columns = columns, .required = required, .ignored = ignored,
		         .what = "a GIAS links file's", .row = row, .ctx = &im},
		.skipped_by_reason = json_object(),
		.links = json_array(),
	};
	enum err e = ERR_OK;
	bool applied;

	*report = NULL;
	snprintf(im.la_filter, sizeof im.la_filter, "%d", la_filter);
	if (im.skipped_by_reason == NULL || im.links == NULL)
		e = problem_set(p, ERR_INTERNAL, "out of memory");
	if (e == ERR_OK && (e = csv_rows_apply(&im.rows, data, len, dry_run, &applied)) == ERR_OK) {
		*report = json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:O, s:O, s:O}",
		                    "dry_run", dry_run, "applied", applied, "rows", (json_int_t)im.rows.count,
		                    "successor_links", (json_int_t)im.successor_links, "carried", (json_int_t)im.carried,
		                    "memberships", (json_int_t)im.count[0], "appointments", (json_int_t)im.count[1],
		                    "vulnerabilities", (json_int_t)im.count[2], "support", (json_int_t)im.count[3],
		                    "system_leaders", (json_int_t)im.count[4], "skipped", (json_int_t)im.skipped,
		                    "skipped_by_reason", im.skipped_by_reason, "links", im.links, "faults",
		                    im.rows.faults);
		if (*report == NULL)
			e = problem_set(p, ERR_INTERNAL, "out of memory");
	}
	json_decref(im.skipped_by_reason);
	json_decref(im.links);
	json_decref(im.rows.faults);
	return e;
}
