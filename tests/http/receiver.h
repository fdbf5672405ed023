/*
 * receiver.h
 *    A webhook receiver on loopback for the tests (receiver.c): it checks
 *    every delivery's signature after the Standard Webhooks specification,
 *    written apart from the service's own signing, and keeps what came.
 */
#ifndef CONSORTIA_TEST_RECEIVER_H
#define CONSORTIA_TEST_RECEIVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct receiver;

/*
 * Listen on 127.0.0.1:port (0: any free port) and answer each delivery
 * with `status` (200 to take it). NULL if it cannot listen.
 */
struct receiver *receiver_start(int port, int status);
void receiver_stop(struct receiver *r);
int receiver_port(const struct receiver *r);
void receiver_answer(struct receiver *r, int status);
/* Take ms before answering each delivery (after it is kept). */
void receiver_delay(struct receiver *r, int ms);

/* The secrets it accepts a signature under (whsec_...; b may be NULL). */
void receiver_secrets(struct receiver *r, const char *a, const char *b);

/*
 * Wait up to ms for at least n deliveries of event type (NULL: any) whose
 * signatures hold; how many there are.
 */
size_t receiver_wait(struct receiver *r, const char *type, size_t n, int ms);

/*
 * The i-th delivery that came (in order, whatever its type): {id,
 * timestamp, signatures (how many v1 signatures the header held),
 * signed_by (how many of them a secret accepted), status (what was
 * answered), body (the JSON)}; a new reference, NULL past the end.
 */
json_t *receiver_get(struct receiver *r, size_t i);
size_t receiver_count(struct receiver *r);

/* Deliveries whose signature no secret accepted, or whose timestamp was off by more than 5 minutes. */
size_t receiver_forged(struct receiver *r);

#endif
