/*
 * export.c
 *    CSV exports of lists, streamed row by row from PostgreSQL in
 *    single-row mode: the same filters as the JSON list, no paging, for
 *    people who open the data in a spreadsheet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "dispatch.h"
#include "handlers.h"

/* ---- CSV export, streamed row by row from PostgreSQL ----------------- */

struct csv_stream {
	const char *const *columns;   /* borrowed from the resource_def */
	struct db_pool *pool;
	struct db_conn *conn;
	char *buf;          /* the rendered line not yet sent */
	size_t len, off;
	bool header_sent;
	bool done;
};

/*
 * Append one CSV cell; text that a spreadsheet would run as a formula is
 * defused; a list of values is one cell, joined by "; ".
 */
static void
csv_cell(FILE *f, const json_t *v, bool first)
{
	const char *s;
	char num[32];

	if (!first)
		fputc(',', f);
	if (json_is_null(v) || v == NULL)
		return;
	if (json_is_array(v)) {   /* a list of values in one cell: "2007-12; 2008-07" */
		char *joined = NULL;
		size_t len = 0, i;
		FILE *g = open_memstream(&joined, &len);
		const json_t *item;
		json_t *text;

		if (g == NULL)
			return;
		json_array_foreach(v, i, item) {
			if (json_is_string(item))
				fprintf(g, "%s%s", i ? "; " : "", json_string_value(item));
			else if (json_is_integer(item))
				fprintf(g, "%s%lld", i ? "; " : "", (long long)json_integer_value(item));
		}
		fclose(g);
		text = json_string(joined ? joined : "");
		free(joined);
		if (text && json_string_length(text) > 0)
			csv_cell(f, text, true);
		json_decref(text);
		return;
	}
	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		s = num;
	} else if (json_is_boolean(v)) {
		s = json_is_true(v) ? "true" : "false";
	} else {
		s = json_string_value(v);
	}
	if (s == NULL)
		return;
	if (json_is_string(v) && strchr("=+-@\t\r", s[0]) && s[0] != '\0') {
		fputs("\"'", f);
	} else if (strpbrk(s, ",\"\r\n") != NULL) {
		fputc('"', f);
	} else {
		fputs(s, f);
		return;
	}
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/*
 * The header line of columns, and one row's line. A column "a.b" is member
 * b of the row's object a (a school's "consortium.name"), headed "a_b".
 */
static void
csv_header(FILE *f, const char *const *columns)
{
	for (size_t c = 0; columns[c]; c++) {
		if (c)
			fputc(',', f);
		for (const char *k = columns[c]; *k; k++)
			fputc(*k == '.' ? '_' : *k, f);
	}
	fputs("\r\n", f);
}

static const json_t *
csv_value(const json_t *row, const char *column)
{
	const char *dot = strchr(column, '.');
	char outer[64];

	if (dot == NULL || (size_t)(dot - column) >= sizeof outer)
		return json_object_get(row, column);
	memcpy(outer, column, (size_t)(dot - column));
	outer[dot - column] = '\0';
	return json_object_get(json_object_get(row, outer), dot + 1);
}

static void
csv_row(FILE *f, const json_t *row, const char *const *columns)
{
	for (size_t c = 0; columns[c]; c++)
		csv_cell(f, csv_value(row, columns[c]), c == 0);
	fputs("\r\n", f);
}

enum err
respond_csv(struct req *r, const json_t *items, const char *const *columns, const char *name)
{
	char *buf = NULL, disposition[96];
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	json_t *row;

	if (f == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	csv_header(f, columns);
	json_array_foreach(items, i, row)
		csv_row(f, row, columns);
	fclose(f);
	ulfius_set_binary_body_response(r->out, 200, buf, len);
	free(buf);
	r->status = 200;
	respond_header(r, "Content-Type", "text/csv; charset=utf-8");
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s.csv\"", name);
	respond_header(r, "Content-Disposition", disposition);
	return ERR_OK;
}

enum err
respond_items_csv(struct req *r, char *text, const char *const *columns, const char *name)
{
	json_t *o = json_loads(text, 0, NULL);
	enum err e;

	free(text);
	e = o ? respond_csv(r, json_object_get(o, "items"), columns, name)
	      : problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	json_decref(o);
	return e;
}

/* Render the next line into st->buf; false at the end or on failure. */
static bool
next_line(struct csv_stream *st)
{
	FILE *f;
	PGresult *res;
	bool ok = true;

	free(st->buf);
	st->buf = NULL;
	st->len = st->off = 0;
	if ((f = open_memstream(&st->buf, &st->len)) == NULL)
		return false;
	if (!st->header_sent) {
		csv_header(f, st->columns);
		st->header_sent = true;
	} else if ((res = PQgetResult(st->conn->pg)) == NULL) {
		ok = false;
		st->done = true;
	} else if (PQresultStatus(res) == PGRES_SINGLE_TUPLE) {
		json_t *doc = json_loadb(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0), 0, NULL);
		csv_row(f, doc, st->columns);
		json_decref(doc);
		PQclear(res);
	} else {
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			log_msg("error", "export", "the export query failed: %s",
			        PQresultErrorMessage(res));
			ok = false;
		}
		PQclear(res);
		if (ok) {   /* the closing result of single-row mode: end of data */
			while ((res = PQgetResult(st->conn->pg)) != NULL)
				PQclear(res);
			st->done = true;
			ok = false;
		}
	}
	fclose(f);
	return ok;
}

