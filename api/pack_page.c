/*
 * pack_page.c
 *    An Area Analysis Group's pack for a meeting as a printable page, drawn
 *    from the JSON pack: its vulnerable schools with the support and
 *    reviews new to it, its panels, issues, requests and evaluations, and
 *    its new heads; every figure also in data-field / data-value.
 */
#include "report_pages.h"

#include <string.h>

#include "page.h"

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
char *
pack_page(const json_t *pack)
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
