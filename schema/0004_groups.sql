-- Families of schools: primary consortia and secondary area networks (one
-- model, two kinds), their members over time, their chairs and deputies,
-- and the leads they nominate.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE school_group (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('consortium', 'area_network')),
    la_id      bigint NOT NULL CONSTRAINT school_group_la_fkey REFERENCES local_authority (id),
    area_id    bigint,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    created_on date NOT NULL DEFAULT current_date,
    closed_on  date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    CONSTRAINT school_group_name_key UNIQUE (la_id, kind, name),
    CONSTRAINT school_group_id_kind_key UNIQUE (id, kind),
    CONSTRAINT school_group_area_fkey FOREIGN KEY (area_id, la_id) REFERENCES area (id, la_id),
    CONSTRAINT school_group_dates_check CHECK (closed_on IS NULL OR closed_on >= created_on)
);
CREATE INDEX school_group_la_idx ON school_group (la_id, id);
CREATE INDEX school_group_name_idx ON school_group (name, id);

-- A school is in at most one group of each kind on any day: the database
-- itself refuses overlapping memberships, whatever requests race.
CREATE TABLE membership (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id   bigint NOT NULL,
    kind       text NOT NULL,
    school_urn integer NOT NULL CONSTRAINT membership_school_fkey REFERENCES school (urn),
    start_date date NOT NULL,
    end_date   date,
    valid      daterange GENERATED ALWAYS AS (daterange(start_date, end_date, '[]')) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    CONSTRAINT membership_group_fkey FOREIGN KEY (group_id, kind) REFERENCES school_group (id, kind),
    CONSTRAINT membership_dates_check CHECK (end_date IS NULL OR end_date >= start_date),
    CONSTRAINT membership_one_group_per_kind
        EXCLUDE USING gist (school_urn WITH =, kind WITH =, valid WITH &&)
);
CREATE INDEX membership_group_idx ON membership (group_id);

-- Chairs and deputies: at most one of each per group on any day.
CREATE TABLE chair_appointment (
    id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id                  bigint NOT NULL CONSTRAINT chair_group_fkey REFERENCES school_group (id),
    role                      text NOT NULL CHECK (role IN ('chair', 'deputy')),
    person_name               text NOT NULL CHECK (length(person_name) BETWEEN 1 AND 200),
    email                     text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    school_urn                integer NOT NULL CONSTRAINT chair_school_fkey REFERENCES school (urn),
    head_since                date NOT NULL,
    led_school_grades         text[] NOT NULL DEFAULT '{}',
    governing_body_support_on date,
    group_backing             text,
    group_backing_on          date,
    time_commitment           boolean NOT NULL DEFAULT false,
    improvement_note          text,
    start_date                date NOT NULL,
    end_date                  date,
    elected_on                date NOT NULL,
    review_due_on             date NOT NULL,
    confirmed_on              date,
    override_justification    text,
    eligibility               jsonb NOT NULL,
    term                      daterange GENERATED ALWAYS AS (daterange(start_date, end_date, '[]')) STORED,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    version                   integer NOT NULL DEFAULT 1,
    CONSTRAINT chair_dates_check CHECK (end_date IS NULL OR end_date >= start_date),
    CONSTRAINT chair_one_per_role
        EXCLUDE USING gist (group_id WITH =, role WITH =, term WITH &&)
);
CREATE INDEX chair_review_idx ON chair_appointment (review_due_on);

-- Leads a group nominates from its member schools (the remote learning
-- expert lead first); one holder of each role per group on any day.
CREATE TABLE nomination (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id    bigint NOT NULL CONSTRAINT nomination_group_fkey REFERENCES school_group (id),
    role        text NOT NULL CHECK (role IN ('remote_learning_lead')),
    person_name text NOT NULL CHECK (length(person_name) BETWEEN 1 AND 200),
    email       text CHECK (length(email) BETWEEN 3 AND 254),
    school_urn  integer NOT NULL CONSTRAINT nomination_school_fkey REFERENCES school (urn),
    start_date  date NOT NULL,
    end_date    date,
    term        daterange GENERATED ALWAYS AS (daterange(start_date, end_date, '[]')) STORED,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1,
    CONSTRAINT nomination_dates_check CHECK (end_date IS NULL OR end_date >= start_date),
    CONSTRAINT nomination_one_per_role
        EXCLUDE USING gist (group_id WITH =, role WITH =, term WITH &&)
);

-- Service accounts may be scoped to a group (a chair's front-end).
ALTER TABLE service_account
    ADD COLUMN group_id bigint CONSTRAINT service_account_group_fkey REFERENCES school_group (id);

-- Primary-phase schools join consortia and secondary-phase schools area
-- networks; other phases may join either.
CREATE FUNCTION membership_phase_rule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_phase text;
BEGIN
    SELECT phase INTO v_phase FROM school WHERE urn = NEW.school_urn;
    IF (v_phase = 'primary' AND NEW.kind <> 'consortium')
       OR (v_phase = 'secondary' AND NEW.kind <> 'area_network') THEN
        RAISE EXCEPTION 'a % school cannot join a %', v_phase, NEW.kind
            USING ERRCODE = 'check_violation', CONSTRAINT = 'membership_phase_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER membership_phase_rule BEFORE INSERT OR UPDATE ON membership
    FOR EACH ROW EXECUTE FUNCTION membership_phase_rule();

-- A nominated lead comes from a school that is a member of the group when
-- the nomination starts.
CREATE FUNCTION nomination_member_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- an unknown group is the foreign key's to report
    IF NOT EXISTS (SELECT 1 FROM school_group WHERE id = NEW.group_id) THEN
        RETURN NEW;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM membership
                    WHERE group_id = NEW.group_id AND school_urn = NEW.school_urn
                      AND valid @> NEW.start_date) THEN
        RAISE EXCEPTION 'school % is not a member of group % on %', NEW.school_urn,
                        NEW.group_id, NEW.start_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'nomination_member_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER nomination_member_rule BEFORE INSERT OR UPDATE ON nomination
    FOR EACH ROW EXECUTE FUNCTION nomination_member_rule();
