-- Every group that meets is a body of a kind: the consortia and area
-- networks (tier 1, one body per group, made with it), an Area Analysis
-- Group per area (tier 2, made with the area), the Education Challenge
-- Board (tier 3), the School Improvement Board, the chairs' board, and the
-- headteacher forums, strategic, operational and task and finish groups of
-- seed 004. A body has members (people in a role, with dates), targets
-- (meetings a year, meetings a term, attendance per cent) and meetings.

CREATE TABLE body (
    id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id                     bigint NOT NULL CONSTRAINT body_la_fkey REFERENCES local_authority (id),
    kind                      text NOT NULL CONSTRAINT body_kind_check CHECK (kind IN (
                                  'consortium', 'area_network', 'area_analysis_group', 'chairs_board',
                                  'education_challenge_board', 'school_improvement_board',
                                  'headteacher_forum', 'strategic_group', 'operational_group',
                                  'task_and_finish_group')),
    name                      text NOT NULL CONSTRAINT body_name_check CHECK (length(name) BETWEEN 1 AND 200),
    area_id                   bigint,
    group_id                  bigint CONSTRAINT body_group_fkey REFERENCES school_group (id) ON DELETE CASCADE,
    meetings_per_year         integer CONSTRAINT body_meetings_per_year_check CHECK (meetings_per_year BETWEEN 1 AND 366),
    meetings_per_term         integer CONSTRAINT body_meetings_per_term_check CHECK (meetings_per_term BETWEEN 1 AND 100),
    attendance_target_percent integer CONSTRAINT body_attendance_target_check CHECK (attendance_target_percent BETWEEN 1 AND 100),
    established_on            date NOT NULL DEFAULT london_today(),
    closed_on                 date,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    version                   integer NOT NULL DEFAULT 1,
    CONSTRAINT body_area_fkey FOREIGN KEY (area_id, la_id) REFERENCES area (id, la_id) ON DELETE CASCADE,
    CONSTRAINT body_group_kind_check CHECK ((kind IN ('consortium', 'area_network')) = (group_id IS NOT NULL)),
    CONSTRAINT body_aag_area_check CHECK (kind <> 'area_analysis_group' OR area_id IS NOT NULL),
    CONSTRAINT body_dates_check CHECK (closed_on IS NULL OR closed_on >= established_on)
);
CREATE UNIQUE INDEX body_name_key ON body (la_id, kind, lower(name COLLATE "und-x-icu"));
CREATE UNIQUE INDEX body_group_key ON body (group_id);
CREATE UNIQUE INDEX body_aag_key ON body (area_id, la_id) WHERE kind = 'area_analysis_group';
CREATE INDEX body_la_idx ON body (la_id, kind);

-- A group's body follows the group: made with it, named as it, closed with it.
-- Consortium headteachers meet "normally two per term" (seeds 000, 001).
INSERT INTO body (la_id, kind, name, area_id, group_id, meetings_per_term, established_on, closed_on)
SELECT la_id, kind, name, area_id, id, 2, created_on, closed_on FROM school_group ORDER BY id;

CREATE FUNCTION group_body_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO body (la_id, kind, name, area_id, group_id, meetings_per_term, established_on, closed_on)
        VALUES (NEW.la_id, NEW.kind, NEW.name, NEW.area_id, NEW.id, 2, NEW.created_on, NEW.closed_on);
    ELSE
        UPDATE body SET name = NEW.name, area_id = NEW.area_id, established_on = NEW.created_on,
                        closed_on = NEW.closed_on, updated_at = now(), version = version + 1
         WHERE group_id = NEW.id
           AND (name, area_id, established_on, closed_on)
               IS DISTINCT FROM (NEW.name, NEW.area_id, NEW.created_on, NEW.closed_on);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER group_body_sync AFTER INSERT OR UPDATE OF name, area_id, created_on, closed_on ON school_group
    FOR EACH ROW EXECUTE FUNCTION group_body_sync();

