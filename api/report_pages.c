/*
 * report_pages.c
 *    The reports as printable HTML pages: the area and authority reports
 *    with a chart of money and progress per group, a body's year against
 *    its targets, an LA's bodies below target (an Area Analysis Group's
 *    pack is pack_page.c's). Drawn here from the JSON
 *    report, with no script and nothing fetched from elsewhere; every
 *    figure also in data-field / data-value / data-status attributes.
 */
#include "report_pages.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "page.h"

/* Bars of allocated, paid and spent per group, scaled to the largest. */
static void
chart(FILE *f, const json_t *groups)
{
	size_t i, n = json_array_size(groups);
	long long max = 1;
	json_t *g;
	int row = 28, width = 520, label = 220;

	json_array_foreach(groups, i, g) {
		static const char *const k[] = {"allocated_pence", "paid_pence", "spent_pence"};
		for (int j = 0; j < 3; j++)
			if (num(g, "money", k[j]) > max)
				max = num(g, "money", k[j]);
	}
	fprintf(f, "<svg class=\"chart\" role=\"img\" width=\"%d\" height=\"%zu\" "
	           "viewBox=\"0 0 %d %zu\" aria-label=\"Money allocated, paid and spent per group\">",
	        label + width + 10, n * (size_t)row + 30, label + width + 10, n * (size_t)row + 30);
	json_array_foreach(groups, i, g) {
		static const char *const k[] = {"allocated_pence", "paid_pence", "spent_pence"};
		static const char *const cls[] = {"allocated", "paid", "spent"};
		int y = (int)i * row + 4;
		fprintf(f, "<text x=\"0\" y=\"%d\" class=\"label\">", y + 14);
		html(f, json_string_value(json_object_get(g, "name")));
		fputs("</text>", f);
		for (int j = 0; j < 3; j++) {
			long long v = num(g, "money", k[j]);
			fprintf(f, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%lld\" height=\"6\"><title>%s ",
			        cls[j], label, y + j * 7, v > 0 ? v * width / max : 0, cls[j]);
			pounds(f, v);
			fputs("</title></rect>", f);
		}
	}
	fprintf(f, "<g class=\"legend\" transform=\"translate(%d,%zu)\">"
	           "<rect class=\"allocated\" width=\"10\" height=\"10\"/><text x=\"14\" y=\"9\">allocated</text>"
	           "<rect class=\"paid\" x=\"100\" width=\"10\" height=\"10\"/><text x=\"114\" y=\"9\">paid</text>"
	           "<rect class=\"spent\" x=\"180\" width=\"10\" height=\"10\"/><text x=\"194\" y=\"9\">spent</text>"
	           "</g></svg>", label, n * (size_t)row + 12);
}

