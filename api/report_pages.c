/*
 * report_pages.c
 *    The reports as printable HTML pages: the area and authority reports
 *    with a chart of money and progress per group, a body's year against
 *    its targets, an LA's bodies below target, an Area Analysis Group's
 *    pack for a meeting. Drawn here from the JSON
 *    report, with no script and nothing fetched from elsewhere; every
 *    figure also in data-field / data-value / data-status attributes.
 */
#include "report_pages.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Write s to f escaped for HTML text and attributes. */
static void
html(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* Pence as pounds with thousands separators: 123456789 -> "£1,234,567.89". */
static void
pounds(FILE *f, long long pence)
{
	char digits[32];
	long long whole = (pence < 0 ? -pence : pence) / 100;
	int n, lead;

	n = snprintf(digits, sizeof digits, "%lld", whole);
	fputs(pence < 0 ? "-&pound;" : "&pound;", f);
	lead = n % 3 ? n % 3 : 3;
	fwrite(digits, 1, (size_t)lead, f);
	for (int i = lead; i < n; i += 3) {
		fputc(',', f);
		fwrite(digits + i, 1, 3, f);
	}
	fprintf(f, ".%02lld", (pence < 0 ? -pence : pence) % 100);
}

static long long
num(const json_t *o, const char *a, const char *b)
{
	return json_integer_value(json_object_get(b ? json_object_get(o, a) : o, b ? b : a));
}

static void
money_cell(FILE *f, const char *field, long long v)
{
	fprintf(f, "<td data-field=\"%s\" data-value=\"%lld\">", field, v);
	pounds(f, v);
	fputs("</td>", f);
}

static void
count_cell(FILE *f, const char *field, long long v)
{
	fprintf(f, "<td data-field=\"%s\" data-value=\"%lld\">%lld</td>", field, v, v);
}

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

static const char style[] =
	"body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
	"table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.3rem .5rem;"
	"text-align:left;vertical-align:top}td[data-value],th.n{text-align:right}"
	"svg .allocated{fill:#3b6fb6}svg .paid{fill:#4c9a4c}svg .spent{fill:#d9902a}svg text{font-size:12px}"
	".short{color:#b00;font-weight:bold}@media print{body{margin:0}}";

/*
 * A page's opening, to the start of its body: its title, lead then a, sep
 * and b (each escaped; sep and b may be NULL), and the one style sheet.
 */
static void
page_head(FILE *f, const char *lead, const char *a, const char *sep, const char *b)
{
	fputs("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>", f);
	fputs(lead, f);
	html(f, a);
	if (sep) {
		fputs(sep, f);
		html(f, b);
	}
	fprintf(f, "</title><style>%s</style></head><body>", style);
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

static const char *
text_of(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
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

/* A cell of text (a dash for none), its field named. */
static void
text_cell(FILE *f, const char *field, const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	fprintf(f, "<td data-field=\"%s\">", field);
	if (json_is_string(v) && (strcmp(k, "kind") == 0 || strcmp(k, "panel") == 0 || strcmp(k, "rating") == 0)) {
		for (const char *c = json_string_value(v); *c; c++)   /* a value of a list: its words */
			fputc(*c == '_' ? ' ' : *c, f);
	} else if (json_is_string(v)) {
		html(f, json_string_value(v));
	} else if (json_is_integer(v)) {
		fprintf(f, "%lld", json_integer_value(v));
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "yes" : "no", f);
	} else {
		fputs("&ndash;", f);
	}
	fputs("</td>", f);
}

/* A section of a pack: its heading, and a table of rows with these fields (or "None."). */
static void
pack_table(FILE *f, const json_t *pack, const char *key, const char *heading, const char *const *fields,
           const char *const *titles)
{
	const json_t *items = json_object_get(pack, key), *o;
	size_t i;

	fprintf(f, "<h2>%s</h2>", heading);
	if (json_array_size(items) == 0) {
		fprintf(f, "<p class=\"%s\">None.</p>", key);
		return;
	}
	fprintf(f, "<table class=\"%s\"><thead><tr>", key);
	for (size_t k = 0; titles[k]; k++)
		fprintf(f, "<th>%s</th>", titles[k]);
	fputs("</tr></thead><tbody>", f);
	json_array_foreach(items, i, o) {
		fprintf(f, "<tr data-id=\"%lld\">", num(o, "id", NULL));
		for (size_t k = 0; fields[k]; k++)
			text_cell(f, fields[k], o, fields[k]);
		fputs("</tr>", f);
	}
	fputs("</tbody></table>", f);
}

/* One support record of a vulnerable school in a pack: what, by whom, its cost, its new reviews. */
static void
pack_support(FILE *f, const json_t *sup)
{
	const json_t *rev;
	size_t j;

	fprintf(f, "<div class=\"support\" data-id=\"%lld\"><p><strong>", num(sup, "id", NULL));
	html(f, text_of(sup, "support"));
	fputs("</strong>, provided by ", f);
	html(f, json_is_string(json_object_get(sup, "provider")) ? text_of(sup, "provider") : text_of(sup, "brokered_by"));
	fputs(", from ", f);
	html(f, text_of(sup, "started_on"));
	if (json_is_integer(json_object_get(sup, "cost_pence"))) {
		fprintf(f, ", costing <span data-field=\"cost_pence\" data-value=\"%lld\">", num(sup, "cost_pence", NULL));
		pounds(f, num(sup, "cost_pence", NULL));
		fputs("</span>", f);
	}
	fputs(".</p>", f);
	if (json_array_size(json_object_get(sup, "reviews")) > 0) {
		fputs("<table class=\"reviews\"><thead><tr><th>Review</th><th>On</th><th>Rating</th><th>Notes</th>"
		      "</tr></thead><tbody>", f);
		json_array_foreach(json_object_get(sup, "reviews"), j, rev) {
			fprintf(f, "<tr data-id=\"%lld\">", num(rev, "id", NULL));
			text_cell(f, "kind", rev, "kind");
			text_cell(f, "reviewed_on", rev, "reviewed_on");
			text_cell(f, "rating", rev, "rating");
			text_cell(f, "notes", rev, "notes");
			fputs("</tr>", f);
		}
		fputs("</tbody></table>", f);
	}
	fputs("</div>", f);
}

/* The pack's vulnerable schools, each with the support new to the pack. */
static void
pack_schools(FILE *f, const json_t *schools)
{
	const json_t *school, *sup;
	size_t i, k;

	fputs("<h2>Vulnerable schools and the support brokered</h2>", f);
	if (json_array_size(schools) == 0)
		fputs("<p class=\"vulnerable_schools\">None.</p>", f);
	json_array_foreach(schools, i, school) {
		fprintf(f, "<article class=\"vulnerable\" data-school-urn=\"%lld\"><h3>", num(school, "school_urn", NULL));
		html(f, text_of(school, "school_name"));
		fputs("</h3><p>Vulnerable since ", f);
		html(f, text_of(school, "vulnerable_since"));
		fputs(": ", f);
		html(f, text_of(school, "reason"));
		fputs("</p>", f);
		if (json_array_size(json_object_get(school, "support")) == 0)
			fputs("<p>No new support or review.</p>", f);
		json_array_foreach(json_object_get(school, "support"), k, sup)
			pack_support(f, sup);
		fputs("</article>", f);
	}
}

/* The pack's new heads and their support since the last pack; none is shown in red. */
static void
pack_heads(FILE *f, const json_t *heads)
{
	const json_t *head, *h;
	size_t i, k;

	fputs("<h2>New headteachers and their support</h2>", f);
	if (json_array_size(heads) == 0) {
		fputs("<p class=\"new_heads\">None.</p>", f);
		return;
	}
	fputs("<table class=\"new_heads\"><thead><tr><th>Head</th><th>School</th><th>Group</th><th>Head since</th>"
	      "<th>Support since the last meeting</th></tr></thead><tbody>", f);
	json_array_foreach(heads, i, head) {
		const json_t *support = json_object_get(head, "support");

		fprintf(f, "<tr data-person-id=\"%lld\">", num(head, "person_id", NULL));
		text_cell(f, "name", head, "name");
		text_cell(f, "school_name", head, "school_name");
		text_cell(f, "group_name", head, "group_name");
		text_cell(f, "head_from", head, "head_from");
		fprintf(f, "<td data-field=\"support\" data-value=\"%zu\">", json_array_size(support));
		if (json_array_size(support) == 0)
			fputs("<span class=\"short\">none</span>", f);
		json_array_foreach(support, k, h) {
			fputs(k ? "; " : "", f);
			for (const char *c = text_of(h, "kind"); *c; c++)
				fputc(*c == '_' ? ' ' : *c, f);
			fputs(" ", f);
			html(f, text_of(h, "held_on"));
		}
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table>", f);
}

/* The Area Analysis Group's pack for a meeting. */
static char *
render_pack(const json_t *pack)
{
	static const char *const panel_fields[] = {"group_name", "panel", "held_on", "pupils_considered", "outcome",
	                                           "capacity_view", NULL};
	static const char *const panel_titles[] = {"Group", "Panel", "Held", "Pupils considered", "Outcome",
	                                           "AAG's view on capacity", NULL};
	static const char *const issue_fields[] = {"group_name", "raised_on", "raised_with", "issue", NULL};
	static const char *const issue_titles[] = {"Group", "Raised", "With", "Issue", NULL};
	static const char *const request_fields[] = {"group_name", "requested_on", "asked_of", "kind", "request",
	                                             "decision", "decided_on", NULL};
	static const char *const request_titles[] = {"Group", "Asked", "Of", "Kind", "Request", "Decision",
	                                             "Decided", NULL};
	static const char *const evaluation_fields[] = {"group_name", "allocation_id", "rating", "reported_on", NULL};
	static const char *const evaluation_titles[] = {"Group", "Allocation", "Rating", "Reported", NULL};
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (f == NULL)
		return NULL;
	page_head(f, "", text_of(pack, "body_name"), ": pack for the meeting of ", text_of(pack, "held_on"));
	fprintf(f, "<section class=\"pack\" data-body-id=\"%lld\" data-meeting-id=\"%lld\"><h1>",
	        num(pack, "body_id", NULL), num(pack, "meeting_id", NULL));
	html(f, text_of(pack, "body_name"));
	fputs("</h1><p>The pack for the meeting of <span data-field=\"held_on\">", f);
	html(f, text_of(pack, "held_on"));
	fputs("</span>: what is new in <span data-field=\"area_name\">", f);
	html(f, text_of(pack, "area_name"));
	fputs("</span> since ", f);
	if (json_is_string(json_object_get(pack, "since"))) {
		fputs("the last meeting, <span data-field=\"since\">", f);
		html(f, text_of(pack, "since"));
		fputs("</span>", f);
	} else {
		fputs("<span data-field=\"since\">the start</span>", f);
	}
	fprintf(f, ". <strong data-field=\"received\">%s</strong></p>",
	        json_is_true(json_object_get(pack, "received")) ? "Received at this meeting." : "Not yet received.");
	pack_schools(f, json_object_get(pack, "vulnerable_schools"));
	pack_table(f, pack, "panel_outcomes", "FAP and Assessment Gateway panels", panel_fields, panel_titles);
	pack_table(f, pack, "development_issues", "Common development issues", issue_fields, issue_titles);
	pack_table(f, pack, "assistance_requests", "Requests for assistance or finance", request_fields,
	           request_titles);
	pack_table(f, pack, "evaluations", "Evaluations reported", evaluation_fields, evaluation_titles);
	pack_heads(f, json_object_get(pack, "new_heads"));
	fputs("</section></body></html>\n", f);
	fclose(f);
	return out;
}

char *
report_page(const json_t *report, enum report_page kind)
{
	switch (kind) {
	case PAGE_BODY: return render_body(report);
	case PAGE_BELOW_TARGET: return render_below(report);
	case PAGE_PACK: return render_pack(report);
	case PAGE_AUTHORITY: return render(report, true);
	case PAGE_AREA: break;
	}
	return render(report, false);
}
