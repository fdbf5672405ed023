-- The chairs' casework (seeds 000 and 001): each duty of a chair that
-- leaves a record, kept by the chair for its own group or by the LA's
-- officers: the support of new heads, the support brokered for vulnerable
-- schools and its reviews, panel outcomes, development issues, requests for
-- assistance or finance, school-to-school support, inspections and who spoke
-- for the school, the allocation of system leaders, and references.
-- What is reported to the Area Analysis Group carries the meeting that
-- received it (reported_meeting_id): the AAG's next pack holds the rest.

-- ---- half-terms -------------------------------------------------------------

-- The half-term holding d: autumn 1 (September, October), autumn 2
-- (November, December), spring 1 (1 January to 15 February), spring 2 (to
-- March), summer 1 (April, May), summer 2 (June to August). The LA's own
-- holiday dates move the edges by days; a check-in is judged by these.
CREATE FUNCTION half_term(d date) RETURNS daterange LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN m >= 9 AND m <= 10 THEN daterange(make_date(y, 9, 1), make_date(y, 11, 1))
        WHEN m >= 11 THEN daterange(make_date(y, 11, 1), make_date(y + 1, 1, 1))
        WHEN d < make_date(y, 2, 16) THEN daterange(make_date(y, 1, 1), make_date(y, 2, 16))
        WHEN m <= 3 THEN daterange(make_date(y, 2, 16), make_date(y, 4, 1))
        WHEN m <= 5 THEN daterange(make_date(y, 4, 1), make_date(y, 6, 1))
        ELSE daterange(make_date(y, 6, 1), make_date(y, 9, 1)) END
      FROM (SELECT extract(year FROM d)::integer AS y, extract(month FROM d)::integer AS m) x
$$;

-- Was school p_urn a member of group p_group on p_on?
CREATE FUNCTION member_on(p_group bigint, p_urn integer, p_on date) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM membership WHERE group_id = p_group AND school_urn = p_urn AND valid @> p_on)
$$;

-- Is person p_person one of group p_group's LA?
CREATE FUNCTION person_of_group_la(p_person bigint, p_group bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM person p JOIN school_group g ON g.la_id = p.la_id
                    WHERE p.id = p_person AND g.id = p_group)
$$;

-- A meeting that received casework is one of an Area Analysis Group.
CREATE FUNCTION reported_meeting_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.reported_meeting_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM meeting m JOIN body b ON b.id = m.body_id
         WHERE m.id = NEW.reported_meeting_id AND b.kind = 'area_analysis_group') THEN
        RAISE EXCEPTION 'meeting % is not one of an Area Analysis Group', NEW.reported_meeting_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'reported_meeting_rule';
    END IF;
    RETURN NEW;
END
$$;

-- ---- new headteachers ------------------------------------------------------

CREATE TABLE head_support (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id             bigint NOT NULL CONSTRAINT head_support_group_fkey REFERENCES school_group (id),
    school_urn           integer NOT NULL CONSTRAINT head_support_school_fkey REFERENCES school (urn),
    person_id            bigint NOT NULL CONSTRAINT head_support_person_fkey REFERENCES person (id),
    kind                 text NOT NULL CONSTRAINT head_support_kind_check
                             CHECK (kind IN ('check_in', 'coaching_offered', 'peer_coaching', 'mentoring')),
    held_on              date NOT NULL,
    by_person_id         bigint CONSTRAINT head_support_by_fkey REFERENCES person (id),
    notes                text CONSTRAINT head_support_notes_check CHECK (length(notes) BETWEEN 1 AND 2000),
    wellbeing_signposted boolean,
    funding              text CONSTRAINT head_support_funding_values CHECK (funding IN ('free_maintained', 'bought_in')),
    reported_meeting_id  bigint CONSTRAINT head_support_meeting_fkey REFERENCES meeting (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1,
    CONSTRAINT head_support_wellbeing_check CHECK ((kind = 'check_in') = (wellbeing_signposted IS NOT NULL)),
    CONSTRAINT head_support_funding_check
        CHECK ((kind IN ('coaching_offered', 'peer_coaching')) = (funding IS NOT NULL))
);
CREATE INDEX head_support_group_idx ON head_support (group_id, held_on);
CREATE INDEX head_support_person_idx ON head_support (person_id);

-- The school is the group's that day, the person its head that day, and who
-- gave the support one of the group's LA. Checked when those change, not when
-- the record is marked reported (a later change of membership leaves it be).
CREATE FUNCTION head_support_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT member_on(NEW.group_id, NEW.school_urn, NEW.held_on) THEN
        RAISE EXCEPTION 'school % was not a member of group % on %', NEW.school_urn, NEW.group_id, NEW.held_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'head_support_member_rule';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM person_role WHERE person_id = NEW.person_id AND school_urn = NEW.school_urn
                                               AND role = 'headteacher' AND term @> NEW.held_on) THEN
        RAISE EXCEPTION 'person % was not the head of school % on %', NEW.person_id, NEW.school_urn, NEW.held_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'head_support_head_rule';
    END IF;
    IF NEW.by_person_id IS NOT NULL AND NOT person_of_group_la(NEW.by_person_id, NEW.group_id) THEN
        RAISE EXCEPTION 'person % is not of the group''s LA', NEW.by_person_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'head_support_by_fkey';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER head_support_rule BEFORE INSERT OR UPDATE OF group_id, school_urn, person_id, held_on, by_person_id
    ON head_support
    FOR EACH ROW EXECUTE FUNCTION head_support_rule();
