-- Strategic plans (seed 004): a region's or an LA's plan for a period, in
-- strands with an aim and numbered objectives; work areas under a strand
-- with success criteria (some measurable: a target and a unit); actions,
-- numbered as the plan numbers them (or not: 004 leaves some unnumbered),
-- with sub-actions, each with its level on the continuum of working, who is
-- responsible, resources, completion dates and the part of the funding it
-- waits on; dated reviews of actions and measurable criteria; benchmarking
-- targets set and reviewed.
--
-- Every part below the plan carries plan_id, set here from its parent, so
-- that what a caller reaches is one join away.

CREATE TABLE strategic_plan (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id    bigint CONSTRAINT strategic_plan_region_fkey REFERENCES region (id),
    la_id        bigint CONSTRAINT strategic_plan_la_fkey REFERENCES local_authority (id),
    title        text NOT NULL CONSTRAINT strategic_plan_title_check CHECK (length(title) BETWEEN 1 AND 300),
    title_cy     text CONSTRAINT strategic_plan_title_cy_check CHECK (length(title_cy) BETWEEN 1 AND 300),
    period_start date NOT NULL,
    period_end   date NOT NULL,
    status       text NOT NULL DEFAULT 'draft'
                 CONSTRAINT strategic_plan_status_check CHECK (status IN ('draft', 'agreed', 'reviewed')),
    agreed_on    date,
    reviewed_on  date,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    version      integer NOT NULL DEFAULT 1,
    CONSTRAINT strategic_plan_owner_check CHECK ((region_id IS NULL) <> (la_id IS NULL)),
    CONSTRAINT strategic_plan_period_check CHECK (period_end > period_start)
);
CREATE UNIQUE INDEX strategic_plan_title_key
    ON strategic_plan (coalesce(region_id, 0), coalesce(la_id, 0), period_start, lower(title));
CREATE INDEX strategic_plan_region_idx ON strategic_plan (region_id);
CREATE INDEX strategic_plan_la_idx ON strategic_plan (la_id);

-- A plan is agreed, then reviewed: never back to a draft. The day of each is kept.
CREATE FUNCTION strategic_plan_status_rule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_rank CONSTANT jsonb := '{"draft": 0, "agreed": 1, "reviewed": 2}';
BEGIN
    IF TG_OP = 'UPDATE' AND (v_rank ->> NEW.status)::int < (v_rank ->> OLD.status)::int THEN
        RAISE EXCEPTION 'plan % is % and cannot go back to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'strategic_plan_status_rule';
    END IF;
    IF NEW.status IN ('agreed', 'reviewed') AND NEW.agreed_on IS NULL THEN
        NEW.agreed_on := london_today();
    END IF;
    IF NEW.status = 'reviewed' AND (TG_OP = 'INSERT' OR OLD.status <> 'reviewed') THEN
        NEW.reviewed_on := london_today();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER strategic_plan_status_rule BEFORE INSERT OR UPDATE OF status ON strategic_plan
    FOR EACH ROW EXECUTE FUNCTION strategic_plan_status_rule();