static ssize_t
csv_stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct csv_stream *st = cls;
	size_t n = 0;

	(void)pos;
	while (n < max) {
		if (st->off == st->len && (st->done || !next_line(st)))
			break;
		size_t take = st->len - st->off < max - n ? st->len - st->off : max - n;
		memcpy(out + n, st->buf + st->off, take);
		st->off += take;
		n += take;
	}
	if (n == 0)
		return st->done ? U_STREAM_END : U_STREAM_ERROR;
	return (ssize_t)n;
}

static void
csv_stream_free(void *cls)
{
	struct csv_stream *st = cls;
	PGresult *res;

	if (!st->done) {   /* the client went away: stop the query */
		PGcancel *cancel = PQgetCancel(st->conn->pg);
		char why[128];
		if (cancel) {
			PQcancel(cancel, why, sizeof why);
			PQfreeCancel(cancel);
		}
	}
	while ((res = PQgetResult(st->conn->pg)) != NULL)
		PQclear(res);
	PQclear(PQexec(st->conn->pg, "RESET statement_timeout"));
	db_release(st->pool, st->conn);
	free(st->buf);
	free(st);
}

/* What a HEAD of an export streams: nothing (libmicrohttpd never asks). */
static ssize_t
nothing_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)cls;
	(void)pos;
	(void)out;
	(void)max;
	return U_STREAM_END;
}

enum err
api_resource_export(struct req *r)
{
	const struct resource_def *def = r->route->def;
	struct list_request lr;
	struct csv_stream *st;
	struct db_conn *c = NULL;
	struct db_pool *pool;
	PGresult *res;
	char disposition[96];
	enum err e;

	if ((e = list_prepare(def, &r->who.scope, &r->query, NULL, false, &lr, &r->problem)) != ERR_OK)
		return e;
	if (strcmp(r->in->http_verb, "HEAD") == 0) {
		/*
		 * The headers a GET would get, and no query. libmicrohttpd 0.9.75
		 * ends a HEAD of a stream of unknown length with a chunked
		 * terminator nobody reads: close the connection after it.
		 */
		ulfius_set_stream_response(r->out, 200, nothing_read, NULL, U_STREAM_SIZE_UNKNOWN, 1024,
		                           NULL);
		respond_header(r, "Connection", "close");
		goto headers;
	}
	/* A connection of the downloads' own, or 503 at once: the workers' stay theirs. */
	pool = read_pool(r, &r->app->exports, &r->app->read_exports);
	if (pool != &r->app->exports && db_acquire(pool, 0, &c, &r->problem) != ERR_OK) {
		/* the standby's are all lent, or it went since the last look: the primary's */
		problem_clear(&r->problem);
		pool = &r->app->exports;
		c = NULL;
	}
	if (c == NULL) {
		struct db_pool_stats held;
		db_pool_stats(pool, &held);
		if (held.in_use >= held.size) {
			r->problem.retry_after = 1;
			e = problem_set(&r->problem, ERR_UNAVAILABLE,
			                "every connection for downloads is in use (EXPORT_CONNECTIONS %d); "
			                "try again shortly", r->app->cfg.export_connections);
			goto out;
		}
	}
	if (c == NULL && (e = db_acquire(pool, 0, &c, &r->problem)) != ERR_OK)
		goto out;
	if ((st = calloc(1, sizeof *st)) == NULL) {
		db_release(pool, c);
		e = problem_set(&r->problem, ERR_INTERNAL, "out of memory");
		goto out;
	}
	/* A download lasts as long as the client reads; the stream resets this. */
	if ((e = db_exec_sql(c, "SET statement_timeout = '10min'", 0, NULL, &res, &r->problem)) !=
	    ERR_OK) {
		free(st);
		db_release(pool, c);
		goto out;
	}
	PQclear(res);
	db_set_deadline(c, 0);
	if (!PQsendQueryParams(c->pg, lr.sql, lr.nparams, NULL, lr.params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(c->pg)) {
		free(st);
		e = db_map_error(c, NULL, &r->problem);
		db_release(pool, c);
		goto out;
	}
	/* The stream owns the connection from here, and gives it back when it ends. */
	st->columns = def->csv_columns;
	st->pool = pool;
	st->conn = c;
	ulfius_set_stream_response(r->out, 200, csv_stream_read, csv_stream_free,
	                           U_STREAM_SIZE_UNKNOWN, 64 * 1024, st);
headers:
	respond_header(r, "Content-Type", "text/csv; charset=utf-8");
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s.csv\"",
	         strrchr(def->path, '/') + 1);
	respond_header(r, "Content-Disposition", disposition);
	r->status = 200;
out:
	list_request_free(&lr);
	return e;
}