CREATE TRIGGER head_support_reported BEFORE INSERT OR UPDATE OF reported_meeting_id ON head_support
    FOR EACH ROW EXECUTE FUNCTION reported_meeting_rule();

-- ---- support brokered for vulnerable schools, and its reviews --------------

ALTER TABLE support_record
    ADD COLUMN group_id bigint CONSTRAINT support_group_fkey REFERENCES school_group (id),
    ADD COLUMN provider text CONSTRAINT support_provider_check CHECK (length(provider) BETWEEN 1 AND 200),
    ADD COLUMN cost_pence bigint CONSTRAINT support_cost_check CHECK (cost_pence BETWEEN 0 AND 100000000000000),
    ADD COLUMN funding text CONSTRAINT support_funding_values CHECK (funding IN ('fund', 'contributed')),
    ADD COLUMN fund_id bigint CONSTRAINT support_fund_fkey REFERENCES fund (id),
    ADD COLUMN reported_meeting_id bigint CONSTRAINT support_meeting_fkey REFERENCES meeting (id),
    ADD CONSTRAINT support_fund_check CHECK ((funding = 'fund') = (fund_id IS NOT NULL)),
    ADD CONSTRAINT support_funding_cost_check CHECK (funding IS NULL OR cost_pence IS NOT NULL);

-- A chair brokers support for a school of its group; a fund is one of the school's LA.
CREATE FUNCTION support_broker_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.group_id IS NOT NULL AND NOT member_on(NEW.group_id, NEW.school_urn, NEW.started_on) THEN
        RAISE EXCEPTION 'school % was not a member of group % on %', NEW.school_urn, NEW.group_id, NEW.started_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'support_member_rule';
    END IF;
    IF NEW.fund_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM fund f JOIN school s ON s.la_id = f.la_id WHERE f.id = NEW.fund_id AND s.urn = NEW.school_urn) THEN
        RAISE EXCEPTION 'fund % is not of the school''s LA', NEW.fund_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'support_fund_fkey';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER support_broker_rule BEFORE INSERT OR UPDATE OF group_id, school_urn, started_on, fund_id
    ON support_record
    FOR EACH ROW EXECUTE FUNCTION support_broker_rule();
CREATE TRIGGER support_reported BEFORE INSERT OR UPDATE OF reported_meeting_id ON support_record
    FOR EACH ROW EXECUTE FUNCTION reported_meeting_rule();

CREATE TABLE support_review (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    support_id          bigint NOT NULL CONSTRAINT support_review_support_fkey REFERENCES support_record (id),
    kind                text NOT NULL CONSTRAINT support_review_kind_check CHECK (kind IN ('progress', 'effectiveness')),
    reviewed_on         date NOT NULL,
    rating              text NOT NULL,
    notes               text NOT NULL CONSTRAINT support_review_notes_check CHECK (length(notes) BETWEEN 1 AND 2000),
    reported_meeting_id bigint CONSTRAINT support_review_meeting_fkey REFERENCES meeting (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    CONSTRAINT support_review_rating_check CHECK (CASE kind
        WHEN 'progress' THEN rating IN ('on_track', 'some_concerns', 'off_track')
        ELSE rating IN ('effective', 'partly_effective', 'not_effective') END)
);
CREATE INDEX support_review_support_idx ON support_review (support_id);

CREATE FUNCTION support_review_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM support_record WHERE id = NEW.support_id AND NEW.reviewed_on < started_on) THEN
        RAISE EXCEPTION 'a review cannot come before the support started'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'support_review_date_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER support_review_rule BEFORE INSERT OR UPDATE OF support_id, reviewed_on ON support_review
    FOR EACH ROW EXECUTE FUNCTION support_review_rule();
