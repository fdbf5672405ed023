/*
 * front.c
 *    This module is the service's libmicrohttpd access handler. It gathers
 *    a request (its line, header fields and body) into ulfius's request,
 *    hands it to the router, and queues the answer the handler left in
 *    ulfius's response. When the handler sent a read to the pipeline
 *    instead of waiting for it (req_later), the connection is suspended;
 *    the worker thread serves its other connections, and the read's answer
 *    resumes it, to be answered on the worker's next turn.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "dispatch.h"

/* One request on a connection, from its first line to its answer sent. */
struct exchange {
	struct _u_request in;
	struct _u_response out;
	bool started;                   /* its header fields are in */
	struct req *pending;            /* its read in the pipeline, or NULL */
};

void *
front_exchange_new(const char *uri)
{
	struct exchange *x = calloc(1, sizeof *x);
	const char *q = uri ? strchr(uri, '?') : NULL;

	if (x == NULL)
		return NULL;
	if (ulfius_init_request(&x->in) != U_OK || ulfius_init_response(&x->out) != U_OK) {
		ulfius_clean_request(&x->in);
		free(x);
		return NULL;
	}
	x->in.http_url = strdup(uri ? uri : "");
	x->in.url_path = q ? strndup(uri, (size_t)(q - uri)) : strdup(uri ? uri : "");
	if (x->in.http_url == NULL || x->in.url_path == NULL) {
		front_exchange_free(x);
		return NULL;
	}
	return x;
}

void
front_exchange_free(void *exchange)
{
	struct exchange *x = exchange;

	if (x == NULL)
		return;
	if (x->pending)
		dispatch_abandon(x->pending);
	ulfius_clean_request(&x->in);
	ulfius_clean_response(&x->out);
	free(x);
}

static enum MHD_Result
take_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	return u_map_put(cls, key, value ? value : "") == U_OK ? MHD_YES : MHD_NO;
}

/* The request line and header fields are in: the parts the handlers read. */
static bool
gather(struct exchange *x, struct MHD_Connection *connection, const char *method,
       const char *version)
{
	const union MHD_ConnectionInfo *peer =
		MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	x->in.http_verb = strdup(method);
	x->in.http_protocol = strdup(version);
	x->in.client_address = malloc(sizeof *x->in.client_address);
	if (x->in.http_verb == NULL || x->in.http_protocol == NULL || x->in.client_address == NULL)
		return false;
	memset(x->in.client_address, 0, sizeof *x->in.client_address);
	if (peer && peer->client_addr)
		memcpy(x->in.client_address, peer->client_addr, sizeof *x->in.client_address);
	MHD_get_connection_values(connection, MHD_HEADER_KIND, take_header, x->in.map_header);
	x->in.auth_basic_user =
		MHD_basic_auth_get_username_password(connection, &x->in.auth_basic_password);
	return true;
}

/* Keep up to limit bytes of the body; what is past it is read and dropped (read_body answers 413). */
static bool
take_body(struct exchange *x, const char *data, size_t len, size_t limit)
{
	size_t room = limit > x->in.binary_body_length ? limit - x->in.binary_body_length : 0;
	size_t keep = len < room ? len : room;
	char *grown;

	if (keep == 0)
		return true;
	if ((grown = realloc(x->in.binary_body, x->in.binary_body_length + keep)) == NULL)
		return false;
	memcpy(grown + x->in.binary_body_length, data, keep);
	x->in.binary_body = grown;
	x->in.binary_body_length += keep;
	return true;
}

/* Queue what the handler left in x->out. */
static enum MHD_Result
queue_answer(struct MHD_Connection *connection, struct exchange *x)
{
	struct _u_response *out = &x->out;
	struct MHD_Response *resp;
	const char **keys;
	enum MHD_Result rc;

	if (out->stream_callback) {
		resp = MHD_create_response_from_callback(out->stream_size, out->stream_block_size,
		                                         out->stream_callback, out->stream_user_data,
		                                         out->stream_callback_free);
	} else {
		resp = MHD_create_response_from_buffer(out->binary_body_length, out->binary_body,
		                                       MHD_RESPMEM_MUST_FREE);
		if (resp) {
			out->binary_body = NULL;
			out->binary_body_length = 0;
		}
	}
	if (resp == NULL) {
		log_msg("error", "answer", "out of memory");
		return MHD_NO;
	}
	keys = u_map_enum_keys(out->map_header);
	for (size_t i = 0; keys && keys[i]; i++)
		MHD_add_response_header(resp, keys[i], u_map_get(out->map_header, keys[i]));
	rc = MHD_queue_response(connection, (unsigned)out->status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* The pipeline's thread: a suspended request's read is back. */
static void
read_back(struct pipeline_query *q)
{
	MHD_resume_connection(q->arg);
}

enum MHD_Result
front_handle(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
             const char *version, const char *upload_data, size_t *upload_data_size,
             void **con_cls)
{
	const struct router *rt = cls;
	struct app *app = router_app(rt);
	struct exchange *x = *con_cls;

	(void)url;
	if (x == NULL)
		return MHD_NO;   /* out of memory when the request began: close */
	if (!x->started) {
		x->started = true;
		return gather(x, connection, method, version) ? MHD_YES : MHD_NO;
	}
	if (*upload_data_size != 0) {
		bool kept = take_body(x, upload_data, *upload_data_size, app->cfg.import_max_body + 1);

		*upload_data_size = 0;
		return kept ? MHD_YES : MHD_NO;
	}
	if (x->pending) {
		struct req *r = x->pending;

		x->pending = NULL;
		dispatch_resume(r);
	} else if ((x->pending = route_request(&x->in, &x->out, rt)) != NULL) {
		/* Suspended before the read is sent: its answer may come back at once. */
		MHD_suspend_connection(connection);
		x->pending->later.done = read_back;
		x->pending->later.arg = connection;
		pipeline_submit(app->pipeline, &x->pending->later);
		return MHD_YES;
	}
	return queue_answer(connection, x);
}
