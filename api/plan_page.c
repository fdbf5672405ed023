/*
 * plan_page.c
 *    A strategic plan as a printable page, laid out as seed 004 lays it
 *    out: per strand its aim and objectives, then a table of work areas,
 *    their success criteria, actions and level, responsibility, resources
 *    and completion, with a progress column; then the continuum profile,
 *    the actions at risk or overdue, the benchmarks and the money named per
 *    part of the funding. Drawn from the report's JSON (already in Welsh
 *    where asked), with the page's own words from messages.c; every figure
 *    also in data-field / data-value.
 */
#include "report_pages.h"

#include <stdlib.h>
#include <string.h>

#include "page.h"

/* A completion date in words: "2007-12" as "December 2007", a day as it is. */
static void
completion(FILE *f, const char *c, enum lang l)
{
	int y, m;

	if (strlen(c) == 7 && sscanf(c, "%4d-%2d", &y, &m) == 2 && msg_month(m, l))
		fprintf(f, "%s %d", msg_month(m, l), y);
	else
		html(f, c);
}

/* A value of a list in the page's words ("full_integration": "Full integration"). */
static void
value(FILE *f, const char *v, enum lang l)
{
	const char *words = msg_value(v, l);

	html(f, words ? words : v);
}

/* One action's row (a sub-action's indented): its text and level, who, resources, when, progress. */
static void
action_row(FILE *f, const json_t *a, bool sub, enum lang l)
{
	const json_t *dates = json_object_get(a, "completion"), *d;
	const char *number = text_of(a, "number");
	size_t i;

	fprintf(f, "<td class=\"action%s\" data-id=\"%lld\">", sub ? " sub" : "", num(a, "id", NULL));
	if (*number) {
		fputs("<span data-field=\"number\">", f);
		html(f, number);
		fputs("</span> ", f);
	}
	html(f, text_of(a, "text"));
	fputs(" <i data-field=\"level\" data-value=\"", f);
	html(f, text_of(a, "level"));
	fputs("\">", f);
	value(f, text_of(a, "level"), l);
	fputs("</i></td><td data-field=\"responsible\">", f);
	if (json_is_string(json_object_get(a, "responsible_body_name")))
		html(f, text_of(a, "responsible_body_name"));
	if (json_is_string(json_object_get(a, "responsible_body_name")) && json_is_string(json_object_get(a, "responsible")))
		fputs("; ", f);
	html(f, text_of(a, "responsible"));
	fputs("</td><td data-field=\"resources\">", f);
	html(f, text_of(a, "resources"));
	if (json_is_integer(json_object_get(a, "resources_pence"))) {
		fprintf(f, " <span data-field=\"resources_pence\" data-value=\"%lld\">", num(a, "resources_pence", NULL));
		pounds(f, num(a, "resources_pence", NULL));
		fputs("</span>", f);
	}
	fputs("</td><td data-field=\"completion\">", f);
	json_array_foreach(dates, i, d) {
		if (i > 0)
			fputs("<br>", f);
		completion(f, json_string_value(d), l);
	}
	fprintf(f, "</td><td data-field=\"progress\" data-state=\"%s\"", text_of(a, "progress"));
	if (json_is_true(json_object_get(a, "overdue")))
		fputs(" class=\"overdue\"", f);
	fputs(">", f);
	value(f, text_of(a, "progress"), l);
	if (json_is_true(json_object_get(a, "overdue")))
		fprintf(f, " (%s)", msg(M_OVERDUE, l));
	fputs("</td>", f);
}

/* The rows an action takes: its own and one per sub-action. */
static size_t
action_rows(const json_t *actions)
{
	const json_t *a;
	size_t i, n = 0;

	json_array_foreach(actions, i, a)
		n += 1 + json_array_size(json_object_get(a, "sub_actions"));
	return n;
}

