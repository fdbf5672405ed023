-- The academic year's rollover: a recurring fund (chair funding, every
-- year) is copied a year on as a draft, which the LA checks and opens
-- before any money is allocated from it; the copy names the fund it was
-- copied from, once. An action of a plan can be marked done, so that the
-- unfinished ones go on into the next year's plan.
ALTER TABLE fund
    ADD COLUMN status text NOT NULL DEFAULT 'open' CONSTRAINT fund_status_check CHECK (status IN ('draft', 'open')),
    ADD COLUMN recurring boolean NOT NULL DEFAULT false,
    ADD COLUMN copied_from_id bigint CONSTRAINT fund_copied_from_fkey REFERENCES fund (id)
                                     CONSTRAINT fund_copied_once UNIQUE;
UPDATE fund SET recurring = true WHERE kind = 'chair_funding';

-- Nothing is allocated from a draft fund, and a fund with allocations stays open.
CREATE FUNCTION fund_open_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM fund WHERE id = NEW.fund_id AND status = 'draft') THEN
        RAISE EXCEPTION 'fund % is a draft', NEW.fund_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'fund_open_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER fund_open_rule BEFORE INSERT ON fund_allocation
    FOR EACH ROW EXECUTE FUNCTION fund_open_rule();

CREATE FUNCTION fund_draft_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'draft' AND OLD.status = 'open' AND EXISTS (SELECT 1 FROM fund_allocation WHERE fund_id = OLD.id) THEN
        RAISE EXCEPTION 'fund % has allocations', OLD.id
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'fund_draft_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER fund_draft_rule BEFORE UPDATE OF status ON fund
    FOR EACH ROW EXECUTE FUNCTION fund_draft_rule();

-- A submitted or accepted plan is not edited, but its actions are marked
-- done as the year goes: a change of `done` alone is progress, not an edit.
CREATE FUNCTION plan_actions_undone(p_actions jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_agg(a - 'done' ORDER BY n), '[]') FROM jsonb_array_elements(p_actions) WITH ORDINALITY AS x(a, n)
$$;
CREATE OR REPLACE FUNCTION plan_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'plan % is %', OLD.id, OLD.status
                USING ERRCODE = 'restrict_violation', CONSTRAINT = 'plan_locked';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN ('submitted', 'accepted')
       AND (NEW.priorities, plan_actions_undone(NEW.actions))
           IS DISTINCT FROM (OLD.priorities, plan_actions_undone(OLD.actions)) THEN
        RAISE EXCEPTION 'plan % is % and cannot be edited', OLD.id, OLD.status
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'plan_locked';
    END IF;
    RETURN NEW;
END
$$;
