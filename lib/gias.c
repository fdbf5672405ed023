/*
 * gias.c
 *    This module implements the mapping of the DfE establishment extract
 *    onto schools (see gias.h).
 *
 * The extract pairs coded fields as "X (code)" and "X (name)". Names are
 * matched where the codes have been renumbered over the years (types,
 * statuses); phase is read from its code.
 */
#include "gias.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "date.h"

static const char *const column_names[GC__COUNT] = {
	[GC_URN] = "URN",
	[GC_LA_CODE] = "LA (code)",
	[GC_LA_NAME] = "LA (name)",
	[GC_ESTAB] = "EstablishmentNumber",
	[GC_NAME] = "EstablishmentName",
	[GC_TYPE_NAME] = "TypeOfEstablishment (name)",
	[GC_GROUP_CODE] = "EstablishmentTypeGroup (code)",
	[GC_STATUS_NAME] = "EstablishmentStatus (name)",
	[GC_PHASE_CODE] = "PhaseOfEducation (code)",
	[GC_PUPILS] = "NumberOfPupils",
	[GC_OFSTED_RATING] = "OfstedRating (name)",
	[GC_OFSTED_DATE] = "OfstedLastInsp",
	[GC_HEAD_TITLE] = "HeadTitle (name)",
	[GC_HEAD_FIRST] = "HeadFirstName",
	[GC_HEAD_LAST] = "HeadLastName",
	[GC_OPEN_DATE] = "OpenDate",
	[GC_CLOSE_DATE] = "CloseDate",
	[GC_DISTRICT] = "DistrictAdministrative (code)",
	[GC_CENSUS_DATE] = "CensusDate",
};

enum err
gias_header_parse(struct gias_header *h, char *const *fields, size_t n, struct problem *p)
{
	size_t missing = 0;

	for (int c = 0; c < GC__COUNT; c++) {
		h->col[c] = -1;
		for (size_t i = 0; i < n; i++) {
			const char *f = fields[i];
			if (i == 0 && strncmp(f, "\xEF\xBB\xBF", 3) == 0)
				f += 3;   /* a byte order mark before the first name */
			if (strcmp(f, column_names[c]) == 0) {
				h->col[c] = (int)i;
				break;
			}
		}
		if (h->col[c] < 0 && c < GC__REQUIRED) {
			problem_field(p, IN_BODY, column_names[c], "required",
			              "the extract has no such column");
			missing++;
		}
	}
	if (missing > 0)
		return problem_set(p, ERR_VALIDATION,
		                   "not a GIAS establishment extract: %zu required column%s missing",
		                   missing, missing == 1 ? " is" : "s are");
	return ERR_OK;
}

/* The field of column c, "" when the column is absent or the row short. */
static const char *
cell(const struct gias_header *h, char *const *fields, size_t n, enum gias_col c)
{
	int i = h->col[c];
	return (i >= 0 && (size_t)i < n) ? fields[i] : "";
}

static bool
has(const struct gias_header *h, enum gias_col c)
{
	return h->col[c] >= 0;
}

/*
 * Copy s into out (outlen bytes), cut short if it must be at a character
 * boundary: the cut text goes to the report and the database, which take
 * only whole UTF-8 characters.
 */
