/*
 * page.h
 *    The pieces every printable page is drawn with (page.c): text escaped
 *    for HTML, pounds from pence, cells that carry their figure in
 *    data-field / data-value, and the page's opening.
 */
#ifndef CONSORTIA_PAGE_H
#define CONSORTIA_PAGE_H

#include <jansson.h>
#include <stdio.h>

/* The one style sheet of every page. */
extern const char page_style[];

/* Write s to f escaped for HTML text and attributes (NULL: nothing). */
void html(FILE *f, const char *s);
/* Pence as pounds with thousands separators: 123456789 -> "£1,234,567.89". */
void pounds(FILE *f, long long pence);
/* The integer o[a] (b NULL) or o[a][b]; 0 when absent. */
long long num(const json_t *o, const char *a, const char *b);
/* The string o[k], or "" (borrowed). */
const char *text_of(const json_t *o, const char *k);
/* A cell of money, of a count, or of any value of o[k] (a list's value in words, a dash for none). */
void money_cell(FILE *f, const char *field, long long v);
void count_cell(FILE *f, const char *field, long long v);
void text_cell(FILE *f, const char *field, const json_t *o, const char *k);
/*
 * A page's opening, to the start of its body: its title, lead then a, sep
 * and b (each escaped; sep and b may be NULL), and the style sheet.
 */
void page_head(FILE *f, const char *lead, const char *a, const char *sep, const char *b);
/* The same, for a page in language lang ("en", "cy"). */
void page_head_in(FILE *f, const char *lang, const char *lead, const char *a, const char *sep, const char *b);

#endif