CREATE TABLE plan_strand (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id    bigint NOT NULL CONSTRAINT plan_strand_plan_fkey REFERENCES strategic_plan (id) ON DELETE CASCADE,
    number     integer NOT NULL CONSTRAINT plan_strand_number_check CHECK (number BETWEEN 1 AND 99),
    name       text NOT NULL CONSTRAINT plan_strand_name_check CHECK (length(name) BETWEEN 1 AND 300),
    name_cy    text CONSTRAINT plan_strand_name_cy_check CHECK (length(name_cy) BETWEEN 1 AND 300),
    aim        text CONSTRAINT plan_strand_aim_check CHECK (length(aim) BETWEEN 1 AND 4000),
    aim_cy     text CONSTRAINT plan_strand_aim_cy_check CHECK (length(aim_cy) BETWEEN 1 AND 4000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    CONSTRAINT plan_strand_number_key UNIQUE (plan_id, number)
);

CREATE TABLE plan_objective (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id    bigint NOT NULL CONSTRAINT plan_objective_plan_fkey REFERENCES strategic_plan (id) ON DELETE CASCADE,
    strand_id  bigint NOT NULL CONSTRAINT plan_objective_strand_fkey REFERENCES plan_strand (id) ON DELETE CASCADE,
    number     text NOT NULL CONSTRAINT plan_objective_number_check CHECK (number ~ '^[0-9]{1,2}\.[0-9]{1,2}$'),
    text       text NOT NULL CONSTRAINT plan_objective_text_check CHECK (length(text) BETWEEN 1 AND 4000),
    text_cy    text CONSTRAINT plan_objective_text_cy_check CHECK (length(text_cy) BETWEEN 1 AND 4000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    CONSTRAINT plan_objective_number_key UNIQUE (strand_id, number)
);

CREATE TABLE plan_work_area (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id    bigint NOT NULL CONSTRAINT plan_work_area_plan_fkey REFERENCES strategic_plan (id) ON DELETE CASCADE,
    strand_id  bigint NOT NULL CONSTRAINT plan_work_area_strand_fkey REFERENCES plan_strand (id) ON DELETE CASCADE,
    name       text NOT NULL CONSTRAINT plan_work_area_name_check CHECK (length(name) BETWEEN 1 AND 300),
    name_cy    text CONSTRAINT plan_work_area_name_cy_check CHECK (length(name_cy) BETWEEN 1 AND 300),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX plan_work_area_name_key ON plan_work_area (strand_id, lower(name));

CREATE TABLE plan_criterion (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id      bigint NOT NULL CONSTRAINT plan_criterion_plan_fkey REFERENCES strategic_plan (id) ON DELETE CASCADE,
    work_area_id bigint NOT NULL CONSTRAINT plan_criterion_work_area_fkey REFERENCES plan_work_area (id) ON DELETE CASCADE,
    text         text NOT NULL CONSTRAINT plan_criterion_text_check CHECK (length(text) BETWEEN 1 AND 2000),
    text_cy      text CONSTRAINT plan_criterion_text_cy_check CHECK (length(text_cy) BETWEEN 1 AND 2000),
    target       integer CONSTRAINT plan_criterion_target_check CHECK (target >= 0),
    unit         text CONSTRAINT plan_criterion_unit_check CHECK (length(unit) BETWEEN 1 AND 60),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    version      integer NOT NULL DEFAULT 1,
    CONSTRAINT plan_criterion_measure_check CHECK ((target IS NULL) = (unit IS NULL))
);

CREATE TABLE plan_action (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id             bigint NOT NULL CONSTRAINT plan_action_plan_fkey REFERENCES strategic_plan (id) ON DELETE CASCADE,
    work_area_id        bigint NOT NULL CONSTRAINT plan_action_work_area_fkey REFERENCES plan_work_area (id) ON DELETE CASCADE,
    parent_action_id    bigint CONSTRAINT plan_action_parent_fkey REFERENCES plan_action (id) ON DELETE CASCADE,
    number              text CONSTRAINT plan_action_number_check CHECK (number ~ '^[0-9]{1,4}[a-z]?$'),
    text                text NOT NULL CONSTRAINT plan_action_text_check CHECK (length(text) BETWEEN 1 AND 2000),
    text_cy             text CONSTRAINT plan_action_text_cy_check CHECK (length(text_cy) BETWEEN 1 AND 2000),
    level               text NOT NULL CONSTRAINT plan_action_level_check CHECK (level IN (
                            'networking', 'coordination', 'cooperation', 'collaboration', 'full_integration')),
    responsible_body_id bigint CONSTRAINT plan_action_body_fkey REFERENCES body (id),
    responsible         text CONSTRAINT plan_action_responsible_check CHECK (length(responsible) BETWEEN 1 AND 200),
    resources           text CONSTRAINT plan_action_resources_check CHECK (length(resources) BETWEEN 1 AND 1000),
    resources_pence     bigint CONSTRAINT plan_action_pence_check CHECK (resources_pence >= 0),
    completion          text[] NOT NULL CONSTRAINT plan_action_completion_check
                            CHECK (cardinality(completion) BETWEEN 1 AND 6),
    funding_part        text CONSTRAINT plan_action_part_check CHECK (funding_part IN ('part_1', 'part_2')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    CONSTRAINT plan_action_owner_check CHECK (responsible_body_id IS NOT NULL OR responsible IS NOT NULL)
);
CREATE UNIQUE INDEX plan_action_number_key ON plan_action (plan_id, number);
CREATE INDEX plan_action_work_area_idx ON plan_action (work_area_id);
CREATE INDEX plan_action_parent_idx ON plan_action (parent_action_id);

-- The last day an action's completion dates allow: the end of the month
-- when only a month is given ("2007-12").
CREATE FUNCTION plan_action_due(p_completion text[]) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT max(CASE WHEN length(c) = 7 THEN (to_date(c, 'YYYY-MM') + interval '1 month - 1 day')::date
                    ELSE c::date END)
      FROM unnest(p_completion) c
$$;

CREATE TABLE plan_action_review (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     bigint NOT NULL CONSTRAINT plan_action_review_plan_fkey REFERENCES strategic_plan (id) ON DELETE CASCADE,
    action_id   bigint NOT NULL CONSTRAINT plan_action_review_action_fkey REFERENCES plan_action (id) ON DELETE CASCADE,
    reviewed_on date NOT NULL,
    status      text NOT NULL CONSTRAINT plan_action_review_status_check CHECK (status IN (
                    'not_started', 'on_track', 'at_risk', 'complete', 'dropped')),
    note        text CONSTRAINT plan_action_review_note_check CHECK (length(note) BETWEEN 1 AND 4000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1
);
CREATE INDEX plan_action_review_action_idx ON plan_action_review (action_id, reviewed_on DESC, id DESC);

CREATE TABLE plan_criterion_review (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id       bigint NOT NULL CONSTRAINT plan_criterion_review_plan_fkey REFERENCES strategic_plan (id) ON DELETE CASCADE,
    criterion_id  bigint NOT NULL CONSTRAINT plan_criterion_review_criterion_fkey REFERENCES plan_criterion (id) ON DELETE CASCADE,
    reviewed_on   date NOT NULL,
    value_reached integer NOT NULL CONSTRAINT plan_criterion_review_value_check CHECK (value_reached >= 0),
    note          text CONSTRAINT plan_criterion_review_note_check CHECK (length(note) BETWEEN 1 AND 4000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1
);
CREATE INDEX plan_criterion_review_idx ON plan_criterion_review (criterion_id, reviewed_on DESC, id DESC);

CREATE TABLE plan_benchmark (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id       bigint NOT NULL CONSTRAINT plan_benchmark_plan_fkey REFERENCES strategic_plan (id) ON DELETE CASCADE,
    strand_id     bigint CONSTRAINT plan_benchmark_strand_fkey REFERENCES plan_strand (id) ON DELETE CASCADE,
    text          text NOT NULL CONSTRAINT plan_benchmark_text_check CHECK (length(text) BETWEEN 1 AND 2000),
    text_cy       text CONSTRAINT plan_benchmark_text_cy_check CHECK (length(text_cy) BETWEEN 1 AND 2000),
    target        integer NOT NULL CONSTRAINT plan_benchmark_target_check CHECK (target >= 0),
    unit          text NOT NULL CONSTRAINT plan_benchmark_unit_check CHECK (length(unit) BETWEEN 1 AND 60),
    set_on        date NOT NULL,
    review_by     date,
    reviewed_on   date,
    value_reached integer CONSTRAINT plan_benchmark_value_check CHECK (value_reached >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1,
    CONSTRAINT plan_benchmark_dates_check CHECK (review_by IS NULL OR review_by >= set_on),
    CONSTRAINT plan_benchmark_review_check CHECK ((reviewed_on IS NULL) = (value_reached IS NULL)
                                                  AND (reviewed_on IS NULL OR reviewed_on >= set_on))
);

-- Each part takes its plan from its parent, and stays under it: a
-- sub-action is under an action of its own work area, one level deep; an
-- objective is numbered under its strand's number ("2.11" under strand 2);
-- the body responsible is the plan's (its LA's, or one of its region's
-- member LAs'); a criterion is reviewed only when measurable; a benchmark's
-- strand is of its plan.
CREATE FUNCTION plan_part_rule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_row jsonb := to_jsonb(NEW);
    v_parent bigint;
    v_number integer;
    v_missing boolean := false;   -- the parent is not there: v_fkey names it
    v_fkey text;
BEGIN
    CASE TG_TABLE_NAME
    WHEN 'plan_objective', 'plan_work_area' THEN
        SELECT plan_id, number INTO NEW.plan_id, v_number FROM plan_strand WHERE id = NEW.strand_id;
        v_missing := NOT FOUND;
        v_fkey := TG_TABLE_NAME || '_strand_fkey';
        IF NOT v_missing AND TG_TABLE_NAME = 'plan_objective' AND split_part(v_row ->> 'number', '.', 1)::int <> v_number THEN
            RAISE EXCEPTION 'objective % is not numbered under strand %', v_row ->> 'number', v_number
                USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_objective_number_rule';
        END IF;
    WHEN 'plan_criterion' THEN
        SELECT plan_id INTO NEW.plan_id FROM plan_work_area WHERE id = NEW.work_area_id;
        v_missing := NOT FOUND;
        v_fkey := 'plan_criterion_work_area_fkey';
    WHEN 'plan_action' THEN
        SELECT plan_id INTO NEW.plan_id FROM plan_work_area WHERE id = NEW.work_area_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no work area %', NEW.work_area_id
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'plan_action_work_area_fkey';
        END IF;
        v_parent := (v_row ->> 'parent_action_id')::bigint;
        IF v_parent IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM plan_action a WHERE a.id = v_parent AND a.work_area_id = NEW.work_area_id
                                             AND a.parent_action_id IS NULL AND a.id <> NEW.id) THEN
            RAISE EXCEPTION 'action % is not an action (not a sub-action) of work area %', v_parent, NEW.work_area_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_action_parent_rule';
        END IF;
        IF TG_OP = 'UPDATE' AND v_parent IS NOT NULL
           AND EXISTS (SELECT 1 FROM plan_action WHERE parent_action_id = NEW.id) THEN
            RAISE EXCEPTION 'action % has sub-actions of its own', NEW.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_action_parent_rule';
        END IF;
        IF (v_row ->> 'responsible_body_id') IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM body b JOIN strategic_plan p ON p.id = NEW.plan_id
                WHERE b.id = (v_row ->> 'responsible_body_id')::bigint
                  AND (b.la_id = p.la_id OR b.region_id = p.region_id
                       OR b.la_id IN (SELECT la_id FROM region_member WHERE region_id = p.region_id))) THEN
            RAISE EXCEPTION 'body % is not of the plan''s authority or region', v_row ->> 'responsible_body_id'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_action_body_rule';
        END IF;
        IF EXISTS (SELECT 1 FROM jsonb_array_elements_text(v_row -> 'completion') c
                    WHERE c !~ '^[0-9]{4}-(0[1-9]|1[0-2])(-[0-3][0-9])?$'
                       OR (length(c) = 10 AND to_char(to_date(c, 'YYYY-MM-DD'), 'YYYY-MM-DD') <> c)) THEN
            RAISE EXCEPTION 'a completion date is not a month (YYYY-MM) or a day (YYYY-MM-DD)'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_action_completion_rule';
        END IF;
    WHEN 'plan_action_review' THEN
        SELECT plan_id INTO NEW.plan_id FROM plan_action WHERE id = NEW.action_id;
        v_missing := NOT FOUND;
        v_fkey := 'plan_action_review_action_fkey';
    WHEN 'plan_criterion_review' THEN
        SELECT plan_id INTO NEW.plan_id FROM plan_criterion WHERE id = NEW.criterion_id;
        v_missing := NOT FOUND;
        v_fkey := 'plan_criterion_review_criterion_fkey';
        IF EXISTS (SELECT 1 FROM plan_criterion WHERE id = NEW.criterion_id AND target IS NULL) THEN
            RAISE EXCEPTION 'criterion % has no target to reach', NEW.criterion_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_criterion_review_rule';
        END IF;
    WHEN 'plan_benchmark' THEN
        IF NEW.strand_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM plan_strand WHERE id = NEW.strand_id AND plan_id = NEW.plan_id) THEN
            RAISE EXCEPTION 'strand % is not of plan %', NEW.strand_id, NEW.plan_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_benchmark_strand_rule';
        END IF;
    END CASE;
    -- A part whose parent is not there: the parent's foreign key names it.
    IF v_missing THEN
        RAISE EXCEPTION 'the parent of this % does not exist', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = v_fkey;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER plan_part_rule BEFORE INSERT OR UPDATE ON plan_objective FOR EACH ROW EXECUTE FUNCTION plan_part_rule();
CREATE TRIGGER plan_part_rule BEFORE INSERT OR UPDATE ON plan_work_area FOR EACH ROW EXECUTE FUNCTION plan_part_rule();
CREATE TRIGGER plan_part_rule BEFORE INSERT OR UPDATE ON plan_criterion FOR EACH ROW EXECUTE FUNCTION plan_part_rule();
CREATE TRIGGER plan_part_rule BEFORE INSERT OR UPDATE ON plan_action FOR EACH ROW EXECUTE FUNCTION plan_part_rule();
CREATE TRIGGER plan_part_rule BEFORE INSERT OR UPDATE ON plan_action_review FOR EACH ROW EXECUTE FUNCTION plan_part_rule();
CREATE TRIGGER plan_part_rule BEFORE INSERT OR UPDATE ON plan_criterion_review FOR EACH ROW EXECUTE FUNCTION plan_part_rule();
CREATE TRIGGER plan_part_rule BEFORE INSERT OR UPDATE ON plan_benchmark FOR EACH ROW EXECUTE FUNCTION plan_part_rule();

-- An agreed plan is kept: it, and its strands, objectives, work areas,
-- criteria, actions and benchmarks, are deleted only while it is a draft
-- (an action of an agreed plan is dropped by a review). Reviews are never
-- deleted.
CREATE FUNCTION plan_part_kept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_plan bigint := coalesce(to_jsonb(OLD) ->> 'plan_id', to_jsonb(OLD) ->> 'id')::bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM strategic_plan WHERE id = v_plan AND status <> 'draft') THEN
        RAISE EXCEPTION 'plan % is agreed: its parts are kept', v_plan
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'plan_part_kept';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER plan_part_kept BEFORE DELETE ON strategic_plan FOR EACH ROW EXECUTE FUNCTION plan_part_kept();
CREATE TRIGGER plan_part_kept BEFORE DELETE ON plan_strand FOR EACH ROW EXECUTE FUNCTION plan_part_kept();
CREATE TRIGGER plan_part_kept BEFORE DELETE ON plan_objective FOR EACH ROW EXECUTE FUNCTION plan_part_kept();
CREATE TRIGGER plan_part_kept BEFORE DELETE ON plan_work_area FOR EACH ROW EXECUTE FUNCTION plan_part_kept();
CREATE TRIGGER plan_part_kept BEFORE DELETE ON plan_criterion FOR EACH ROW EXECUTE FUNCTION plan_part_kept();
CREATE TRIGGER plan_part_kept BEFORE DELETE ON plan_action FOR EACH ROW EXECUTE FUNCTION plan_part_kept();
CREATE TRIGGER plan_part_kept BEFORE DELETE ON plan_benchmark FOR EACH ROW EXECUTE FUNCTION plan_part_kept();

-- A region's own bodies (its strategic group, development team, task and
-- finish groups): hosted by an LA (the lead's, when made), with members
-- from any of the region's member LAs.
ALTER TABLE body ADD COLUMN region_id bigint CONSTRAINT body_region_fkey REFERENCES region (id);
CREATE INDEX body_region_idx ON body (region_id);

CREATE OR REPLACE FUNCTION body_member_la_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM person p JOIN body b ON b.id = NEW.body_id
                    WHERE p.id = NEW.person_id
                      AND (b.la_id = p.la_id
                           OR p.la_id IN (SELECT m.la_id FROM region_member m WHERE m.region_id = b.region_id))) THEN
        RAISE EXCEPTION 'person % is not of body %''s local authority or region', NEW.person_id, NEW.body_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'body_member_person_rule';
    END IF;
    RETURN NEW;
END
$$;

-- Welsh names beside the English, where given.
ALTER TABLE local_authority ADD COLUMN name_cy text
    CONSTRAINT local_authority_name_cy_check CHECK (length(name_cy) BETWEEN 1 AND 200);
ALTER TABLE area ADD COLUMN name_cy text CONSTRAINT area_name_cy_check CHECK (length(name_cy) BETWEEN 1 AND 200);
ALTER TABLE school_group ADD COLUMN name_cy text
    CONSTRAINT school_group_name_cy_check CHECK (length(name_cy) BETWEEN 1 AND 200);
ALTER TABLE body ADD COLUMN name_cy text CONSTRAINT body_name_cy_check CHECK (length(name_cy) BETWEEN 1 AND 200);
ALTER TABLE fund ADD COLUMN name_cy text CONSTRAINT fund_name_cy_check CHECK (length(name_cy) BETWEEN 1 AND 200);

-- ---- the plan's report --------------------------------------------------------

-- Where an action stands on a day: its latest review up to then (none: not
-- started), and overdue when its last completion date has passed and it is
-- neither complete nor dropped.
CREATE FUNCTION plan_action_state(p_action bigint, p_as_of date) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
               'progress', coalesce(v.status, 'not_started'), 'reviewed_on', v.reviewed_on, 'review_note', v.note,
               'overdue', plan_action_due(a.completion) < p_as_of
                          AND coalesce(v.status, 'not_started') NOT IN ('complete', 'dropped'))
      FROM plan_action a
      LEFT JOIN LATERAL (SELECT r.status, r.reviewed_on, r.note FROM plan_action_review r
                          WHERE r.action_id = a.id AND r.reviewed_on <= p_as_of
                          ORDER BY r.reviewed_on DESC, r.id DESC LIMIT 1) v ON true
     WHERE a.id = p_action
$$;

CREATE FUNCTION plan_action_doc(p_action bigint, p_as_of date) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
               'id', a.id, 'number', a.number, 'text', a.text, 'text_cy', a.text_cy, 'level', a.level,
               'responsible', a.responsible, 'responsible_body_id', a.responsible_body_id,
               'responsible_body_name', b.name, 'responsible_body_name_cy', b.name_cy,
               'resources', a.resources, 'resources_pence', a.resources_pence, 'completion', to_jsonb(a.completion),
               'due_on', plan_action_due(a.completion), 'funding_part', a.funding_part)
           || plan_action_state(a.id, p_as_of)
      FROM plan_action a LEFT JOIN body b ON b.id = a.responsible_body_id
     WHERE a.id = p_action
