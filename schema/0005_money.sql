-- Money: funds, their allocations to groups, and the payments the LA's
-- finance system pulls. All amounts are integer pence. Nothing paid is
-- ever changed or deleted; a correction is a new, opposite payment.

-- Pupil numbers as of each census date the extract carried, so that a fund
-- counts pupils as of its own census date.
CREATE TABLE school_census (
    urn         integer NOT NULL CONSTRAINT school_census_school_fkey REFERENCES school (urn),
    census_date date NOT NULL,
    pupils      integer NOT NULL CHECK (pupils BETWEEN 0 AND 100000),
    PRIMARY KEY (urn, census_date)
);

CREATE TABLE fund (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id                 bigint NOT NULL CONSTRAINT fund_la_fkey REFERENCES local_authority (id),
    kind                  text NOT NULL CHECK (kind IN ('chair_funding', 'recovery', 'remote_learning', 'other')),
    name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    academic_year         text NOT NULL CHECK (academic_year ~ '^[0-9]{4}/[0-9]{2}$'),
    pot_pence             bigint NOT NULL CHECK (pot_pence >= 0),
    per_chair_pence       bigint NOT NULL DEFAULT 500000 CHECK (per_chair_pence >= 0),
    school_weight_ppm     integer NOT NULL DEFAULT 500000 CHECK (school_weight_ppm BETWEEN 0 AND 1000000),
    primary_minimum_pence bigint NOT NULL DEFAULT 500000 CHECK (primary_minimum_pence >= 0),
    network_flat_pence    bigint NOT NULL DEFAULT 800000 CHECK (network_flat_pence >= 0),
    per_group_pence       bigint NOT NULL DEFAULT 0 CHECK (per_group_pence >= 0),
    census_date           date NOT NULL,
    plan_deadline         date,
    evaluation_due        date,
    requires_plan         boolean NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    version               integer NOT NULL DEFAULT 1,
    CONSTRAINT fund_name_key UNIQUE (la_id, academic_year, name)
);

CREATE TABLE fund_allocation (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fund_id       bigint NOT NULL CONSTRAINT allocation_fund_fkey REFERENCES fund (id),
    group_id      bigint NOT NULL CONSTRAINT allocation_group_fkey REFERENCES school_group (id),
    chair_id      bigint CONSTRAINT allocation_chair_fkey REFERENCES chair_appointment (id),
    amount_pence  bigint NOT NULL CHECK (amount_pence >= 0),
    payee_urn     integer CONSTRAINT allocation_payee_fkey REFERENCES school (urn),
    status        text NOT NULL DEFAULT 'proposed'
                  CHECK (status IN ('proposed', 'approved', 'paid', 'cancelled')),
    working       jsonb NOT NULL DEFAULT '{}',
    approved_at   timestamptz,
    cancelled_at  timestamptz,
    cancel_reason text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1
);
-- One live allocation per group (per chair, for chair funding) and fund.
CREATE UNIQUE INDEX allocation_once ON fund_allocation (fund_id, group_id, coalesce(chair_id, 0))
    WHERE status <> 'cancelled';
CREATE INDEX allocation_fund_idx ON fund_allocation (fund_id, id);

CREATE TABLE payment (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    allocation_id        bigint NOT NULL CONSTRAINT payment_allocation_fkey REFERENCES fund_allocation (id),
    reference            text NOT NULL,
    fund_id              bigint NOT NULL,
    payee_urn            integer NOT NULL,
    la_code              integer NOT NULL,
    establishment_number integer NOT NULL,
    amount_pence         bigint NOT NULL,
    academic_year        text NOT NULL,
    due_on               date NOT NULL,
    financial_year       text NOT NULL,
    status               text NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'paid', 'cancelled')),
    remittance_reference text,
    paid_on              date,
    reverses_payment_id  bigint CONSTRAINT payment_reverses_fkey REFERENCES payment (id),
    reason               text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1,
    CONSTRAINT payment_reference_key UNIQUE (reference),
    CONSTRAINT payment_paid_check CHECK (status <> 'paid' OR (remittance_reference IS NOT NULL AND paid_on IS NOT NULL))
);
CREATE INDEX payment_status_idx ON payment (status, id);
-- At most one reversal of a payment that is not itself cancelled.
CREATE UNIQUE INDEX payment_reversed_once ON payment (reverses_payment_id) WHERE status <> 'cancelled';

-- Paid is final: no change, no deletion. Due may become paid or cancelled.
CREATE FUNCTION payment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'payments are never deleted' USING ERRCODE = 'restrict_violation',
            CONSTRAINT = 'payment_final';
    END IF;
    IF OLD.status <> 'due' OR NEW.amount_pence <> OLD.amount_pence OR NEW.payee_urn <> OLD.payee_urn
       OR NEW.reference <> OLD.reference OR NEW.status = 'due' THEN
        RAISE EXCEPTION 'payment % is % and cannot change', OLD.reference, OLD.status
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'payment_final';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER payment_guard BEFORE UPDATE OR DELETE ON payment
    FOR EACH ROW EXECUTE FUNCTION payment_guard();

