-- The yearly cycle of a group's chair: each academic year the group
-- confirms its chair (and deputy) to the LA by the LA's deadline, so that
-- payments can be set up; a confirmation counts for that year alone.
-- Dates are judged in England and Wales (Europe/London), not in UTC.

-- The calendar date in England and Wales at t, and today there.
CREATE FUNCTION london_date(t timestamptz) RETURNS date
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    AS $$ SELECT (t AT TIME ZONE 'Europe/London')::date $$;
CREATE FUNCTION london_today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT (now() AT TIME ZONE 'Europe/London')::date $$;

-- The first and last days of an academic year "2020/21" (academic_year_of,
-- the year of a date, is 0007's).
CREATE FUNCTION academic_year_start(y text) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT make_date(left(y, 4)::integer, 9, 1) $$;
CREATE FUNCTION academic_year_end(y text) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT make_date(left(y, 4)::integer + 1, 8, 31) $$;
-- The LA's day for confirming a year's chairs: month and day in the
-- year's autumn ("09-11": 11 September, as seed 003 asks).
ALTER TABLE local_authority
    ADD COLUMN confirmation_deadline text NOT NULL DEFAULT '09-11'
        CONSTRAINT la_confirmation_deadline_check
        CHECK (confirmation_deadline ~ '^((09|11)-(0[1-9]|[12][0-9]|30)|(10|12)-(0[1-9]|[12][0-9]|3[01]))$');

CREATE FUNCTION confirmation_deadline(p_la bigint, p_year text) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT make_date(left(p_year, 4)::integer, split_part(l.confirmation_deadline, '-', 1)::integer,
                     split_part(l.confirmation_deadline, '-', 2)::integer)
      FROM local_authority l WHERE l.id = p_la
$$;

CREATE TABLE chair_confirmation (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id      bigint NOT NULL CONSTRAINT confirmation_group_fkey REFERENCES school_group (id),
    academic_year text NOT NULL CONSTRAINT confirmation_year_check
                  CHECK (academic_year ~ '^[0-9]{4}/[0-9]{2}$'),
    chair_id      bigint NOT NULL CONSTRAINT confirmation_chair_fkey REFERENCES chair_appointment (id),
    deputy_id     bigint CONSTRAINT confirmation_deputy_fkey REFERENCES chair_appointment (id),
    confirmed_by  text NOT NULL CONSTRAINT confirmation_by_check
                  CHECK (length(confirmed_by) BETWEEN 1 AND 200),
    confirmed_on  date NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1,
    CONSTRAINT confirmation_once UNIQUE (group_id, academic_year)
);
CREATE INDEX confirmation_chair_idx ON chair_confirmation (chair_id);
CREATE INDEX confirmation_deputy_idx ON chair_confirmation (deputy_id);

-- The chair and deputy confirmed are the group's, in those roles, and in
-- office during the year.
CREATE FUNCTION confirmation_rule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_year daterange;
BEGIN
    IF NEW.academic_year !~ '^[0-9]{4}/[0-9]{2}$' THEN
        RETURN NEW;  -- the check constraint's to report
    END IF;
    v_year := daterange(academic_year_start(NEW.academic_year), academic_year_end(NEW.academic_year), '[]');
    IF NOT EXISTS (SELECT 1 FROM chair_appointment c WHERE c.id = NEW.chair_id AND c.group_id = NEW.group_id
                      AND c.role = 'chair' AND c.term && v_year) THEN
        RAISE EXCEPTION 'appointment % is not a chair of group % in office during %', NEW.chair_id,
                        NEW.group_id, NEW.academic_year
            USING ERRCODE = 'check_violation', CONSTRAINT = 'confirmation_chair_rule';
    END IF;
    IF NEW.deputy_id IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM chair_appointment c WHERE c.id = NEW.deputy_id AND c.group_id = NEW.group_id
              AND c.role = 'deputy' AND c.term && v_year) THEN
        RAISE EXCEPTION 'appointment % is not a deputy of group % in office during %', NEW.deputy_id,
                        NEW.group_id, NEW.academic_year
            USING ERRCODE = 'check_violation', CONSTRAINT = 'confirmation_deputy_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER confirmation_rule BEFORE INSERT OR UPDATE ON chair_confirmation
    FOR EACH ROW EXECUTE FUNCTION confirmation_rule();

