/*
 * accountstate.c
 *    This module keeps the service accounts' token generations in memory
 *    and listens for their changes (see accountstate.h).
 *
 * The table is open addressing on the account id, under a read-write lock:
 * requests read it, the listener thread writes it. Accounts are never
 * deleted, so nothing is ever removed from it.
 */
#include "accountstate.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define CHANNEL "service_account_changed"

struct slot {
	long long id;          /* 0: empty */
	int gen;
	bool revoked;
};

struct account_states {
	pthread_rwlock_t lock;
	struct slot *slots;
	size_t cap, used;      /* cap a power of two */
	atomic_bool live;
	char *conninfo;
	int wake[2];           /* a byte on wake[1] stops the listener */
	pthread_t thread;
	bool started;
};

static size_t
slot_of(const struct slot *slots, size_t cap, long long id)
{
	/* Fibonacci hashing: ids are consecutive, the multiplier spreads them */
	size_t i = (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ULL) >> 32) & (cap - 1);

	while (slots[i].id != 0 && slots[i].id != id)
		i = (i + 1) & (cap - 1);
	return i;
}

/* Under the write lock. False when out of memory (the table is unchanged). */
static bool
grow(struct account_states *as)
{
	size_t cap = as->cap * 2;
	struct slot *slots = calloc(cap, sizeof *slots);

	if (slots == NULL)
		return false;
	for (size_t i = 0; i < as->cap; i++)
		if (as->slots[i].id != 0)
			slots[slot_of(slots, cap, as->slots[i].id)] = as->slots[i];
	free(as->slots);
	as->slots = slots;
	as->cap = cap;
	return true;
}

void
account_states_put(struct account_states *as, long long id, int gen, bool revoked)
{
	struct slot *s;

	if (as == NULL || id <= 0)
		return;
	pthread_rwlock_wrlock(&as->lock);
	if ((as->used + 1) * 2 > as->cap && !grow(as)) {
		/* Not remembered: the account is then asked of the database. */
		pthread_rwlock_unlock(&as->lock);
		return;
	}
	s = &as->slots[slot_of(as->slots, as->cap, id)];
	if (s->id == 0) {
		s->id = id;
		as->used++;
	} else if (s->gen > gen) {
		pthread_rwlock_unlock(&as->lock);
		return;
	}
	s->gen = gen;
	s->revoked = revoked;
	pthread_rwlock_unlock(&as->lock);
}

enum account_verdict
account_states_check(struct account_states *as, long long id, int gen)
{
	enum account_verdict v = ACCOUNT_UNKNOWN;
	const struct slot *s;

	if (as == NULL)
		return ACCOUNT_UNKNOWN;
	pthread_rwlock_rdlock(&as->lock);
	s = &as->slots[slot_of(as->slots, as->cap, id)];
	if (s->id == id) {
		if (s->gen > gen || (s->gen == gen && s->revoked))
			v = ACCOUNT_ENDED;
		else if (s->gen == gen && atomic_load(&as->live))
			v = ACCOUNT_CURRENT;
		/* a token newer than memory: the notification is still on its way */
	}
	pthread_rwlock_unlock(&as->lock);
	return v;
}

bool
account_states_live(struct account_states *as)
{
	return as && atomic_load(&as->live);
}

long long
account_subject_id(const char *sub)
{
	static const char prefix[] = "service-account/";
	long long id = 0;
	const char *s;

	if (strncmp(sub, prefix, sizeof prefix - 1) != 0)
		return 0;
	s = sub + sizeof prefix - 1;
	if (*s < '1' || *s > '9' || strlen(s) > 18)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		id = id * 10 + (*s - '0');
	}
	return id;
}

/* "<id> <generation> <revoked 0|1>", as schema/0008_isolation.sql sends it. */
static void
apply_notice(struct account_states *as, const char *payload)
{
	long long id;
	int gen, revoked;

	if (sscanf(payload, "%lld %d %d", &id, &gen, &revoked) == 3)
		account_states_put(as, id, gen, revoked != 0);
}

static bool
load_all(struct account_states *as, PGconn *pg)
{
	PGresult *res = PQexec(pg, "SELECT id, token_generation, revoked_at IS NOT NULL "
	                           "FROM service_account");
	bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;

	for (int i = 0; ok && i < PQntuples(res); i++)
		account_states_put(as, atoll(PQgetvalue(res, i, 0)), atoi(PQgetvalue(res, i, 1)),
		                   PQgetvalue(res, i, 2)[0] == 't');
	if (!ok)
		log_msg("warn", "account_states", "cannot load the accounts: %s",
		        PQresultErrorMessage(res));
	PQclear(res);
	return ok;
}