CREATE TRIGGER support_review_reported BEFORE INSERT OR UPDATE OF reported_meeting_id ON support_review
    FOR EACH ROW EXECUTE FUNCTION reported_meeting_rule();

-- ---- FAP and Assessment Gateway panels (counts only, never pupils) ---------

CREATE TABLE panel_outcome (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id            bigint NOT NULL CONSTRAINT panel_outcome_group_fkey REFERENCES school_group (id),
    panel               text NOT NULL CONSTRAINT panel_outcome_panel_check CHECK (panel IN ('fap', 'assessment_gateway')),
    held_on             date NOT NULL,
    pupils_considered   integer NOT NULL CONSTRAINT panel_outcome_pupils_check CHECK (pupils_considered BETWEEN 0 AND 10000),
    outcome             text NOT NULL CONSTRAINT panel_outcome_outcome_check CHECK (length(outcome) BETWEEN 1 AND 2000),
    capacity_view       text CONSTRAINT panel_outcome_capacity_check CHECK (length(capacity_view) BETWEEN 1 AND 2000),
    reported_meeting_id bigint CONSTRAINT panel_outcome_meeting_fkey REFERENCES meeting (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1
);
CREATE INDEX panel_outcome_group_idx ON panel_outcome (group_id, held_on);
CREATE TRIGGER panel_outcome_reported BEFORE INSERT OR UPDATE OF reported_meeting_id ON panel_outcome
    FOR EACH ROW EXECUTE FUNCTION reported_meeting_rule();

-- ---- common development issues, and requests for assistance or finance -----

CREATE TABLE development_issue (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id            bigint NOT NULL CONSTRAINT development_issue_group_fkey REFERENCES school_group (id),
    raised_on           date NOT NULL,
    raised_with         text NOT NULL DEFAULT 'aag'
                            CONSTRAINT development_issue_with_check CHECK (raised_with IN ('aag', 'wsip')),
    issue               text NOT NULL CONSTRAINT development_issue_issue_check CHECK (length(issue) BETWEEN 1 AND 2000),
    reported_meeting_id bigint CONSTRAINT development_issue_meeting_fkey REFERENCES meeting (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1
);
CREATE INDEX development_issue_group_idx ON development_issue (group_id, raised_on);
CREATE TRIGGER development_issue_reported BEFORE INSERT OR UPDATE OF reported_meeting_id ON development_issue
    FOR EACH ROW EXECUTE FUNCTION reported_meeting_rule();

CREATE TABLE assistance_request (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id            bigint NOT NULL CONSTRAINT assistance_group_fkey REFERENCES school_group (id),
    school_urn          integer CONSTRAINT assistance_school_fkey REFERENCES school (urn),
    requested_on        date NOT NULL,
    asked_of            text NOT NULL CONSTRAINT assistance_asked_of_check CHECK (asked_of IN ('members', 'aag', 'wsip')),
    kind                text NOT NULL CONSTRAINT assistance_kind_check CHECK (kind IN ('assistance', 'finance')),
    request             text NOT NULL CONSTRAINT assistance_request_check CHECK (length(request) BETWEEN 1 AND 2000),
    amount_pence        bigint CONSTRAINT assistance_amount_check CHECK (amount_pence BETWEEN 1 AND 100000000000000),
    decision            text CONSTRAINT assistance_decision_values CHECK (decision IN ('granted', 'declined')),
    decided_on          date,
    decision_notes      text CONSTRAINT assistance_notes_check CHECK (length(decision_notes) BETWEEN 1 AND 2000),
    allocation_id       bigint CONSTRAINT assistance_allocation_fkey REFERENCES fund_allocation (id),
    reported_meeting_id bigint CONSTRAINT assistance_meeting_fkey REFERENCES meeting (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    CONSTRAINT assistance_amount_kind_check CHECK (amount_pence IS NULL OR kind = 'finance'),
    CONSTRAINT assistance_decided_check CHECK ((decision IS NULL) = (decided_on IS NULL)),
    CONSTRAINT assistance_decided_date_check CHECK (decided_on IS NULL OR decided_on >= requested_on),
    CONSTRAINT assistance_allocation_check
        CHECK (allocation_id IS NULL OR (decision = 'granted' AND kind = 'finance'))
);
CREATE INDEX assistance_group_idx ON assistance_request (group_id, requested_on);

-- The member asking is the group's; money granted is an allocation of a
-- fund of kind `other` to the same group.
CREATE FUNCTION assistance_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.school_urn IS NOT NULL AND NOT member_on(NEW.group_id, NEW.school_urn, NEW.requested_on) THEN
        RAISE EXCEPTION 'school % was not a member of group % on %', NEW.school_urn, NEW.group_id, NEW.requested_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'assistance_member_rule';
    END IF;
    IF NEW.allocation_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM fund_allocation a JOIN fund f ON f.id = a.fund_id
         WHERE a.id = NEW.allocation_id AND a.group_id = NEW.group_id AND f.kind = 'other') THEN
        RAISE EXCEPTION 'allocation % is not one of a fund of kind other to group %', NEW.allocation_id, NEW.group_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'assistance_allocation_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER assistance_rule BEFORE INSERT OR UPDATE OF group_id, school_urn, requested_on, allocation_id
    ON assistance_request
    FOR EACH ROW EXECUTE FUNCTION assistance_rule();
CREATE TRIGGER assistance_reported BEFORE INSERT OR UPDATE OF reported_meeting_id ON assistance_request
    FOR EACH ROW EXECUTE FUNCTION reported_meeting_rule();

-- ---- school-to-school support ----------------------------------------------

CREATE TABLE school_support (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id             bigint NOT NULL CONSTRAINT school_support_group_fkey REFERENCES school_group (id),
    kind                 text NOT NULL CONSTRAINT school_support_kind_check
                             CHECK (kind IN ('learning_walk', 'peer_review', 'joint_practice', 'moderation', 'other')),
    providing_school_urn integer NOT NULL CONSTRAINT school_support_providing_fkey REFERENCES school (urn),
    receiving_school_urn integer NOT NULL CONSTRAINT school_support_receiving_fkey REFERENCES school (urn),
    held_on              date NOT NULL,
    focus                text NOT NULL CONSTRAINT school_support_focus_check CHECK (length(focus) BETWEEN 1 AND 2000),
    follow_up            text CONSTRAINT school_support_follow_up_check CHECK (length(follow_up) BETWEEN 1 AND 2000),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1,
    CONSTRAINT school_support_two_schools_check CHECK (providing_school_urn <> receiving_school_urn)
);
CREATE INDEX school_support_group_idx ON school_support (group_id, held_on);

CREATE FUNCTION school_support_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT member_on(NEW.group_id, NEW.providing_school_urn, NEW.held_on)
       OR NOT member_on(NEW.group_id, NEW.receiving_school_urn, NEW.held_on) THEN
        RAISE EXCEPTION 'both schools must be members of group % on %', NEW.group_id, NEW.held_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'school_support_member_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER school_support_rule BEFORE INSERT OR UPDATE ON school_support
    FOR EACH ROW EXECUTE FUNCTION school_support_rule();

-- ---- system leaders allocated to schools, and inspections ------------------

CREATE TABLE system_leader (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school_urn integer NOT NULL CONSTRAINT system_leader_school_fkey REFERENCES school (urn),
    person_id  bigint NOT NULL CONSTRAINT system_leader_person_fkey REFERENCES person (id),
    start_date date NOT NULL,
    end_date   date,
    term       daterange GENERATED ALWAYS AS (daterange(start_date, end_date, '[]')) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    CONSTRAINT system_leader_dates_check CHECK (end_date IS NULL OR end_date >= start_date),
    CONSTRAINT system_leader_one_per_school EXCLUDE USING gist (school_urn WITH =, term WITH &&)
);

-- The person is of the school's LA and holds the role of system leader when the allocation starts.
CREATE FUNCTION system_leader_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM person p JOIN school s ON s.la_id = p.la_id
                    WHERE p.id = NEW.person_id AND s.urn = NEW.school_urn) THEN
        RAISE EXCEPTION 'person % is not of the school''s LA', NEW.person_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'system_leader_person_fkey';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM person_role WHERE person_id = NEW.person_id AND role = 'system_leader'
                                               AND term @> NEW.start_date) THEN
        RAISE EXCEPTION 'person % is not a system leader on %', NEW.person_id, NEW.start_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'system_leader_role_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER system_leader_rule BEFORE INSERT OR UPDATE ON system_leader
    FOR EACH ROW EXECUTE FUNCTION system_leader_rule();

