/*
 * client.h
 *    What the HTTP tests use to talk to the running server as a client
 *    would (libcurl), to look into the database behind it (libpq), and to
 *    log every response for the contract check.
 */
#ifndef CONSORTIA_TEST_CLIENT_H
#define CONSORTIA_TEST_CLIENT_H

#include <jansson.h>
#include <stdbool.h>

struct resp {
	long status;
	char *body;
	size_t len;
	json_t *json;          /* parsed body when it is JSON, else NULL */
	char *headers;         /* raw header block */
};

/*
 * Send method path (relative to CONSORTIA_URL, or absolute when it starts
 * with "http") with an optional body and NULL-terminated "Name: value"
 * headers. token NULL sends no Authorization. Caller frees with resp_free.
 */
struct resp *http(const char *method, const char *path, const char *token,
                  const char *body, const char *const *headers);

/* As http(), from a chosen local address (e.g. "127.0.0.3"), for per-address limits. */
struct resp *http_from(const char *source, const char *method, const char *path, const char *token,
                       const char *body, const char *const *headers);

/* JSON body helpers: POST/PATCH with Content-Type application/json. */
struct resp *http_json(const char *method, const char *path, const char *token,
                       const char *body, const char *if_match);

void resp_free(struct resp *r);

/* A response header's value (case-insensitive name), malloc'd; NULL if absent. */
char *resp_header(const struct resp *r, const char *name);

/* A token for role signed with JWT_SECRET; static storage per role. */
const char *token(const char *role);

/* A token for role scoped to an LA and / or a school (0: not). */
const char *token_scoped(const char *role, int la_code, int school_urn);
/* ... and to a group (0: not). */
const char *token_group(const char *role, int la_code, int school_urn, long long group_id);

/* A token for role speaking for sub, scoped to an LA and a group (0: not), and a
 * member's body and person (0: none). */
const char *token_full(const char *role, const char *sub, int la_code, long long group_id, long long body_id,
                       long long person_id);

/* A token for role speaking for sub, scoped to a region (claim region). */
const char *token_region(const char *role, const char *sub, long long region_id);

/* A token for role speaking for sub (each caller its own rate limit). */
const char *token_as(const char *role, const char *sub);

/* A libcurl write callback gathering into a struct http_buf (NUL-terminated). */
struct http_buf {
	char *data;
	size_t len;
};
size_t http_collect(char *ptr, size_t size, size_t n, void *userdata);

/* The server's base URL. */
const char *base_url(void);

/* Database helpers on DATABASE_URL (the server's database). */
long long db_scalar(const char *sql, const char *param);
/* The SQLSTATE running sql failed with (malloc'd), or NULL when it succeeded. */
char *db_error_of(const char *sql);
/* Run sql (one parameter, or none) in a transaction that is then rolled back; it must run. */
void db_rolled_back(const char *sql, const char *param);
/* A digest of every register table's content: equal before and after = nothing changed. */
char *db_fingerprint(void);
/* An LA code and a URN nobody uses yet. */
int unused_la_code(void);
int unused_urn(void);

/* Create an LA with this code and return its id (asserts success). */
long long make_la(int code, const char *name);
/* Create a school with the minimum fields; returns the URN. */
int make_school(int la_code, int estab, const char *name, const char *phase);



/*
 * Assert that r is a problem+json answer with this status and type slug,
 * whose request_id is the X-Request-Id header; if `field` is not NULL, its
 * errors name that field.
 */
#define assert_problem(r, st, slug, field) assert_problem_at(__FILE__, __LINE__, r, st, slug, field)
void assert_problem_at(const char *file, int line, const struct resp *r, long status,
                       const char *slug, const char *field);

/* Assert that the database fingerprint still equals `before` (and free it). */
void assert_unchanged(char *before);

/*
 * method path as tok with body (JSON, If-Match: *) is refused with status,
 * problem type slug and field (NULL: any), and nothing in the database
 * changed.
 */
#define assert_refused(method, path, tok, body, status, slug, field)                              \
	assert_refused_at(__FILE__, __LINE__, method, path, tok, body, status, slug, field)
void assert_refused_at(const char *file, int line, const char *method, const char *path, const char *tok,
                       const char *body, long status, const char *slug, const char *field);

/* GET path as tok, which must answer 200; its JSON (the caller decrefs). */
json_t *http_get_json(const char *tok, const char *path);

/* POST a JSON body that must create (201); the new record's id. */
long long post_created(const char *tok, const char *path, const char *body);

#endif
