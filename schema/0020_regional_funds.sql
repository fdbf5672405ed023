-- A region's pooled fund (seed 004): a pot made of contributions, each
-- member authority's and grants such as the Welsh Government's, each with
-- its amount and the day it was received, in Part 1 (what existing pooled
-- resources cover) or Part 2 (what waits on further funding); spending is
-- drawn against the actions of the region's plan, from the part of the
-- funding each action depends on. Every penny reconciles: per part and in
-- all, contributions = pot = drawn + unallocated, and nothing is drawn that
-- was not received. Money received or drawn is never edited nor deleted: a
-- mistake is put right by a correcting entry (a negative amount, with its
-- reason), which may never take a part below what is drawn from it.

CREATE TABLE regional_fund (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id    bigint NOT NULL CONSTRAINT regional_fund_region_fkey REFERENCES region (id),
    plan_id      bigint CONSTRAINT regional_fund_plan_fkey REFERENCES strategic_plan (id),
    name         text NOT NULL CONSTRAINT regional_fund_name_check CHECK (length(name) BETWEEN 1 AND 200),
    name_cy      text CONSTRAINT regional_fund_name_cy_check CHECK (length(name_cy) BETWEEN 1 AND 200),
    period_start date NOT NULL,
    period_end   date NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    version      integer NOT NULL DEFAULT 1,
    CONSTRAINT regional_fund_period_check CHECK (period_end > period_start)
);
CREATE UNIQUE INDEX regional_fund_name_key ON regional_fund (region_id, period_start, lower(name));

-- A fund draws against its own region's plan.
CREATE FUNCTION regional_fund_plan_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.plan_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM strategic_plan WHERE id = NEW.plan_id AND region_id = NEW.region_id) THEN
        RAISE EXCEPTION 'plan % is not region %''s', NEW.plan_id, NEW.region_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'regional_fund_plan_rule';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.plan_id IS DISTINCT FROM OLD.plan_id
       AND EXISTS (SELECT 1 FROM fund_draw WHERE regional_fund_id = NEW.id) THEN
        RAISE EXCEPTION 'fund % has drawn against its plan', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'regional_fund_plan_kept';
    END IF;
    RETURN NEW;
END
$$;

