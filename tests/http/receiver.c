/*
 * A webhook receiver on loopback (receiver.h). The signature is checked as
 * a receiver would, from the specification: the secret's base64 after
 * "whsec_" is the HMAC-SHA256 key, the signed content is
 * "<webhook-id>.<webhook-timestamp>.<body>", and webhook-signature holds
 * space-separated "v1,<base64>" signatures, any one of which may match.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "receiver.h"

struct upload {
	char *data;
	size_t len;
};

struct receiver {
	struct MHD_Daemon *d;
	int port, status, delay_ms;
	char secrets[2][128];
	pthread_mutex_t lock;
	pthread_cond_t came;
	json_t *got;        /* [{id, timestamp, signatures, signed_by, status, body}] */
	size_t forged;
};

/* HMAC-SHA256 of id.ts.body under the secret's key, as "v1,<base64>"; false when it is no secret. */
static bool
expected(const char *secret, const char *id, const char *ts, const char *body, size_t len, char out[64])
{
	const char *b64 = strncmp(secret, "whsec_", 6) == 0 ? secret + 6 : secret;
	unsigned char key[96], mac[32];
	unsigned int maclen = 0;
	char *content;
	int keylen;
	size_t n;

	if (strlen(b64) == 0 || strlen(b64) % 4 || strlen(b64) > 120)
		return false;
	keylen = EVP_DecodeBlock(key, (const unsigned char *)b64, (int)strlen(b64));
	if (keylen <= 0)
		return false;
	keylen -= (b64[strlen(b64) - 1] == '=') + (b64[strlen(b64) - 2] == '=');
	n = strlen(id) + strlen(ts) + len + 2;
	if ((content = malloc(n + 1)) == NULL)
		return false;
	snprintf(content, n + 1, "%s.%s.", id, ts);
	memcpy(content + strlen(id) + strlen(ts) + 2, body, len);
	HMAC(EVP_sha256(), key, keylen, (const unsigned char *)content, n, mac, &maclen);
	free(content);
	strcpy(out, "v1,");
	EVP_EncodeBlock((unsigned char *)out + 3, mac, (int)maclen);
	return maclen == 32;
}

/*
 * A delivery whose signature held, kept for the contract's check of the
 * webhooks (tests/contract/webhook-check.mjs): one JSON line, appended.
 */
static void
keep(const char *id, const char *ts, const char *sig, const char *body)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "webhook-id", id, "webhook-timestamp", ts, "webhook-signature", sig,
	                      "body", body);
	char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
	FILE *f = line ? fopen(getenv("WEBHOOK_FIXTURE"), "a") : NULL;

	if (f) {
		fprintf(f, "%s\n", line);
		fclose(f);
	}
	free(line);
	json_decref(o);
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method, const char *version,
       const char *data, size_t *size, void **state)
{
	struct receiver *r = cls;
	struct upload *up = *state;
	const char *id, *ts, *sig;
	struct MHD_Response *resp;
	int signatures = 0, signed_by = 0, status;
	enum MHD_Result ret;
	json_t *body;

	(void)url, (void)version;
	if (up == NULL) {
		if ((up = calloc(1, sizeof *up)) == NULL)
			return MHD_NO;
		*state = up;
		return MHD_YES;
	}
	if (*size) {
		char *more = realloc(up->data, up->len + *size + 1);

		if (more == NULL)
			return MHD_NO;
		memcpy(more + up->len, data, *size);
		up->data = more;
		up->len += *size;
		up->data[up->len] = '\0';
		*size = 0;
		return MHD_YES;
	}
	id = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "webhook-id");
	ts = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "webhook-timestamp");
	sig = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "webhook-signature");
	pthread_mutex_lock(&r->lock);
	status = r->status;
	if (strcmp(method, "POST") == 0 && id && ts && sig && up->data) {
		char *copy = strdup(sig), *save = NULL;

		for (char *t = copy ? strtok_r(copy, " ", &save) : NULL; t; t = strtok_r(NULL, " ", &save)) {
			bool matched = false;

			signatures++;
			for (int k = 0; k < 2 && !matched; k++) {
				char want[64];

				matched = r->secrets[k][0] && expected(r->secrets[k], id, ts, up->data, up->len, want) &&
				          strcmp(want, t) == 0;
			}
			signed_by += matched;
		}
		free(copy);
	}
	body = up->data ? json_loads(up->data, 0, NULL) : NULL;
	if (signed_by > 0 && getenv("WEBHOOK_FIXTURE"))
		keep(id, ts, sig, up->data);
	if (signed_by == 0 || llabs(atoll(ts ? ts : "0") - (long long)time(NULL)) > 300)
		r->forged++;
	json_array_append_new(r->got, json_pack("{s:s?, s:s?, s:i, s:i, s:i, s:o*}", "id", id, "timestamp", ts,
	                                        "signatures", signatures, "signed_by", signed_by, "status", status,
	                                        "body", body));
	pthread_cond_broadcast(&r->came);
	{
		int delay = r->delay_ms;

		pthread_mutex_unlock(&r->lock);
		if (delay)   /* a slow receiver: the sender waits, or dies waiting */
			usleep((useconds_t)delay * 1000);
	}
	resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(conn, (unsigned int)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
done(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode why)
{
	struct upload *up = *state;

	(void)cls, (void)conn, (void)why;
	if (up) {
		free(up->data);
		free(up);
	}
	*state = NULL;
}

struct receiver *
receiver_start(int port, int status)
{
	struct receiver *r = calloc(1, sizeof *r);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	const union MHD_DaemonInfo *info;

	if (r == NULL)
		return NULL;
	r->status = status;
	r->got = json_array();
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->came, NULL);
	r->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, answer, r,
	                        MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
	                        MHD_OPTION_NOTIFY_COMPLETED, done, NULL, MHD_OPTION_END);
	if (r->d == NULL || (info = MHD_get_daemon_info(r->d, MHD_DAEMON_INFO_BIND_PORT)) == NULL) {
		receiver_stop(r);
		return NULL;
	}
	r->port = info->port;
	return r;
}

