/*
 * fields.c
 *    This module implements validation of client JSON against a resource's
 *    declarative field table (see fields.h).
 */
#include "fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "date.h"

int
fields_index(const struct field_set *fs, const char *name)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

size_t
utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

bool
json_text_ok(const json_t *v, size_t max)
{
	return json_is_string(v) && json_string_length(v) > 0 &&
	       strlen(json_string_value(v)) == json_string_length(v) && utf8_length(json_string_value(v)) <= max;
}

bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = u[i];
		size_t need;
		unsigned cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1; cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2; cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3; cp = c & 0x07;
		} else {
			return false;
		}
		if (i + need >= len)
			return false;
		for (size_t k = 1; k <= need; k++) {
			if ((u[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (u[i + k] & 0x3F);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		i += need + 1;
	}
	return true;
}

bool
record_put(struct record *rec, size_t i, const char *s)
{
	char *copy = NULL;

	if (s != NULL && (copy = strdup(s)) == NULL)
		return false;
	free(rec->val[i]);
	rec->val[i] = copy;
	return true;
}

void
record_clear(struct record *rec)
{
	if (rec == NULL)
		return;
	for (size_t i = 0; i < RECORD_MAX; i++)
		free(rec->val[i]);
	json_decref(rec->facts);
	memset(rec, 0, sizeof *rec);
}

bool
record_any_set(const struct field_set *fs, const struct record *rec)
{
	for (size_t i = 0; i < fs->n; i++)
		if (rec->set[i])
			return true;
	return false;
}

static bool
is_read_only(const struct field_set *fs, const char *name)
{
	for (const char *const *r = fs->read_only; r && *r; r++)
		if (strcmp(*r, name) == 0)
			return true;
	return false;
}

/* Append s to a PostgreSQL array literal in buf as a quoted element. */
static bool
array_append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t need = *len + 2 * strlen(s) + 4;

	if (need > *cap) {
		size_t ncap = need * 2;
		char *n = realloc(*buf, ncap);
		if (n == NULL)
			return false;
		*buf = n;
		*cap = ncap;
	}
	if (*len > 1)
		(*buf)[(*len)++] = ',';
	(*buf)[(*len)++] = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			(*buf)[(*len)++] = '\\';
		(*buf)[(*len)++] = *s;
	}
	(*buf)[(*len)++] = '"';
	(*buf)[*len] = '\0';
	return true;
}

/* Check a JSON string value against an FT_TEXT rule; message into p. */
static bool
text_ok(const struct field *f, const json_t *v, const char *label, struct problem *p)
{
	const char *s = json_string_value(v);
	size_t n;

	if (strlen(s) != json_string_length(v)) {
		problem_field(p, IN_BODY, label, "format", "must not contain NUL characters");
		return false;
	}
	n = utf8_length(s);
	if ((long long)n < f->min || (long long)n > f->max) {
		problem_field(p, IN_BODY, label, "length",
		              "must be %lld to %lld characters long", f->min, f->max);
		return false;
	}
	if (f->check && !f->check(s)) {
		problem_field(p, IN_BODY, label, "format", "must be %s", f->format);
		return false;
	}
	return true;
}

char *
fields_name(const char *s, const char **why)
{
	const uint8_t *u = (const uint8_t *)s, *end = u + strlen(s);
	uint8_t *nfc;
	size_t n, first = 0, last;
	char *out;

	*why = NULL;
	for (const uint8_t *q = u; q < end;) {
		ucs4_t c;
		q += u8_mbtouc(&c, q, (size_t)(end - q));
		if (uc_is_general_category(c, UC_CONTROL) || uc_is_general_category(c, UC_FORMAT) ||
		    uc_is_general_category(c, UC_LINE_SEPARATOR) ||
		    uc_is_general_category(c, UC_PARAGRAPH_SEPARATOR)) {
			*why = "must not contain control or invisible formatting characters";
			return NULL;
		}
	}
	n = 0;
	if ((nfc = u8_normalize(UNINORM_NFC, u, (size_t)(end - u), NULL, &n)) == NULL && end > u)
		return NULL;
	/* trim what Unicode calls white space, at both ends */
	for (last = n; first < n;) {
		ucs4_t c;
		int len = u8_mbtouc(&c, nfc + first, n - first);
		if (!uc_is_property_white_space(c))
			break;
		first += (size_t)len;
	}
	while (last > first) {
		ucs4_t c;
		const uint8_t *prev = u8_prev(&c, nfc + last, nfc + first);
		if (prev == NULL || !uc_is_property_white_space(c))
			break;
		last = (size_t)(prev - nfc);
	}
	if ((out = malloc(last - first + 1)) != NULL) {
		memcpy(out, nfc + first, last - first);
		out[last - first] = '\0';
	}
	free(nfc);
	return out;
}

