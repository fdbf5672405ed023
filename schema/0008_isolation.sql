-- One local authority's records never point at another's: the school of a
-- membership, a chair or deputy appointment, a nomination, an allocation's
-- payee and a meeting's attendance belong to the group's LA, and a fund
-- pays only groups of its own LA. Enforced here, so no code path can
-- forget it. Rows made before this rule are listed by cross_la_reference,
-- not changed: the service reports them at start.
--
-- Also: service accounts carry a token generation that every change of
-- what a token grants moves on (the replicas hear of it by NOTIFY), and
-- fund and group names are unique whatever their case.

-- Each trigger below is named to fire before the table's other BEFORE
-- triggers and before its exclusion constraints, so another LA's school
-- gets the same answer as a school that does not exist: nothing about
-- the other LA's records (a membership elsewhere, a phase) shows through.

-- Raised as a check violation naming `rule`; the API maps each name to a field.
CREATE FUNCTION school_of_group_la(p_urn integer, p_group bigint) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM school s JOIN school_group g ON g.la_id = s.la_id
                    WHERE s.urn = p_urn AND g.id = p_group)
$$;

CREATE FUNCTION group_school_la_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- an unknown group is the foreign key's to report
    IF NEW.school_urn IS NOT NULL AND EXISTS (SELECT 1 FROM school_group WHERE id = NEW.group_id)
       AND NOT school_of_group_la(NEW.school_urn, NEW.group_id) THEN
        RAISE EXCEPTION 'school % is not a school of the local authority of group %',
                        NEW.school_urn, NEW.group_id
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[0];
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER membership_a_la_rule BEFORE INSERT OR UPDATE OF group_id, school_urn ON membership
    FOR EACH ROW EXECUTE FUNCTION group_school_la_rule('membership_school_la_rule');
CREATE TRIGGER chair_a_la_rule BEFORE INSERT OR UPDATE OF group_id, school_urn ON chair_appointment
    FOR EACH ROW EXECUTE FUNCTION group_school_la_rule('chair_school_la_rule');
CREATE TRIGGER nomination_a_la_rule BEFORE INSERT OR UPDATE OF group_id, school_urn ON nomination
    FOR EACH ROW EXECUTE FUNCTION group_school_la_rule('nomination_school_la_rule');

-- An allocation: the fund is of the group's LA, and so is the payee.
CREATE FUNCTION allocation_la_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM fund f JOIN school_group g ON g.id = NEW.group_id
                WHERE f.id = NEW.fund_id AND f.la_id <> g.la_id) THEN
        RAISE EXCEPTION 'fund % is not a fund of the local authority of group %', NEW.fund_id,
                        NEW.group_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'allocation_fund_la_rule';
    END IF;
    IF NEW.payee_urn IS NOT NULL AND EXISTS (SELECT 1 FROM school_group WHERE id = NEW.group_id)
       AND NOT school_of_group_la(NEW.payee_urn, NEW.group_id) THEN
        RAISE EXCEPTION 'school % is not a school of the local authority of group %',
                        NEW.payee_urn, NEW.group_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'allocation_payee_la_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER allocation_a_la_rule BEFORE INSERT OR UPDATE OF fund_id, group_id, payee_urn
    ON fund_allocation FOR EACH ROW EXECUTE FUNCTION allocation_la_rule();

-- A group's plan is for a fund of the group's LA.
CREATE FUNCTION plan_la_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM fund f JOIN school_group g ON g.id = NEW.group_id
                WHERE f.id = NEW.fund_id AND f.la_id <> g.la_id) THEN
        RAISE EXCEPTION 'fund % is not a fund of the local authority of group %', NEW.fund_id,
                        NEW.group_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_fund_la_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER plan_a_la_rule BEFORE INSERT OR UPDATE OF group_id, fund_id ON action_plan
    FOR EACH ROW EXECUTE FUNCTION plan_la_rule();

-- Attendance: members on the day that are schools of the group's LA.
CREATE OR REPLACE FUNCTION meeting_attendance_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM jsonb_array_elements_text(NEW.attended_urns) u
                WHERE NOT EXISTS (SELECT 1 FROM membership m
                                    JOIN school s ON s.urn = m.school_urn
                                    JOIN school_group g ON g.id = m.group_id AND g.la_id = s.la_id
                                   WHERE m.group_id = NEW.group_id
                                     AND m.school_urn = u::integer AND m.valid @> NEW.held_on)) THEN
        RAISE EXCEPTION 'a school in attended_urns was not a member of group % on %', NEW.group_id,
                        NEW.held_on USING ERRCODE = 'check_violation', CONSTRAINT = 'meeting_attendance_rule';
    END IF;
    RETURN NEW;
END
$$;

