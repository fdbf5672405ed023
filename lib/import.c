/*
 * import.c
 *    This module implements the GIAS import: libcsv splits the records,
 *    gias.c maps each row, the school field table validates it, and the
 *    database function import_school() upserts it.
 */
#include "import.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "gias.h"
#include "register.h"

/* The pupils on roll as of the extract's census date, kept for funds. */
static const struct db_stmt IMPORT_CENSUS = {"import_census",
	"INSERT INTO school_census (urn, census_date, pupils) VALUES ($1::integer, $2::date, $3::integer) "
	"ON CONFLICT (urn, census_date) DO UPDATE SET pupils = EXCLUDED.pupils"};

static const struct db_stmt IMPORT_ROW = {"import_row",
	"SELECT import_school($1::integer, $2::integer, $3, $4::integer, $5, $6, $7, $8, "
	"$9::boolean, $10, $11::date, $12::boolean, $13::integer, $14::boolean, $15, "
	"$16::boolean, $17::date, $18::boolean, $19::date, $20)"};

/* The extract's column to name in a rejection, for each school field. */
static const char *const column_of_field[SF__COUNT] = {
	[SF_URN] = "URN", [SF_LA_CODE] = "LA (code)", [SF_ESTABLISHMENT_NUMBER] = "EstablishmentNumber",
	[SF_NAME] = "EstablishmentName", [SF_PHASE] = "PhaseOfEducation (code)",
	[SF_TYPE] = "TypeOfEstablishment (name)", [SF_STATUS] = "EstablishmentStatus (name)",
	[SF_OFSTED_GRADE] = "OfstedRating (name)", [SF_OFSTED_DATE] = "OfstedLastInsp",
	[SF_PUPILS] = "NumberOfPupils", [SF_HEADTEACHER_NAME] = "HeadLastName",
	[SF_OPENED_ON] = "OpenDate", [SF_CLOSED_ON] = "CloseDate",
};

struct importer {
	struct db_conn *conn;
	const struct import_options *opt;
	struct problem *p;
	enum err err;                 /* first fatal error; rows stop being applied */

	char **fields;                /* the record being collected (UTF-8) */
	size_t nfields, capfields;
	bool field_bad;               /* a field of this record failed to decode */
	long line, record_line;       /* physical line now, and where the record began */

	bool have_header;
	struct gias_header header;

	int *seen_urns;               /* URN -> first line, for duplicates in the file */
	long rows, created, updated, unchanged, skipped, rejected;
	json_t *skipped_by_reason;    /* {reason: rows} */
	json_t *rejections;
};

static void
add_rejection(struct importer *im, const char *urn, const char *reason)
{
	json_t *o = json_pack("{s:I, s:s?, s:s}", "line", (json_int_t)im->record_line, "urn", urn,
	                      "reason", reason);
	im->rejected++;
	if (o)
		json_array_append_new(im->rejections, o);
}