CREATE TABLE inspection (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id          bigint NOT NULL CONSTRAINT inspection_group_fkey REFERENCES school_group (id),
    school_urn        integer NOT NULL CONSTRAINT inspection_school_fkey REFERENCES school (urn),
    inspected_on      date NOT NULL,
    inspectorate      text NOT NULL CONSTRAINT inspection_inspectorate_check CHECK (inspectorate IN ('ofsted', 'hmi', 'estyn')),
    speaker_role      text NOT NULL CONSTRAINT inspection_speaker_role_check
                          CHECK (speaker_role IN ('chair', 'system_leader', 'trust_ceo', 'school_improvement_partner', 'other')),
    speaker_person_id bigint CONSTRAINT inspection_speaker_fkey REFERENCES person (id),
    speaker_name      text CONSTRAINT inspection_speaker_name_check CHECK (length(speaker_name) BETWEEN 1 AND 200),
    override_reason   text CONSTRAINT inspection_override_check CHECK (length(override_reason) BETWEEN 1 AND 2000),
    outcome           text CONSTRAINT inspection_outcome_check CHECK (length(outcome) BETWEEN 1 AND 2000),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    version           integer NOT NULL DEFAULT 1,
    CONSTRAINT inspection_speaker_named CHECK (speaker_person_id IS NOT NULL OR speaker_name IS NOT NULL)
);
CREATE INDEX inspection_group_idx ON inspection (group_id, inspected_on);