$$;

-- The plan laid out as seed 004 lays it out: strand, aim and objectives,
-- then per work area its success criteria and its actions with their
-- sub-actions; with where each stands on p_as_of, the continuum profile
-- (actions at each level, per strand), the actions at risk or overdue, the
-- benchmarks, and the money the actions name per part of the funding.
CREATE FUNCTION strategic_plan_report(p_plan bigint, p_as_of date) RETURNS json LANGUAGE sql STABLE AS $$
    WITH acts AS (
        SELECT a.*, s.number AS strand_number, s.name AS strand_name, w.name AS work_area_name,
               plan_action_state(a.id, p_as_of) AS state
          FROM plan_action a JOIN plan_work_area w ON w.id = a.work_area_id JOIN plan_strand s ON s.id = w.strand_id
         WHERE a.plan_id = p_plan
    )
    SELECT json_build_object(
        'plan', json_build_object(
            'id', p.id, 'title', p.title, 'title_cy', p.title_cy, 'region_id', p.region_id,
            'region_name', r.name, 'region_name_cy', r.name_cy, 'la_code', l.code, 'la_name', l.name,
            'la_name_cy', l.name_cy, 'period_start', p.period_start, 'period_end', p.period_end,
            'status', p.status, 'agreed_on', p.agreed_on, 'reviewed_on', p.reviewed_on),
        'as_of', p_as_of,
        'strands', coalesce((SELECT json_agg(json_build_object(
            'id', s.id, 'number', s.number, 'name', s.name, 'name_cy', s.name_cy, 'aim', s.aim, 'aim_cy', s.aim_cy,
            'objectives', coalesce((SELECT json_agg(json_build_object('number', o.number, 'text', o.text,
                                                                      'text_cy', o.text_cy)
                                                    ORDER BY split_part(o.number, '.', 2)::int)
                                      FROM plan_objective o WHERE o.strand_id = s.id), '[]'),
            'work_areas', coalesce((SELECT json_agg(json_build_object(
                'id', w.id, 'name', w.name, 'name_cy', w.name_cy,
                'criteria', coalesce((SELECT json_agg(json_build_object(
                    'id', c.id, 'text', c.text, 'text_cy', c.text_cy, 'target', c.target, 'unit', c.unit,
                    'last_review', (SELECT json_build_object('reviewed_on', v.reviewed_on, 'value_reached',
                                                             v.value_reached, 'met', v.value_reached >= c.target)
                                      FROM plan_criterion_review v
                                     WHERE v.criterion_id = c.id AND v.reviewed_on <= p_as_of
                                     ORDER BY v.reviewed_on DESC, v.id DESC LIMIT 1)) ORDER BY c.id)
                                        FROM plan_criterion c WHERE c.work_area_id = w.id), '[]'),
                'actions', coalesce((SELECT json_agg(plan_action_doc(a.id, p_as_of) || jsonb_build_object(
                    'sub_actions', coalesce((SELECT jsonb_agg(plan_action_doc(x.id, p_as_of) ORDER BY x.id)
                                               FROM plan_action x WHERE x.parent_action_id = a.id), '[]'))
                                            ORDER BY a.id)
                                       FROM plan_action a WHERE a.work_area_id = w.id AND a.parent_action_id IS NULL), '[]'))
                ORDER BY w.id) FROM plan_work_area w WHERE w.strand_id = s.id), '[]'))
            ORDER BY s.number) FROM plan_strand s WHERE s.plan_id = p.id), '[]'),
        'profile', coalesce((SELECT json_agg(to_json(x) ORDER BY x.strand_number) FROM (
            SELECT s.number AS strand_number, s.name AS strand_name, s.name_cy AS strand_name_cy,
                   count(a.id) FILTER (WHERE a.level = 'networking') AS networking,
                   count(a.id) FILTER (WHERE a.level = 'coordination') AS coordination,
                   count(a.id) FILTER (WHERE a.level = 'cooperation') AS cooperation,
                   count(a.id) FILTER (WHERE a.level = 'collaboration') AS collaboration,
                   count(a.id) FILTER (WHERE a.level = 'full_integration') AS full_integration,
                   count(a.id) AS total
              FROM plan_strand s LEFT JOIN acts a ON a.strand_number = s.number
             WHERE s.plan_id = p.id GROUP BY s.id, s.number, s.name, s.name_cy) x), '[]'),
        'attention', coalesce((SELECT json_agg(json_build_object(
            'id', a.id, 'number', a.number, 'parent_action_id', a.parent_action_id, 'strand_number', a.strand_number,
            'work_area', a.work_area_name, 'text', a.text, 'text_cy', a.text_cy, 'due_on', plan_action_due(a.completion),
            'progress', a.state ->> 'progress', 'reviewed_on', a.state -> 'reviewed_on',
            'overdue', (a.state ->> 'overdue')::boolean)
            ORDER BY plan_action_due(a.completion), a.id)
            FROM acts a WHERE a.state ->> 'progress' = 'at_risk' OR (a.state ->> 'overdue')::boolean), '[]'),
        'benchmarks', coalesce((SELECT json_agg(json_build_object(
            'id', m.id, 'strand_id', m.strand_id, 'text', m.text, 'text_cy', m.text_cy, 'target', m.target,
            'unit', m.unit, 'set_on', m.set_on, 'review_by', m.review_by,
            'reviewed_on', CASE WHEN m.reviewed_on <= p_as_of THEN m.reviewed_on END,
            'value_reached', CASE WHEN m.reviewed_on <= p_as_of THEN m.value_reached END,
            'met', CASE WHEN m.reviewed_on <= p_as_of THEN m.value_reached >= m.target END) ORDER BY m.set_on, m.id)
            FROM plan_benchmark m WHERE m.plan_id = p.id AND m.set_on <= p_as_of), '[]'),
        'resources_pence', json_build_object(
            'part_1', (SELECT coalesce(sum(resources_pence), 0) FROM acts WHERE funding_part = 'part_1'),
            'part_2', (SELECT coalesce(sum(resources_pence), 0) FROM acts WHERE funding_part = 'part_2'),
            'unassigned', (SELECT coalesce(sum(resources_pence), 0) FROM acts WHERE funding_part IS NULL)))
      FROM strategic_plan p LEFT JOIN region r ON r.id = p.region_id LEFT JOIN local_authority l ON l.id = p.la_id
     WHERE p.id = p_plan