-- Each area has its Area Analysis Group (seed 002, tier 2).
INSERT INTO body (la_id, kind, name, area_id, established_on)
SELECT la_id, 'area_analysis_group', left('Area Analysis Group: ' || name, 200), id, created_at::date
  FROM area ORDER BY id;

CREATE FUNCTION area_body_make() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO body (la_id, kind, name, area_id)
    VALUES (NEW.la_id, 'area_analysis_group', left('Area Analysis Group: ' || NEW.name, 200), NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER area_body_make AFTER INSERT ON area FOR EACH ROW EXECUTE FUNCTION area_body_make();

-- A group's body takes its name, kind and dates from the group; only its
-- targets are its own. It goes when its group goes.
CREATE FUNCTION body_group_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' AND OLD.group_id IS NOT NULL THEN    -- its group refers to it
        RAISE EXCEPTION 'body % is its group''s: delete the group', OLD.id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'body_group_kept';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.group_id IS NOT NULL
       AND (NEW.name, NEW.established_on, NEW.closed_on, NEW.area_id)
           IS DISTINCT FROM (OLD.name, OLD.established_on, OLD.closed_on, OLD.area_id) THEN
        RAISE EXCEPTION 'body % is its group''s: change the group', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'body_group_kept';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
CREATE TRIGGER body_group_kept BEFORE UPDATE OR DELETE ON body
    FOR EACH ROW EXECUTE FUNCTION body_group_kept();

CREATE TABLE body_member (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body_id    bigint NOT NULL CONSTRAINT body_member_body_fkey REFERENCES body (id),
    person_id  bigint NOT NULL CONSTRAINT body_member_person_fkey REFERENCES person (id),
    role       text NOT NULL CONSTRAINT body_member_role_check CHECK (role IN (
                   'chair', 'vice_chair', 'member', 'secretary', 'officer', 'adviser', 'observer')),
    start_date date NOT NULL,
    end_date   date,
    valid      daterange GENERATED ALWAYS AS (daterange(start_date, end_date, '[]')) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    CONSTRAINT body_member_dates_check CHECK (end_date IS NULL OR end_date >= start_date),
    CONSTRAINT body_member_once EXCLUDE USING gist (body_id WITH =, person_id WITH =, valid WITH &&)
);
CREATE INDEX body_member_person_idx ON body_member (person_id);

CREATE FUNCTION body_member_la_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM person p JOIN body b ON b.la_id = p.la_id
                    WHERE p.id = NEW.person_id AND b.id = NEW.body_id) THEN
        RAISE EXCEPTION 'person % is not of body %''s local authority', NEW.person_id, NEW.body_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'body_member_person_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER body_member_la_rule BEFORE INSERT OR UPDATE OF person_id, body_id ON body_member
    FOR EACH ROW EXECUTE FUNCTION body_member_la_rule();

-- Who sits on a body, when: its members, and for a group's body the heads
-- of its member schools while both the headship and the membership last.
CREATE VIEW body_seat AS
SELECT m.body_id, m.person_id, m.role, m.valid FROM body_member m
UNION ALL
SELECT b.id, r.person_id, 'headteacher', ms.valid * r.term
  FROM body b JOIN membership ms ON ms.group_id = b.group_id
  JOIN person_role r ON r.school_urn = ms.school_urn AND r.role = 'headteacher' AND r.term && ms.valid;

-- ---- meetings belong to bodies -------------------------------------------

ALTER TABLE meeting
    ADD COLUMN body_id bigint CONSTRAINT meeting_body_fkey REFERENCES body (id),
    ADD COLUMN attended_person_ids jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN apologies_person_ids jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN items_received jsonb NOT NULL DEFAULT '[]';
ALTER TABLE meeting ALTER COLUMN group_id DROP NOT NULL;
UPDATE meeting m SET body_id = b.id FROM body b WHERE b.group_id = m.group_id;
ALTER TABLE meeting ALTER COLUMN body_id SET NOT NULL;
CREATE INDEX meeting_body_idx ON meeting (body_id, held_on);