static void
area_section(FILE *f, const json_t *report)
{
	const json_t *area = json_object_get(report, "area"), *groups = json_object_get(report, "groups");
	const json_t *vulnerable = json_object_get(report, "vulnerable_schools");
	size_t i;
	json_t *g, *s;

	fprintf(f, "<section class=\"area\" data-area-id=\"%lld\"><h2>", num(area, "id", NULL));
	html(f, json_string_value(json_object_get(area, "name")));
	fputs("</h2><h3>Money and progress per group</h3>", f);
	chart(f, groups);
	fputs("<table class=\"groups\"><thead><tr><th>Group</th><th class=\"n\">Schools</th><th>Chair</th>"
	      "<th class=\"n\">Allocated</th><th class=\"n\">Paid</th><th class=\"n\">Spent</th>"
	      "<th class=\"n\">Plans submitted</th><th class=\"n\">Plans accepted</th><th class=\"n\">Late plans</th>"
	      "<th class=\"n\">Evaluations reported</th><th class=\"n\">Overdue evaluations</th>"
	      "<th>Meetings (autumn / spring / summer, 2 expected each)</th></tr></thead><tbody>", f);
	json_array_foreach(groups, i, g) {
		const json_t *chair = json_object_get(g, "chair"), *meetings = json_object_get(g, "meetings"), *m;
		size_t k;

		fprintf(f, "<tr data-group-id=\"%lld\"><td>", num(g, "id", NULL));
		html(f, json_string_value(json_object_get(g, "name")));
		fprintf(f, " <small>(%s)</small></td>", strcmp(json_string_value(json_object_get(g, "kind")), "consortium") == 0
		                                          ? "consortium" : "area network");
		count_cell(f, "school_count", num(g, "school_count", NULL));
		fputs("<td data-field=\"chair\">", f);
		if (json_is_object(chair)) {
			html(f, json_string_value(json_object_get(chair, "person_name")));
			fputs(json_is_true(json_object_get(chair, "confirmed")) ? " (confirmed)" : " (not confirmed)", f);
		} else {
			fputs("none", f);
		}
		fputs("</td>", f);
		money_cell(f, "allocated_pence", num(g, "money", "allocated_pence"));
		money_cell(f, "paid_pence", num(g, "money", "paid_pence"));
		money_cell(f, "spent_pence", num(g, "money", "spent_pence"));
		count_cell(f, "plans_submitted", num(g, "plans", "submitted"));
		count_cell(f, "plans_accepted", num(g, "plans", "accepted"));
		count_cell(f, "plans_late", num(g, "plans", "late"));
		count_cell(f, "evaluations_reported", num(g, "evaluations", "reported"));
		count_cell(f, "evaluations_overdue", num(g, "evaluations", "overdue"));
		fputs("<td data-field=\"meetings\">", f);
		json_array_foreach(meetings, k, m)
			fprintf(f, "%s<span class=\"%s\" data-term=\"%s\" data-value=\"%lld\">%lld</span>", k ? " / " : "",
			        json_is_true(json_object_get(m, "met_expectation")) ? "met" : "short",
			        json_string_value(json_object_get(m, "term")), num(m, "held", NULL), num(m, "held", NULL));
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table><h3>Vulnerable schools and their support</h3>", f);
	if (json_array_size(vulnerable) == 0)
		fputs("<p>None.</p>", f);
	else
		fputs("<table class=\"vulnerable\"><thead><tr><th>School</th><th>Why</th><th>Support</th>"
		      "</tr></thead><tbody>", f);
	json_array_foreach(vulnerable, i, s) {
		size_t k;
		json_t *sup;
		fprintf(f, "<tr data-urn=\"%lld\"><td>", num(s, "urn", NULL));
		html(f, json_string_value(json_object_get(s, "name")));
		fputs("</td><td>", f);
		html(f, json_string_value(json_object_get(s, "reason")));
		fputs("</td><td>", f);
		json_array_foreach(json_object_get(s, "support"), k, sup) {
			fputs("<p>", f);
			html(f, json_string_value(json_object_get(sup, "support")));
			fputs(" &mdash; ", f);
			html(f, json_string_value(json_object_get(sup, "brokered_by")));
			fputs("</p>", f);
		}
		fputs("</td></tr>", f);
	}
	if (json_array_size(vulnerable) > 0)
		fputs("</tbody></table>", f);
	fputs("</section>", f);
}

/* The page for one area's report, or an authority's (a list of area reports). */
static char *
render(const json_t *report, bool authority)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	const char *year = json_string_value(json_object_get(report, "academic_year"));
	size_t i;
	json_t *a;

	if (f == NULL)
		return NULL;
	if (authority)
		page_head(f, "Education Challenge Board report, ", json_string_value(json_object_get(report, "la_name")),
		          ", ", year);
	else
		page_head(f, "Area Analysis Group report, ",
		          json_string_value(json_object_get(json_object_get(report, "area"), "name")), ", ", year);
	fputs("<h1>", f);
	if (authority) {
		html(f, json_string_value(json_object_get(report, "la_name")));
		fputs(": every area", f);
	} else {
		fputs("Area Analysis Group: ", f);
		html(f, json_string_value(json_object_get(json_object_get(report, "area"), "name")));
	}
	fputs("</h1><p>Academic year <span data-field=\"academic_year\">", f);
	html(f, year);
	fputs("</span>. Money is what the year's funds allocated to each group, what has been paid "
	      "and what the evaluations say was spent.</p>", f);
	if (authority)
		json_array_foreach(json_object_get(report, "areas"), i, a)
			area_section(f, a);
	else
		area_section(f, report);
	fputs("</body></html>\n", f);
	fclose(f);
	return out;
}

/* A status of a target as a cell: met, missed, in progress, no target. */
static void
status_cell(FILE *f, const char *field, const char *status)
{
	fprintf(f, "<td data-field=\"%s\" data-status=\"", field);
	html(f, status);
	fprintf(f, "\" class=\"%s\">", strcmp(status, "missed") == 0 ? "short" : "");
	for (const char *c = status; *c; c++)
		fputc(*c == '_' ? ' ' : *c, f);
	fputs("</td>", f);
}

