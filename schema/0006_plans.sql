-- What the money buys: each group's action plan for a fund, and the
-- evaluation of each allocation, reported to the area's Analysis Group.

CREATE TABLE action_plan (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id        bigint NOT NULL CONSTRAINT plan_group_fkey REFERENCES school_group (id),
    fund_id         bigint NOT NULL CONSTRAINT plan_fund_fkey REFERENCES fund (id),
    priorities      jsonb NOT NULL DEFAULT '[]',
    actions         jsonb NOT NULL DEFAULT '[]',
    status          text NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'submitted', 'accepted', 'returned')),
    submitted_at    timestamptz,
    late            boolean NOT NULL DEFAULT false,
    accepted_at     timestamptz,
    return_comments text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         integer NOT NULL DEFAULT 1,
    CONSTRAINT plan_once UNIQUE (group_id, fund_id)
);

-- An accepted plan is read-only; a submitted one changes only by its actions.
CREATE FUNCTION plan_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'plan % is %', OLD.id, OLD.status
                USING ERRCODE = 'restrict_violation', CONSTRAINT = 'plan_locked';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN ('submitted', 'accepted')
       AND (NEW.priorities, NEW.actions) IS DISTINCT FROM (OLD.priorities, OLD.actions) THEN
        RAISE EXCEPTION 'plan % is % and cannot be edited', OLD.id, OLD.status
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'plan_locked';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER plan_guard BEFORE UPDATE OR DELETE ON action_plan
    FOR EACH ROW EXECUTE FUNCTION plan_guard();

CREATE TABLE evaluation (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    allocation_id    bigint NOT NULL CONSTRAINT evaluation_allocation_fkey REFERENCES fund_allocation (id),
    what_done        text,
    impacts          jsonb NOT NULL DEFAULT '[]',
    rating           text CHECK (rating IN ('exceeded', 'met', 'partly_met', 'not_met')),
    spent_pence      bigint CHECK (spent_pence >= 0),
    overspend_reason text,
    status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'reported')),
    submitted_at     timestamptz,
    reported_on      date,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,
    CONSTRAINT evaluation_once UNIQUE (allocation_id)
);

-- Money spent above the allocation needs a reason; a reported evaluation is final.
CREATE FUNCTION evaluation_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.status = 'reported' OR (OLD.status = 'submitted'
       AND (NEW.what_done, NEW.impacts, NEW.rating, NEW.spent_pence, NEW.overspend_reason)
           IS DISTINCT FROM (OLD.what_done, OLD.impacts, OLD.rating, OLD.spent_pence, OLD.overspend_reason))) THEN
        RAISE EXCEPTION 'evaluation % is % and cannot be edited', OLD.id, OLD.status
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'evaluation_locked';
    END IF;
    IF NEW.spent_pence IS NOT NULL AND NEW.overspend_reason IS NULL
       AND NEW.spent_pence > (SELECT amount_pence FROM fund_allocation WHERE id = NEW.allocation_id) THEN
        RAISE EXCEPTION 'spent more than allocated without a reason'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'evaluation_overspend';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER evaluation_guard BEFORE INSERT OR UPDATE ON evaluation
    FOR EACH ROW EXECUTE FUNCTION evaluation_guard();
