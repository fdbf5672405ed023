-- The people of the scheme: headteachers, deputies, chairs, leads, coaches,
-- system leaders, officers and members of bodies, each once per LA, with
-- the roles they hold at schools over dates. Appointments, nominations and
-- the register's headteacher refer to them; their names stay on those
-- records as copies the person keeps in step.
--
-- Kept to what the work needs (UK GDPR): a name, a work email, the date
-- they became a head. A person can be erased: the name replaced in place,
-- the email dropped, the records of money and decisions kept, and the
-- values taken out of the audit trail, which records the erasure itself.

CREATE TABLE person (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id      bigint NOT NULL CONSTRAINT person_la_fkey REFERENCES local_authority (id),
    name       text NOT NULL CONSTRAINT person_name_check CHECK (length(name) BETWEEN 1 AND 200),
    email      text CONSTRAINT person_email_check CHECK (length(email) BETWEEN 3 AND 254),
    head_since date,
    erased_at  timestamptz,
    erased_by  text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    CONSTRAINT person_erased_check CHECK (erased_at IS NULL OR (email IS NULL AND head_since IS NULL))
);
CREATE UNIQUE INDEX person_email_key ON person (la_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX person_name_idx ON person (la_id, lower(name));

-- An erased person stays erased.
CREATE FUNCTION person_erased_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.name, NEW.email, NEW.head_since, NEW.la_id, NEW.erased_at)
       IS DISTINCT FROM (OLD.name, OLD.email, OLD.head_since, OLD.la_id, OLD.erased_at) THEN
        RAISE EXCEPTION 'person % is erased', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'person_erased_kept';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER person_erased_kept BEFORE UPDATE ON person
    FOR EACH ROW WHEN (OLD.erased_at IS NOT NULL) EXECUTE FUNCTION person_erased_kept();

-- What a person does at a school (or for the LA: no school), from when to when.
CREATE TABLE person_role (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id  bigint NOT NULL CONSTRAINT person_role_person_fkey REFERENCES person (id),
    school_urn integer CONSTRAINT person_role_school_fkey REFERENCES school (urn),
    role       text NOT NULL CONSTRAINT person_role_role_check CHECK (role IN (
                   'headteacher', 'deputy_headteacher', 'assistant_headteacher', 'teacher',
                   'peer_coach', 'system_leader', 'school_improvement_partner', 'governor',
                   'officer', 'other')),
    start_date date,
    end_date   date,
    source     text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'register')),
    term       daterange GENERATED ALWAYS AS (daterange(start_date, end_date, '[]')) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    CONSTRAINT person_role_dates_check CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
    CONSTRAINT person_role_school_needed CHECK (school_urn IS NOT NULL OR role IN (
                   'peer_coach', 'system_leader', 'school_improvement_partner', 'officer', 'other')),
    CONSTRAINT person_role_one_head
        EXCLUDE USING gist (school_urn WITH =, term WITH &&) WHERE (role = 'headteacher')
);
CREATE INDEX person_role_person_idx ON person_role (person_id);
CREATE INDEX person_role_school_idx ON person_role (school_urn, role);

-- A role at a school is a role in the person's LA.
CREATE FUNCTION person_role_la_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.school_urn IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM person p JOIN school s ON s.la_id = p.la_id
            WHERE p.id = NEW.person_id AND s.urn = NEW.school_urn) THEN
        RAISE EXCEPTION 'school % is not of person %''s local authority', NEW.school_urn, NEW.person_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'person_role_school_la_rule';
    END IF;
    RETURN NEW;
END
$$;
-- (a headship the register opens is its school's head's, of its LA by making)
CREATE TRIGGER person_role_la_rule BEFORE INSERT ON person_role
    FOR EACH ROW WHEN (NEW.source = 'manual') EXECUTE FUNCTION person_role_la_rule();
CREATE TRIGGER person_role_la_kept BEFORE UPDATE OF person_id, school_urn ON person_role
    FOR EACH ROW EXECUTE FUNCTION person_role_la_rule();

-- The date a person became a head is the earliest headship known, unless
-- an earlier one (elsewhere) was recorded.
CREATE FUNCTION person_head_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE person SET head_since = NEW.start_date, updated_at = now(), version = version + 1
     WHERE id = NEW.person_id AND erased_at IS NULL AND (head_since IS NULL OR head_since > NEW.start_date);
    RETURN NULL;
END
$$;
CREATE TRIGGER person_head_since AFTER INSERT OR UPDATE OF start_date ON person_role
    FOR EACH ROW WHEN (NEW.role = 'headteacher' AND NEW.start_date IS NOT NULL)
    EXECUTE FUNCTION person_head_since();