-- The heads who were there for the schools a meeting lists.
CREATE FUNCTION heads_of(p_urns jsonb, p_on date) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(DISTINCT r.person_id), '[]')
      FROM jsonb_array_elements_text(p_urns) u
      JOIN person_role r ON r.school_urn = u::integer AND r.role = 'headteacher' AND r.term @> p_on
$$;
UPDATE meeting SET attended_person_ids = heads_of(attended_urns, held_on) WHERE attended_urns <> '[]';

-- A meeting names its body, or its group (whose body it then is). Schools
-- listed as attending, with no people listed, bring their heads. Named
-- so that it runs before the rules on attendance (triggers run by name).
CREATE FUNCTION meeting_body_named() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_group bigint;
BEGIN
    IF NEW.body_id IS NULL THEN
        SELECT id INTO NEW.body_id FROM body WHERE group_id = NEW.group_id;
    ELSE
        SELECT group_id INTO v_group FROM body WHERE id = NEW.body_id;
        IF FOUND AND NEW.group_id IS NOT NULL AND NEW.group_id IS DISTINCT FROM v_group THEN
            RAISE EXCEPTION 'body % is not group %''s', NEW.body_id, NEW.group_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'meeting_body_group_rule';
        END IF;
        NEW.group_id := coalesce(v_group, NEW.group_id);
    END IF;
    IF NEW.attended_urns <> '[]' AND NEW.attended_person_ids = '[]'
       AND (TG_OP = 'INSERT' OR NEW.attended_urns IS DISTINCT FROM OLD.attended_urns) THEN
        NEW.attended_person_ids := heads_of(NEW.attended_urns, NEW.held_on);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER meeting_a_body_named BEFORE INSERT OR UPDATE ON meeting
    FOR EACH ROW EXECUTE FUNCTION meeting_body_named();

-- Did every person of p_people sit on the body on the day?
CREATE FUNCTION seated(p_body bigint, p_people jsonb, p_on date) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(p_people) x
                        WHERE NOT EXISTS (SELECT 1 FROM body_seat s WHERE s.body_id = p_body
                                             AND s.person_id = x::bigint AND s.valid @> p_on))
$$;

-- Only those who sat on the body that day attended or sent apologies, never
-- both; an action's owner is a person of the body's LA; an evaluation
-- received is one of its LA's.
CREATE FUNCTION meeting_people_rule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_la bigint;
BEGIN
    IF NOT seated(NEW.body_id, NEW.attended_person_ids, NEW.held_on) THEN
        RAISE EXCEPTION 'a person listed as attending did not sit on body % on %', NEW.body_id, NEW.held_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'meeting_member_rule';
    END IF;
    IF NOT seated(NEW.body_id, NEW.apologies_person_ids, NEW.held_on) THEN
        RAISE EXCEPTION 'a person listed as sending apologies did not sit on body % on %', NEW.body_id, NEW.held_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'meeting_apologies_member_rule';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(NEW.attended_person_ids) a
                WHERE NEW.apologies_person_ids @> a) THEN
        RAISE EXCEPTION 'a person both attended and sent apologies'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'meeting_apologies_rule';
    END IF;
    SELECT la_id INTO v_la FROM body WHERE id = NEW.body_id;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(NEW.actions) a
                WHERE a ? 'owner_person_id' AND NOT EXISTS (
                      SELECT 1 FROM person p WHERE p.id = (a ->> 'owner_person_id')::bigint AND p.la_id = v_la)) THEN
        RAISE EXCEPTION 'an action''s owner is not a person of the body''s local authority'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'meeting_owner_rule';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(NEW.items_received) i
                WHERE i ? 'evaluation_id' AND NOT EXISTS (
                      SELECT 1 FROM evaluation v JOIN fund_allocation a ON a.id = v.allocation_id
                        JOIN school_group g ON g.id = a.group_id
                       WHERE v.id = (i ->> 'evaluation_id')::bigint AND g.la_id = v_la)) THEN
        RAISE EXCEPTION 'an item received names no evaluation of the body''s local authority'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'meeting_item_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER meeting_people_rule BEFORE INSERT OR UPDATE ON meeting
    FOR EACH ROW EXECUTE FUNCTION meeting_people_rule();