void
receiver_stop(struct receiver *r)
{
	if (r == NULL)
		return;
	if (r->d)
		MHD_stop_daemon(r->d);
	json_decref(r->got);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->came);
	free(r);
}

int
receiver_port(const struct receiver *r)
{
	return r->port;
}

void
receiver_answer(struct receiver *r, int status)
{
	pthread_mutex_lock(&r->lock);
	r->status = status;
	pthread_mutex_unlock(&r->lock);
}

void
receiver_delay(struct receiver *r, int ms)
{
	pthread_mutex_lock(&r->lock);
	r->delay_ms = ms;
	pthread_mutex_unlock(&r->lock);
}

void
receiver_secrets(struct receiver *r, const char *a, const char *b)
{
	pthread_mutex_lock(&r->lock);
	snprintf(r->secrets[0], sizeof r->secrets[0], "%s", a ? a : "");
	snprintf(r->secrets[1], sizeof r->secrets[1], "%s", b ? b : "");
	pthread_mutex_unlock(&r->lock);
}

static size_t
count_valid(struct receiver *r, const char *type)
{
	size_t i, n = 0;
	json_t *m;

	json_array_foreach(r->got, i, m) {
		const char *t = json_string_value(json_object_get(json_object_get(m, "body"), "type"));

		if (json_integer_value(json_object_get(m, "signed_by")) > 0 && (type == NULL || (t && strcmp(t, type) == 0)))
			n++;
	}
	return n;
}

size_t
receiver_wait(struct receiver *r, const char *type, size_t n, int ms)
{
	struct timespec until;
	size_t have;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->lock);
	while ((have = count_valid(r, type)) < n && pthread_cond_timedwait(&r->came, &r->lock, &until) == 0)
		;
	have = count_valid(r, type);
	pthread_mutex_unlock(&r->lock);
	return have;
}

json_t *
receiver_get(struct receiver *r, size_t i)
{
	json_t *m;

	pthread_mutex_lock(&r->lock);
	m = json_incref(json_array_get(r->got, i));
	pthread_mutex_unlock(&r->lock);
	return m;
}

size_t
receiver_count(struct receiver *r)
{
	size_t n;

	pthread_mutex_lock(&r->lock);
	n = json_array_size(r->got);
	pthread_mutex_unlock(&r->lock);
	return n;
}

size_t
receiver_forged(struct receiver *r)
{
	size_t n;

	pthread_mutex_lock(&r->lock);
	n = r->forged;
	pthread_mutex_unlock(&r->lock);
	return n;
}