static void
copy_cut(char *out, size_t outlen, const char *s)
{
	size_t n = strlen(s);

	if (n >= outlen) {
		n = outlen - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

static void
reject(struct gias_row *r, const char *column, const char *message)
{
	r->outcome = GIAS_REJECT;
	snprintf(r->reason, sizeof r->reason, "%s %s", column, message);
}

static const char *
phase_of(const char *phase_code, const char *type_name)
{
	static const char *const by_code[] = {NULL, "nursery", "primary", "middle", "secondary",
	                                      "middle", "sixteen_plus", "all_through"};
	long long code;

	if (strcasestr(type_name, "special") != NULL)
		return "special";
	if (strcasestr(type_name, "pupil referral") != NULL ||
	    strcasestr(type_name, "alternative provision") != NULL)
		return "pru";
	if (parse_int(phase_code, 0, 7, &code))
		return by_code[code];
	return NULL;
}

/*
 * The register's type of a school from GIAS's type group code, or, where
 * the code is empty, from the type's name. NULL with *skip the reason a
 * row is none of the register's (not state-funded: a college, an
 * independent school...), or NULL with *skip NULL when neither tells.
 */
static const char *
type_of(const char *group_code, const char *type_name, const char **skip)
{
	static const struct {
		const char *prefix, *type, *skip;
	} names[] = {
		{"Non-maintained special", "other", NULL}, {"Community", "maintained", NULL},
		{"Voluntary aided", "maintained", NULL}, {"Voluntary controlled", "maintained", NULL},
		{"Foundation", "maintained", NULL}, {"Pupil referral unit", "maintained", NULL},
		{"LA nursery", "maintained", NULL}, {"Academy", "academy", NULL}, {"City technology college", "academy", NULL},
		{"Free school", "free_school", NULL}, {"University technical college", "free_school", NULL},
		{"Studio school", "free_school", NULL}, {"Other independent", NULL, "independent school"},
		{"Independent", NULL, "independent school"}, {"Further education", NULL, "college"},
		{"Sixth form centre", NULL, "college"}, {"Higher education", NULL, "university"},
		{"Online provider", NULL, "online provider"}, {"Welsh establishment", NULL, "other type"},
		{"Special post 16", NULL, "other type"}, {"Secure unit", NULL, "other type"},
		{"Service children", NULL, "other type"}, {"British schools overseas", NULL, "other type"},
		{"Offshore", NULL, "other type"}, {"Institution funded", NULL, "other type"},
		{"Miscellaneous", NULL, "other type"},
	};
	long long g;

	*skip = NULL;
	if (group_code[0] == '\0') {
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strncasecmp(type_name, names[i].prefix, strlen(names[i].prefix)) == 0) {
				*skip = names[i].skip;
				return names[i].type;
			}
		return NULL;
	}
	if (!parse_int(group_code, 0, 99, &g))
		return NULL;
	switch (g) {
	case 4: case 5: case 6:
		return strcasestr(type_name, "non-maintained") ? "other" : "maintained";
	case 10:
		return "academy";
	case 11:
		return "free_school";
	case 1:
		*skip = "college";
		return NULL;
	case 2:
		*skip = "university";
		return NULL;
	case 3:
		*skip = "independent school";
		return NULL;
	case 13:
		*skip = "online provider";
		return NULL;
	default:
		*skip = "other type";
		return NULL;
	}
}

static const char *
status_of(const char *name)
{
	if (strcasecmp(name, "Closed") == 0)
		return "closed";
	if (strncasecmp(name, "Proposed to open", 16) == 0)
		return "proposed";
	if (strncasecmp(name, "Open", 4) == 0)
		return "open";
	return NULL;
}

static const char *
ofsted_of(const char *rating)
{
	static const struct {
		const char *gias, *api;
	} map[] = {
		{"Outstanding", "outstanding"}, {"Good", "good"},
		{"Requires improvement", "requires_improvement"}, {"Inadequate", "inadequate"},
		{"Serious Weaknesses", "inadequate"}, {"Special Measures", "inadequate"},
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(rating, map[i].gias) == 0)
			return map[i].api;
	return "none";
}

/* A dd-mm-yyyy cell into the school object; "" is null. false: rejected. */
static bool
put_date(struct gias_row *r, const char *key, const char *column, const char *v)
{
	char iso[11];

	if (*v == '\0') {
		json_object_set_new(r->school, key, json_null());
		return true;
	}
	if (!date_dmy_to_iso(v, iso)) {
		reject(r, column, "is not a real date as dd-mm-yyyy");
		return false;
	}
	json_object_set_new(r->school, key, json_string(iso));
	return true;
}

void
gias_row_map(const struct gias_header *h, char *const *f, size_t n, int la_filter,
             struct gias_row *r)
{
	long long urn, la, estab, pupils;
	const char *type_name = cell(h, f, n, GC_TYPE_NAME);
	const char *phase, *type, *status, *v, *skip;

	memset(r, 0, sizeof *r);
	r->outcome = GIAS_IMPORT;
	copy_cut(r->urn, sizeof r->urn, cell(h, f, n, GC_URN));
	if (!parse_int(cell(h, f, n, GC_LA_CODE), 100, 999, &la))
		{
		reject(r, "LA (code)", "must be a 3-digit LA code");
		return;
	}
	r->la_code = (int)la;
	if (la_filter > 0 && la != la_filter) {
		r->outcome = GIAS_SKIP;
		snprintf(r->reason, sizeof r->reason, "another local authority");
		return;
	}
	if ((type = type_of(cell(h, f, n, GC_GROUP_CODE), type_name, &skip)) == NULL) {
		if (skip == NULL) {
			reject(r, "TypeOfEstablishment (name)",
			       "tells no type of school, and EstablishmentTypeGroup (code) is none the register knows");
			return;
		}
		r->outcome = GIAS_SKIP;
		snprintf(r->reason, sizeof r->reason, "%s", skip);
		return;
	}
	v = cell(h, f, n, GC_URN);
	if (strlen(v) != 6 || !parse_int(v, 100000, 999999, &urn))
		{
		reject(r, "URN", "must be 6 digits");
		return;
	}
	v = cell(h, f, n, GC_ESTAB);
	if (!parse_int(v, 0, 9999, &estab))
		{
		reject(r, "EstablishmentNumber", "must be a number from 0 to 9999");
		return;
	}
	if ((phase = phase_of(cell(h, f, n, GC_PHASE_CODE), type_name)) == NULL)
		{
		reject(r, "PhaseOfEducation (code)", "gives no phase of education");
		return;
	}
	if ((status = status_of(cell(h, f, n, GC_STATUS_NAME))) == NULL)
		{
		reject(r, "EstablishmentStatus (name)", "is not a known status");
		return;
	}
	copy_cut(r->la_name, sizeof r->la_name, cell(h, f, n, GC_LA_NAME));
	if (r->la_name[0] == '\0')
		snprintf(r->la_name, sizeof r->la_name, "Local authority %lld", la);
	copy_cut(r->district, sizeof r->district, cell(h, f, n, GC_DISTRICT));
	if (!date_dmy_to_iso(cell(h, f, n, GC_CENSUS_DATE), r->census_date))
		r->census_date[0] = '\0';

	r->school = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s}", "urn", (json_int_t)urn,
	                      "la_code", (json_int_t)la, "establishment_number", (json_int_t)estab,
	                      "name", cell(h, f, n, GC_NAME), "phase", phase, "type", type,
	                      "status", status);
	if (r->school == NULL)
		{
		reject(r, "the row", "could not be read");
		return;
	}

	if ((r->has_pupils = has(h, GC_PUPILS))) {
		v = cell(h, f, n, GC_PUPILS);
		if (*v == '\0')
			json_object_set_new(r->school, "pupils", json_null());
		else if (parse_int(v, 0, 100000, &pupils))
			json_object_set_new(r->school, "pupils", json_integer(pupils));
		else
			{
		reject(r, "NumberOfPupils", "must be a whole number");
		return;
	}
	}
	if ((r->has_ofsted = has(h, GC_OFSTED_RATING) && has(h, GC_OFSTED_DATE))) {
		json_object_set_new(r->school, "ofsted_grade",
		                    json_string(ofsted_of(cell(h, f, n, GC_OFSTED_RATING))));
		if (!put_date(r, "ofsted_date", "OfstedLastInsp", cell(h, f, n, GC_OFSTED_DATE)))
			return;
	}
	if ((r->has_opened = has(h, GC_OPEN_DATE)) &&
	    !put_date(r, "opened_on", "OpenDate", cell(h, f, n, GC_OPEN_DATE)))
		return;
	if ((r->has_closed = has(h, GC_CLOSE_DATE)) &&
	    !put_date(r, "closed_on", "CloseDate", cell(h, f, n, GC_CLOSE_DATE)))
		return;
	if ((r->has_head = has(h, GC_HEAD_LAST))) {
		const char *title = cell(h, f, n, GC_HEAD_TITLE);
		char *head;

		if (strcasecmp(title, "Not applicable") == 0)
			title = "";
		/* whole, not cut: the school's field table refuses a name that is too long */
		if (asprintf(&head, "%s%s%s%s%s", title, *title ? " " : "", cell(h, f, n, GC_HEAD_FIRST),
		             *cell(h, f, n, GC_HEAD_FIRST) ? " " : "", cell(h, f, n, GC_HEAD_LAST)) < 0) {
			reject(r, "the row", "could not be read");
			return;
		}
		json_object_set_new(r->school, "headteacher_name",
		                    *cell(h, f, n, GC_HEAD_LAST) ? json_string(head) : json_null());
		free(head);
	}
}

void
gias_row_clear(struct gias_row *r)
{
	if (r == NULL)
		return;
	json_decref(r->school);
	r->school = NULL;
}

/* Unicode code points of bytes 0x80..0x9F in Windows-1252. */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

char *
cp1252_to_utf8(const char *s, size_t len)
{
	char *out = malloc(len * 3 + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)s[i];
		unsigned cp = b >= 0x80 && b <= 0x9F ? cp1252_high[b - 0x80] : b;

		if (b == 0) {
			free(out);
			return NULL;
		}
		if (cp < 0x80) {
			*o++ = (char)cp;
		} else if (cp < 0x800) {
			*o++ = (char)(0xC0 | (cp >> 6));
			*o++ = (char)(0x80 | (cp & 0x3F));
		} else {
			*o++ = (char)(0xE0 | (cp >> 12));
			*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
			*o++ = (char)(0x80 | (cp & 0x3F));
		}
	}
	*o = '\0';
	return out;
}
