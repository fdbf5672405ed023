/*
 * ops.c
 *    The open routes an operator and a load balancer use: liveness,
 *    readiness, and the contract itself.
 */
#include <string.h>

#include "../lib/embedded.h"
#include "handlers.h"

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

/* The contract as a page: Redoc, served from the binary, reading /openapi.yaml. */
enum err
api_docs(struct req *r)
{
	static const char page[] =
		"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<link rel=\"icon\" href=\"data:,\"><title>consortia API</title>"
		"<style>body{margin:0}</style></head><body>"
		"<redoc spec-url=\"/openapi.yaml\" hide-download-button=\"false\"></redoc>"
		"<script src=\"/docs/redoc.standalone.js\"></script></body></html>";

	ulfius_set_binary_body_response(r->out, 200, page, sizeof page - 1);
	respond_header(r, "Content-Type", "text/html; charset=utf-8");
	/* Redoc styles itself inline, draws SVG and searches in a worker made from a blob. */
	respond_header(r, "Content-Security-Policy",
	               "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
	               "font-src 'self' data:; connect-src 'self'; worker-src blob:; frame-ancestors 'none'");
	r->status = 200;
	return ERR_OK;
}

enum err
api_docs_script(struct req *r)
{
	ulfius_set_binary_body_response(r->out, 200, docs_assets[0].text, docs_assets[0].size);
	respond_header(r, "Content-Type", "text/javascript; charset=utf-8");
	respond_header(r, "Cache-Control", "public, max-age=3600");
	r->status = 200;
	return ERR_OK;
}
