/*
 * The database going away under write load, and the service killed under
 * it: what a client was told is what the database holds.
 *
 * Writers create schools, each with its own Idempotency-Key, and send the
 * same request again after a 503 or a cut connection, as a careful client
 * does, until it is answered 201. Every school then exists once, with one
 * audit entry: none lost, none written twice.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

#define WRITERS 4
#define MAX_WRITES 4000

struct load {
	const char *url;         /* the server */
	const char *token;
	int la_code;
	int urn_base;
	volatile int stop;       /* writers finish the write they are on, then stop */
	volatile int give_up;    /* the server is gone for good: stop retrying */
	pthread_mutex_t mu;
	int confirmed[WRITERS][MAX_WRITES];  /* URNs answered 201 */
	int nconfirmed[WRITERS];
	int abandoned;           /* writes never answered 201 */
	int unavailable;         /* 503 answers */
	int without_retry_after; /* 503 answers without Retry-After */
	int refused;             /* connection refused or cut */
	int unexpected;          /* any other status */
	long unexpected_status;
	char unexpected_body[512];
	double last_confirmed;   /* when a 201 last came */
};

struct writer {
	struct load *load;
	int n;
};

static void
create_la(const char *url, const char *tok, int code)
{
	char body[128], target[128];
	const char *h[] = {"Content-Type: application/json", NULL};
	struct answer a;

	snprintf(body, sizeof body, "{\"code\": %d, \"name\": \"Faultshire %d\"}", code, code);
	snprintf(target, sizeof target, "%s/v1/local-authorities", url);
	call(&a, "POST", target, tok, body, h, 10);
	cr_assert_eq(a.status, 201, "%s", a.body);
	answer_free(&a);
}

static void *
write_schools(void *arg)
{
	struct writer *w = arg;
	struct load *l = w->load;
	char target[128], body[512], key[96];
	const char *h[] = {"Content-Type: application/json", key, NULL};

	snprintf(target, sizeof target, "%s/v1/schools", l->url);
	for (int i = 0; !l->stop && i < MAX_WRITES; i++) {
		int urn = l->urn_base + w->n * MAX_WRITES + i;
		double start = now_s();
		bool done = false;

		snprintf(key, sizeof key, "Idempotency-Key: fault-%d-%d", l->urn_base, urn);
		snprintf(body, sizeof body,
		         "{\"urn\": %d, \"la_code\": %d, \"establishment_number\": %d, \"name\": \"Fault "
		         "school %d\", \"phase\": \"primary\", \"type\": \"maintained\"}",
		         urn, l->la_code, 1000 + w->n * 2000 + i, urn);
		while (!done && !l->give_up && now_s() - start < 30) {
			struct answer a;

			call(&a, "POST", target, l->token, body, h, 15);
			pthread_mutex_lock(&l->mu);
			if (a.status == 201) {
				l->confirmed[w->n][l->nconfirmed[w->n]++] = urn;
				l->last_confirmed = now_s();
				done = true;
			} else if (a.status == 503) {
				l->unavailable++;
				l->without_retry_after += a.retry_after[0] == '\0';
			} else if (a.status == -1) {
				l->refused++;
			} else {
				l->unexpected++;
				l->unexpected_status = a.status;
				snprintf(l->unexpected_body, sizeof l->unexpected_body, "%s", a.body);
			}
			pthread_mutex_unlock(&l->mu);
			answer_free(&a);
			if (!done)
				usleep(100 * 1000);
		}
		if (!done) {
			pthread_mutex_lock(&l->mu);
			l->abandoned++;
			pthread_mutex_unlock(&l->mu);
			break;
		}
	}
	return NULL;
}

static void
start_writers(struct load *l, pthread_t *threads, struct writer *w)
{
	pthread_mutex_init(&l->mu, NULL);
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){l, i};
		cr_assert(pthread_create(&threads[i], NULL, write_schools, &w[i]) == 0);
	}
}

static int
confirmed_total(struct load *l)
{
	int n = 0;

	pthread_mutex_lock(&l->mu);
	for (int i = 0; i < WRITERS; i++)
		n += l->nconfirmed[i];
	pthread_mutex_unlock(&l->mu);
	return n;
}

