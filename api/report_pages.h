/*
 * report_pages.h
 *    The reports as printable HTML pages (report_pages.c).
 */
#ifndef CONSORTIA_REPORT_PAGES_H
#define CONSORTIA_REPORT_PAGES_H

#include <jansson.h>

#include "messages.h"

enum report_page { PAGE_AREA, PAGE_AUTHORITY, PAGE_BODY, PAGE_BELOW_TARGET, PAGE_PACK };

/* The page of a report of this kind, drawn from its JSON: a complete UTF-8 HTML document, malloc'd (NULL: no memory). */
char *report_page(const json_t *report, enum report_page kind);

/* A strategic plan's report as its page in language l (plan_page.c); NULL: no memory. */
char *plan_page(const json_t *report, enum lang l);

/* An Area Analysis Group's pack for a meeting as its page (pack_page.c); NULL: no memory. */
char *pack_page(const json_t *pack);

#endif