/* An F_NAME value: canonical (fields_name), then of min..max characters. */
static char *
name_value(const struct field *f, const json_t *v, struct problem *p, bool *oom)
{
	const char *why;
	char *s;
	size_t n;

	if (strlen(json_string_value(v)) != json_string_length(v)) {
		problem_field(p, IN_BODY, f->name, "format", "must not contain NUL characters");
		return NULL;
	}
	if ((s = fields_name(json_string_value(v), &why)) == NULL) {
		if (why)
			problem_field(p, IN_BODY, f->name, "format", "%s", why);
		else
			*oom = true;
		return NULL;
	}
	n = utf8_length(s);
	if ((long long)n < f->min || (long long)n > f->max) {
		problem_field(p, IN_BODY, f->name, "length",
		              "must be %lld to %lld characters long, white space around it not counted",
		              f->min, f->max);
		free(s);
		return NULL;
	}
	return s;
}

/*
 * Convert one non-null JSON value to the field's canonical text.
 * Returns a malloc'd string, or NULL after adding the fault to p (or when
 * out of memory, reported as ERR_INTERNAL through *oom).
 */
static char *
canonical(const struct field *f, const json_t *v, struct problem *p, bool *oom)
{
	char buf[32];
	int y, m, d;

	switch (f->type) {
	case FT_INT:
		if (!json_is_integer(v)) {
			problem_field(p, IN_BODY, f->name, "type", "must be an integer");
			return NULL;
		}
		if (json_integer_value(v) < f->min || json_integer_value(v) > f->max) {
			problem_field(p, IN_BODY, f->name, "range", "must be between %lld and %lld",
			              f->min, f->max);
			return NULL;
		}
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
		break;
	case FT_BOOL:
		if (!json_is_boolean(v)) {
			problem_field(p, IN_BODY, f->name, "type", "must be true or false");
			return NULL;
		}
		snprintf(buf, sizeof buf, "%s", json_is_true(v) ? "true" : "false");
		break;
	case FT_DATE:
		if (!json_is_string(v)) {
			problem_field(p, IN_BODY, f->name, "type", "must be a date string");
			return NULL;
		}
		if (!date_parse_iso(json_string_value(v), &y, &m, &d)) {
			problem_field(p, IN_BODY, f->name, "format", "must be a real date as YYYY-MM-DD");
			return NULL;
		}
		if (y < DATE_FIRST_YEAR || y > DATE_LAST_YEAR) {
			problem_field(p, IN_BODY, f->name, "range", "must be between %d-01-01 and %d-12-31",
			              DATE_FIRST_YEAR, DATE_LAST_YEAR);
			return NULL;
		}
		snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
		if (f->flags & F_PAST) {
			char today[11];
			date_london(time(NULL), today);
			if (strcmp(buf, today) > 0) {
				problem_field(p, IN_BODY, f->name, "range", "must not be after today (%s)", today);
				return NULL;
			}
		}
		break;
	case FT_ENUM:
		if (!json_is_string(v)) {
			problem_field(p, IN_BODY, f->name, "type", "must be a string");
			return NULL;
		}
		for (const char *const *e = f->values; *e; e++)
			if (strcmp(*e, json_string_value(v)) == 0)
				goto copy_string;
		{
			char allowed[400] = "";
			size_t used = 0;
			for (const char *const *e = f->values; *e && used < sizeof allowed; e++)
				used += (size_t)snprintf(allowed + used, sizeof allowed - used, "%s%s",
				                         used ? ", " : "", *e);
			problem_field(p, IN_BODY, f->name, "enum", "must be one of: %s", allowed);
		}
		return NULL;
	case FT_TEXT:
		if (!json_is_string(v)) {
			problem_field(p, IN_BODY, f->name, "type", "must be a string");
			return NULL;
		}
		if (f->flags & F_NAME)
			return name_value(f, v, p, oom);
		if (!text_ok(f, v, f->name, p))
			return NULL;
		goto copy_string;
	case FT_JSON: {
		char *s;
		if (f->json_check && !f->json_check(v, f->name, p))
			return NULL;
		if ((s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)) == NULL)
			*oom = true;
		return s;
	}
	case FT_TEXT_ARRAY: {
		size_t i, len = 1, cap = 64;
		json_t *item;
		char *arr;
		bool ok = true;

		if (!json_is_array(v)) {
			problem_field(p, IN_BODY, f->name, "type", "must be an array of strings");
			return NULL;
		}
		if (json_array_size(v) > f->max_items) {
			problem_field(p, IN_BODY, f->name, "length", "must hold at most %zu items", f->max_items);
			return NULL;
		}
		if ((arr = malloc(cap)) == NULL) {
			*oom = true;
			return NULL;
		}
		strcpy(arr, "{");
		json_array_foreach(v, i, item) {
			char label[96];
			snprintf(label, sizeof label, "%s[%zu]", f->name, i);
			if (!json_is_string(item)) {
				problem_field(p, IN_BODY, label, "type", "must be a string");
				ok = false;
			} else if (!text_ok(f, item, label, p)) {
				ok = false;
			} else if (ok && !array_append(&arr, &len, &cap, json_string_value(item))) {
				*oom = true;
				ok = false;
			}
		}
		if (!ok) {
			free(arr);
			return NULL;
		}
		arr[len++] = '}';
		arr[len] = '\0';
		return arr;
	}
	}
	{
		char *s = strdup(buf);
		if (s == NULL)
			*oom = true;
		return s;
	}
