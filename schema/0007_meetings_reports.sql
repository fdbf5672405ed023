-- A chair's duties that leave records: the group's meetings (attendance,
-- agreements, actions) and the support brokered for vulnerable schools;
-- and what the Area Analysis Groups read, built from all of it.

-- Terms by month: autumn September to December, spring January to March,
-- summer April to August.
CREATE FUNCTION school_term(d date) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN extract(month FROM d) >= 9 THEN 'autumn'
                WHEN extract(month FROM d) <= 3 THEN 'spring' ELSE 'summer' END
$$;

CREATE FUNCTION academic_year_of(d date) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT y || '/' || lpad(((y + 1) % 100)::text, 2, '0')
      FROM (SELECT extract(year FROM d)::integer - CASE WHEN extract(month FROM d) >= 9 THEN 0 ELSE 1 END AS y) t
$$;

CREATE TABLE meeting (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id      bigint NOT NULL CONSTRAINT meeting_group_fkey REFERENCES school_group (id),
    held_on       date NOT NULL,
    attended_urns jsonb NOT NULL DEFAULT '[]',
    agreements    jsonb NOT NULL DEFAULT '[]',
    actions       jsonb NOT NULL DEFAULT '[]',
    funds_note    text CHECK (length(funds_note) BETWEEN 1 AND 2000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1
);
CREATE INDEX meeting_group_idx ON meeting (group_id, held_on);

-- Only the group's member schools on the day can have been represented.
CREATE FUNCTION meeting_attendance_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM jsonb_array_elements_text(NEW.attended_urns) u
                WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.group_id = NEW.group_id
                                     AND m.school_urn = u::integer AND m.valid @> NEW.held_on)) THEN
        RAISE EXCEPTION 'a school in attended_urns was not a member of group % on %', NEW.group_id,
                        NEW.held_on USING ERRCODE = 'check_violation', CONSTRAINT = 'meeting_attendance_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER meeting_attendance_rule BEFORE INSERT OR UPDATE ON meeting
    FOR EACH ROW EXECUTE FUNCTION meeting_attendance_rule();

CREATE TABLE support_record (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school_urn     integer NOT NULL CONSTRAINT support_school_fkey REFERENCES school (urn),
    brokered_by    text NOT NULL CHECK (length(brokered_by) BETWEEN 1 AND 200),
    support        text NOT NULL CHECK (length(support) BETWEEN 1 AND 2000),
    started_on     date NOT NULL,
    ended_on       date,
    progress_notes jsonb NOT NULL DEFAULT '[]',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        integer NOT NULL DEFAULT 1,
    CONSTRAINT support_dates_check CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE INDEX support_school_idx ON support_record (school_urn);

CREATE FUNCTION support_vulnerable_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM school WHERE urn = NEW.school_urn AND vulnerable) THEN
        RAISE EXCEPTION 'school % is not flagged vulnerable', NEW.school_urn
            USING ERRCODE = 'check_violation', CONSTRAINT = 'support_vulnerable_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER support_vulnerable_rule BEFORE INSERT ON support_record
    FOR EACH ROW EXECUTE FUNCTION support_vulnerable_rule();

-- One group's year, as its area's report shows it.
CREATE FUNCTION group_report(p_group bigint, p_year text) RETURNS json LANGUAGE sql STABLE AS $$
WITH yr AS (SELECT make_date(left(p_year, 4)::integer, 9, 1) AS start,
                   make_date(left(p_year, 4)::integer + 1, 8, 31) AS finish),
alloc AS (SELECT a.* FROM fund_allocation a JOIN fund f ON f.id = a.fund_id
           WHERE a.group_id = p_group AND f.academic_year = p_year AND a.status <> 'cancelled'),
plans AS (SELECT x.* FROM action_plan x JOIN fund f ON f.id = x.fund_id
           WHERE x.group_id = p_group AND f.academic_year = p_year),
evals AS (SELECT v.status, v.spent_pence, f.evaluation_due FROM alloc a JOIN fund f ON f.id = a.fund_id
            LEFT JOIN evaluation v ON v.allocation_id = a.id WHERE a.status IN ('approved', 'paid')),
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
                     'confirmed', c.confirmed_on IS NOT NULL, 'review_due_on', c.review_due_on) FROM chair c),
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
        'overdue', (SELECT count(*) FROM evals WHERE (status IS NULL OR status = 'draft')
                        AND evaluation_due < current_date)),
    'meetings', (SELECT json_agg(json_build_object('term', t.term,
                     'held', (SELECT count(*) FROM meet WHERE meet.term = t.term),
                     'expected', 2,
                     'met_expectation', (SELECT count(*) FROM meet WHERE meet.term = t.term) >= 2,
                     'attendance_rate', (SELECT round(sum(present)::numeric / nullif(sum(members), 0), 2)
                                           FROM meet WHERE meet.term = t.term)) ORDER BY t.ord)
                   FROM (VALUES ('autumn', 1), ('spring', 2), ('summer', 3)) AS t (term, ord)))
  FROM school_group g WHERE g.id = p_group
$$;

-- An area's year: its active groups, and its vulnerable schools with the support
-- they had during the year.
CREATE FUNCTION area_report(p_area bigint, p_year text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'area', json_build_object('id', a.id, 'code', a.code, 'name', a.name, 'la_code', l.code),
    'academic_year', p_year,
    'groups', coalesce((SELECT json_agg(group_report(g.id, p_year) ORDER BY g.kind, g.name, g.id)
                          FROM school_group g WHERE g.area_id = a.id AND g.status = 'active'), '[]'::json),
    'vulnerable_schools', coalesce((SELECT json_agg(json_build_object('urn', s.urn, 'name', s.name,
            'reason', s.vulnerable_reason, 'support_category', s.support_category,
            'support', coalesce((SELECT json_agg(json_build_object('id', r.id, 'brokered_by', r.brokered_by,
                    'support', r.support, 'started_on', r.started_on, 'ended_on', r.ended_on,
                    'latest_note', r.progress_notes -> -1) ORDER BY r.started_on, r.id)
                    FROM support_record r WHERE r.school_urn = s.urn
                     AND r.started_on <= make_date(left(p_year, 4)::integer + 1, 8, 31)
                     AND (r.ended_on IS NULL OR r.ended_on >= make_date(left(p_year, 4)::integer, 9, 1))),
                '[]'::json)) ORDER BY s.name, s.urn)
        FROM school s WHERE s.area_id = a.id AND s.vulnerable), '[]'::json))
  FROM area a JOIN local_authority l ON l.id = a.la_id WHERE a.id = p_area
$$;
