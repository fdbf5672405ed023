/*
 * before.h
 *    The hot reads' statements as they were before they were reworked for
 *    speed, kept as the reference their answers must equal byte for byte.
 *    They read the same tables the service reads; only the way the answer
 *    is built differs.
 */
#ifndef CONSORTIA_TEST_BEFORE_H
#define CONSORTIA_TEST_BEFORE_H

/* A school's group of a kind on date d, asked of the memberships each time. */
#define BEFORE_SCHOOL_GROUP(kind, d)                                                           \
	"(SELECT json_build_object('id', g.id, 'name', g.name) FROM membership m "                 \
	"JOIN school_group g ON g.id = m.group_id WHERE m.school_urn = s.urn AND m.kind = '" kind   \
	"' AND m.valid @> " d ")"

#define BEFORE_VULNERABLE_ON(d)                                                                 \
	"CASE WHEN s.vulnerability_recorded THEN (SELECT v.reason FROM vulnerability v "           \
	"WHERE v.school_urn = s.urn AND v.period @> " d ") END"

/* The school's document, every field built on each read. */
#define BEFORE_SCHOOL_DOC(d)                                                                   \
	"json_build_object('id', s.urn, 'urn', CASE WHEN s.urn < 1000000 THEN s.urn END, "         \
	"'la_code', l.code, "                                                                       \
	"'establishment_number', s.establishment_number, "                                         \
	"'dfe_number', l.code || '/' || lpad(s.establishment_number::text, 4, '0'), "              \
	"'name', s.name, 'phase', s.phase, 'type', s.type, 'status', s.status, "                   \
	"'ofsted_grade', s.ofsted_grade, 'ofsted_date', s.ofsted_date, 'pupils', s.pupils, "       \
	"'support_category', s.support_category, "                                                 \
	"'vulnerable', (" BEFORE_VULNERABLE_ON(d) ") IS NOT NULL, "                                 \
	"'vulnerable_reason', " BEFORE_VULNERABLE_ON(d) ", "                                       \
	"'headteacher_name', s.headteacher_name, "                                                 \
	"'headteacher_appointed_on', s.headteacher_appointed_on, "                                 \
	"'headteacher_newly_appointed', s.headteacher_appointed_on > "                             \
	"(london_today() - interval '2 years')::date, "                                            \
	"'area_id', s.area_id, 'opened_on', s.opened_on, 'closed_on', s.closed_on, "               \
	"'language_category', s.language_category, 'estyn_judgement', s.estyn_judgement, "         \
	"'estyn_date', s.estyn_date, "                                                              \
	"'consortium', " BEFORE_SCHOOL_GROUP("consortium", d) ", "                                 \
	"'area_network', " BEFORE_SCHOOL_GROUP("area_network", d) ", "                             \
	"'created_at', api_ts(s.created_at), 'updated_at', api_ts(s.updated_at), "                 \
	"'version', s.version)"

/* Every school's document as of $1 (NULL: today), by URN. */
#define BEFORE_SCHOOLS                                                                         \
	"SELECT s.urn, " BEFORE_SCHOOL_DOC("(SELECT coalesce($1::date, london_today()))") "::text " \
	"FROM school s JOIN local_authority l ON l.id = s.la_id ORDER BY s.urn"

/* A group's chair or deputy on date d. */
#define BEFORE_GROUP_CHAIR(role, d)                                                            \
	"(SELECT json_build_object('id', c.id, 'person_name', c.person_name, 'email', c.email, "   \
	"'school_urn', c.school_urn, 'start_date', c.start_date, 'end_date', c.end_date, "         \
	"'review_due_on', c.review_due_on, 'confirmed_on', (SELECT k.confirmed_on "                \
	"FROM chair_confirmation k WHERE k.group_id = g.id AND k.academic_year = academic_year_of(" d ") " \
	"AND (k.chair_id = c.id OR k.deputy_id = c.id))) "                                         \
	"FROM chair_appointment c WHERE c.group_id = g.id AND c.role = '" role "' AND c.term @> " d ")"

/* A group's document with its members, as of d. */
#define BEFORE_GROUP_DOC(d)                                                                     \
	"json_build_object('id', g.id, 'kind', g.kind, 'la_code', l.code, 'area_id', g.area_id, "  \
	"'name', g.name, 'name_cy', g.name_cy, 'status', g.status, 'created_on', g.created_on, "    \
	"'closed_on', g.closed_on, "                                                                \
	"'as_of', " d ", 'school_count', mc.n, 'pupil_count', mc.pupils, 'members', mc.members, "   \
	"'chair', " BEFORE_GROUP_CHAIR("chair", d) ", 'deputy', " BEFORE_GROUP_CHAIR("deputy", d) ", " \
	"'nominations', coalesce((SELECT json_agg(json_build_object('id', n.id, 'role', n.role, "  \
	"'person_name', n.person_name, 'school_urn', n.school_urn, 'start_date', n.start_date, "    \
	"'end_date', n.end_date) ORDER BY n.role) FROM nomination n WHERE n.group_id = g.id "        \
	"AND n.term @> " d "), '[]'::json), "                                                       \
	"'warnings', CASE WHEN g.kind = 'consortium' AND mc.n NOT BETWEEN 8 AND 22 THEN "           \
	"json_build_array(format('has %s member schools; a consortium normally has 8 to 22', mc.n)) " \
	"ELSE '[]'::json END, "                                                                     \
	"'created_at', api_ts(g.created_at), 'updated_at', api_ts(g.updated_at), 'version', g.version)"