$$;

-- The plan's actions one row each, in the columns its CSV import reads (and
-- where each stands on p_as_of): what the CSV answer of the report holds.
CREATE FUNCTION strategic_plan_rows(p_plan bigint, p_as_of date) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object(
               'strand_number', s.number, 'strand_name', s.name, 'strand_name_cy', s.name_cy, 'strand_aim', s.aim,
               'work_area', w.name, 'work_area_cy', w.name_cy, 'action_number', a.number,
               'parent_action_number', pa.number, 'text', a.text, 'text_cy', a.text_cy, 'level', a.level,
               'responsible', a.responsible, 'responsible_body_id', a.responsible_body_id, 'resources', a.resources,
               'resources_pence', a.resources_pence, 'completion', array_to_string(a.completion, ' '),
               'funding_part', a.funding_part, 'due_on', plan_action_due(a.completion),
               'progress', st ->> 'progress', 'overdue', (st ->> 'overdue')::boolean)
               ORDER BY s.number, w.id, coalesce(a.parent_action_id, a.id), a.parent_action_id NULLS FIRST, a.id), '[]')
      FROM plan_action a JOIN plan_work_area w ON w.id = a.work_area_id JOIN plan_strand s ON s.id = w.strand_id
      LEFT JOIN plan_action pa ON pa.id = a.parent_action_id
      CROSS JOIN LATERAL plan_action_state(a.id, p_as_of) st
     WHERE a.plan_id = p_plan
$$;