/* Every confirmed school once, with one audit entry; nothing else in the URN range. */
static void
assert_writes_kept(struct load *l, int total)
{
	PGconn *pg = db_open();
	char range[48];

	snprintf(range, sizeof range, "[%d,%d)", l->urn_base, l->urn_base + WRITERS * MAX_WRITES);
	for (int t = 0; t < WRITERS; t++)
		for (int i = 0; i < l->nconfirmed[t]; i++) {
			char urn[16];
			snprintf(urn, sizeof urn, "%d", l->confirmed[t][i]);
			cr_assert_eq(db_count(pg, "SELECT count(*) FROM school WHERE urn = $1::integer", urn), 1,
			             "school %s was answered 201 but is not in the database", urn);
		}
	cr_assert_eq(db_count(pg, "SELECT count(*) FROM school WHERE urn <@ $1::int4range", range),
	             total, "schools the clients were never told of");
	cr_assert_eq(db_count(pg,
	                      "SELECT count(*) FROM audit_event WHERE resource = 'school' AND "
	                      "action = 'create' AND resource_id::integer <@ $1::int4range",
	                      range),
	             total, "one audit entry per school: a write replayed by its key is not redone");
	PQfinish(pg);
}

Test(outage, the_database_stops_and_starts_under_write_load)
{
	struct server s;
	static struct load l;
	pthread_t threads[WRITERS];
	struct writer w[WRITERS];
	/* the writers are one caller, well over the default rate */
	const char *env[] = {"REQUEST_DEADLINE_MS=3000", "RATE_LIMIT_PER_MINUTE=0", NULL};
	int during, total;
	double back, recovered;

	server_start(&s, env);
	l = (struct load){.url = s.url, .token = token_as("officer", "outage-writer"),
	                  .la_code = 791, .urn_base = 610000};
	create_la(s.url, l.token, l.la_code);
	start_writers(&l, threads, w);

	sleep(1);
	cr_assert_gt(confirmed_total(&l), 0, "the writers are writing");
	cluster("stop");
	sleep(3);
	pthread_mutex_lock(&l.mu);
	during = l.unavailable;
	pthread_mutex_unlock(&l.mu);
	cluster("start");
	back = now_s();
	/* it recovers on its own: the next write is answered within seconds */
	while (now_s() - back < 15 && l.last_confirmed < back)
		usleep(50 * 1000);
	recovered = l.last_confirmed - back;
	sleep(1);
	l.stop = 1;
	for (int i = 0; i < WRITERS; i++)
		pthread_join(threads[i], NULL);

	cr_assert_gt(during, 0, "writes during the outage are answered 503");
	cr_assert_eq(l.without_retry_after, 0, "every 503 carries Retry-After");
	cr_assert_eq(l.unexpected, 0, "only 201 or 503: got %ld %s", l.unexpected_status,
	             l.unexpected_body);
	cr_assert_eq(l.refused, 0, "the service itself stayed up");
	cr_assert(recovered >= 0 && recovered < 10, "writes succeed again %.1f s after the database",
	          recovered);
	cr_assert_eq(l.abandoned, 0, "every write was answered 201 in the end");
	total = confirmed_total(&l);
	assert_writes_kept(&l, total);
	cr_log_info("outage: %d writes, %d answered 503, recovered %.2f s after the database came back",
	            total, l.unavailable, recovered);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
}

/* A CSV import of n schools in LA code la: one transaction, all or nothing. */
static char *
import_file(int la, int urn_base, int n)
{
	size_t size = 512 + (size_t)n * 160, len;
	char *csv = malloc(size);

	cr_assert(csv != NULL);
	len = (size_t)snprintf(csv, size,
	                       "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,"
	                       "TypeOfEstablishment (name),EstablishmentTypeGroup (code),"
	                       "EstablishmentStatus (name),PhaseOfEducation (code),NumberOfPupils,"
	                       "OfstedRating (name),OfstedLastInsp,HeadTitle (name),HeadFirstName,"
	                       "HeadLastName,OpenDate,CloseDate,DistrictAdministrative (code),"
	                       "CensusDate\r\n");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(csv + len, size - len,
		                        "%d,%d,Killshire %d,%d,Import school %d,Community school,4,Open,2,"
		                        "%d,,,,,,,,,\r\n",
		                        urn_base + i, la, la, 2000 + i, urn_base + i, 100 + i);
	return csv;
}

struct importer {
	const char *url, *token;
	volatile int *stop;
	int batches, answered;   /* batches sent; answered 200 */
	long status[60];         /* each batch's answer */
};

#define IMPORT_ROWS 300