-- The person a record names: by work email within the LA; else by name,
-- when exactly one person of the LA has it, with no other email, and no
-- open headship at a school other than the record's (two heads of one
-- name at two schools stay two people); else a new person. Erased people
-- are never matched.
CREATE FUNCTION person_resolve(p_la bigint, p_name text, p_email text, p_school integer) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    IF p_email IS NOT NULL THEN
        SELECT id INTO v_id FROM person WHERE la_id = p_la AND lower(email) = lower(p_email);
        IF FOUND THEN RETURN v_id; END IF;
    END IF;
    SELECT min(p.id) INTO v_id FROM person p
     WHERE p.la_id = p_la AND lower(p.name) = lower(p_name) AND p.erased_at IS NULL
       AND (p.email IS NULL OR p_email IS NULL)
       AND NOT EXISTS (SELECT 1 FROM person_role r WHERE r.person_id = p.id AND r.role = 'headteacher'
                          AND r.end_date IS NULL AND r.school_urn IS DISTINCT FROM p_school)
    HAVING count(*) = 1;
    IF v_id IS NOT NULL THEN
        IF p_email IS NOT NULL THEN
            UPDATE person SET email = p_email, updated_at = now(), version = version + 1 WHERE id = v_id;
        END IF;
        RETURN v_id;
    END IF;
    INSERT INTO person (la_id, name, email) VALUES (p_la, p_name, p_email) RETURNING id INTO v_id;
    RETURN v_id;
END
$$;

-- ---- the register's headteacher ------------------------------------------

ALTER TABLE school ADD COLUMN headteacher_person_id bigint
    CONSTRAINT school_headteacher_person_fkey REFERENCES person (id);

-- The heads the register names become people with a headship from the
-- date it gives (unknown: an open start).
INSERT INTO person (la_id, name, head_since, created_at, updated_at)
SELECT s.la_id, s.headteacher_name, s.headteacher_appointed_on, s.updated_at, s.updated_at
  FROM school s WHERE s.headteacher_name IS NOT NULL ORDER BY s.urn;
UPDATE school s SET headteacher_person_id = p.id
  FROM person p
 WHERE s.headteacher_name IS NOT NULL AND p.la_id = s.la_id AND p.name = s.headteacher_name
   AND p.id = (SELECT min(q.id) FROM person q WHERE q.la_id = s.la_id AND q.name = s.headteacher_name
                  AND NOT EXISTS (SELECT 1 FROM school t WHERE t.headteacher_person_id = q.id));
-- a name two schools share became two people: match the rest one by one
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT urn, la_id, headteacher_name FROM school
              WHERE headteacher_name IS NOT NULL AND headteacher_person_id IS NULL ORDER BY urn LOOP
        UPDATE school SET headteacher_person_id = (
                   SELECT min(q.id) FROM person q WHERE q.la_id = r.la_id AND q.name = r.headteacher_name
                      AND NOT EXISTS (SELECT 1 FROM school t WHERE t.headteacher_person_id = q.id))
         WHERE urn = r.urn;
    END LOOP;
END
$$;
INSERT INTO person_role (person_id, school_urn, role, start_date, source)
SELECT headteacher_person_id, urn, 'headteacher', headteacher_appointed_on, 'register'
  FROM school WHERE headteacher_person_id IS NOT NULL;

-- A change of the register's headteacher. The same name (the person's) is
-- the same headship, its start the appointment date; another name is a new
-- head: a new headship from the date given, or from the day the register
-- first names them (a GIAS import), so "newly appointed" follows when the
-- head changed, not when the register was last read. The person's own
-- name, copied here when it changes (person_copies), is the same head.
CREATE FUNCTION school_head_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.headteacher_name IS NULL THEN
        NEW.headteacher_person_id := NULL;
        RETURN NEW;
    END IF;
    IF NEW.headteacher_person_id IS NOT NULL AND NEW.headteacher_name =
           (SELECT name FROM person WHERE id = NEW.headteacher_person_id) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.headteacher_appointed_on IS NOT DISTINCT FROM OLD.headteacher_appointed_on THEN
        NEW.headteacher_appointed_on := london_today();
    END IF;
    NEW.headteacher_person_id := person_resolve(NEW.la_id, NEW.headteacher_name, NULL, NEW.urn);
    RETURN NEW;