#define BEFORE_GROUP_DAY "coalesce($1::date, london_today())"

/* Every group's document as of $1 (NULL: today), by id; its kind's path second. */
#define BEFORE_GROUPS                                                                          \
	"SELECT g.id, " BEFORE_GROUP_DOC(BEFORE_GROUP_DAY) "::text, "                               \
	"CASE g.kind WHEN 'consortium' THEN 'consortia' ELSE 'area-networks' END "                  \
	"FROM school_group g JOIN local_authority l ON l.id = g.la_id CROSS JOIN LATERAL ("         \
	"SELECT count(*) AS n, coalesce(sum(s.pupils), 0) AS pupils, "                              \
	"coalesce(json_agg(json_build_object('membership_id', m.id, 'urn', s.urn, 'name', s.name, " \
	"'phase', s.phase, 'pupils', s.pupils, 'start_date', m.start_date, 'end_date', m.end_date) " \
	"ORDER BY s.name, s.urn), '[]'::json) AS members FROM membership m "                        \
	"JOIN school s ON s.urn = m.school_urn WHERE m.group_id = g.id AND m.valid @> "             \
	BEFORE_GROUP_DAY ") mc ORDER BY g.id"

/*
 * A page of the payment feed: the changes after $1, at most $2, each item
 * built on each read; the caller's scope goes between the two halves.
 */
#define BEFORE_FEED_HEAD                                                                         \
	"SELECT json_build_object('items', coalesce(json_agg(json_build_object('position', c.position, " \
	"'changed_at', api_ts(c.changed_at), 'payment', c.payment) ORDER BY c.position), '[]'::json), " \
	"'last_position', coalesce(max(c.position), $1::bigint))::text FROM ("                         \
	"SELECT c.* FROM payment_change c JOIN payment p ON p.id = c.payment_id "                       \
	"JOIN fund_allocation a ON a.id = p.allocation_id WHERE c.position > $1::bigint"
#define BEFORE_FEED_TAIL " ORDER BY c.position LIMIT $2::integer) c"

/*
 * A group's and an area's report as the SQL functions built them before
 * they were reworked (schema/0012_top_ups.sql, 0014_vulnerability.sql),
 * made in the session as pg_temp.before_group_report and
 * pg_temp.before_area_report.
 */