CREATE FUNCTION payment_reference() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.reference := 'CNS-' || lpad(NEW.id::text, 8, '0');
    RETURN NEW;
END
$$;
CREATE TRIGGER payment_reference BEFORE INSERT ON payment
    FOR EACH ROW EXECUTE FUNCTION payment_reference();

-- The representation of a payment, for the API and for its change feed.
CREATE FUNCTION payment_json(p payment) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', p.id, 'reference', p.reference, 'allocation_id', p.allocation_id,
        'fund_id', p.fund_id, 'payee_urn', p.payee_urn, 'la_code', p.la_code,
        'establishment_number', p.establishment_number,
        'dfe_number', p.la_code || '/' || lpad(p.establishment_number::text, 4, '0'),
        'amount_pence', p.amount_pence, 'currency', 'GBP', 'academic_year', p.academic_year,
        'due_on', p.due_on, 'financial_year', p.financial_year, 'status', p.status,
        'remittance_reference', p.remittance_reference, 'paid_on', p.paid_on,
        'reverses_payment_id', p.reverses_payment_id, 'reason', p.reason,
        'created_at', api_ts(p.created_at), 'updated_at', api_ts(p.updated_at),
        'version', p.version)
$$;

-- The change feed. Positions come from one counter row, locked until the
-- writing transaction ends: a later writer waits, so positions become
-- visible in commit order, and a rolled-back writer leaves no gap. A reader
-- asking for everything after position N can therefore never miss a
-- change that commits later with a smaller position.
CREATE TABLE payment_feed_counter (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    last     bigint NOT NULL
);
INSERT INTO payment_feed_counter VALUES (true, 0);

CREATE TABLE payment_change (
    position   bigint PRIMARY KEY,
    payment_id bigint NOT NULL CONSTRAINT payment_change_payment_fkey REFERENCES payment (id),
    la_code    integer NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    payment    json NOT NULL
);

CREATE FUNCTION payment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_position bigint;
BEGIN
    UPDATE payment_feed_counter SET last = last + 1 RETURNING last INTO v_position;
    INSERT INTO payment_change (position, payment_id, la_code, payment)
    VALUES (v_position, NEW.id, NEW.la_code, payment_json(NEW));
    RETURN NULL;
END
$$;
CREATE TRIGGER payment_changed AFTER INSERT OR UPDATE ON payment
    FOR EACH ROW EXECUTE FUNCTION payment_changed();

CREATE FUNCTION payment_change_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the payment feed cannot be changed' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER payment_change_append_only BEFORE UPDATE OR DELETE ON payment_change
    FOR EACH ROW EXECUTE FUNCTION payment_change_append_only();

-- An allocation's payee is a member school of its group.
CREATE FUNCTION allocation_payee_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.payee_urn IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM membership WHERE group_id = NEW.group_id AND school_urn = NEW.payee_urn) THEN
        RAISE EXCEPTION 'school % is not a member of group %', NEW.payee_urn, NEW.group_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'allocation_payee_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER allocation_payee_rule BEFORE INSERT OR UPDATE OF payee_urn ON fund_allocation
    FOR EACH ROW EXECUTE FUNCTION allocation_payee_rule();

-- A fund's money rules are fixed once it has live allocations.
CREATE FUNCTION fund_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.pot_pence, NEW.per_chair_pence, NEW.school_weight_ppm, NEW.primary_minimum_pence,
        NEW.network_flat_pence, NEW.per_group_pence, NEW.census_date)
       IS DISTINCT FROM
       (OLD.pot_pence, OLD.per_chair_pence, OLD.school_weight_ppm, OLD.primary_minimum_pence,
        OLD.network_flat_pence, OLD.per_group_pence, OLD.census_date)
       AND EXISTS (SELECT 1 FROM fund_allocation WHERE fund_id = OLD.id AND status <> 'cancelled') THEN
        RAISE EXCEPTION 'fund % has allocations: cancel them before changing its money rules', OLD.id
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'fund_locked';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER fund_lock BEFORE UPDATE ON fund FOR EACH ROW EXECUTE FUNCTION fund_lock();

-- An allocation's amount and payee are settled once it is approved, and no
-- allocation is ever deleted.
CREATE FUNCTION allocation_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'allocations are never deleted: cancel them'
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'allocation_final';
    END IF;
    IF OLD.status <> 'proposed' AND (NEW.amount_pence <> OLD.amount_pence
                                     OR NEW.payee_urn IS DISTINCT FROM OLD.payee_urn) THEN
        RAISE EXCEPTION 'allocation % is % and its amount and payee are settled', OLD.id, OLD.status
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'allocation_final';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER allocation_guard BEFORE UPDATE OR DELETE ON fund_allocation
    FOR EACH ROW EXECUTE FUNCTION allocation_guard();