-- Who the seeds say speaks for a school inspected on p_on, as (role, person):
-- the trust's CEO or school improvement partner for an academy or free
-- school (person unknown here), the allocated system leader for a
-- maintained school of category 3 or 4, else the group's chair.
CREATE FUNCTION inspection_speaker(p_group bigint, p_urn integer, p_on date, OUT role text, OUT person_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN s.type IN ('academy', 'free_school') THEN 'trust_ceo'
                WHEN s.support_category IN (3, 4) THEN 'system_leader' ELSE 'chair' END,
           CASE WHEN s.type IN ('academy', 'free_school') THEN NULL
                WHEN s.support_category IN (3, 4) THEN
                    (SELECT l.person_id FROM system_leader l WHERE l.school_urn = s.urn AND l.term @> p_on)
                ELSE (SELECT c.person_id FROM chair_appointment c
                       WHERE c.group_id = p_group AND c.role = 'chair' AND c.term @> p_on) END
      FROM school s WHERE s.urn = p_urn
$$;

CREATE FUNCTION inspection_rule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_role text;
    v_person bigint;
    v_ok boolean;
BEGIN
    IF NOT member_on(NEW.group_id, NEW.school_urn, NEW.inspected_on) THEN
        RAISE EXCEPTION 'school % was not a member of group % on %', NEW.school_urn, NEW.group_id, NEW.inspected_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'inspection_member_rule';
    END IF;
    IF NEW.speaker_person_id IS NOT NULL AND NOT person_of_group_la(NEW.speaker_person_id, NEW.group_id) THEN
        RAISE EXCEPTION 'person % is not of the group''s LA', NEW.speaker_person_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'inspection_speaker_fkey';
    END IF;
    SELECT x.role, x.person_id INTO v_role, v_person
      FROM inspection_speaker(NEW.group_id, NEW.school_urn, NEW.inspected_on) x;
    v_ok := CASE v_role
        WHEN 'trust_ceo' THEN NEW.speaker_role IN ('trust_ceo', 'school_improvement_partner')
        ELSE NEW.speaker_role = v_role AND v_person IS NOT NULL AND NEW.speaker_person_id = v_person END;
    IF NOT v_ok AND NEW.override_reason IS NULL THEN
        RAISE EXCEPTION 'the % speaks for school % (person %)', v_role, NEW.school_urn, v_person
            USING ERRCODE = 'check_violation', CONSTRAINT = 'inspection_speaker_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER inspection_rule BEFORE INSERT OR UPDATE ON inspection
    FOR EACH ROW EXECUTE FUNCTION inspection_rule();

-- ---- references for deputies applying for headship -------------------------

CREATE TABLE reference (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id            bigint NOT NULL CONSTRAINT reference_group_fkey REFERENCES school_group (id),
    candidate_person_id bigint NOT NULL CONSTRAINT reference_candidate_fkey REFERENCES person (id),
    asked_by            text NOT NULL CONSTRAINT reference_asked_by_check CHECK (length(asked_by) BETWEEN 1 AND 200),
    post                text NOT NULL CONSTRAINT reference_post_check CHECK (length(post) BETWEEN 1 AND 200),
    asked_on            date NOT NULL,
    given_on            date,
    written_by          text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    CONSTRAINT reference_dates_check CHECK (given_on IS NULL OR given_on >= asked_on)
);
CREATE INDEX reference_writer_idx ON reference (written_by);

CREATE FUNCTION reference_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT person_of_group_la(NEW.candidate_person_id, NEW.group_id) THEN
        RAISE EXCEPTION 'person % is not of the group''s LA', NEW.candidate_person_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'reference_candidate_fkey';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER reference_rule BEFORE INSERT OR UPDATE ON reference
    FOR EACH ROW EXECUTE FUNCTION reference_rule();

-- ---- the Area Analysis Group's pack -----------------------------------------

-- What the AAG p_body receives at its meeting p_meeting, for its area: what
-- is dated up to the meeting and not yet reported at an earlier one (or
-- reported at this one). `since` is the AAG's last meeting before this one.
CREATE FUNCTION aag_pack(p_body bigint, p_meeting bigint) RETURNS json LANGUAGE sql STABLE AS $$
    WITH k AS (
        SELECT b.id AS body_id, b.name AS body_name, b.area_id, a.name AS area_name, m.id AS meeting_id,
               m.held_on AS d,
               (SELECT max(p.held_on) FROM meeting p WHERE p.body_id = b.id AND p.held_on < m.held_on) AS since
          FROM body b JOIN area a ON a.id = b.area_id JOIN meeting m ON m.body_id = b.id
         WHERE b.id = p_body AND m.id = p_meeting AND b.kind = 'area_analysis_group'),
    g AS (SELECT sg.id, sg.name FROM school_group sg, k WHERE sg.area_id = k.area_id),
    -- an item belongs in the pack: dated by the meeting, and not reported at an earlier one
    sup AS (
        SELECT r.*, r.reported_meeting_id IS NOT NULL AS reported,
               coalesce((SELECT json_agg(json_build_object('id', v.id, 'kind', v.kind, 'reviewed_on', v.reviewed_on,
                                  'rating', v.rating, 'notes', v.notes) ORDER BY v.reviewed_on, v.id)
                           FROM support_review v, k
                          WHERE v.support_id = r.id AND v.reviewed_on <= k.d
                            AND (v.reported_meeting_id IS NULL OR v.reported_meeting_id = k.meeting_id)), '[]') AS reviews
          FROM support_record r JOIN school s ON s.urn = r.school_urn, k
         WHERE s.area_id = k.area_id AND r.started_on <= k.d),
    hs AS (
        SELECT h.*, p.name AS person_name FROM head_support h JOIN g ON g.id = h.group_id
          JOIN person p ON p.id = h.person_id, k
         WHERE h.held_on <= k.d AND (h.reported_meeting_id IS NULL OR h.reported_meeting_id = k.meeting_id))
    SELECT json_build_object(
        'body_id', k.body_id, 'body_name', k.body_name, 'area_id', k.area_id, 'area_name', k.area_name,
        'meeting_id', k.meeting_id, 'held_on', k.d, 'since', k.since,
        'received', EXISTS (SELECT 1 FROM head_support WHERE reported_meeting_id = k.meeting_id)
                 OR EXISTS (SELECT 1 FROM support_record WHERE reported_meeting_id = k.meeting_id)
                 OR EXISTS (SELECT 1 FROM support_review WHERE reported_meeting_id = k.meeting_id)
                 OR EXISTS (SELECT 1 FROM panel_outcome WHERE reported_meeting_id = k.meeting_id)
                 OR EXISTS (SELECT 1 FROM development_issue WHERE reported_meeting_id = k.meeting_id)
                 OR EXISTS (SELECT 1 FROM assistance_request WHERE reported_meeting_id = k.meeting_id),
        'vulnerable_schools', coalesce((
            SELECT json_agg(json_build_object('school_urn', s.urn, 'school_name', s.name,
                       'support_category', s.support_category, 'reason', v.reason, 'vulnerable_since', v.start_date,
                       'support', coalesce((
                           SELECT json_agg(json_build_object('id', r.id, 'group_id', r.group_id,
                                      'brokered_by', r.brokered_by, 'provider', r.provider, 'support', r.support,
                                      'started_on', r.started_on, 'ended_on', r.ended_on, 'cost_pence', r.cost_pence,
                                      'funding', r.funding, 'fund_id', r.fund_id,
                                      'reported_before', r.reported_meeting_id IS NOT NULL
                                                         AND r.reported_meeting_id <> k.meeting_id,
                                      'reviews', r.reviews) ORDER BY r.started_on, r.id)
                             FROM sup r
                            WHERE r.school_urn = s.urn AND (r.reported_meeting_id IS NULL
                                  OR r.reported_meeting_id = k.meeting_id OR json_array_length(r.reviews) > 0)), '[]'))
                       ORDER BY s.name, s.urn)
              FROM vulnerability v JOIN school s ON s.urn = v.school_urn
             WHERE s.area_id = k.area_id AND v.period @> k.d), '[]'),
        'panel_outcomes', coalesce((
            SELECT json_agg(json_build_object('id', o.id, 'group_id', o.group_id, 'group_name', g.name,
                       'panel', o.panel, 'held_on', o.held_on, 'pupils_considered', o.pupils_considered,
                       'outcome', o.outcome, 'capacity_view', o.capacity_view) ORDER BY o.held_on, o.id)
              FROM panel_outcome o JOIN g ON g.id = o.group_id
             WHERE o.held_on <= k.d AND (o.reported_meeting_id IS NULL OR o.reported_meeting_id = k.meeting_id)), '[]'),
        'development_issues', coalesce((
            SELECT json_agg(json_build_object('id', i.id, 'group_id', i.group_id, 'group_name', g.name,
                       'raised_on', i.raised_on, 'raised_with', i.raised_with, 'issue', i.issue) ORDER BY i.raised_on, i.id)
              FROM development_issue i JOIN g ON g.id = i.group_id
             WHERE i.raised_on <= k.d AND (i.reported_meeting_id IS NULL OR i.reported_meeting_id = k.meeting_id)), '[]'),
        'assistance_requests', coalesce((
            SELECT json_agg(json_build_object('id', q.id, 'group_id', q.group_id, 'group_name', g.name,
                       'school_urn', q.school_urn, 'requested_on', q.requested_on, 'asked_of', q.asked_of,
                       'kind', q.kind, 'request', q.request, 'amount_pence', q.amount_pence,
                       'decision', q.decision, 'decided_on', q.decided_on, 'decision_notes', q.decision_notes,
                       'allocation_id', q.allocation_id) ORDER BY q.requested_on, q.id)
              FROM assistance_request q JOIN g ON g.id = q.group_id
             WHERE q.requested_on <= k.d AND (q.reported_meeting_id IS NULL OR q.reported_meeting_id = k.meeting_id)), '[]'),
        'evaluations', coalesce((
            SELECT json_agg(json_build_object('id', e.id, 'allocation_id', a.id, 'group_id', a.group_id,
                       'group_name', g.name, 'rating', e.rating, 'spent_pence', e.spent_pence,
                       'reported_on', e.reported_on) ORDER BY e.reported_on, e.id)
              FROM evaluation e JOIN fund_allocation a ON a.id = e.allocation_id JOIN g ON g.id = a.group_id
             WHERE e.status = 'reported' AND e.reported_on <= k.d AND (k.since IS NULL OR e.reported_on > k.since)), '[]'),
        'new_heads', coalesce((
            SELECT json_agg(json_build_object('person_id', n.person_id, 'name', p.name, 'school_urn', s.urn,
                       'school_name', s.name, 'head_from', n.start_date, 'group_id', g.id, 'group_name', g.name,
                       'support', coalesce((
                           SELECT json_agg(json_build_object('id', h.id, 'kind', h.kind, 'held_on', h.held_on,
                                      'wellbeing_signposted', h.wellbeing_signposted, 'funding', h.funding)
                                      ORDER BY h.held_on, h.id)
                             FROM hs h WHERE h.person_id = n.person_id AND h.school_urn = s.urn), '[]'))
                       ORDER BY n.start_date, p.name)
              FROM person_role n JOIN school s ON s.urn = n.school_urn JOIN person p ON p.id = n.person_id
              JOIN membership ms ON ms.school_urn = s.urn AND ms.valid @> k.d JOIN g ON g.id = ms.group_id
             WHERE n.role = 'headteacher' AND n.term @> k.d AND n.start_date > (k.d - interval '2 years')::date), '[]'))
      FROM k
$$;

-- Receive the pack of meeting p_meeting: what it holds is reported at the
-- meeting. Returns how many records were marked.
CREATE FUNCTION aag_pack_receive(p_meeting bigint) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_area bigint;
    v_on date;
    v_n integer;
    v_total integer := 0;
BEGIN
    SELECT b.area_id, m.held_on INTO v_area, v_on
      FROM meeting m JOIN body b ON b.id = m.body_id AND b.kind = 'area_analysis_group' WHERE m.id = p_meeting;
    IF v_area IS NULL THEN
        RETURN NULL;
    END IF;
    UPDATE head_support h SET reported_meeting_id = p_meeting, updated_at = now(), version = h.version + 1
      FROM school_group g WHERE g.id = h.group_id AND g.area_id = v_area AND h.held_on <= v_on
       AND h.reported_meeting_id IS NULL;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
    UPDATE support_review v SET reported_meeting_id = p_meeting, updated_at = now(), version = v.version + 1
      FROM support_record r JOIN school s ON s.urn = r.school_urn
     WHERE r.id = v.support_id AND s.area_id = v_area AND v.reviewed_on <= v_on AND v.reported_meeting_id IS NULL;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
    UPDATE support_record r SET reported_meeting_id = p_meeting, updated_at = now(), version = r.version + 1
      FROM school s WHERE s.urn = r.school_urn AND s.area_id = v_area AND r.started_on <= v_on
       AND r.reported_meeting_id IS NULL;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
    UPDATE panel_outcome o SET reported_meeting_id = p_meeting, updated_at = now(), version = o.version + 1
      FROM school_group g WHERE g.id = o.group_id AND g.area_id = v_area AND o.held_on <= v_on
       AND o.reported_meeting_id IS NULL;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
    UPDATE development_issue i SET reported_meeting_id = p_meeting, updated_at = now(), version = i.version + 1
      FROM school_group g WHERE g.id = i.group_id AND g.area_id = v_area AND i.raised_on <= v_on
       AND i.reported_meeting_id IS NULL;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
    UPDATE assistance_request q SET reported_meeting_id = p_meeting, updated_at = now(), version = q.version + 1
      FROM school_group g WHERE g.id = q.group_id AND g.area_id = v_area AND q.requested_on <= v_on
       AND q.reported_meeting_id IS NULL;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
    RETURN v_total;
END
$$;

-- ---- new heads and their support --------------------------------------------

-- The heads of member schools of groups of LA p_la, newly appointed on p_on
-- (a headship started within two years), with the half-term's check-ins and
-- whether coaching was offered: `no_check_in` when none this half-term,
-- `coaching_not_offered` for a maintained school's head never offered it.
CREATE FUNCTION new_heads(p_la integer, p_on date) RETURNS TABLE (group_id bigint, doc json)
LANGUAGE sql STABLE AS $$
    SELECT g.id, json_build_object('person_id', p.id, 'name', p.name, 'school_urn', s.urn, 'school_name', s.name,
               'school_type', s.type, 'group_id', g.id, 'group_name', g.name, 'head_from', n.start_date,
               'last_check_in', c.last_check_in,
               'no_check_in', c.this_half_term = 0,
               'coaching_offered', c.offered,
               'coaching_not_offered', s.type = 'maintained' AND NOT c.offered)
      FROM person_role n JOIN school s ON s.urn = n.school_urn JOIN person p ON p.id = n.person_id
      JOIN local_authority l ON l.id = s.la_id AND l.code = p_la
      JOIN membership ms ON ms.school_urn = s.urn AND ms.valid @> p_on JOIN school_group g ON g.id = ms.group_id
      CROSS JOIN LATERAL (
          SELECT max(h.held_on) FILTER (WHERE h.kind = 'check_in') AS last_check_in,
                 count(*) FILTER (WHERE h.kind = 'check_in' AND half_term(p_on) @> h.held_on) AS this_half_term,
                 coalesce(bool_or(h.kind IN ('coaching_offered', 'peer_coaching')), false) AS offered
            FROM head_support h
           WHERE h.person_id = p.id AND h.school_urn = s.urn AND h.held_on <= p_on) c
     WHERE n.role = 'headteacher' AND n.term @> p_on AND n.start_date > (p_on - interval '2 years')::date
       AND s.status = 'open'
$$;

-- ---- a person's casework, for their export -----------------------------------

-- The casework that names person p_person: the support they had as a new
-- head or gave, their allocations as a system leader, the inspections they
-- spoke at. References for them are not in it: a confidential reference is
-- exempt from the right of access (Data Protection Act 2018, schedule 2,
-- paragraph 24), and is its writer's alone.
CREATE FUNCTION person_casework(p_person bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'head_support', coalesce((SELECT jsonb_agg(jsonb_build_object('id', h.id, 'group_id', h.group_id,
                     'school_urn', h.school_urn, 'kind', h.kind, 'held_on', h.held_on,
                     'as', CASE WHEN h.person_id = p_person THEN 'head' ELSE 'given_by' END,
                     'notes', h.notes, 'wellbeing_signposted', h.wellbeing_signposted, 'funding', h.funding)
                     ORDER BY h.held_on, h.id)
                 FROM head_support h WHERE h.person_id = p_person OR h.by_person_id = p_person), '[]'::jsonb),
        'system_leader_of', coalesce((SELECT jsonb_agg(jsonb_build_object('id', l.id, 'school_urn', l.school_urn,
                     'start_date', l.start_date, 'end_date', l.end_date) ORDER BY l.start_date, l.id)
                 FROM system_leader l WHERE l.person_id = p_person), '[]'::jsonb),
        'inspections_spoken_at', coalesce((SELECT jsonb_agg(jsonb_build_object('id', i.id, 'school_urn', i.school_urn,
                     'inspected_on', i.inspected_on, 'inspectorate', i.inspectorate, 'speaker_role', i.speaker_role)
                     ORDER BY i.inspected_on, i.id)
                 FROM inspection i WHERE i.speaker_person_id = p_person), '[]'::jsonb))
$$;