END
$$;
-- (only when a name is given or changes: a school's other writes, and an
-- import's unchanged rows, never ask)
CREATE TRIGGER school_head_named BEFORE INSERT ON school
    FOR EACH ROW WHEN (NEW.headteacher_name IS NOT NULL) EXECUTE FUNCTION school_head_named();
CREATE TRIGGER school_head_renamed BEFORE UPDATE ON school
    FOR EACH ROW WHEN (OLD.headteacher_name IS DISTINCT FROM NEW.headteacher_name)
    EXECUTE FUNCTION school_head_named();

-- The headships follow: the last head's ends the day before the new one's
-- starts, the new head's is opened (or its start moved).
CREATE FUNCTION school_headship() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_start date := NEW.headteacher_appointed_on;
BEGIN
    IF TG_OP = 'INSERT' THEN    -- a new school: its head's headship is its first
        INSERT INTO person_role (person_id, school_urn, role, start_date, source)
        VALUES (NEW.headteacher_person_id, NEW.urn, 'headteacher', v_start, 'register');
        RETURN NULL;
    END IF;
    IF OLD.headteacher_person_id IS NOT NULL AND OLD.headteacher_person_id IS NOT NULL
       AND OLD.headteacher_person_id IS DISTINCT FROM NEW.headteacher_person_id THEN
        UPDATE person_role
           SET end_date = greatest(coalesce(v_start, london_today()) - 1, start_date),
               updated_at = now(), version = version + 1
         WHERE person_id = OLD.headteacher_person_id AND school_urn = NEW.urn
           AND role = 'headteacher' AND end_date IS NULL;
    END IF;
    IF NEW.headteacher_person_id IS NULL THEN
        RETURN NULL;
    END IF;
    UPDATE person_role SET start_date = v_start, updated_at = now(), version = version + 1
     WHERE person_id = NEW.headteacher_person_id AND school_urn = NEW.urn AND role = 'headteacher'
       AND end_date IS NULL AND start_date IS DISTINCT FROM v_start;
    IF NOT EXISTS (SELECT 1 FROM person_role WHERE person_id = NEW.headteacher_person_id
                      AND school_urn = NEW.urn AND role = 'headteacher' AND end_date IS NULL) THEN
        INSERT INTO person_role (person_id, school_urn, role, start_date, source)
        VALUES (NEW.headteacher_person_id, NEW.urn, 'headteacher',
                greatest(v_start, (SELECT max(end_date) + 1 FROM person_role
                                    WHERE school_urn = NEW.urn AND role = 'headteacher')),
                'register');
    END IF;
    RETURN NULL;
END
$$;
-- (not UPDATE OF: the person is set by the trigger before, which such a trigger would not see)
CREATE TRIGGER school_headship_made AFTER INSERT ON school
    FOR EACH ROW WHEN (NEW.headteacher_person_id IS NOT NULL) EXECUTE FUNCTION school_headship();
CREATE TRIGGER school_headship AFTER UPDATE ON school
    FOR EACH ROW WHEN (OLD.headteacher_person_id IS DISTINCT FROM NEW.headteacher_person_id
                       OR OLD.headteacher_appointed_on IS DISTINCT FROM NEW.headteacher_appointed_on)
    EXECUTE FUNCTION school_headship();

-- A school deleted (one nothing else names) takes the headships the
-- register kept for it; a role recorded by hand still holds it.
CREATE FUNCTION school_headships_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM person_role WHERE school_urn = OLD.urn AND source = 'register';
    RETURN OLD;
END
$$;
CREATE TRIGGER school_headships_gone BEFORE DELETE ON school
    FOR EACH ROW EXECUTE FUNCTION school_headships_gone();

-- ---- appointments and nominations name people ----------------------------

ALTER TABLE chair_appointment ADD COLUMN person_id bigint
    CONSTRAINT chair_person_fkey REFERENCES person (id);
ALTER TABLE chair_appointment ALTER COLUMN email DROP NOT NULL;
ALTER TABLE nomination ADD COLUMN person_id bigint
    CONSTRAINT nomination_person_fkey REFERENCES person (id);

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.id, g.la_id, c.person_name, c.email, c.school_urn FROM chair_appointment c
               JOIN school_group g ON g.id = c.group_id ORDER BY c.id LOOP
        UPDATE chair_appointment SET person_id = person_resolve(r.la_id, r.person_name, r.email, r.school_urn)
         WHERE id = r.id;
    END LOOP;
    FOR r IN SELECT n.id, g.la_id, n.person_name, n.email, n.school_urn FROM nomination n
               JOIN school_group g ON g.id = n.group_id ORDER BY n.id LOOP
        UPDATE nomination SET person_id = person_resolve(r.la_id, r.person_name, r.email, r.school_urn)
         WHERE id = r.id;
    END LOOP;
END
$$;
ALTER TABLE chair_appointment ALTER COLUMN person_id SET NOT NULL;
ALTER TABLE nomination ALTER COLUMN person_id SET NOT NULL;
CREATE INDEX chair_person_idx ON chair_appointment (person_id);
CREATE INDEX nomination_person_idx ON nomination (person_id);

-- An appointment or nomination names its person by person_id (their name
-- and email are then the person's) or by name and email (the person is
-- found or made). A change of the name or email on the record is a change
-- of the person's, so every record naming them says the same.
CREATE FUNCTION person_named() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_la bigint;
    v_person person;
BEGIN
    SELECT la_id INTO v_la FROM school_group WHERE id = NEW.group_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'group % does not exist', NEW.group_id
            USING ERRCODE = 'foreign_key_violation',
                  CONSTRAINT = CASE TG_TABLE_NAME WHEN 'chair_appointment' THEN 'chair_group_fkey'
                                                  ELSE 'nomination_group_fkey' END;
    END IF;
    IF NEW.person_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.person_id IS DISTINCT FROM OLD.person_id) THEN
        SELECT * INTO v_person FROM person WHERE id = NEW.person_id;
        IF NOT FOUND OR v_person.la_id <> v_la THEN
            RAISE EXCEPTION 'person % is not of the group''s local authority', NEW.person_id
                USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[0];
        END IF;
        NEW.person_name := v_person.name;
        NEW.email := coalesce(v_person.email, NEW.email);
    ELSIF NEW.person_id IS NULL AND NEW.person_name IS NOT NULL THEN
        NEW.person_id := person_resolve(v_la, NEW.person_name, NEW.email, NEW.school_urn);
        NEW.person_name := (SELECT name FROM person WHERE id = NEW.person_id);
    END IF;
    IF TG_OP = 'INSERT' AND TG_TABLE_NAME = 'chair_appointment' AND NEW.email IS NULL THEN
        RAISE EXCEPTION 'an appointment needs the person''s work email'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'chair_email_required';
    END IF;
    RETURN NEW;
