-- Regions (seed 004): a consortium of several LAs, each keeping its
-- statutory duties, with a lead LA and member LAs over dates. The lead is a
-- member from the region's start (made here), and stays one while it leads.

CREATE TABLE region (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL CONSTRAINT region_name_check CHECK (length(name) BETWEEN 1 AND 200),
    name_cy        text CONSTRAINT region_name_cy_check CHECK (length(name_cy) BETWEEN 1 AND 200),
    lead_la_id     bigint NOT NULL CONSTRAINT region_lead_fkey REFERENCES local_authority (id),
    established_on date NOT NULL DEFAULT london_today(),
    closed_on      date,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        integer NOT NULL DEFAULT 1,
    CONSTRAINT region_dates_check CHECK (closed_on IS NULL OR closed_on >= established_on)
);
CREATE UNIQUE INDEX region_name_key ON region (lower(name));

CREATE TABLE region_member (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id  bigint NOT NULL CONSTRAINT region_member_region_fkey REFERENCES region (id) ON DELETE CASCADE,
    la_id      bigint NOT NULL CONSTRAINT region_member_la_fkey REFERENCES local_authority (id),
    start_date date NOT NULL,
    end_date   date,
    valid      daterange GENERATED ALWAYS AS (daterange(start_date, end_date, '[]')) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    CONSTRAINT region_member_dates_check CHECK (end_date IS NULL OR end_date >= start_date),
    CONSTRAINT region_member_once EXCLUDE USING gist (region_id WITH =, la_id WITH =, valid WITH &&)
);
CREATE INDEX region_member_la_idx ON region_member (la_id);

-- The lead LA joins its region on the day the region begins.
CREATE FUNCTION region_lead_joins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO region_member (region_id, la_id, start_date) VALUES (NEW.id, NEW.lead_la_id, NEW.established_on);
    RETURN NEW;
END
$$;
CREATE TRIGGER region_lead_joins AFTER INSERT ON region FOR EACH ROW EXECUTE FUNCTION region_lead_joins();

-- A new lead is a member today.
CREATE FUNCTION region_lead_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM region_member WHERE region_id = NEW.id AND la_id = NEW.lead_la_id
                                                 AND valid @> london_today()) THEN
        RAISE EXCEPTION 'LA % is not a member of region % today', NEW.lead_la_id, NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'region_lead_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER region_lead_rule BEFORE UPDATE OF lead_la_id ON region
    FOR EACH ROW WHEN (NEW.lead_la_id IS DISTINCT FROM OLD.lead_la_id) EXECUTE FUNCTION region_lead_rule();

-- The lead's membership cannot end, move or go while it leads (its dates
-- are read, not `valid`: a generated column is not yet made in a BEFORE
-- trigger).
CREATE FUNCTION region_lead_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM region r WHERE r.id = OLD.region_id AND r.lead_la_id = OLD.la_id)
       AND (TG_OP = 'DELETE' OR NEW.la_id <> OLD.la_id
            OR NOT daterange(NEW.start_date, NEW.end_date, '[]') @> london_today())
       AND OLD.valid @> london_today() THEN
        RAISE EXCEPTION 'LA % leads region %: name another lead first', OLD.la_id, OLD.region_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'region_lead_member_rule';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER region_lead_kept BEFORE UPDATE OR DELETE ON region_member
    FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION region_lead_kept();
