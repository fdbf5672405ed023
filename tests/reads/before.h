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

#endif