#define BEFORE_REPORT_FUNCTIONS \
	"CREATE FUNCTION pg_temp.before_group_report(p_group bigint, p_year text) RETURNS json LANGUAGE sql STABLE AS $$\n" \
	"WITH yr AS (SELECT make_date(left(p_year, 4)::integer, 9, 1) AS start,\n" \
	"                   make_date(left(p_year, 4)::integer + 1, 8, 31) AS finish),\n" \
	"alloc AS (SELECT a.* FROM fund_allocation a JOIN fund f ON f.id = a.fund_id\n" \
	"           WHERE a.group_id = p_group AND f.academic_year = p_year AND a.status <> 'cancelled'),\n" \
	"plans AS (SELECT x.* FROM action_plan x JOIN fund f ON f.id = x.fund_id\n" \
	"           WHERE x.group_id = p_group AND f.academic_year = p_year),\n" \
	"evals AS (SELECT v.status, v.spent_pence, f.evaluation_due FROM alloc a JOIN fund f ON f.id = a.fund_id\n" \
	"            LEFT JOIN evaluation v ON v.allocation_id = a.id\n" \
	"           WHERE a.status IN ('approved', 'paid') AND a.kind = 'allocation'),\n" \
	"chair AS (SELECT c.* FROM chair_appointment c, yr WHERE c.group_id = p_group AND c.role = 'chair'\n" \
	"             AND c.term && daterange(yr.start, yr.finish, '[]') ORDER BY c.start_date DESC LIMIT 1),\n" \
	"meet AS (SELECT school_term(m.held_on) AS term, jsonb_array_length(m.attended_urns) AS present,\n" \
	"                (SELECT count(*) FROM membership mb WHERE mb.group_id = p_group\n" \
	"                    AND mb.valid @> m.held_on) AS members\n" \
	"           FROM meeting m, yr WHERE m.group_id = p_group AND m.held_on BETWEEN yr.start AND yr.finish)\n" \
	"SELECT json_build_object(\n" \
	"    'id', g.id, 'kind', g.kind, 'name', g.name,\n" \
	"    'school_count', (SELECT count(DISTINCT mb.school_urn) FROM membership mb, yr WHERE mb.group_id = g.id\n" \
	"                        AND mb.valid && daterange(yr.start, yr.finish, '[]')),\n" \
	"    'chair', (SELECT json_build_object('id', c.id, 'person_name', c.person_name,\n" \
	"                     'confirmed', EXISTS (SELECT 1 FROM chair_confirmation k WHERE k.chair_id = c.id\n" \
	"                         AND k.academic_year = p_year), 'review_due_on', c.review_due_on) FROM chair c),\n" \
	"    'money', json_build_object(\n" \
	"        'allocated_pence', (SELECT coalesce(sum(amount_pence), 0) FROM alloc),\n" \
	"        'paid_pence', (SELECT coalesce(sum(p.amount_pence), 0) FROM payment p JOIN alloc a ON a.id = p.allocation_id\n" \
	"                        WHERE p.status = 'paid'),\n" \
	"        'spent_pence', (SELECT coalesce(sum(spent_pence), 0) FROM evals)),\n" \
	"    'plans', json_build_object(\n" \
	"        'draft', (SELECT count(*) FROM plans WHERE status = 'draft'),\n" \
	"        'submitted', (SELECT count(*) FROM plans WHERE status = 'submitted'),\n" \
	"        'accepted', (SELECT count(*) FROM plans WHERE status = 'accepted'),\n" \
	"        'returned', (SELECT count(*) FROM plans WHERE status = 'returned'),\n" \
	"        'late', (SELECT count(*) FROM plans WHERE late)),\n" \
	"    'evaluations', json_build_object(\n" \
	"        'missing', (SELECT count(*) FROM evals WHERE status IS NULL),\n" \
	"        'draft', (SELECT count(*) FROM evals WHERE status = 'draft'),\n" \
	"        'submitted', (SELECT count(*) FROM evals WHERE status = 'submitted'),\n" \
	"        'reported', (SELECT count(*) FROM evals WHERE status = 'reported'),\n" \
	"        'overdue', (SELECT count(*) FROM evals WHERE (status IS NULL OR status <> 'reported')\n" \
	"                        AND evaluation_due < london_today())),\n" \
	"    'meetings', (SELECT json_agg(json_build_object('term', t.term,\n" \
	"                     'held', (SELECT count(*) FROM meet WHERE meet.term = t.term),\n" \
	"                     'expected', 2,\n" \
	"                     'met_expectation', (SELECT count(*) FROM meet WHERE meet.term = t.term) >= 2,\n" \
	"                     'attendance_rate', (SELECT round(sum(present)::numeric / nullif(sum(members), 0), 2)\n" \
	"                                           FROM meet WHERE meet.term = t.term)) ORDER BY t.ord)\n" \
	"                   FROM (VALUES ('autumn', 1), ('spring', 2), ('summer', 3)) AS t (term, ord)))\n" \
	"  FROM school_group g WHERE g.id = p_group\n" \
	"$$;\n" \
	"CREATE FUNCTION pg_temp.before_area_report(p_area bigint, p_year text) RETURNS json LANGUAGE sql STABLE AS $$\n" \
	"SELECT json_build_object(\n" \
	"    'area', json_build_object('id', a.id, 'code', a.code, 'name', a.name, 'la_code', l.code),\n" \
	"    'academic_year', p_year,\n" \
	"    'groups', coalesce((SELECT json_agg(pg_temp.before_group_report(g.id, p_year) ORDER BY g.kind, g.name, g.id)\n" \
	"                          FROM school_group g WHERE g.area_id = a.id AND g.status = 'active'), '[]'::json),\n" \
	"    'vulnerable_schools', coalesce((SELECT json_agg(json_build_object('urn', s.urn, 'name', s.name,\n" \
	"            'reason', v.reason, 'vulnerable_from', v.start_date, 'vulnerable_to', v.end_date,\n" \
	"            'support_category', s.support_category,\n" \
	"            'support', coalesce((SELECT json_agg(json_build_object('id', r.id, 'brokered_by', r.brokered_by,\n" \
	"                    'support', r.support, 'started_on', r.started_on, 'ended_on', r.ended_on,\n" \
	"                    'latest_note', r.progress_notes -> -1) ORDER BY r.started_on, r.id)\n" \
	"                    FROM support_record r WHERE r.school_urn = s.urn\n" \
	"                     AND r.started_on <= academic_year_end(p_year)\n" \
	"                     AND (r.ended_on IS NULL OR r.ended_on >= academic_year_start(p_year))),\n" \
	"                '[]'::json)) ORDER BY s.name, s.urn)\n" \
	"        FROM school s CROSS JOIN LATERAL (\n" \
	"             SELECT v.reason, v.start_date, v.end_date FROM vulnerability v\n" \
	"              WHERE v.school_urn = s.urn\n" \
	"                AND v.period && daterange(academic_year_start(p_year), academic_year_end(p_year), '[]')\n" \
	"              ORDER BY v.start_date DESC LIMIT 1) v\n" \
	"       WHERE s.area_id = a.id), '[]'::json))\n" \
	"  FROM area a JOIN local_authority l ON l.id = a.la_id WHERE a.id = p_area\n" \
	"$$;\n"

#endif