/* A work area: its name and criteria span its actions' rows. */
static void
work_area(FILE *f, const json_t *w, enum lang l)
{
	const json_t *actions = json_object_get(w, "actions"), *c, *a, *s;
	size_t rows = action_rows(actions), i, j;
	bool first = true;

	fprintf(f, "<tr class=\"work_area\" data-id=\"%lld\"><td rowspan=\"%zu\" data-field=\"work_area\">",
	        num(w, "id", NULL), rows ? rows : 1);
	html(f, text_of(w, "name"));
	fprintf(f, "</td><td rowspan=\"%zu\"><ul class=\"criteria\">", rows ? rows : 1);
	json_array_foreach(json_object_get(w, "criteria"), i, c) {
		const json_t *last = json_object_get(c, "last_review");

		fprintf(f, "<li data-id=\"%lld\">", num(c, "id", NULL));
		html(f, text_of(c, "text"));
		if (json_is_integer(json_object_get(c, "target"))) {
			fprintf(f, " (%s <span data-field=\"target\" data-value=\"%lld\">%lld</span> ", msg(M_TARGET, l),
			        num(c, "target", NULL), num(c, "target", NULL));
			html(f, text_of(c, "unit"));
			if (json_is_object(last))
				fprintf(f, "; %s <span data-field=\"value_reached\" data-value=\"%lld\">%lld</span>",
				        msg(M_REACHED, l), num(last, "value_reached", NULL), num(last, "value_reached", NULL));
			fputs(")", f);
		}
		fputs("</li>", f);
	}
	fputs("</ul></td>", f);
	if (rows == 0)
		fputs("<td colspan=\"5\"></td></tr>", f);
	json_array_foreach(actions, i, a) {
		if (!first)
			fputs("<tr>", f);
		action_row(f, a, false, l);
		fputs("</tr>", f);
		first = false;
		json_array_foreach(json_object_get(a, "sub_actions"), j, s) {
			fputs("<tr>", f);
			action_row(f, s, true, l);
			fputs("</tr>", f);
		}
	}
}

static void
strand(FILE *f, const json_t *s, enum lang l)
{
	const json_t *o, *w;
	size_t i;

	fprintf(f, "<section class=\"strand\" data-id=\"%lld\"><h2>%s %lld: ", num(s, "id", NULL), msg(M_STRAND, l),
	        num(s, "number", NULL));
	html(f, text_of(s, "name"));
	fputs("</h2>", f);
	if (json_is_string(json_object_get(s, "aim"))) {
		fprintf(f, "<h3>%s</h3><p class=\"aim\">", msg(M_AIM, l));
		html(f, text_of(s, "aim"));
		fputs("</p>", f);
	}
	if (json_array_size(json_object_get(s, "objectives")) > 0) {
		fprintf(f, "<h3>%s</h3><ul class=\"objectives\">", msg(M_OBJECTIVES, l));
		json_array_foreach(json_object_get(s, "objectives"), i, o) {
			fputs("<li><span data-field=\"number\">", f);
			html(f, text_of(o, "number"));
			fputs("</span> ", f);
			html(f, text_of(o, "text"));
			fputs("</li>", f);
		}
		fputs("</ul>", f);
	}
	if (json_array_size(json_object_get(s, "work_areas")) == 0) {
		fputs("</section>", f);
		return;
	}
	fprintf(f, "<table class=\"plan\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	        "<th>%s</th><th>%s</th></tr></thead><tbody>", msg(M_WORK_AREA, l), msg(M_SUCCESS_CRITERIA, l),
	        msg(M_ACTIONS_LEVEL, l), msg(M_RESPONSIBILITY, l), msg(M_RESOURCES, l), msg(M_COMPLETION, l),
	        msg(M_PROGRESS, l));
	json_array_foreach(json_object_get(s, "work_areas"), i, w)
		work_area(f, w, l);
	fputs("</tbody></table></section>", f);
}

/* The continuum profile: per strand, how many actions at each level. */
static void
profile(FILE *f, const json_t *rows, enum lang l)
{
	static const char *const levels[] = {"networking", "coordination", "cooperation", "collaboration",
	                                     "full_integration", "total", NULL};
	const json_t *r;
	size_t i;

	fprintf(f, "<h2>%s</h2><table class=\"profile\"><thead><tr><th>%s</th>", msg(M_PROFILE, l), msg(M_STRAND, l));
	for (size_t k = 0; levels[k]; k++)
		fprintf(f, "<th class=\"n\">%s</th>", levels[k + 1] ? msg_value(levels[k], l) : msg(M_TOTAL, l));
	fputs("</tr></thead><tbody>", f);
	json_array_foreach(rows, i, r) {
		fprintf(f, "<tr data-strand=\"%lld\"><td>%lld: ", num(r, "strand_number", NULL), num(r, "strand_number", NULL));
		html(f, text_of(r, "strand_name"));
		fputs("</td>", f);
		for (size_t k = 0; levels[k]; k++)
			count_cell(f, levels[k], num(r, levels[k], NULL));
		fputs("</tr>", f);
	}
	fputs("</tbody></table>", f);
}

