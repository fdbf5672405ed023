/*
 * unit.c
 *    This module implements the unit of work of a write (dispatch.h): one
 *    transaction holding the change, its audit event and its
 *    Idempotency-Key's answer, begun by the handler's first req_db and run
 *    again whole on a serialization failure or a deadlock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/etag.h"
#include "../lib/hash.h"
#include "../lib/idempotency.h"
#include "../lib/log.h"
#include "../lib/standby.h"
#include "dispatch.h"

static enum err unit_begin(struct req *r);

/* The request's connection; in a write's unit of work, the unit begins with the first call. */
enum err
req_db(struct req *r, struct db_conn **out)
{
	enum err e;

	*out = NULL;
	if (r->db == NULL) {
		struct db_pool *pool = r->unit ? &r->app->pool : read_pool(r, &r->app->pool, &r->app->reads);
		if (pool != &r->app->pool && db_acquire(pool, 1000, &r->db, &r->problem) != ERR_OK) {
			/* gone since the last look: the primary answers */
			standby_failed(r->app->standby);
			problem_clear(&r->problem);
			r->db = NULL;
		}
		if (r->db == NULL && (e = db_acquire(&r->app->pool, 5000, &r->db, &r->problem)) != ERR_OK)
			return e;
	}
	if (r->unit && !r->db->in_tx && (e = unit_begin(r)) != ERR_OK)
		return e;
	*out = r->db;
	return ERR_OK;
}

/* How many times a write that met a serialization failure or a deadlock is run. */
#define UNIT_ATTEMPTS 4

bool
route_writes(const struct route *route)
{
	return route->roles != 0 && strcmp(route->method, "GET") != 0;
}

/* A POST's Idempotency-Key, checked, and the digest of what it asks. */
static enum err
take_idempotency_key(struct req *r)
{
	const char *key = req_header(r, "Idempotency-Key");
	const void *parts[] = {"POST ", r->in->url_path, "\n", r->in->binary_body};
	size_t lens[] = {5, strlen(r->in->url_path), 1, r->in->binary_body_length};

	if (key == NULL || strcmp(r->route->method, "POST") != 0)
		return ERR_OK;
	if (!idem_key_valid(key)) {
		problem_field(&r->problem, IN_HEADER, "Idempotency-Key", "format",
		              "must be 1 to 200 printable ASCII characters");
		return problem_set(&r->problem, ERR_MALFORMED, "the Idempotency-Key is not valid");
	}
	sha256_hex(r->request_hash, r->in->binary_body ? 4 : 3, parts, lens);
	r->idempotency_key = key;
	return ERR_OK;
}

/* Answer again what was answered first to this Idempotency-Key. */
static void
respond_replay(struct req *r, const struct idem_replay *replay)
{
	json_t *o = json_loads(replay->body, 0, NULL);
	json_t *version = json_object_get(o, "version");

	respond_json(r, replay->status, replay->body, strlen(replay->body));
	if (replay->location)
		respond_header(r, "Location", replay->location);
	if (json_is_integer(version)) {
		char etag[ETAG_MAX];
		etag_of((int)json_integer_value(version), replay->body, strlen(replay->body), etag);
		respond_header(r, "ETag", etag);
	}
	json_decref(o);
}

/* Begin the write's transaction and claim its Idempotency-Key. */
static enum err
unit_begin(struct req *r)
{
	struct idem_replay replay;
	enum err e;

	if ((e = db_begin(r->db, &r->problem)) != ERR_OK || r->idempotency_key == NULL)
		return e;
	e = idem_claim(r->db, r->claims.sub, r->idempotency_key, r->in->http_verb, r->in->url_path,
	               r->request_hash, &replay, &r->problem);
	if (e == ERR_OK && replay.status != 0) {
		respond_replay(r, &replay);
		e = ERR_ANSWERED;
	}
	idem_replay_free(&replay);
	return e;
}

/* Keep the answer with the Idempotency-Key, in the write's own transaction. */
static enum err
unit_keep_answer(struct req *r)
{
	const char *location = u_map_get(r->out->map_header, "Location");
	char *body;
	enum err e;

	if (r->idempotency_key == NULL || r->status < 200 || r->status > 299 || r->db == NULL ||
	    !r->db->in_tx)
		return ERR_OK;
	if (r->replay_body) {
		body = strdup(r->replay_body);
	} else if ((body = malloc(r->out->binary_body_length + 1)) != NULL) {
		/* the answer's body is bytes with a length, not a C string */
		if (r->out->binary_body_length > 0)
			memcpy(body, r->out->binary_body, r->out->binary_body_length);
		body[r->out->binary_body_length] = '\0';
	}
	if (body == NULL)
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	e = idem_store(r->db, r->claims.sub, r->idempotency_key, r->status, body, location,
	               &r->problem);
	free(body);
	return e;
}

/* Undo one attempt's answer: its headers back to what they were before it. */
static void
unit_reset(struct req *r, const struct _u_map *headers)
{
	u_map_clean(r->out->map_header);
	u_map_init(r->out->map_header);
	u_map_copy_into(r->out->map_header, headers);
	problem_clear(&r->problem);
	free(r->replay_body);
	r->replay_body = NULL;
	r->after_commit = NULL;
	r->status = 0;
}

enum err
run_unit(struct req *r)
{
	struct _u_map headers;
	enum err e;

	if ((e = take_idempotency_key(r)) != ERR_OK)
		return e;
	if (u_map_init(&headers) != U_OK || u_map_copy_into(&headers, r->out->map_header) != U_OK) {
		u_map_clean(&headers);
		return problem_set(&r->problem, ERR_INTERNAL, "out of memory");
	}
	for (int attempt = 1;; attempt++) {
		r->unit = true;
		e = r->route->handler(r);
		r->unit = false;
		if (e == ERR_OK && (e = unit_keep_answer(r)) == ERR_OK && r->db && r->db->in_tx)
			e = db_commit(r->db, &r->problem);
		if (e == ERR_OK)
			fence_after_write(r);
		if (e == ERR_OK && r->after_commit)
			r->after_commit(r);
		if (e == ERR_ANSWERED)
			e = ERR_OK;   /* a replay: nothing was changed */
		if (r->db)
			db_rollback(r->db);
		if (e != ERR_RETRY || attempt == UNIT_ATTEMPTS)
			break;
		log_msg("info", "retry", "%s %s: %s (attempt %d)", r->in->http_verb, r->in->url_path,
		        r->problem.detail, attempt);
		unit_reset(r, &headers);
	}
	u_map_clean(&headers);
	return e;
}