-- ---- reports --------------------------------------------------------------

-- A period's meetings against its target, as of a day: judged once the
-- period is over, and not at all when it began before the body was.
CREATE FUNCTION period_status(p_held bigint, p_target integer, p_established date, p_start date,
                              p_finish date, p_as_of date) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_target IS NULL OR p_established > p_start THEN 'no_target'
                WHEN p_held >= p_target THEN 'met'
                WHEN p_finish < p_as_of THEN 'missed' ELSE 'in_progress' END
$$;

-- An attendance (per cent, NULL: of no meeting) against its target.
CREATE FUNCTION attendance_status(p_percent numeric, p_target integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_target IS NULL THEN 'no_target' WHEN p_percent IS NULL THEN 'no_meetings'
                WHEN p_percent >= p_target THEN 'met' ELSE 'missed' END
$$;

-- One body's year as of a day: meetings held against its targets (a term's
-- target judged once the term is over, the year's once the year is, and
-- neither for a period that started before the body was established), each
-- member's attendance of the meetings held while they sat on it against
-- the attendance target, and actions open past their due date.
CREATE FUNCTION body_report(p_body bigint, p_year text, p_as_of date) RETURNS json LANGUAGE sql STABLE AS $$
WITH yr AS (SELECT academic_year_start(p_year) AS start, academic_year_end(p_year) AS finish),
b AS (SELECT b.*, l.code AS la_code FROM body b JOIN local_authority l ON l.id = b.la_id WHERE b.id = p_body),
meet AS (SELECT m.* FROM meeting m, yr WHERE m.body_id = p_body AND m.held_on BETWEEN yr.start AND yr.finish
            AND m.held_on <= p_as_of),
terms AS (SELECT t.term, t.ord, t.start, t.finish,
                 (SELECT count(*) FROM meet WHERE school_term(meet.held_on) = t.term) AS held
            FROM yr, LATERAL (VALUES ('autumn', 1, yr.start, make_date(extract(year FROM yr.start)::integer, 12, 31)),
                                     ('spring', 2, make_date(extract(year FROM yr.finish)::integer, 1, 1),
                                      make_date(extract(year FROM yr.finish)::integer, 3, 31)),
                                     ('summer', 3, make_date(extract(year FROM yr.finish)::integer, 4, 1), yr.finish))
                              AS t (term, ord, start, finish)),
seats AS (SELECT s.person_id, range_agg(s.valid * daterange(yr.start, least(yr.finish, p_as_of), '[]')) AS seated,
                 string_agg(DISTINCT s.role, ', ' ORDER BY s.role) AS roles
            FROM body_seat s, yr WHERE s.body_id = p_body
             AND s.valid && daterange(yr.start, least(yr.finish, p_as_of), '[]')
           GROUP BY s.person_id),
att AS (SELECT s.person_id, s.roles, p.name,
               (SELECT count(*) FROM meet WHERE s.seated @> meet.held_on) AS eligible,
               (SELECT count(*) FROM meet WHERE s.seated @> meet.held_on
                   AND meet.attended_person_ids @> to_jsonb(s.person_id)) AS attended,
               (SELECT count(*) FROM meet WHERE s.seated @> meet.held_on
                   AND meet.apologies_person_ids @> to_jsonb(s.person_id)) AS apologies
          FROM seats s JOIN person p ON p.id = s.person_id),
