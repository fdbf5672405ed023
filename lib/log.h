/*
 * log.h
 *    One JSON object per line on standard error, for the request log and
 *    for the few events worth an operator's attention.
 */
#ifndef CONSORTIA_LOG_H
#define CONSORTIA_LOG_H

#include <jansson.h>

/* Write {"ts":..., "level":level, "event":event, "message":...} to stderr. */
void log_msg(const char *level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Write `fields` (borrowed) with "ts" added, as one line. */
void log_json(json_t *fields);

/* Silence everything but errors (the CLI commands use it). */
void log_set_quiet(int quiet);

#endif
