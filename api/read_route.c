/*
 * read_route.c
 *    This module implements where a request reads from (dispatch.h): the
 *    primary, or the standby of DATABASE_READ_URL for the reads it may
 *    answer (lib/standby.h says when the standby is well and caught up).
 */
#include <stdio.h>
#include <string.h>

#include "../lib/log.h"
#include "../lib/standby.h"
#include "dispatch.h"
#include "handlers.h"

/*
 * Lists, CSV exports and reports of signed-in callers. Not: a record read
 * alone (the caller's next step after a write), the payment feed (the
 * finance system must see every change in order), nor records whose reads
 * are themselves written on the audit trail (a reference).
 */
bool
route_reads_standby(const struct route *route)
{
	if (strcmp(route->method, "GET") != 0 || route->roles == 0 || route->handler == api_payments ||
	    (route->def && route->def->private_to))
		return false;
	return route->handler == api_resource_list || route->handler == api_resource_export ||
	       strncmp(route->path, "/v1/reports/", 12) == 0 ||
	       (strlen(route->path) > 7 && strcmp(route->path + strlen(route->path) - 7, "/report") == 0);
}

/* The caller, as its fence names it: issuer and subject. */
static void
fence_subject(const struct req *r, char out[400])
{
	snprintf(out, 400, "%s|%s", r->claims.iss, r->claims.sub);
}

struct db_pool *
read_pool(struct req *r, struct db_pool *primary, struct db_pool *standby)
{
	struct db_conn *c = NULL;
	char who[400];
	uint64_t fence = 0;
	struct problem ignored = {0};
	bool fenced_ok;

	if (r->app->standby == NULL || r->primary_only || !route_reads_standby(r->route))
		return primary;
	/* The caller's last write, as the primary knows it; no answer: read from the primary. */
	fence_subject(r, who);
	fenced_ok = db_acquire(&r->app->pool, 5000, &c, &ignored) == ERR_OK &&
	            fence_read(c, who, &fence, &ignored) == ERR_OK;
	db_release(&r->app->pool, c);
	problem_clear(&ignored);
	return fenced_ok && standby_serves(r->app->standby, fence) ? standby : primary;
}

bool
read_again_on_primary(struct req *r, enum err e)
{
	if (e != ERR_UNAVAILABLE || r->db == NULL || r->db->pool == &r->app->pool || r->primary_only)
		return false;
	log_msg("warn", "standby", "%s %s: %s; answered by the primary", r->in->http_verb, r->in->url_path,
	        r->problem.detail);
	standby_failed(r->app->standby);
	db_release(r->db->pool, r->db);
	r->db = NULL;
	r->primary_only = true;
	problem_clear(&r->problem);
	return true;
}

void
fence_after_write(struct req *r)
{
	char who[400];
	struct problem p = {0};

	if (r->app->standby == NULL || r->db == NULL || r->status < 200 || r->status > 299)
		return;
	fence_subject(r, who);
	if (fence_record(r->db, who, &p) != ERR_OK)
		log_msg("warn", "fence", "%s %s: the caller's read fence was not kept: %s", r->in->http_verb,
		        r->in->url_path, p.detail);
	problem_clear(&p);
}
