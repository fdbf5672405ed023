/*
 * Every refusal names its fault: each constraint of the migrated schema,
 * and each name a trigger raises, is mapped by some resource to a field, a
 * code and a message a user can act on, or is listed below as one no
 * request can break, with the reason.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "resource.h"

/* What makes these rows guarantees them: no client's request reaches them. */
static const struct {
	const char *name, *why;
} internal[] = {
	{"payment_feed_counter_only_row_check", "the change feed's one counter row, kept by a trigger"},
	{"payment_change_payment_fkey", "the change feed's rows, written by a trigger for the payment changed"},
	{"school_census_pupils_check", "written by the import from a row whose pupils were checked first"},
	{"school_census_school_fkey", "written by the import for the school the same row made"},
	{"body_group_fkey", "a group's body is made by a trigger for the group inserted"},
	{"body_group_key", "one body per group, made by that trigger"},
	{"person_erased_check", "erased_at is set only by person_erase, which clears the rest"},
	{"person_role_source_check", "source is the register's trigger's or the default"},
	{"school_headteacher_person_fkey", "set by the register's trigger to the person it found or made"},
	{"webhook_event_la_id_fkey", "an event is written by webhook_emit for the LA of the change it tells of"},
	{"webhook_delivery_subscription_id_fkey", "a delivery is written by webhook_emit for a subscription it read"},
	{"webhook_delivery_event_id_fkey", "a delivery is written by webhook_emit with the event it made"},
	{"webhook_delivery_once", "webhook_emit writes a subscription's delivery of an event once"},
	{"webhook_delivery_dedupe", "webhook_emit tells a day's event once (ON CONFLICT DO NOTHING)"},
	{"webhook_delivery_status_check", "a delivery's status is the sender's and the retry action's to set"},
	{"webhook_attempt_delivery_id_fkey", "an attempt is logged by the sender for the delivery it claimed"},
};

static bool
is_internal(const char *name)
{
	for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++)
		if (strcmp(internal[i].name, name) == 0)
			return true;
	return false;
}

static bool
is_mapped(const char *name)
{
	for (const struct resource_def *const *d = resource_defs; *d; d++) {
		const struct constraint_def *cd = resource_constraint(*d, name);
		if (cd && cd->field && *cd->field && cd->code && *cd->code && cd->message && *cd->message)
			return true;
	}
	return false;
}

Test(constraints, every_refusal_the_schema_can_make_names_its_field)
{
	/* constraints but primary keys (the service makes its ids), unique indexes, and the
	 * names the triggers raise (RAISE ... CONSTRAINT = 'name', or a trigger's argument) */
	static const char *sql =
		"SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
		"WHERE n.nspname = 'public' AND contype IN ('c', 'f', 'u', 'x') "
		"UNION SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
		"JOIN pg_namespace n ON n.oid = t.relnamespace "
		"WHERE n.nspname = 'public' AND i.indisunique AND NOT i.indisprimary "
		"UNION SELECT (regexp_matches(p.prosrc, 'CONSTRAINT = ''([a-z_]+)''', 'g'))[1] "
		"FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
		"UNION SELECT encode(substring(t.tgargs from 1 for position('\\x00'::bytea in t.tgargs) - 1), 'escape') "
		"FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgnargs = 1 ORDER BY 1";
	PGconn *pg = PQconnectdb(getenv("DATABASE_URL"));
	PGresult *res;
	char missing[4096] = "";
	size_t used = 0;
	int n;

	cr_assert(PQstatus(pg) == CONNECTION_OK, "%s", PQerrorMessage(pg));
	res = PQexec(pg, sql);
	cr_assert(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQerrorMessage(pg));
	n = PQntuples(res);
	cr_assert_gt(n, 100, "the schema's constraints were read");
	for (int i = 0; i < n; i++) {
		const char *name = PQgetvalue(res, i, 0);
		if (!is_mapped(name) && !is_internal(name) && used < sizeof missing)
			used += (size_t)snprintf(missing + used, sizeof missing - used, " %s", name);
	}
	PQclear(res);
	PQfinish(pg);
	cr_assert(used == 0, "constraints no resource names a field for:%s", missing);
}