copy_string:
	{
		char *s = strdup(json_string_value(v));
		if (s == NULL)
			*oom = true;
		return s;
	}
}

enum err
record_from_json(const struct field_set *fs, const json_t *obj, enum record_mode mode,
                 struct record *rec, struct problem *p)
{
	const char *key;
	json_t *v;
	bool oom = false, given[RECORD_MAX] = {false};
	size_t before = problem_count(p);

	json_object_foreach((json_t *)obj, key, v) {
		int i = fields_index(fs, key);
		const struct field *f;
		char *text;

		if (i >= 0)
			given[i] = true;

		if (i < 0) {
			if (is_read_only(fs, key))
				problem_field(p, IN_BODY, key, "read_only", "is set by the server and cannot be written");
			else
				problem_field(p, IN_BODY, key, "unknown", "is not a field of this resource");
			continue;
		}
		f = &fs->fields[i];
		if (f->flags & F_DERIVED) {
			problem_field(p, IN_BODY, key, "read_only", "is set by the server and cannot be written");
			continue;
		}
		if (mode == RECORD_PATCH && (f->flags & F_CREATE_ONLY)) {
			problem_field(p, IN_BODY, key, "read_only", "can only be set when the resource is created");
			continue;
		}
		if (json_is_null(v)) {
			if (!(f->flags & F_NULLABLE)) {
				problem_field(p, IN_BODY, key, "null", "must not be null");
				continue;
			}
			text = NULL;
		} else if ((text = canonical(f, v, p, &oom)) == NULL) {
			if (oom)
				return problem_set(p, ERR_INTERNAL, "out of memory");
			continue;
		}
		if (mode == RECORD_PATCH) {
			const char *old = rec->val[i];
			bool same = (old == NULL && text == NULL) ||
			            (old != NULL && text != NULL && strcmp(old, text) == 0);
			if (!same && old && text && f->type == FT_JSON) {   /* jsonb spells JSON its own way */
				json_t *a = json_loads(old, JSON_DECODE_ANY, NULL), *b = json_loads(text, JSON_DECODE_ANY, NULL);
				same = a && b && json_equal(a, b);
				json_decref(a);
				json_decref(b);
			}
			if (same) {
				free(text);
				continue;
			}
		}
		free(rec->val[i]);
		rec->val[i] = text;
		rec->set[i] = true;
	}
	if (mode == RECORD_CREATE) {
		for (size_t i = 0; i < fs->n; i++) {
			const struct field *f = &fs->fields[i];
			if (given[i])
				continue;
			if (f->dflt != NULL) {
				if (!record_put(rec, i, f->dflt))
					return problem_set(p, ERR_INTERNAL, "out of memory");
			} else if (f->flags & F_REQUIRED) {
				problem_field(p, IN_BODY, f->name, "required", "is required");
			}
		}
	}
	if (problem_count(p) > before) {
		size_t n = problem_count(p);
		return problem_set(p, ERR_VALIDATION, "%zu field%s invalid", n, n == 1 ? " is" : "s are");
	}
	return ERR_OK;
}

enum err
record_load(const struct field_set *fs, const PGresult *res, int row, int first_col,
            struct record *rec)
{
	for (size_t i = 0; i < fs->n; i++) {
		int col = first_col + (int)i;
		const char *s = NULL;

		if (!PQgetisnull(res, row, col)) {
			s = PQgetvalue(res, row, col);
			if (fs->fields[i].type == FT_BOOL)
				s = (s[0] == 't') ? "true" : "false";
		}
		if (!record_put(rec, i, s))
			return ERR_INTERNAL;
		rec->set[i] = false;
	}
	return ERR_OK;
}