att2 AS (SELECT att.*, CASE WHEN eligible > 0 THEN round(100.0 * attended / eligible, 1) END AS percent FROM att),
overdue AS (SELECT m.id AS meeting_id, m.held_on, a ->> 'description' AS description, a ->> 'owner' AS owner,
                   (a ->> 'owner_person_id')::bigint AS owner_person_id, (a ->> 'due_date')::date AS due_date
              FROM meeting m, jsonb_array_elements(m.actions) a
             WHERE m.body_id = p_body AND m.held_on <= p_as_of AND NOT a ? 'done_on'
               AND (a ->> 'due_date')::date < p_as_of),
judged AS (SELECT
    (SELECT json_agg(json_build_object('term', t.term, 'held', t.held, 'target', b.meetings_per_term,
             'status', period_status(t.held, b.meetings_per_term, b.established_on, t.start, t.finish, p_as_of))
             ORDER BY t.ord)
       FROM terms t, b) AS per_term,
    (SELECT count(*) FROM meet) AS held,
    (SELECT period_status((SELECT count(*) FROM meet), b.meetings_per_year, b.established_on, yr.start, yr.finish,
                          p_as_of) FROM b, yr) AS year_status,
    (SELECT round(100.0 * sum(attended) / nullif(sum(eligible), 0), 1) FROM att2) AS overall)
SELECT json_build_object(
    'body', json_build_object('id', b.id, 'kind', b.kind, 'name', b.name, 'la_code', b.la_code,
                              'area_id', b.area_id, 'group_id', b.group_id),
    'academic_year', p_year, 'as_of', p_as_of,
    'established_on', b.established_on,
    'targets', json_build_object('meetings_per_year', b.meetings_per_year,
                                 'meetings_per_term', b.meetings_per_term,
                                 'attendance_target_percent', b.attendance_target_percent),
    'meetings', json_build_object('held', j.held, 'status', j.year_status, 'terms', j.per_term,
        'list', coalesce((SELECT json_agg(json_build_object('id', m.id, 'held_on', m.held_on,
                    'attended', jsonb_array_length(m.attended_person_ids),
                    'apologies', jsonb_array_length(m.apologies_person_ids)) ORDER BY m.held_on, m.id)
                  FROM meet m), '[]'::json)),
    'attendance', json_build_object('overall_percent', j.overall,
        'status', attendance_status(j.overall, b.attendance_target_percent),
        'members', coalesce((SELECT json_agg(json_build_object('person_id', a.person_id, 'name', a.name,
                    'roles', a.roles, 'meetings', a.eligible, 'attended', a.attended,
                    'apologies', a.apologies, 'percent', a.percent,
                    'status', attendance_status(a.percent, b.attendance_target_percent))
                    ORDER BY a.name, a.person_id) FROM att2 a), '[]'::json)),
    'overdue_actions', coalesce((SELECT json_agg(o ORDER BY o.due_date, o.meeting_id) FROM overdue o), '[]'::json),
    'below_target', j.year_status = 'missed'
                    OR EXISTS (SELECT 1 FROM json_array_elements(j.per_term) t WHERE t ->> 'status' = 'missed')
                    OR attendance_status(j.overall, b.attendance_target_percent) = 'missed')
  FROM b, judged j
$$;

-- Every open body of an LA below a target in the year, as of a day, with why.
CREATE FUNCTION bodies_below_target(p_la integer, p_year text, p_as_of date) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object('la_code', p_la, 'academic_year', p_year, 'as_of', p_as_of,
    'items', coalesce(json_agg(json_build_object('body_id', b.id, 'kind', b.kind, 'name', b.name,
        'meetings_held', r -> 'meetings' -> 'held', 'meetings_status', r -> 'meetings' -> 'status',
        'terms_missed', (SELECT coalesce(json_agg(t -> 'term'), '[]'::json)
                           FROM json_array_elements(r -> 'meetings' -> 'terms') t WHERE t ->> 'status' = 'missed'),
        'attendance_percent', r -> 'attendance' -> 'overall_percent',
        'attendance_status', r -> 'attendance' -> 'status',
        'overdue_actions', json_array_length(r -> 'overdue_actions')) ORDER BY b.kind, b.name, b.id), '[]'::json))
  FROM local_authority l JOIN body b ON b.la_id = l.id
       CROSS JOIN LATERAL (SELECT body_report(b.id, p_year, p_as_of) AS r) x
 WHERE l.code = p_la AND (b.closed_on IS NULL OR b.closed_on >= academic_year_start(p_year))
   AND (r ->> 'below_target')::boolean