/* A number, or a dash where there is none (a percentage of no meetings). */
static void
percent_cell(FILE *f, const char *field, const json_t *v)
{
	if (json_is_number(v))
		fprintf(f, "<td data-field=\"%s\" data-value=\"%.1f\">%.1f%%</td>", field, json_number_value(v),
		        json_number_value(v));
	else
		fprintf(f, "<td data-field=\"%s\">&ndash;</td>", field);
}

/* A period's row of meetings held: a term ("autumn") or "year", held against target (none: a dash). */
static void
period_row(FILE *f, const char *term, const json_t *held, const json_t *target)
{
	if (strcmp(term, "year") == 0)
		fputs("<tr data-term=\"year\"><td>The year</td>", f);
	else
		fprintf(f, "<tr data-term=\"%s\"><td>%c%s term</td>", term, *term - 'a' + 'A', term + 1);
	count_cell(f, "held", num(held, "held", NULL));
	if (json_is_integer(target))
		count_cell(f, "target", json_integer_value(target));
	else
		fputs("<td data-field=\"target\">&ndash;</td>", f);
	status_cell(f, "status", text_of(held, "status"));
	fputs("</tr>", f);
}

/* The page for one body's year: meetings against the targets, attendance, overdue actions. */
static char *
render_body(const json_t *report)
{
	char *out = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&out, &len);
	const json_t *body = json_object_get(report, "body"), *targets = json_object_get(report, "targets");
	const json_t *meetings = json_object_get(report, "meetings"), *att = json_object_get(report, "attendance");
	const json_t *target, *t, *m, *a;

	if (f == NULL)
		return NULL;
	page_head(f, "", text_of(body, "name"), ", ", text_of(report, "academic_year"));
	fprintf(f, "<section class=\"body\" data-body-id=\"%lld\"><h1>", num(body, "id", NULL));
	html(f, text_of(body, "name"));
	fputs("</h1><p>Academic year <span data-field=\"academic_year\">", f);
	html(f, text_of(report, "academic_year"));
	fputs("</span>, as of <span data-field=\"as_of\">", f);
	html(f, text_of(report, "as_of"));
	fprintf(f, "</span>. <strong data-field=\"below_target\">%s</strong></p>",
	        json_is_true(json_object_get(report, "below_target")) ? "Below target." : "On target so far.");

	fputs("<h2>Meetings held</h2><table class=\"meetings\"><thead><tr><th>Period</th><th class=\"n\">Held</th>"
	      "<th class=\"n\">Target</th><th>Status</th></tr></thead><tbody>", f);
	json_array_foreach(json_object_get(meetings, "terms"), i, t)
		period_row(f, text_of(t, "term"), t, json_object_get(t, "target"));
	period_row(f, "year", meetings, json_object_get(targets, "meetings_per_year"));
	fputs("</tbody></table>", f);

	fputs("<h2>Attendance</h2><p>Overall ", f);
	if (json_is_number(json_object_get(att, "overall_percent")))
		fprintf(f, "<span data-field=\"overall_percent\">%.1f%%</span>",
		        json_number_value(json_object_get(att, "overall_percent")));
	else
		fputs("<span data-field=\"overall_percent\">&ndash;</span>", f);
	target = json_object_get(targets, "attendance_target_percent");
	if (json_is_integer(target))
		fprintf(f, " against a target of %lld%%", json_integer_value(target));
	fputs(".</p><table class=\"attendance\"><thead><tr><th>Member</th><th>Role</th>"
	      "<th class=\"n\">Meetings while a member</th><th class=\"n\">Attended</th><th class=\"n\">Apologies</th>"
	      "<th class=\"n\">Attendance</th><th>Status</th></tr></thead><tbody>", f);
	json_array_foreach(json_object_get(att, "members"), i, a) {
		fprintf(f, "<tr data-person-id=\"%lld\"><td>", num(a, "person_id", NULL));
		html(f, text_of(a, "name"));
		fputs("</td><td>", f);
		html(f, text_of(a, "roles"));
		fputs("</td>", f);
		count_cell(f, "meetings", num(a, "meetings", NULL));
		count_cell(f, "attended", num(a, "attended", NULL));
		count_cell(f, "apologies", num(a, "apologies", NULL));
		percent_cell(f, "percent", json_object_get(a, "percent"));
		status_cell(f, "status", text_of(a, "status"));
		fputs("</tr>", f);
	}
	fputs("</tbody></table><h2>Actions open past their due date</h2>", f);
	if (json_array_size(json_object_get(report, "overdue_actions")) == 0)
		fputs("<p>None.</p>", f);
	else
		fputs("<table class=\"overdue\"><thead><tr><th>Action</th><th>Owner</th><th>Due</th><th>Agreed at the meeting of</th>"
		      "</tr></thead><tbody>", f);
	json_array_foreach(json_object_get(report, "overdue_actions"), i, m) {
		fprintf(f, "<tr data-meeting-id=\"%lld\"><td>", num(m, "meeting_id", NULL));
		html(f, text_of(m, "description"));
		fputs("</td><td>", f);
		html(f, text_of(m, "owner"));
		fputs("</td><td data-field=\"due_date\">", f);
		html(f, text_of(m, "due_date"));
		fputs("</td><td>", f);
		html(f, text_of(m, "held_on"));
		fputs("</td></tr>", f);
	}
	if (json_array_size(json_object_get(report, "overdue_actions")) > 0)
		fputs("</tbody></table>", f);
	fputs("</section></body></html>\n", f);
	fclose(f);
	return out;
}

