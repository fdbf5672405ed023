/*
 * log.c
 *    This module implements the JSON line logger. A line is written with a
 *    single fputs on an unbuffered stream, so lines from several threads do
 *    not interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int quiet;

void
log_set_quiet(int q)
{
	quiet = q;
}

static void
timestamp(char out[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + 19, 13, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

void
log_json(json_t *fields)
{
	char ts[32];
	char *line;

	timestamp(ts);
	json_object_set_new(fields, "ts", json_string(ts));
	line = json_dumps(fields, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (line == NULL)
		return;
	fprintf(stderr, "%s\n", line);
	free(line);
}

void
log_msg(const char *level, const char *event, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	json_t *o;

	if (quiet && strcmp(level, "error") != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	o = json_pack("{s:s, s:s, s:s?}", "level", level, "event", event, "message",
	              msg);
	if (o == NULL)
		return;
	log_json(o);
	json_decref(o);
}
