/*
 * webhook_sender.h
 *    The thread that delivers webhooks (webhook_sender.c).
 */
#ifndef CONSORTIA_WEBHOOK_SENDER_H
#define CONSORTIA_WEBHOOK_SENDER_H

#include "../lib/config.h"

struct webhook_sender;

/*
 * Start delivering what the outbox holds, on a connection of its own to
 * cfg's database: NULL when no thread can start. Free with
 * webhook_sender_stop (NULL is a no-op), which waits for the attempt in
 * hand (bounded by WEBHOOK_TIMEOUT_SECONDS).
 */
struct webhook_sender *webhook_sender_start(const struct config *cfg);
void webhook_sender_stop(struct webhook_sender *s);

#endif
