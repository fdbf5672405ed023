/*
 * webhook.h
 *    Webhooks after the Standard Webhooks specification (webhook.c): the
 *    subscriptions and their delivery log as resources, the signature, and
 *    what the sender (api/webhook_sender.c) claims and records.
 */
#ifndef CONSORTIA_WEBHOOK_H
#define CONSORTIA_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "resource.h"

extern const struct resource_def webhook_subscription_def;
extern const struct resource_def webhook_delivery_def;

/* "whsec_" and 32 random bytes in base64. */
#define WEBHOOK_SECRET_LEN 50

/* Whether a subscription's URL may be http:// (WEBHOOK_ALLOW_HTTP; https only by default). */
void webhook_allow_http(bool allow);
bool webhook_url_allowed(const char *url);

/* A new secret into out; false when no randomness could be had. */
bool webhook_secret_new(char out[WEBHOOK_SECRET_LEN + 1]);

/*
 * The signature "v1,<base64>" of HMAC-SHA256 under secret's key ("whsec_"
 * and its base64; the prefix may be left out) over "msg_id.timestamp.body",
 * into out; false when secret is not such a key.
 */
bool webhook_sign(const char *secret, const char *msg_id, long long timestamp, const char *body, size_t len,
                  char out[64]);

/*
 * Make a subscription from body for who, its secret made here: the record
 * into out, the secret (shown once) into secret.
 */
enum err webhook_subscription_create(struct db_conn *c, const struct actor *who, const json_t *body,
                                     struct doc *out, char secret[WEBHOOK_SECRET_LEN + 1], struct problem *p);

/* A delivery the sender has claimed: the same body and id on every attempt. */
struct webhook_job {
	long long delivery;
	int attempts;                 /* this one included */
	char msg_id[32];
	char *url, *secret, *previous_secret, *body;   /* owned; previous_secret NULL outside a rotation */
};

void webhook_jobs_free(struct webhook_job *jobs, size_t n);

/*
 * Claim at most `most` deliveries due (of enabled subscriptions whose
 * account is not revoked), in the order to send them, one after another:
 * the n-th leased for n times attempt_s (the time an attempt may take) and
 * 5 s, so that another server does not send it meanwhile and it is sent
 * again if this one dies. Runs in the caller's open transaction.
 */
enum err webhook_claim(struct db_conn *c, int attempt_s, int most, struct webhook_job **jobs, size_t *n,
                       struct problem *p);

/*
 * Log an attempt of job (HTTP status, 0 when none came, and the error) and
 * settle its delivery: delivered on a 2xx, else due again after
 * retry_s[attempts - 1] seconds, or failed past the last of them.
 */
enum err webhook_record(struct db_conn *c, const struct webhook_job *job, int status, const char *error,
                        int duration_ms, const int *retry_s, int nretry, struct problem *p);

/* Emit the events of today that are due (webhook_scan() in the schema). */
enum err webhook_scan(struct db_conn *c, int within_days, struct problem *p);

#endif