CREATE TABLE fund_contribution (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    regional_fund_id bigint NOT NULL CONSTRAINT fund_contribution_fund_fkey REFERENCES regional_fund (id),
    la_id            bigint CONSTRAINT fund_contribution_la_fkey REFERENCES local_authority (id),
    grantor          text CONSTRAINT fund_contribution_grantor_check CHECK (length(grantor) BETWEEN 1 AND 200),
    part             text NOT NULL CONSTRAINT fund_contribution_part_check CHECK (part IN ('part_1', 'part_2')),
    amount_pence     bigint NOT NULL CONSTRAINT fund_contribution_amount_check
                         CHECK (amount_pence <> 0 AND abs(amount_pence) <= 100000000000000),
    received_on      date NOT NULL,
    note             text CONSTRAINT fund_contribution_note_check CHECK (length(note) BETWEEN 1 AND 2000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,
    CONSTRAINT fund_contribution_source_check CHECK ((la_id IS NULL) <> (grantor IS NULL)),
    CONSTRAINT fund_contribution_correction_check CHECK (amount_pence > 0 OR note IS NOT NULL)
);
CREATE INDEX fund_contribution_fund_idx ON fund_contribution (regional_fund_id, part);

CREATE TABLE fund_draw (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    regional_fund_id bigint NOT NULL CONSTRAINT fund_draw_fund_fkey REFERENCES regional_fund (id),
    action_id        bigint NOT NULL CONSTRAINT fund_draw_action_fkey REFERENCES plan_action (id),
    part             text NOT NULL CONSTRAINT fund_draw_part_check CHECK (part IN ('part_1', 'part_2')),
    amount_pence     bigint NOT NULL CONSTRAINT fund_draw_amount_check
                         CHECK (amount_pence <> 0 AND abs(amount_pence) <= 100000000000000),
    drawn_on         date NOT NULL,
    note             text CONSTRAINT fund_draw_note_check CHECK (length(note) BETWEEN 1 AND 2000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,
    CONSTRAINT fund_draw_correction_check CHECK (amount_pence > 0 OR note IS NOT NULL)
);
CREATE INDEX fund_draw_fund_idx ON fund_draw (regional_fund_id, part);
CREATE INDEX fund_draw_action_idx ON fund_draw (action_id);

CREATE TRIGGER regional_fund_plan_rule BEFORE INSERT OR UPDATE OF plan_id, region_id ON regional_fund
    FOR EACH ROW EXECUTE FUNCTION regional_fund_plan_rule();

-- What a part of a fund holds: received, drawn, and what is left.
CREATE FUNCTION regional_fund_part(p_fund bigint, p_part text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('contributed_pence', c.total, 'drawn_pence', d.total,
                              'unallocated_pence', c.total - d.total)
      FROM (SELECT coalesce(sum(amount_pence), 0)::bigint AS total FROM fund_contribution
             WHERE regional_fund_id = p_fund AND part = p_part) c,
           (SELECT coalesce(sum(amount_pence), 0)::bigint AS total FROM fund_draw
             WHERE regional_fund_id = p_fund AND part = p_part) d
$$;

-- A contribution comes from a member of the region on the day it was
-- received (or a grantor); a draw is against an action of the fund's plan,
-- from the part the action depends on. Either way the part never holds
-- less than is drawn from it: the fund's row is locked, so that two
-- requests at once cannot both take the last pound.
CREATE FUNCTION regional_fund_money_rule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_fund regional_fund;
    v_part text;
    v_left bigint;
BEGIN
    SELECT * INTO v_fund FROM regional_fund WHERE id = NEW.regional_fund_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no regional fund %', NEW.regional_fund_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_TABLE_NAME || '_fund_fkey';
    END IF;
    IF TG_TABLE_NAME = 'fund_contribution' THEN
        IF NEW.la_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM region_member WHERE region_id = v_fund.region_id AND la_id = NEW.la_id
                                             AND valid @> NEW.received_on) THEN
            RAISE EXCEPTION 'LA % was not a member of region % on %', NEW.la_id, v_fund.region_id, NEW.received_on
                USING ERRCODE = 'check_violation', CONSTRAINT = 'fund_contribution_member_rule';
        END IF;
    ELSE
        SELECT a.funding_part INTO v_part FROM plan_action a WHERE a.id = NEW.action_id AND a.plan_id = v_fund.plan_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'action % is not of fund %''s plan', NEW.action_id, NEW.regional_fund_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'fund_draw_action_rule';
        END IF;
        IF v_part IS DISTINCT FROM NEW.part THEN
            RAISE EXCEPTION 'action % depends on %, not %', NEW.action_id, coalesce(v_part, 'no part'), NEW.part
                USING ERRCODE = 'check_violation', CONSTRAINT = 'fund_draw_part_rule';
        END IF;
        IF NEW.amount_pence < 0 AND (SELECT coalesce(sum(amount_pence), 0) FROM fund_draw
                                      WHERE regional_fund_id = NEW.regional_fund_id
                                        AND action_id = NEW.action_id) + NEW.amount_pence < 0 THEN
            RAISE EXCEPTION 'a correction takes action % below nothing drawn', NEW.action_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'fund_draw_correction_rule';
        END IF;
    END IF;
    v_left := (regional_fund_part(NEW.regional_fund_id, NEW.part) ->> 'unallocated_pence')::bigint
              + CASE TG_TABLE_NAME WHEN 'fund_contribution' THEN NEW.amount_pence ELSE -NEW.amount_pence END;
    IF v_left < 0 THEN
        RAISE EXCEPTION 'part % of fund % would hold % pence less than is drawn from it', NEW.part,
                        NEW.regional_fund_id, -v_left
            USING ERRCODE = 'check_violation', CONSTRAINT = 'regional_fund_overdrawn';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER regional_fund_money_rule BEFORE INSERT ON fund_contribution
    FOR EACH ROW EXECUTE FUNCTION regional_fund_money_rule();
CREATE TRIGGER regional_fund_money_rule BEFORE INSERT ON fund_draw
    FOR EACH ROW EXECUTE FUNCTION regional_fund_money_rule();

-- Money received or drawn stays as it was recorded: only its note changes.
CREATE FUNCTION regional_money_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (to_jsonb(NEW) - 'note' - 'updated_at' - 'version')
                           <> (to_jsonb(OLD) - 'note' - 'updated_at' - 'version') THEN
        RAISE EXCEPTION 'money recorded in % is kept as it was: record a correction', TG_TABLE_NAME
            USING ERRCODE = 'check_violation', CONSTRAINT = 'regional_money_kept';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER regional_money_kept BEFORE UPDATE OR DELETE ON fund_contribution
    FOR EACH ROW EXECUTE FUNCTION regional_money_kept();
CREATE TRIGGER regional_money_kept BEFORE UPDATE OR DELETE ON fund_draw
    FOR EACH ROW EXECUTE FUNCTION regional_money_kept();
