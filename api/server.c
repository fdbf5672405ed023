/*
 * server.c
 *    This module starts the HTTP server (libmicrohttpd through ulfius,
 *    with the router as its one endpoint) and stops it: on SIGTERM or
 *    SIGINT it stops accepting, lets the requests in flight finish and
 *    closes what it opened.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../lib/log.h"
#include "../lib/webhook.h"
#include "dispatch.h"
#include "webhook_sender.h"

static void
raise_fd_limit(int connections)
{
	struct rlimit lim;
	rlim_t want = (rlim_t)connections + 256;

	if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= want)
		return;
	lim.rlim_cur = lim.rlim_max == RLIM_INFINITY || lim.rlim_max >= want ? want : lim.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur < want)
		log_msg("warn", "config", "only %lu open files allowed; MAX_CONNECTIONS %d needs %lu",
		        (unsigned long)lim.rlim_cur, connections, (unsigned long)want);
}

int
server_run(struct app *app)
{
	struct router *router = router_new(app);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)app->cfg.port)};
	const struct config *cfg = &app->cfg;
	sigset_t stop;
	int sig, rc = 1;
	MHD_socket listener;

	if (router == NULL || (app->metrics = metrics_new()) == NULL) {
		router_free(router);
		return 1;
	}
	/* An action route must name an action of its resource's table: checked here, not per request. */
	for (size_t i = 0; i < routes_count; i++)
		if (routes[i].handler == api_resource_action &&
		    resource_find_action(routes[i].def, strrchr(routes[i].path, '/') + 1) == NULL) {
			log_msg("error", "start", "%s %s names no action of its resource", routes[i].method,
			        routes[i].path);
			router_free(router);
			metrics_free(app->metrics);
			app->metrics = NULL;
			return 1;
		}
	if (inet_pton(AF_INET, cfg->bind_address, &addr.sin_addr) != 1) {
		log_msg("error", "config", "BIND_ADDRESS %s is not an IPv4 address", cfg->bind_address);
		router_free(router);
		metrics_free(app->metrics);
		app->metrics = NULL;
		return 1;
	}
	app->throttle = throttle_new(cfg->rate_per_minute, cfg->rate_burst);
	app->tokens = token_cache_new();
	raise_fd_limit(cfg->max_connections);

	/* Block the stop signals in every thread; main waits for them below. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* After the mask: the listener thread must not take the stop signals. */
	app->accounts = account_states_new(cfg->database_url);
	if (app->accounts == NULL) {
		log_msg("error", "start", "cannot start the account listener");
		goto out;
	}
	if ((app->conns = conns_start(cfg->connection_timeout, cfg->request_timeout)) == NULL)
		goto out;
	if (cfg->pipeline_connections > 0 &&
	    (app->pipeline = pipeline_start(cfg->database_url, cfg->pipeline_connections,
	                                    cfg->statement_timeout_ms, cfg->request_deadline_ms,
	                                    &app->pool)) == NULL) {
		log_msg("error", "start", "cannot start the pipeline");
		goto out;
	}
	webhook_allow_http(cfg->webhooks.allow_http);
	if (cfg->webhooks.enabled && (app->webhooks = webhook_sender_start(cfg)) == NULL) {
		log_msg("error", "start", "cannot start the webhooks' sender");
		goto out;
	}
	{
		struct MHD_OptionItem ops[] = {
			{MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)conns_completed, app->conns},
			{MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)conns_uri_seen, app->conns},
			{MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)conns_notify, app->conns},
			{MHD_OPTION_SOCK_ADDR, 0, &addr},
			{MHD_OPTION_THREAD_POOL_SIZE, cfg->workers, NULL},
			{MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout, NULL},
			{MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections, NULL},
			{MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_connections_per_ip, NULL},
			/*
			 * The request line and headers must fit in this, or libmicrohttpd
			 * answers 414 or 431 itself, in HTML. Room beyond the service's own
			 * limits lets route_request answer those as problems. Every request
			 * zeroes the pool: keep it small.
			 */
			{MHD_OPTION_CONNECTION_MEMORY_LIMIT,
			 (intptr_t)(cfg->max_header_bytes + cfg->max_uri_bytes + 8192), NULL},
			{MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL},
			{MHD_OPTION_END, 0, NULL},
		};
		/* Suspend and resume: a read in the pipeline frees its worker (front.c). */
		app->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
		                                   MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME,
		                               (uint16_t)cfg->port, NULL, NULL, front_handle, router,
		                               MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
		if (app->daemon == NULL) {
			log_msg("error", "listen", "cannot listen on %s:%d", cfg->bind_address, cfg->port);
			goto out;
		}
	}
	log_msg("info", "listening", "http://%s:%d with %d workers", cfg->bind_address, cfg->port,
	        cfg->workers);
	sigwait(&stop, &sig);

	/* Stop taking connections, let the requests in flight finish, then stop. */
	log_msg("info", "stopping", "signal %d: finishing requests in flight (up to %d s)", sig,
	        cfg->shutdown_grace);
	listener = MHD_quiesce_daemon(app->daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	if (!conns_drain(app->conns, cfg->shutdown_grace))
		log_msg("warn", "stopping", "requests still in flight after %d s; cut",
		        cfg->shutdown_grace);
	/* What the drain left in the pipeline is answered 503 and resumed; then the workers stop. */
	pipeline_stop(app->pipeline);
	app->pipeline = NULL;
	MHD_stop_daemon(app->daemon);
	app->daemon = NULL;
	webhook_sender_stop(app->webhooks);
	app->webhooks = NULL;
	log_msg("info", "stopped", "all requests answered or cut; closing the pool");
	rc = 0;
out:
	pipeline_stop(app->pipeline);
	app->pipeline = NULL;
	conns_stop(app->conns);
	app->conns = NULL;
	throttle_free(app->throttle);
	app->throttle = NULL;
	token_cache_free(app->tokens);
	app->tokens = NULL;
	webhook_sender_stop(app->webhooks);
	app->webhooks = NULL;
	account_states_free(app->accounts);
	app->accounts = NULL;
	router_free(router);
	metrics_free(app->metrics);
	app->metrics = NULL;
	return rc;
}