-- Support goes to a school flagged vulnerable; a school that does not exist
-- is the foreign key's to report, as one of another LA is.
CREATE OR REPLACE FUNCTION support_vulnerable_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM school WHERE urn = NEW.school_urn AND NOT vulnerable) THEN
        RAISE EXCEPTION 'school % is not flagged vulnerable', NEW.school_urn
            USING ERRCODE = 'check_violation', CONSTRAINT = 'support_vulnerable_rule';
    END IF;
    RETURN NEW;
END
$$;

-- A school that groups, chairs, nominations or allocations name keeps its
-- LA: moving it would carry those records into another LA.
CREATE FUNCTION school_la_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.la_id <> OLD.la_id AND (
           EXISTS (SELECT 1 FROM membership WHERE school_urn = OLD.urn)
        OR EXISTS (SELECT 1 FROM chair_appointment WHERE school_urn = OLD.urn)
        OR EXISTS (SELECT 1 FROM nomination WHERE school_urn = OLD.urn)
        OR EXISTS (SELECT 1 FROM fund_allocation WHERE payee_urn = OLD.urn)) THEN
        RAISE EXCEPTION 'school % is named by records of its local authority', OLD.urn
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'school_la_kept';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER school_la_kept BEFORE UPDATE OF la_id ON school
    FOR EACH ROW EXECUTE FUNCTION school_la_kept();

-- What broke the rule before it was enforced: one row per reference.
CREATE VIEW cross_la_reference AS
    SELECT 'membership'::text AS resource, m.id, 'school_urn'::text AS field,
           gl.code AS la_code, sl.code AS other_la_code
      FROM membership m JOIN school_group g ON g.id = m.group_id JOIN school s ON s.urn = m.school_urn
      JOIN local_authority gl ON gl.id = g.la_id JOIN local_authority sl ON sl.id = s.la_id
     WHERE s.la_id <> g.la_id
    UNION ALL
    SELECT 'chair', c.id, 'school_urn', gl.code, sl.code
      FROM chair_appointment c JOIN school_group g ON g.id = c.group_id JOIN school s ON s.urn = c.school_urn
      JOIN local_authority gl ON gl.id = g.la_id JOIN local_authority sl ON sl.id = s.la_id
     WHERE s.la_id <> g.la_id
    UNION ALL
    SELECT 'nomination', n.id, 'school_urn', gl.code, sl.code
      FROM nomination n JOIN school_group g ON g.id = n.group_id JOIN school s ON s.urn = n.school_urn
      JOIN local_authority gl ON gl.id = g.la_id JOIN local_authority sl ON sl.id = s.la_id
     WHERE s.la_id <> g.la_id
    UNION ALL
    SELECT 'fund-allocation', a.id, 'payee_urn', gl.code, sl.code
      FROM fund_allocation a JOIN school_group g ON g.id = a.group_id JOIN school s ON s.urn = a.payee_urn
      JOIN local_authority gl ON gl.id = g.la_id JOIN local_authority sl ON sl.id = s.la_id
     WHERE s.la_id <> g.la_id
    UNION ALL
    SELECT 'fund-allocation', a.id, 'fund_id', gl.code, fl.code
      FROM fund_allocation a JOIN fund f ON f.id = a.fund_id JOIN school_group g ON g.id = a.group_id
      JOIN local_authority fl ON fl.id = f.la_id JOIN local_authority gl ON gl.id = g.la_id
     WHERE f.la_id <> g.la_id
    UNION ALL
    SELECT 'action-plan', p.id, 'fund_id', gl.code, fl.code
      FROM action_plan p JOIN fund f ON f.id = p.fund_id JOIN school_group g ON g.id = p.group_id
      JOIN local_authority fl ON fl.id = f.la_id JOIN local_authority gl ON gl.id = g.la_id
     WHERE f.la_id <> g.la_id;

-- ---- tokens end with the grant they carry ------------------------------

-- Moves on whenever what the account's tokens grant changes: its role, its
-- scope, its secret, its revocation. A token names the generation it was
-- issued under and is refused once the account has moved past it.
ALTER TABLE service_account ADD COLUMN token_generation integer NOT NULL DEFAULT 1;

CREATE FUNCTION service_account_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.role, NEW.la_code, NEW.school_urn, NEW.group_id, NEW.secret_hash, NEW.revoked_at)
       IS DISTINCT FROM
       (OLD.role, OLD.la_code, OLD.school_urn, OLD.group_id, OLD.secret_hash, OLD.revoked_at) THEN
        NEW.token_generation := OLD.token_generation + 1;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER service_account_generation BEFORE UPDATE ON service_account
    FOR EACH ROW EXECUTE FUNCTION service_account_generation();

-- Every replica keeps the accounts' generations in memory and listens here;
-- a notification is delivered only when the change commits.
CREATE FUNCTION service_account_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.token_generation <> OLD.token_generation THEN
        PERFORM pg_notify('service_account_changed',
                          NEW.id || ' ' || NEW.token_generation || ' '
                          || CASE WHEN NEW.revoked_at IS NULL THEN 0 ELSE 1 END);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER service_account_notify AFTER INSERT OR UPDATE ON service_account
    FOR EACH ROW EXECUTE FUNCTION service_account_notify();