/* Wait up to ms for the stop byte; true when it came. */
static bool
stopping(struct account_states *as, int ms)
{
	struct pollfd pfd = {.fd = as->wake[0], .events = POLLIN};

	return poll(&pfd, 1, ms) > 0;
}

/* One connection's life: LISTEN, load, then apply notifications until it goes. */
static void
listen_once(struct account_states *as, PGconn *pg)
{
	PGresult *res = PQexec(pg, "LISTEN " CHANNEL);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	PQclear(res);
	/* LISTEN first: a change made while loading is then heard as well. */
	if (!ok || !load_all(as, pg))
		return;
	atomic_store(&as->live, true);
	for (;;) {
		struct pollfd pfd[2] = {{.fd = PQsocket(pg), .events = POLLIN},
		                        {.fd = as->wake[0], .events = POLLIN}};
		PGnotify *n;
		int ready = poll(pfd, 2, 10000);

		if (ready < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		if (ready == 0) {
			/* Quiet for 10 s: make sure the connection still answers, or
			 * memory would go on vouching for tokens no one can revoke. */
			PGresult *ping = PQexec(pg, "SELECT 1");
			bool alive = PQresultStatus(ping) == PGRES_TUPLES_OK;
			PQclear(ping);
			if (!alive)
				break;
		} else if (!PQconsumeInput(pg)) {
			break;
		}
		while ((n = PQnotifies(pg)) != NULL) {
			apply_notice(as, n->extra);
			PQfreemem(n);
		}
		if (PQstatus(pg) != CONNECTION_OK)
			break;
	}
	atomic_store(&as->live, false);
}

static void *
listener(void *arg)
{
	struct account_states *as = arg;
	bool said = false;

	do {
		char why[256];
		PGconn *pg = db_connect(as->conninfo, 0, why, sizeof why);

		if (pg == NULL) {
			if (!said)
				log_msg("warn", "account_states", "listener cannot connect: %s", why);
			said = true;
			continue;
		}
		if (said)
			log_msg("info", "account_states", "listener connected again");
		said = false;
		listen_once(as, pg);
		PQfinish(pg);
	} while (!stopping(as, 1000));
	return NULL;
}

struct account_states *
account_states_new(const char *conninfo)
{
	struct account_states *as = calloc(1, sizeof *as);

	if (as == NULL)
		return NULL;
	as->cap = 64;
	as->wake[0] = as->wake[1] = -1;
	if ((as->slots = calloc(as->cap, sizeof *as->slots)) == NULL ||
	    (as->conninfo = strdup(conninfo ? conninfo : "")) == NULL ||
	    pipe2(as->wake, O_CLOEXEC) != 0 || pthread_rwlock_init(&as->lock, NULL) != 0) {
		if (as->wake[0] >= 0) {
			close(as->wake[0]);
			close(as->wake[1]);
		}
		free(as->conninfo);
		free(as->slots);
		free(as);
		return NULL;
	}
	atomic_init(&as->live, false);
	if (pthread_create(&as->thread, NULL, listener, as) != 0) {
		account_states_free(as);
		return NULL;
	}
	as->started = true;
	return as;
}

void
account_states_free(struct account_states *as)
{
	if (as == NULL)
		return;
	if (as->started) {
		char b = 1;
		while (write(as->wake[1], &b, 1) < 0 && errno == EINTR)
			;
		pthread_join(as->thread, NULL);
	}
	close(as->wake[0]);
	close(as->wake[1]);
	pthread_rwlock_destroy(&as->lock);
	free(as->conninfo);
	free(as->slots);
	free(as);
}

static const struct db_stmt ACCOUNT_STATE = {"account_state",
	"SELECT token_generation, revoked_at IS NOT NULL FROM service_account WHERE id = $1::bigint"};

enum err
account_state_read(struct db_conn *c, long long id, int *gen, bool *revoked, bool *found,
                   struct problem *p)
{
	char key[24];
	const char *v[] = {key};
	PGresult *res = NULL;
	enum err e;

	snprintf(key, sizeof key, "%lld", id);
	if ((e = db_exec(c, &ACCOUNT_STATE, 1, v, &res, p)) != ERR_OK)
		return e;
	*found = PQntuples(res) == 1;
	*gen = *found ? atoi(PQgetvalue(res, 0, 0)) : 0;
	*revoked = *found && PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	return ERR_OK;
}