/* First validation fault of the school as "Column: message". */
static void
describe_fault(const struct problem *vp, char *out, size_t len)
{
	json_t *e = json_array_get(vp->errors, 0);
	const char *field = json_string_value(json_object_get(e, "field"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	int i = field ? fields_index(school_def.fields, field) : -1;
	const char *col = (i >= 0 && column_of_field[i]) ? column_of_field[i] : field;

	snprintf(out, len, "%s %s", col ? col : "row", msg ? msg : "is invalid");
}

static void
apply_row(struct importer *im, struct gias_row *r)
{
	struct problem vp = {0};
	struct record rec = {0};
	char reason[300];
	const char *urn = r->urn[0] ? r->urn : NULL;
	PGresult *res = NULL;

	if (r->outcome == GIAS_SKIP) {
		json_t *n = json_object_get(im->skipped_by_reason, r->reason);

		im->skipped++;
		if (json_object_set_new(im->skipped_by_reason, r->reason,
		                        json_integer(n ? json_integer_value(n) + 1 : 1)) != 0)
			im->err = problem_set(im->p, ERR_INTERNAL, "out of memory");
		return;
	}
	if (r->outcome == GIAS_REJECT) {
		add_rejection(im, urn, r->reason);
		return;
	}
	if (record_from_json(school_def.fields, r->school, RECORD_CREATE, &rec, &vp) != ERR_OK ||
	    (school_check(&rec, &vp), problem_count(&vp) > 0)) {
		describe_fault(&vp, reason, sizeof reason);
		add_rejection(im, urn, reason);
		goto out;
	}
	if (rec.val[SF_URN] == NULL) {   /* an extract's every row has one */
		add_rejection(im, urn, "the row has no URN");
		goto out;
	}
	{
		long u = atol(rec.val[SF_URN]);
		if (im->seen_urns[u] != 0) {
			snprintf(reason, sizeof reason, "URN %ld appears earlier in the file, on line %d", u,
			         im->seen_urns[u]);
			add_rejection(im, urn, reason);
			goto out;
		}
		im->seen_urns[u] = (int)im->record_line;
	}
	{
		const char *T = "true", *F = "false";
		const char *v[20] = {
			rec.val[SF_URN], rec.val[SF_LA_CODE], r->la_name, rec.val[SF_ESTABLISHMENT_NUMBER],
			rec.val[SF_NAME], rec.val[SF_PHASE], rec.val[SF_TYPE], rec.val[SF_STATUS],
			r->has_ofsted ? T : F, rec.val[SF_OFSTED_GRADE], rec.val[SF_OFSTED_DATE],
			r->has_pupils ? T : F, rec.val[SF_PUPILS],
			r->has_head ? T : F, rec.val[SF_HEADTEACHER_NAME],
			r->has_opened ? T : F, rec.val[SF_OPENED_ON],
			r->has_closed ? T : F, rec.val[SF_CLOSED_ON],
			r->district[0] ? r->district : NULL,
		};
		const char *outcome;

		if ((im->err = db_exec(im->conn, &IMPORT_ROW, 20, v, &res, im->p)) != ERR_OK)
			goto out;
		outcome = PQgetvalue(res, 0, 0);
		if (strncmp(outcome, "rejected:", 9) != 0 && r->census_date[0] && rec.val[SF_PUPILS]) {
			const char *cv[] = {rec.val[SF_URN], r->census_date, rec.val[SF_PUPILS]};
			PGresult *cres = NULL;
			if ((im->err = db_exec(im->conn, &IMPORT_CENSUS, 3, cv, &cres, im->p)) != ERR_OK)
				goto out;
			PQclear(cres);
		}
		if (strcmp(outcome, "created") == 0)
			im->created++;
		else if (strcmp(outcome, "updated") == 0)
			im->updated++;
		else if (strcmp(outcome, "unchanged") == 0)
			im->unchanged++;
		else
			add_rejection(im, urn, strncmp(outcome, "rejected:", 9) == 0 ? outcome + 9 : outcome);
	}
out:
	PQclear(res);
	record_clear(&rec);
	problem_clear(&vp);
}

/* libcsv: one field of the current record. */
static void
on_field(void *s, size_t len, void *data)
{
	struct importer *im = data;
	char *text;

	if (im->nfields == 0)
		im->record_line = im->line;
	if (im->nfields == im->capfields) {
		size_t cap = im->capfields ? im->capfields * 2 : 160;
		char **n = realloc(im->fields, cap * sizeof *n);
		if (n == NULL) {
			im->err = problem_set(im->p, ERR_INTERNAL, "out of memory");
			return;
		}
		im->fields = n;
		im->capfields = cap;
	}
	if (im->opt->encoding == IMPORT_UTF8)
		text = (s && utf8_valid(s, len)) ? strndup(s, len) : (len == 0 ? strdup("") : NULL);
	else
		text = cp1252_to_utf8(s ? s : "", s ? len : 0);
	if (text == NULL) {
		im->field_bad = true;
		text = strdup("");
	}
	im->fields[im->nfields++] = text;
}

static void
drop_record(struct importer *im)
{
	for (size_t i = 0; i < im->nfields; i++)
		free(im->fields[i]);
	im->nfields = 0;
	im->field_bad = false;
}

/* libcsv: the end of a record. */
static void
on_record(int c, void *data)
{
	struct importer *im = data;
	struct gias_row r;

	(void)c;
	if (im->err != ERR_OK) {
		drop_record(im);
		return;
	}
	if (im->nfields == 0)
		im->record_line = im->line;
	if (!im->have_header) {
		im->err = gias_header_parse(&im->header, im->fields, im->nfields, im->p);
		im->have_header = true;
		drop_record(im);
		return;
	}
	if (im->nfields == 1 && im->fields[0][0] == '\0') {
		drop_record(im);   /* a blank line */
		return;
	}
	im->rows++;
	if (im->field_bad) {
		add_rejection(im, NULL, im->opt->encoding == IMPORT_UTF8
		                            ? "the row is not valid UTF-8"
		                            : "the row holds a NUL byte");
	} else {
		gias_row_map(&im->header, im->fields, im->nfields, im->opt->la_filter, &r);
		apply_row(im, &r);
		gias_row_clear(&r);
	}
	drop_record(im);
}

enum err
import_gias(struct db_conn *c, const char *data, size_t len, const struct import_options *opt,
            const struct audit_actor *who, json_t **report, struct problem *p)
{
	struct importer im = {.conn = c, .opt = opt, .p = p, .line = 1};
	struct csv_parser parser;
	size_t start = 0;
	enum err e;

	*report = NULL;
	if (len == 0) {
		problem_field(p, IN_BODY, "file", "required", "is empty");
		return problem_set(p, ERR_VALIDATION, "not a GIAS establishment extract: the file is empty");
	}
	if (csv_init(&parser, CSV_APPEND_NULL) != 0)
		return problem_set(p, ERR_INTERNAL, "out of memory");
	im.seen_urns = calloc(1000000, sizeof *im.seen_urns);
	im.rejections = json_array();
	im.skipped_by_reason = json_object();
	if (im.seen_urns == NULL || im.rejections == NULL || im.skipped_by_reason == NULL) {
		e = problem_set(p, ERR_INTERNAL, "out of memory");
		goto out;
	}
	/* Fed a physical line at a time, so that rejections can name their line. */
	while (start < len && im.err == ERR_OK) {
		const char *nl = memchr(data + start, '\n', len - start);
		size_t chunk = nl ? (size_t)(nl - (data + start)) + 1 : len - start;

		if (csv_parse(&parser, data + start, chunk, on_field, on_record, &im) != chunk) {
			problem_field(p, IN_BODY, "file", "format", "is not readable as CSV from line %ld",
			              im.line);
			im.err = problem_set(p, ERR_VALIDATION, "the file is not readable as CSV: %s",
			                     csv_strerror(csv_error(&parser)));
			break;
		}
		start += chunk;
		im.line++;
	}
	if (im.err == ERR_OK)
		csv_fini(&parser, on_field, on_record, &im);
	drop_record(&im);
	if ((e = im.err) != ERR_OK)
		goto out;
	if (!im.have_header) {
		problem_field(p, IN_BODY, "file", "format", "has no header row");
		e = problem_set(p, ERR_VALIDATION, "not a GIAS establishment extract: no header row");
		goto out;
	}
	{
		json_t *changes = json_pack("{s:n, s:{s:I, s:I, s:I, s:I, s:I, s:I}}", "before", "after",
		                            "rows", (json_int_t)im.rows, "created", (json_int_t)im.created,
		                            "updated", (json_int_t)im.updated, "unchanged",
		                            (json_int_t)im.unchanged, "skipped", (json_int_t)im.skipped,
		                            "rejected", (json_int_t)im.rejected);
		e = changes ? audit_write(c, who, "school", NULL, "import", changes, opt->la_filter, p)
		            : problem_set(p, ERR_INTERNAL, "out of memory");
		json_decref(changes);
		if (e != ERR_OK)
			goto out;
	}
	*report = json_pack("{s:I, s:I, s:I, s:I, s:I, s:O, s:I, s:O}", "rows", (json_int_t)im.rows,
	                    "created", (json_int_t)im.created, "updated", (json_int_t)im.updated,
	                    "unchanged", (json_int_t)im.unchanged, "skipped", (json_int_t)im.skipped,
	                    "skipped_by_reason", im.skipped_by_reason, "rejected", (json_int_t)im.rejected,
	                    "rejections", im.rejections);
	if (*report == NULL)
		e = problem_set(p, ERR_INTERNAL, "out of memory");
out:
	csv_free(&parser);
	free(im.fields);
	free(im.seen_urns);
	json_decref(im.rejections);
	json_decref(im.skipped_by_reason);
	return e;
}