$$;

-- ---- a person's data, whole, and its erasure -------------------------------

-- Everything held about a person (UK GDPR right of access).
CREATE FUNCTION person_export(p_person bigint) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'person', json_build_object('id', p.id, 'la_code', l.code, 'name', p.name, 'email', p.email,
                                'head_since', p.head_since, 'erased_at', api_ts(p.erased_at),
                                'created_at', api_ts(p.created_at), 'updated_at', api_ts(p.updated_at)),
    'roles', coalesce((SELECT json_agg(json_build_object('id', r.id, 'role', r.role, 'school_urn', r.school_urn,
                 'start_date', r.start_date, 'end_date', r.end_date, 'source', r.source) ORDER BY r.start_date, r.id)
                 FROM person_role r WHERE r.person_id = p.id), '[]'::json),
    'headteacher_of', coalesce((SELECT json_agg(s.urn ORDER BY s.urn) FROM school s
                 WHERE s.headteacher_person_id = p.id), '[]'::json),
    'appointments', coalesce((SELECT json_agg(json_build_object('id', c.id, 'group_id', c.group_id, 'role', c.role,
                 'person_name', c.person_name, 'email', c.email, 'school_urn', c.school_urn,
                 'head_since', c.head_since, 'start_date', c.start_date, 'end_date', c.end_date,
                 'elected_on', c.elected_on, 'governing_body_support_on', c.governing_body_support_on,
                 'improvement_note', c.improvement_note, 'override_justification', c.override_justification)
                 ORDER BY c.start_date, c.id) FROM chair_appointment c WHERE c.person_id = p.id), '[]'::json),
    'nominations', coalesce((SELECT json_agg(json_build_object('id', n.id, 'group_id', n.group_id, 'role', n.role,
                 'person_name', n.person_name, 'email', n.email, 'school_urn', n.school_urn,
                 'start_date', n.start_date, 'end_date', n.end_date) ORDER BY n.start_date, n.id)
                 FROM nomination n WHERE n.person_id = p.id), '[]'::json),
    'body_memberships', coalesce((SELECT json_agg(json_build_object('id', m.id, 'body_id', m.body_id,
                 'body_name', b.name, 'role', m.role, 'start_date', m.start_date, 'end_date', m.end_date)
                 ORDER BY m.start_date, m.id) FROM body_member m JOIN body b ON b.id = m.body_id
                 WHERE m.person_id = p.id), '[]'::json),
    'meetings', coalesce((SELECT json_agg(json_build_object('id', m.id, 'body_id', m.body_id, 'held_on', m.held_on,
                 'attended', m.attended_person_ids @> to_jsonb(p.id),
                 'apologies', m.apologies_person_ids @> to_jsonb(p.id),
                 'actions_owned', (SELECT coalesce(json_agg(a), '[]'::json) FROM jsonb_array_elements(m.actions) a
                                    WHERE a -> 'owner_person_id' = to_jsonb(p.id)))
                 ORDER BY m.held_on, m.id) FROM meeting m
                 WHERE m.attended_person_ids @> to_jsonb(p.id) OR m.apologies_person_ids @> to_jsonb(p.id)
                    OR EXISTS (SELECT 1 FROM jsonb_array_elements(m.actions) a
                                WHERE a -> 'owner_person_id' = to_jsonb(p.id))), '[]'::json),
    'audit_events', coalesce((SELECT json_agg(json_build_object('id', e.id, 'at', api_ts(e.created_at),
                 'subject', e.subject, 'action', e.action) ORDER BY e.id)
                 FROM audit_event e WHERE e.resource = 'person' AND e.resource_id = p.id::text), '[]'::json))
  FROM person p JOIN local_authority l ON l.id = p.la_id WHERE p.id = p_person
