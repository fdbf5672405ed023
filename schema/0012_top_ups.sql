-- Allocating a fund again: each group's live allocations add up to what
-- the calculation gives it now. A fund allocated once may later propose a
-- top-up (a positive difference) or a reduction (a negative one, approved
-- as a negative payment); what is paid is never touched.

ALTER TABLE fund_allocation
    ADD COLUMN kind text NOT NULL DEFAULT 'allocation'
        CONSTRAINT allocation_kind_check CHECK (kind IN ('allocation', 'top_up', 'reduction'));
ALTER TABLE fund_allocation DROP CONSTRAINT fund_allocation_amount_pence_check;
ALTER TABLE fund_allocation ADD CONSTRAINT allocation_amount_check
    CHECK (CASE WHEN kind = 'reduction' THEN amount_pence < 0 ELSE amount_pence >= 0 END);

-- One live first allocation per group (and chair, as chair funding was
-- made before it was per group) and fund; top-ups and reductions follow it.
DROP INDEX allocation_once;
CREATE UNIQUE INDEX allocation_once ON fund_allocation (fund_id, group_id, coalesce(chair_id, 0))
    WHERE status <> 'cancelled' AND kind = 'allocation';
CREATE INDEX allocation_fund_group_idx ON fund_allocation (fund_id, group_id) WHERE status <> 'cancelled';

-- One group's year, as its area's report shows it: the chair confirmed for
-- that year; an evaluation, due of a group's first allocation from a fund
-- (a top-up or a reduction is evaluated with it), overdue until it is
-- reported to the AAG (seed 003: "reported to the AAG by June"), not only
-- while it is a draft.
CREATE OR REPLACE FUNCTION group_report(p_group bigint, p_year text) RETURNS json LANGUAGE sql STABLE AS $$
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
                    AND mb.valid @> m.held_on) AS members
           FROM meeting m, yr WHERE m.group_id = p_group AND m.held_on BETWEEN yr.start AND yr.finish)
SELECT json_build_object(
    'id', g.id, 'kind', g.kind, 'name', g.name,
    'school_count', (SELECT count(DISTINCT mb.school_urn) FROM membership mb, yr WHERE mb.group_id = g.id
                        AND mb.valid && daterange(yr.start, yr.finish, '[]')),
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
$$;
