-- A group's and an area's report, cheaper, the same bytes. As SQL
-- functions they were planned again on every report; as PL/pgSQL
-- functions their one query's plan is kept by the session. And a group's
-- memberships in the year (its school count, and its members on each
-- meeting's day) are found by the group's index: the range conditions are
-- asked as "IS TRUE" (the same rows), which the planner does not match
-- with the exclusion index on the ranges, where it read every membership
-- of the year to keep a group's few. tests/reads compares the reports
-- with the SQL functions they were.
CREATE OR REPLACE FUNCTION group_report(p_group bigint, p_year text) RETURNS json
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
WITH yr AS (SELECT make_date(left(p_year, 4)::integer, 9, 1) AS start,
                   make_date(left(p_year, 4)::integer + 1, 8, 31) AS finish),
alloc AS (SELECT a.* FROM fund_allocation a JOIN fund f ON f.id = a.fund_id
           WHERE a.group_id = p_group AND f.academic_year = p_year AND a.status <> 'cancelled'),
plans AS (SELECT x.* FROM action_plan x JOIN fund f ON f.id = x.fund_id
           WHERE x.group_id = p_group AND f.academic_year = p_year),
evals AS (SELECT v.status, v.spent_pence, f.evaluation_due FROM alloc a JOIN fund f ON f.id = a.fund_id
            LEFT JOIN evaluation v ON v.allocation_id = a.id
           WHERE a.status IN ('approved', 'paid') AND a.kind = 'allocation'),
chair AS (SELECT c.* FROM chair_appointment c, yr WHERE c.group_id = p_group AND c.role = 'chair'
             AND c.term && daterange(yr.start, yr.finish, '[]') ORDER BY c.start_date DESC LIMIT 1),
meet AS (SELECT school_term(m.held_on) AS term, jsonb_array_length(m.attended_urns) AS present,
                (SELECT count(*) FROM membership mb WHERE mb.group_id = p_group
                    AND (mb.valid @> m.held_on) IS TRUE) AS members
           FROM meeting m, yr WHERE m.group_id = p_group AND m.held_on BETWEEN yr.start AND yr.finish)
SELECT json_build_object(
    'id', g.id, 'kind', g.kind, 'name', g.name,
    'school_count', (SELECT count(DISTINCT mb.school_urn) FROM membership mb, yr WHERE mb.group_id = g.id
                        AND (mb.valid && daterange(yr.start, yr.finish, '[]')) IS TRUE),
    'chair', (SELECT json_build_object('id', c.id, 'person_name', c.person_name,
                     'confirmed', EXISTS (SELECT 1 FROM chair_confirmation k WHERE k.chair_id = c.id
                         AND k.academic_year = p_year), 'review_due_on', c.review_due_on) FROM chair c),
    'money', json_build_object(
        'allocated_pence', (SELECT coalesce(sum(amount_pence), 0) FROM alloc),
        'paid_pence', (SELECT coalesce(sum(p.amount_pence), 0) FROM payment p JOIN alloc a ON a.id = p.allocation_id
                        WHERE p.status = 'paid'),
        'spent_pence', (SELECT coalesce(sum(spent_pence), 0) FROM evals)),
    'plans', json_build_object(
        'draft', (SELECT count(*) FROM plans WHERE status = 'draft'),
        'submitted', (SELECT count(*) FROM plans WHERE status = 'submitted'),
        'accepted', (SELECT count(*) FROM plans WHERE status = 'accepted'),
        'returned', (SELECT count(*) FROM plans WHERE status = 'returned'),
        'late', (SELECT count(*) FROM plans WHERE late)),
    'evaluations', json_build_object(
        'missing', (SELECT count(*) FROM evals WHERE status IS NULL),
        'draft', (SELECT count(*) FROM evals WHERE status = 'draft'),
        'submitted', (SELECT count(*) FROM evals WHERE status = 'submitted'),
        'reported', (SELECT count(*) FROM evals WHERE status = 'reported'),
        'overdue', (SELECT count(*) FROM evals WHERE (status IS NULL OR status <> 'reported')
                        AND evaluation_due < london_today())),
    'meetings', (SELECT json_agg(json_build_object('term', t.term,
                     'held', (SELECT count(*) FROM meet WHERE meet.term = t.term),
                     'expected', 2,
                     'met_expectation', (SELECT count(*) FROM meet WHERE meet.term = t.term) >= 2,
                     'attendance_rate', (SELECT round(sum(present)::numeric / nullif(sum(members), 0), 2)
                                           FROM meet WHERE meet.term = t.term)) ORDER BY t.ord)
                   FROM (VALUES ('autumn', 1), ('spring', 2), ('summer', 3)) AS t (term, ord)))
  FROM school_group g WHERE g.id = p_group
    );
END
$$;

CREATE OR REPLACE FUNCTION area_report(p_area bigint, p_year text) RETURNS json
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
SELECT json_build_object(
    'area', json_build_object('id', a.id, 'code', a.code, 'name', a.name, 'la_code', l.code),
    'academic_year', p_year,
    'groups', coalesce((SELECT json_agg(group_report(g.id, p_year) ORDER BY g.kind, g.name, g.id)
                          FROM school_group g WHERE g.area_id = a.id AND g.status = 'active'), '[]'::json),
    'vulnerable_schools', coalesce((SELECT json_agg(json_build_object('urn', s.urn, 'name', s.name,
            'reason', v.reason, 'vulnerable_from', v.start_date, 'vulnerable_to', v.end_date,
            'support_category', s.support_category,
            'support', coalesce((SELECT json_agg(json_build_object('id', r.id, 'brokered_by', r.brokered_by,
                    'support', r.support, 'started_on', r.started_on, 'ended_on', r.ended_on,
                    'latest_note', r.progress_notes -> -1) ORDER BY r.started_on, r.id)
                    FROM support_record r WHERE r.school_urn = s.urn
                     AND r.started_on <= academic_year_end(p_year)
                     AND (r.ended_on IS NULL OR r.ended_on >= academic_year_start(p_year))),
                '[]'::json)) ORDER BY s.name, s.urn)
        FROM school s CROSS JOIN LATERAL (
             SELECT v.reason, v.start_date, v.end_date FROM vulnerability v
              WHERE v.school_urn = s.urn
                AND v.period && daterange(academic_year_start(p_year), academic_year_end(p_year), '[]')
              ORDER BY v.start_date DESC LIMIT 1) v
       WHERE s.area_id = a.id), '[]'::json))
  FROM area a JOIN local_authority l ON l.id = a.la_id WHERE a.id = p_area
    );
END
$$;
