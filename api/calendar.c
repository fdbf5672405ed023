/*
 * calendar.c
 *    GET /v1/calendars/{secret}: a calendar feed as iCalendar, for a
 *    calendar program, which sends no token: the secret address is the
 *    feed's only key (lib/calendar.c).
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/calendar.h"
#include "handlers.h"

enum err
api_calendar(struct req *r)
{
	const char *secret = req_param(r, "secret");
	struct db_conn *c;
	char *text = NULL;
	enum err e;

	r->log_path = r->route->path;   /* the address is the feed's key: the log names the route */
	if (secret == NULL || !calendar_secret_valid(secret)) {
		problem_field(&r->problem, IN_PATH, "secret", "format", "must be a feed's secret: 43 base64url characters");
		return problem_set(&r->problem, ERR_MALFORMED, "the address is no calendar feed's");
	}
	if ((e = req_db(r, &c)) != ERR_OK || (e = calendar_render(c, secret, &text, &r->problem)) != ERR_OK)
		return e;
	ulfius_set_binary_body_response(r->out, 200, text, strlen(text));
	respond_header(r, "Content-Type", "text/calendar; charset=utf-8");
	r->status = 200;
	free(text);
	return ERR_OK;
}