END
$$;
-- (on a change, only when the person does: a new name or email on the same
-- person is person_renamed's)
CREATE TRIGGER chair_person_named BEFORE INSERT ON chair_appointment
    FOR EACH ROW EXECUTE FUNCTION person_named('chair_person_rule');
CREATE TRIGGER chair_person_changed BEFORE UPDATE ON chair_appointment
    FOR EACH ROW WHEN (NEW.person_id IS DISTINCT FROM OLD.person_id) EXECUTE FUNCTION person_named('chair_person_rule');
CREATE TRIGGER nomination_person_named BEFORE INSERT ON nomination
    FOR EACH ROW EXECUTE FUNCTION person_named('nomination_person_rule');
CREATE TRIGGER nomination_person_changed BEFORE UPDATE ON nomination
    FOR EACH ROW WHEN (NEW.person_id IS DISTINCT FROM OLD.person_id)
    EXECUTE FUNCTION person_named('nomination_person_rule');

-- A change of the name or email on the record, for the same person, is a
-- change of the person's (after the row is written: the person's copies
-- then include this row, already as it is).
CREATE FUNCTION person_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE person SET name = NEW.person_name, email = coalesce(NEW.email, email),
                      updated_at = now(), version = version + 1
     WHERE id = NEW.person_id AND erased_at IS NULL
       AND (name IS DISTINCT FROM NEW.person_name OR (NEW.email IS NOT NULL AND email IS DISTINCT FROM NEW.email));
    RETURN NULL;
END
$$;
CREATE TRIGGER chair_person_renamed AFTER UPDATE OF person_name, email ON chair_appointment
    FOR EACH ROW WHEN (NEW.person_id = OLD.person_id AND (NEW.person_name IS DISTINCT FROM OLD.person_name
                                                           OR NEW.email IS DISTINCT FROM OLD.email))
    EXECUTE FUNCTION person_renamed();
CREATE TRIGGER nomination_person_renamed AFTER UPDATE OF person_name, email ON nomination
    FOR EACH ROW WHEN (NEW.person_id = OLD.person_id AND (NEW.person_name IS DISTINCT FROM OLD.person_name
                                                           OR NEW.email IS DISTINCT FROM OLD.email))
    EXECUTE FUNCTION person_renamed();

-- A change of a person's name or email reaches every record that copies it.
CREATE FUNCTION person_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chair_appointment SET person_name = NEW.name, email = NEW.email,
                                 updated_at = now(), version = version + 1
     WHERE person_id = NEW.id AND (person_name, email) IS DISTINCT FROM (NEW.name, NEW.email);
    UPDATE nomination SET person_name = NEW.name, email = NEW.email, updated_at = now(), version = version + 1
     WHERE person_id = NEW.id AND (person_name, email) IS DISTINCT FROM (NEW.name, NEW.email);
    UPDATE school SET headteacher_name = NEW.name, updated_at = now(), version = version + 1
     WHERE headteacher_person_id = NEW.id AND headteacher_name IS DISTINCT FROM NEW.name;
    RETURN NULL;
END
$$;
CREATE TRIGGER person_copies AFTER UPDATE OF name, email ON person
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION person_copies();