-- ---- names compared as a reader would ----------------------------------

-- Names arrive trimmed and in Unicode NFC; two that differ only by case
-- are the same name.
ALTER TABLE fund DROP CONSTRAINT fund_name_key;
CREATE UNIQUE INDEX fund_name_key ON fund (la_id, academic_year, lower(name COLLATE "und-x-icu"));
ALTER TABLE school_group DROP CONSTRAINT school_group_name_key;
CREATE UNIQUE INDEX school_group_name_key ON school_group (la_id, kind, lower(name COLLATE "und-x-icu"));

-- The import does not say whose a URN is: a URN another LA holds is refused
-- in the words used for any URN this LA cannot take.
CREATE OR REPLACE FUNCTION import_school(
    p_urn integer, p_la_code integer, p_la_name text, p_estab integer,
    p_name text, p_phase text, p_type text, p_status text,
    p_has_ofsted boolean, p_ofsted_grade text, p_ofsted_date date,
    p_has_pupils boolean, p_pupils integer,
    p_has_head boolean, p_head text,
    p_has_opened boolean, p_opened date,
    p_has_closed boolean, p_closed date,
    p_district text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_la   bigint;
    v_area bigint;
    v_old  school%ROWTYPE;
    v_new  school%ROWTYPE;
BEGIN
    SELECT id INTO v_la FROM local_authority WHERE code = p_la_code;
    IF NOT FOUND THEN
        INSERT INTO local_authority (code, name) VALUES (p_la_code, p_la_name)
        RETURNING id INTO v_la;
    END IF;
    IF p_district IS NOT NULL THEN
        SELECT id INTO v_area FROM area
         WHERE la_id = v_la AND p_district = ANY (district_codes)
         ORDER BY id LIMIT 1;
    END IF;

    SELECT * INTO v_old FROM school WHERE urn = p_urn FOR UPDATE;
    IF NOT FOUND THEN
        BEGIN
            INSERT INTO school (urn, la_id, establishment_number, name, phase, type, status,
                                ofsted_grade, ofsted_date, pupils, headteacher_name,
                                opened_on, closed_on, area_id)
            VALUES (p_urn, v_la, p_estab, p_name, p_phase, p_type, p_status,
                    CASE WHEN p_has_ofsted THEN p_ofsted_grade ELSE 'none' END,
                    CASE WHEN p_has_ofsted THEN p_ofsted_date END,
                    CASE WHEN p_has_pupils THEN p_pupils END,
                    CASE WHEN p_has_head THEN p_head END,
                    CASE WHEN p_has_opened THEN p_opened END,
                    CASE WHEN p_has_closed THEN p_closed END,
                    v_area);
        EXCEPTION
            WHEN unique_violation THEN
                RETURN format('rejected:establishment number %s/%s already belongs to another school',
                              p_la_code, p_estab);
            WHEN check_violation THEN
                RETURN 'rejected:' || SQLERRM;
        END;
        RETURN 'created';
    END IF;

    IF v_old.la_id <> v_la THEN
        RETURN format('rejected:URN %s cannot be registered under local authority %s', p_urn, p_la_code);
    END IF;
    v_new := v_old;
    v_new.establishment_number := p_estab;
    v_new.name := p_name;
    v_new.phase := p_phase;
    v_new.type := p_type;
    v_new.status := p_status;
    IF p_has_ofsted THEN
        v_new.ofsted_grade := p_ofsted_grade;
        v_new.ofsted_date := p_ofsted_date;
    END IF;
    IF p_has_pupils THEN v_new.pupils := p_pupils; END IF;
    IF p_has_head THEN v_new.headteacher_name := p_head; END IF;
    IF p_has_opened THEN v_new.opened_on := p_opened; END IF;
    IF p_has_closed THEN v_new.closed_on := p_closed; END IF;
    v_new.area_id := coalesce(v_old.area_id, v_area);
    IF v_new IS NOT DISTINCT FROM v_old THEN
        RETURN 'unchanged';
    END IF;
    BEGIN
        UPDATE school SET establishment_number = v_new.establishment_number,
               name = v_new.name, phase = v_new.phase, type = v_new.type,
               status = v_new.status, ofsted_grade = v_new.ofsted_grade,
               ofsted_date = v_new.ofsted_date, pupils = v_new.pupils,
               headteacher_name = v_new.headteacher_name,
               opened_on = v_new.opened_on, closed_on = v_new.closed_on,
               area_id = v_new.area_id,
               updated_at = now(), version = version + 1
         WHERE urn = p_urn;
    EXCEPTION
        WHEN unique_violation THEN
            RETURN format('rejected:establishment number %s/%s already belongs to another school',
                          p_la_code, p_estab);
        WHEN check_violation THEN
            RETURN 'rejected:' || SQLERRM;
    END;
    RETURN 'updated';
END
$$;
