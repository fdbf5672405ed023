/*
 * Unit tests of the GIAS mapping: header, rows, and Windows-1252 text.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "gias.h"

static char *header_fields[] = {
	"URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
	"TypeOfEstablishment (name)", "EstablishmentTypeGroup (code)", "EstablishmentStatus (name)",
	"PhaseOfEducation (code)", "NumberOfPupils", "OfstedRating (name)", "OfstedLastInsp",
	"HeadTitle (name)", "HeadFirstName", "HeadLastName", "DistrictAdministrative (code)",
};

static struct gias_header
header(void)
{
	struct gias_header h;
	struct problem p = {0};

	cr_assert(eq(int, gias_header_parse(&h, header_fields, 16, &p), ERR_OK));
	return h;
}

Test(gias, header_needs_the_identifying_columns)
{
	struct gias_header h;
	struct problem p = {0};
	char *plain[] = {"name", "email", "phone"};
	char *bom[16];

	cr_assert(eq(int, gias_header_parse(&h, plain, 3, &p), ERR_VALIDATION));
	cr_assert(eq(sz, problem_count(&p), 9), "one error per missing column");
	cr_assert(eq(str, (char *)json_string_value(json_object_get(json_array_get(p.errors, 0), "field")), "URN"));
	cr_assert(strstr(p.detail, "9 required columns") != NULL);
	problem_clear(&p);
	memcpy(bom, header_fields, sizeof bom);
	bom[0] = "\xEF\xBB\xBFURN";
	cr_assert(eq(int, gias_header_parse(&h, bom, 16, &p), ERR_OK), "a BOM is tolerated");
	cr_assert(eq(int, h.col[GC_OPEN_DATE], -1), "absent optional columns are -1");
}

static void
row(char **f, const char *urn, const char *type, const char *group, const char *phase)
{
	char *base[] = {(char *)urn, "937", "Warwickshire", "2001", "Some School", (char *)type,
	                (char *)group, "Open", (char *)phase, "210", "Good", "01-03-2019", "Mrs",
	                "Ann", "Head", "E07000221"};
	memcpy(f, base, sizeof base);
}

Test(gias, a_primary_academy)
{
	struct gias_header h = header();
	struct gias_row r;
	char *f[16];

	row(f, "125678", "Academy converter", "10", "2");
	gias_row_map(&h, f, 16, 0, &r);
	cr_assert(eq(int, r.outcome, GIAS_IMPORT), "%s", r.reason);
	cr_assert(eq(str, (char *)json_string_value(json_object_get(r.school, "phase")), "primary"));
	cr_assert(eq(str, (char *)json_string_value(json_object_get(r.school, "type")), "academy"));
	cr_assert(eq(str, (char *)json_string_value(json_object_get(r.school, "ofsted_grade")), "good"));
	cr_assert(eq(str, (char *)json_string_value(json_object_get(r.school, "ofsted_date")), "2019-03-01"));
	cr_assert(eq(str, (char *)json_string_value(json_object_get(r.school, "headteacher_name")), "Mrs Ann Head"));
	cr_assert(eq(str, r.district, "E07000221"));
	cr_assert(r.has_ofsted && r.has_pupils && r.has_head);
	cr_assert_not(r.has_opened, "no OpenDate column: keep what is stored");
	gias_row_clear(&r);
}

Test(gias, phases_types_and_scope)
{
	struct gias_header h = header();
	struct gias_row r;
	char *f[16];

	row(f, "125679", "Community special school", "5", "0");
	gias_row_map(&h, f, 16, 0, &r);
	cr_assert(eq(str, (char *)json_string_value(json_object_get(r.school, "phase")), "special"));
	cr_assert(eq(str, (char *)json_string_value(json_object_get(r.school, "type")), "maintained"));
	gias_row_clear(&r);

	row(f, "125680", "Pupil referral unit", "4", "0");
	gias_row_map(&h, f, 16, 0, &r);
	cr_assert(eq(str, (char *)json_string_value(json_object_get(r.school, "phase")), "pru"));
	gias_row_clear(&r);

	row(f, "125681", "Other independent school", "3", "0");
	gias_row_map(&h, f, 16, 0, &r);
	cr_assert(eq(int, r.outcome, GIAS_SKIP), "independent schools are out of scope");
	gias_row_clear(&r);

	row(f, "125682", "Community school", "4", "2");
	gias_row_map(&h, f, 16, 938, &r);
	cr_assert(eq(int, r.outcome, GIAS_SKIP), "another LA under --la");
	gias_row_clear(&r);

	row(f, "125683", "Community school", "4", "0");
	gias_row_map(&h, f, 16, 0, &r);
	cr_assert(eq(int, r.outcome, GIAS_REJECT), "no phase");
	cr_assert(strstr(r.reason, "PhaseOfEducation") != NULL);
	gias_row_clear(&r);
}

Test(gias, bad_cells_reject_the_row_naming_the_column)
{
	struct gias_header h = header();
	struct gias_row r;
	char *f[16];

	row(f, "12345", "Community school", "4", "2");
	gias_row_map(&h, f, 16, 0, &r);
	cr_assert(eq(int, r.outcome, GIAS_REJECT));
	cr_assert(eq(str, r.reason, "URN must be 6 digits"));
	cr_assert(eq(str, r.urn, "12345"), "the cell is kept for the report");
	gias_row_clear(&r);

	row(f, "125684", "Community school", "4", "2");
	f[11] = "31-02-2019";
	gias_row_map(&h, f, 16, 0, &r);
	cr_assert(eq(int, r.outcome, GIAS_REJECT));
	cr_assert(strstr(r.reason, "OfstedLastInsp") != NULL);
	gias_row_clear(&r);

	row(f, "125685", "Community school", "4", "2");
	f[10] = "Special Measures";
	f[9] = "";
	gias_row_map(&h, f, 16, 0, &r);
	cr_assert(eq(str, (char *)json_string_value(json_object_get(r.school, "ofsted_grade")), "inadequate"));
	{
		bool no_pupils = json_is_null(json_object_get(r.school, "pupils"));
		cr_assert(no_pupils);
	}
	gias_row_clear(&r);
}

Test(gias, windows_1252_becomes_utf8)
{
	char *s = cp1252_to_utf8("St Mary\x92s \x80 caf\xe9", 16);

	cr_assert(eq(str, s, "St Mary\xE2\x80\x99s \xE2\x82\xAC caf\xC3\xA9"));
	free(s);
	cr_assert_null(cp1252_to_utf8("a\0b", 3), "NUL bytes are refused");
}
