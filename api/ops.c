/*
 * ops.c
 *    The open routes an operator and a load balancer use: liveness,
 *    readiness, and the contract itself.
 */
#include <string.h>

#include "../lib/embedded.h"
#include "server.h"

enum err
api_healthz(struct req *r)
{
	static const char ok[] = "{\"status\":\"ok\"}";

	respond_json(r, 200, ok, sizeof ok - 1);
	return ERR_OK;
}

static const struct db_stmt READY = {"ready", "SELECT 1"};

enum err
api_readyz(struct req *r)
{
	static const char ready[] = "{\"status\":\"ready\"}";
	struct db_conn *c;
	PGresult *res = NULL;
	enum err e;

	if ((e = req_db(r, &c)) != ERR_OK || (e = db_exec(c, &READY, 0, NULL, &res, &r->problem)) != ERR_OK)
		return e;
	PQclear(res);
	respond_json(r, 200, ready, sizeof ready - 1);
	return ERR_OK;
}

enum err
api_openapi(struct req *r)
{
	ulfius_set_binary_body_response(r->out, 200, contract[0].text, contract[0].size);
	respond_header(r, "Content-Type", "application/yaml; charset=utf-8");
	r->status = 200;
	return ERR_OK;
}