static void
attention(FILE *f, const json_t *rows, enum lang l)
{
	const json_t *a;
	size_t i;

	fprintf(f, "<h2>%s</h2>", msg(M_ATTENTION, l));
	if (json_array_size(rows) == 0) {
		fprintf(f, "<p class=\"attention\">%s</p>", msg(M_NONE, l));
		return;
	}
	fprintf(f, "<table class=\"attention\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	        "</tr></thead><tbody>", msg(M_STRAND, l), msg(M_NUMBER, l), msg(M_ACTION, l), msg(M_DUE, l),
	        msg(M_PROGRESS, l));
	json_array_foreach(rows, i, a) {
		fprintf(f, "<tr data-id=\"%lld\"><td>%lld</td>", num(a, "id", NULL), num(a, "strand_number", NULL));
		text_cell(f, "number", a, "number");
		text_cell(f, "text", a, "text");
		text_cell(f, "due_on", a, "due_on");
		fprintf(f, "<td data-field=\"progress\" data-state=\"%s\">", text_of(a, "progress"));
		value(f, text_of(a, "progress"), l);
		if (json_is_true(json_object_get(a, "overdue")))
			fprintf(f, " (%s)", msg(M_OVERDUE, l));
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table>", f);
}

static void
benchmarks(FILE *f, const json_t *rows, enum lang l)
{
	const json_t *b;
	size_t i;

	fprintf(f, "<h2>%s</h2>", msg(M_BENCHMARKS, l));
	if (json_array_size(rows) == 0) {
		fprintf(f, "<p class=\"benchmarks\">%s</p>", msg(M_NONE, l));
		return;
	}
	fprintf(f, "<table class=\"benchmarks\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	        "</tr></thead><tbody>", msg(M_BENCHMARK, l), msg(M_TARGET, l), msg(M_SET_ON, l), msg(M_REVIEW_BY, l),
	        msg(M_REACHED, l));
	json_array_foreach(rows, i, b) {
		fprintf(f, "<tr data-id=\"%lld\">", num(b, "id", NULL));
		text_cell(f, "text", b, "text");
		fprintf(f, "<td data-field=\"target\" data-value=\"%lld\">%lld ", num(b, "target", NULL), num(b, "target", NULL));
		html(f, text_of(b, "unit"));
		fputs("</td>", f);
		text_cell(f, "set_on", b, "set_on");
		text_cell(f, "review_by", b, "review_by");
		if (json_is_integer(json_object_get(b, "value_reached")))
			count_cell(f, "value_reached", num(b, "value_reached", NULL));
		else
			fprintf(f, "<td data-field=\"value_reached\">%s</td>", msg(M_NOT_REVIEWED, l));
		fputs("</tr>", f);
	}
	fputs("</tbody></table>", f);
}

char *
plan_page(const json_t *report, enum lang l)
{
	const json_t *plan = json_object_get(report, "plan"), *s, *money = json_object_get(report, "resources_pence");
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	page_head_in(f, lang_tag(l), "", text_of(plan, "title"), NULL, NULL);
	fputs("<h1 data-field=\"title\">", f);
	html(f, text_of(plan, "title"));
	fputs("</h1><p>", f);
	html(f, json_is_string(json_object_get(plan, "region_name")) ? text_of(plan, "region_name")
	                                                              : text_of(plan, "la_name"));
	fprintf(f, ". %s: <span data-field=\"period_start\">", msg(M_PERIOD, l));
	html(f, text_of(plan, "period_start"));
	fprintf(f, "</span> %s <span data-field=\"period_end\">", msg(M_TO, l));
	html(f, text_of(plan, "period_end"));
	fprintf(f, "</span>. %s: <span data-field=\"status\" data-value=\"%s\">", msg(M_STATUS, l),
	        text_of(plan, "status"));
	value(f, text_of(plan, "status"), l);
	fprintf(f, "</span>. %s <span data-field=\"as_of\">", msg(M_AS_OF, l));
	html(f, text_of(report, "as_of"));
	fputs("</span>.</p>", f);
	json_array_foreach(json_object_get(report, "strands"), i, s)
		strand(f, s, l);
	profile(f, json_object_get(report, "profile"), l);
	attention(f, json_object_get(report, "attention"), l);
	benchmarks(f, json_object_get(report, "benchmarks"), l);
	fprintf(f, "<h2>%s</h2><table class=\"money\"><tbody><tr><th>%s</th>", msg(M_MONEY_BY_PART, l), msg(M_PART_1, l));
	money_cell(f, "part_1", num(money, "part_1", NULL));
	fprintf(f, "</tr><tr><th>%s</th>", msg(M_PART_2, l));
	money_cell(f, "part_2", num(money, "part_2", NULL));
	fprintf(f, "</tr><tr><th>%s</th>", msg(M_UNASSIGNED, l));
	money_cell(f, "unassigned", num(money, "unassigned", NULL));
	fputs("</tr></tbody></table></body></html>", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
