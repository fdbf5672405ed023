/*
 * page.c
 *    What every printable page shares (page.h): escaping, money, cells
 *    whose figures also stand in data-field / data-value attributes, and
 *    the page's opening with its one style sheet.
 */
#include "page.h"

#include <string.h>

const char page_style[] =
	"body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
	"table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.3rem .5rem;"
	"text-align:left;vertical-align:top}td[data-value],th.n{text-align:right}"
	"svg .allocated{fill:#3b6fb6}svg .paid{fill:#4c9a4c}svg .spent{fill:#d9902a}svg text{font-size:12px}"
	".short{color:#b00;font-weight:bold}@media print{body{margin:0}}";

/* Write s to f escaped for HTML text and attributes. */
void
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
void
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
long long
num(const json_t *o, const char *a, const char *b)
{
	return json_integer_value(json_object_get(b ? json_object_get(o, a) : o, b ? b : a));
}
void
money_cell(FILE *f, const char *field, long long v)
{
	fprintf(f, "<td data-field=\"%s\" data-value=\"%lld\">", field, v);
	pounds(f, v);
	fputs("</td>", f);
}
void
count_cell(FILE *f, const char *field, long long v)
{
	fprintf(f, "<td data-field=\"%s\" data-value=\"%lld\">%lld</td>", field, v, v);
}
const char *
text_of(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}
/* A cell of text (a dash for none), its field named. */
void
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
/*
 * A page's opening, to the start of its body: its title, lead then a, sep
 * and b (each escaped; sep and b may be NULL), and the one style sheet.
 */
void
page_head(FILE *f, const char *lead, const char *a, const char *sep, const char *b)
{
	page_head_in(f, "en", lead, a, sep, b);
}

void
page_head_in(FILE *f, const char *lang, const char *lead, const char *a, const char *sep, const char *b)
{
	fprintf(f, "<!DOCTYPE html><html lang=\"%s\"><head><meta charset=\"utf-8\"><link rel=\"icon\" "
	        "href=\"data:,\"><title>", lang);
	fputs(lead, f);
	html(f, a);
	if (sep) {
		fputs(sep, f);
		html(f, b);
	}
	fprintf(f, "</title><style>%s</style></head><body>", page_style);
}