-- An appointment a confirmation names keeps covering the confirmed year
-- (its group and role are fixed at creation; a named one is not deleted,
-- by the foreign keys).
CREATE FUNCTION chair_confirmed_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM chair_confirmation k WHERE (k.chair_id = OLD.id OR k.deputy_id = OLD.id)
                 AND NOT daterange(NEW.start_date, NEW.end_date, '[]')
                         && daterange(academic_year_start(k.academic_year), academic_year_end(k.academic_year), '[]')) THEN
        RAISE EXCEPTION 'appointment % is confirmed for a year its term would no longer cover', OLD.id
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'chair_confirmed_kept';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER chair_confirmed_kept BEFORE UPDATE OF start_date, end_date ON chair_appointment
    FOR EACH ROW EXECUTE FUNCTION chair_confirmed_kept();

-- What the open-ended confirmed_on meant is kept as the confirmation of
-- one year: the academic year in which the chair, confirmed, was in
-- office (the later of the confirmation and the start of the term).
INSERT INTO chair_confirmation (group_id, academic_year, chair_id, deputy_id, confirmed_by, confirmed_on,
                                created_at, updated_at)
SELECT c.group_id, academic_year_of(greatest(c.confirmed_on, c.start_date)), c.id,
       (SELECT d.id FROM chair_appointment d WHERE d.group_id = c.group_id AND d.role = 'deputy'
           AND d.term @> greatest(c.confirmed_on, c.start_date)),
       'recorded on the appointment before yearly confirmation', c.confirmed_on, c.updated_at, c.updated_at
  FROM chair_appointment c
 WHERE c.role = 'chair' AND c.confirmed_on IS NOT NULL
   AND (c.end_date IS NULL OR c.end_date >= greatest(c.confirmed_on, c.start_date))
ON CONFLICT (group_id, academic_year) DO NOTHING;
ALTER TABLE chair_appointment DROP COLUMN confirmed_on;

-- A chair's or deputy's school is a member of the group when the
-- appointment starts. Checked when the school or the start changes, so
-- that appointments made before the rule still read and edit.
CREATE FUNCTION chair_member_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.school_urn, NEW.start_date, NEW.group_id)
                            = (OLD.school_urn, OLD.start_date, OLD.group_id) THEN
        RETURN NEW;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM school_group WHERE id = NEW.group_id) THEN
        RETURN NEW;  -- the foreign key's to report
    END IF;
    IF NOT EXISTS (SELECT 1 FROM membership WHERE group_id = NEW.group_id AND school_urn = NEW.school_urn
                      AND valid @> NEW.start_date) THEN
        RAISE EXCEPTION 'school % is not a member of group % on %', NEW.school_urn, NEW.group_id,
                        NEW.start_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'chair_member_rule';
    END IF;
    RETURN NEW;
END
$$;
-- after chair_a_la_rule: a school of another LA is reported as that
CREATE TRIGGER chair_b_member_rule BEFORE INSERT OR UPDATE ON chair_appointment
    FOR EACH ROW EXECUTE FUNCTION chair_member_rule();

-- Appointments made before that rule whose school was not a member of the
-- group when they started: reported at start and by the calculation.
CREATE VIEW chair_not_member AS
    SELECT c.id, c.group_id, c.role, c.school_urn, c.start_date, l.code AS la_code
      FROM chair_appointment c JOIN school_group g ON g.id = c.group_id
      JOIN local_authority l ON l.id = g.la_id
     WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.group_id = c.group_id
                          AND m.school_urn = c.school_urn AND m.valid @> c.start_date);

-- ---- plans and evaluations -------------------------------------------------

-- A plan is late when its first submission came after the fund's deadline
-- (the day in England): a plan returned and sent again keeps that verdict.
ALTER TABLE action_plan ADD COLUMN first_submitted_at timestamptz;
UPDATE action_plan SET first_submitted_at = submitted_at WHERE submitted_at IS NOT NULL;

CREATE FUNCTION plan_late(p_submitted timestamptz, p_deadline date) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT p_deadline IS NOT NULL AND london_date(p_submitted) > p_deadline $$;