static void *
import_batches(void *arg)
{
	struct importer *im = arg;
	const char *h[] = {"Content-Type: text/csv", NULL};
	char target[128];

	snprintf(target, sizeof target, "%s/v1/schools/import", im->url);
	while (!*im->stop && im->batches < 60) {
		int la = 820 + im->batches;
		char *csv = import_file(la, 700000 + im->batches * 1000, IMPORT_ROWS);
		struct answer a;

		call(&a, "POST", target, im->token, csv, h, 30);
		im->status[im->batches++] = a.status;
		im->answered += a.status == 200;
		answer_free(&a);
		free(csv);
		if (a.status == -1)
			break;
	}
	return NULL;
}

Test(outage, killed_under_write_load_leaves_no_partial_write)
{
	struct server s;
	static struct load l;
	pthread_t threads[WRITERS], imp;
	struct writer w[WRITERS];
	struct importer im = {0};
	const char *env[] = {"RATE_LIMIT_PER_MINUTE=0", NULL};
	PGconn *pg;
	int total;
	struct answer a;
	char target[128];

	server_start(&s, env);
	l = (struct load){.url = s.url, .token = token_as("officer", "kill-writer"),
	                  .la_code = 792, .urn_base = 630000};
	create_la(s.url, l.token, l.la_code);
	im = (struct importer){.url = s.url, .token = l.token, .stop = &l.stop};
	start_writers(&l, threads, w);
	cr_assert(pthread_create(&imp, NULL, import_batches, &im) == 0);

	sleep(2);
	cr_assert_gt(confirmed_total(&l), 0);
	cr_assert_eq(server_signal(&s, SIGKILL, true), 128 + SIGKILL);
	l.give_up = 1;
	l.stop = 1;
	for (int i = 0; i < WRITERS; i++)
		pthread_join(threads[i], NULL);
	pthread_join(imp, NULL);

	/* Every import is whole or absent; every answered one is whole. */
	pg = db_open();
	for (int b = 0; b < im.batches; b++) {
		char range[48];
		long long n;

		snprintf(range, sizeof range, "[%d,%d)", 700000 + b * 1000, 700000 + b * 1000 + IMPORT_ROWS);
		n = db_count(pg, "SELECT count(*) FROM school WHERE urn <@ $1::int4range", range);
		cr_assert(n == 0 || n == IMPORT_ROWS, "import %d left %lld of %d schools", b, n, IMPORT_ROWS);
		if (im.status[b] == 200)
			cr_assert_eq(n, IMPORT_ROWS, "import %d was answered 200", b);
	}
	cr_assert_gt(im.batches, 1, "imports were running when the service was killed");
	/* Each school written is whole: the row and its audit entry, or neither. */
	cr_assert_eq(db_count(pg,
	                      "SELECT count(*) FROM school s WHERE s.urn <@ int4range(630000, 650000) AND "
	                      "(SELECT count(*) FROM audit_event a WHERE a.resource = 'school' AND "
	                      "a.action = 'create' AND a.resource_id = s.urn::text) <> 1",
	                      NULL),
	             0, "a school without its audit entry");
	cr_assert_eq(db_count(pg,
	                      "SELECT count(*) FROM audit_event a WHERE a.resource = 'school' AND "
	                      "a.action = 'create' AND a.resource_id ~ '^63' AND NOT EXISTS "
	                      "(SELECT 1 FROM school s WHERE s.urn::text = a.resource_id)",
	                      NULL),
	             0, "an audit entry without its school");
	total = confirmed_total(&l);
	for (int t = 0; t < WRITERS; t++)
		for (int i = 0; i < l.nconfirmed[t]; i++) {
			char urn[16];
			snprintf(urn, sizeof urn, "%d", l.confirmed[t][i]);
			cr_assert_eq(db_count(pg, "SELECT count(*) FROM school WHERE urn = $1::integer", urn), 1,
			             "school %s was answered 201", urn);
		}
	PQfinish(pg);

	/* Restarted, it serves as before. */
	server_restart(&s, env);
	snprintf(target, sizeof target, "%s/v1/schools?limit=1", s.url);
	call(&a, "GET", target, l.token, NULL, NULL, 10);
	cr_assert_eq(a.status, 200, "%s", a.body);
	answer_free(&a);
	cr_log_info("kill: %d writes and %d of %d imports answered before SIGKILL", total, im.answered,
	            im.batches);
	cr_assert_eq(server_signal(&s, SIGTERM, true), 0);
}