/* The page for an LA's bodies below target. */
static char *
render_below(const json_t *report)
{
	char *out = NULL;
	size_t len = 0, i, k;
	FILE *f = open_memstream(&out, &len);
	const json_t *items = json_object_get(report, "items"), *b, *t;

	if (f == NULL)
		return NULL;
	page_head(f, "Bodies below target, ", text_of(report, "academic_year"), NULL, NULL);
	fprintf(f, "<h1>Bodies below target</h1><p>Local authority "
	           "<span data-field=\"la_code\">%lld</span>, academic year <span data-field=\"academic_year\">",
	        num(report, "la_code", NULL));
	html(f, text_of(report, "academic_year"));
	fputs("</span>, as of <span data-field=\"as_of\">", f);
	html(f, text_of(report, "as_of"));
	fputs("</span>.</p>", f);
	if (json_array_size(items) == 0)
		fputs("<p>None.</p>", f);
	else
		fputs("<table class=\"bodies\"><thead><tr><th>Body</th><th class=\"n\">Meetings held</th><th>The year</th>"
		      "<th>Terms missed</th><th class=\"n\">Attendance</th><th>Attendance target</th>"
		      "<th class=\"n\">Actions overdue</th></tr></thead><tbody>", f);
	json_array_foreach(items, i, b) {
		fprintf(f, "<tr data-body-id=\"%lld\"><td>", num(b, "body_id", NULL));
		html(f, text_of(b, "name"));
		fputs(" <small>(", f);
		for (const char *c = text_of(b, "kind"); *c; c++)
			fputc(*c == '_' ? ' ' : *c, f);
		fputs(")</small></td>", f);
		count_cell(f, "meetings_held", num(b, "meetings_held", NULL));
		status_cell(f, "meetings_status", text_of(b, "meetings_status"));
		fputs("<td data-field=\"terms_missed\">", f);
		json_array_foreach(json_object_get(b, "terms_missed"), k, t) {
			fputs(k ? ", " : "", f);
			html(f, json_string_value(t));
		}
		fputs("</td>", f);
		percent_cell(f, "attendance_percent", json_object_get(b, "attendance_percent"));
		status_cell(f, "attendance_status", text_of(b, "attendance_status"));
		count_cell(f, "overdue_actions", num(b, "overdue_actions", NULL));
		fputs("</tr>", f);
	}
	if (json_array_size(items) > 0)
		fputs("</tbody></table>", f);
	fputs("</body></html>\n", f);
	fclose(f);
	return out;
}

char *
report_page(const json_t *report, enum report_page kind)
{
	switch (kind) {
	case PAGE_BODY: return render_body(report);
	case PAGE_BELOW_TARGET: return render_below(report);
	case PAGE_PACK: return pack_page(report);
	case PAGE_AUTHORITY: return render(report, true);
	case PAGE_AREA: break;
	}
	return render(report, false);
}