$$;

-- The audit trail is append-only; the one change it takes is an erasure's
-- redaction of the values erased, inside person_erase.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('consortia.redacting', true) = 'on'
       AND (NEW.id, NEW.created_at, NEW.subject, NEW.role, NEW.issuer, NEW.resource, NEW.resource_id,
            NEW.action, NEW.request_id, NEW.la_code) IS NOT DISTINCT FROM
           (OLD.id, OLD.created_at, OLD.subject, OLD.role, OLD.issuer, OLD.resource, OLD.resource_id,
            OLD.action, OLD.request_id, OLD.la_code) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events cannot be changed or deleted'
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- j with every string equal to one of p_values replaced by '[erased]'.
CREATE FUNCTION jsonb_redact(j jsonb, p_values text[]) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    CASE jsonb_typeof(j)
    WHEN 'string' THEN
        RETURN CASE WHEN j #>> '{}' = ANY (p_values) THEN '"[erased]"'::jsonb ELSE j END;
    WHEN 'object' THEN
        RETURN (SELECT coalesce(jsonb_object_agg(k, jsonb_redact(v, p_values)), '{}'::jsonb)
                  FROM jsonb_each(j) AS e (k, v));
    WHEN 'array' THEN
        RETURN (SELECT coalesce(jsonb_agg(jsonb_redact(v, p_values) ORDER BY n), '[]'::jsonb)
                  FROM jsonb_array_elements(j) WITH ORDINALITY AS e (v, n));
    ELSE
        RETURN j;
    END CASE;
END
$$;

-- Erase a person: their name becomes "[erased]" everywhere it is copied,
-- their email and the date they became a head are dropped, action owners
-- they were named as are replaced; appointments, allocations, payments,
-- attendance and decisions stay as records of what was done. Their name
-- and email are taken out of every audit event of their LA; the erasure's
-- own event (written by the caller) shows only the record after.
-- Returns the number of audit events redacted.
CREATE FUNCTION person_erase(p_person bigint, p_by text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_person person;
    v_la_code integer;
    v_values text[];
    v_count integer;
BEGIN
    SELECT * INTO v_person FROM person WHERE id = p_person FOR UPDATE;
    SELECT code INTO v_la_code FROM local_authority WHERE id = v_person.la_id;
    v_values := array_remove(ARRAY[v_person.name, v_person.email], NULL);
    UPDATE person SET name = '[erased]', email = NULL, head_since = NULL, erased_at = now(), erased_by = p_by,
                      updated_at = now(), version = version + 1
     WHERE id = p_person;
    UPDATE meeting m SET actions = (SELECT jsonb_agg(CASE WHEN a -> 'owner_person_id' = to_jsonb(p_person)
                                                          THEN a || '{"owner": "[erased]"}' ELSE a END ORDER BY n)
                                      FROM jsonb_array_elements(m.actions) WITH ORDINALITY AS x (a, n)),
                         updated_at = now(), version = version + 1
     WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(m.actions) a WHERE a -> 'owner_person_id' = to_jsonb(p_person));
    PERFORM set_config('consortia.redacting', 'on', true);
    UPDATE audit_event e SET changes = jsonb_redact(e.changes, v_values)
     WHERE (e.la_code = v_la_code OR e.la_code IS NULL)
       AND EXISTS (SELECT 1 FROM unnest(v_values) v WHERE strpos(e.changes::text, to_jsonb(v)::text) > 0);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    PERFORM set_config('consortia.redacting', 'off', true);
    RETURN v_count;
END
$$;
