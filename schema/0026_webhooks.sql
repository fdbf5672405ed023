-- Webhooks (the Standard Webhooks specification): a subscription of a
-- service account to event types of an LA, its deliveries written in the
-- same transaction as the change they tell of (an outbox: no event is lost,
-- and none is sent for a change that rolled back), delivered and retried
-- by the servers, each attempt logged.

CREATE TABLE webhook_subscription (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id            bigint NOT NULL CONSTRAINT webhook_subscription_la_fkey REFERENCES local_authority (id),
    account_id       bigint NOT NULL CONSTRAINT webhook_subscription_account_fkey REFERENCES service_account (id),
    url              text NOT NULL CONSTRAINT webhook_subscription_url_check
                         CHECK (url ~ '^https?://[^\s/?#@]+(/[^\s#]*)?$' AND length(url) <= 2000),
    event_types      text[] NOT NULL CONSTRAINT webhook_subscription_types_check
                         CHECK (cardinality(event_types) BETWEEN 1 AND 20 AND event_types <@ ARRAY[
                             'payment.due', 'payment.changed', 'allocation.approved', 'plan.submitted',
                             'evaluation.overdue', 'chair.unconfirmed', 'deadline.approaching']),
    description      text CONSTRAINT webhook_subscription_description_check CHECK (length(description) BETWEEN 1 AND 200),
    enabled          boolean NOT NULL DEFAULT true,
    secret           text NOT NULL,
    -- while a rotation's grace lasts, deliveries are signed with the secret before too
    previous_secret  text,
    previous_until   timestamptz,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1
);
CREATE INDEX webhook_subscription_la_idx ON webhook_subscription (la_id) WHERE enabled;

-- The subscription's account is of its LA (or of none: an admin's).
CREATE FUNCTION webhook_subscription_account_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM service_account a JOIN local_authority l ON l.id = NEW.la_id
                WHERE a.id = NEW.account_id AND a.la_code IS NOT NULL AND a.la_code <> l.code) THEN
        RAISE EXCEPTION 'account % is of another LA', NEW.account_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'webhook_subscription_account_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER webhook_subscription_account_rule BEFORE INSERT OR UPDATE OF account_id, la_id ON webhook_subscription
    FOR EACH ROW EXECUTE FUNCTION webhook_subscription_account_rule();

CREATE TABLE webhook_event (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id       bigint NOT NULL REFERENCES local_authority (id),
    type        text NOT NULL,
    data        jsonb NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE webhook_delivery (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
    event_id        bigint NOT NULL REFERENCES webhook_event (id),
    -- what an event of a day (an overdue evaluation, a deadline) is told once by
    dedupe_key      text,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    version         integer NOT NULL DEFAULT 1,
    CONSTRAINT webhook_delivery_once UNIQUE (subscription_id, event_id)
);
CREATE UNIQUE INDEX webhook_delivery_dedupe ON webhook_delivery (subscription_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_subscription_idx ON webhook_delivery (subscription_id, id);

-- Each attempt, as the delivery log shows it.
CREATE TABLE webhook_attempt (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  bigint NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    status_code  integer,
    error        text,
    duration_ms  integer NOT NULL
);
CREATE INDEX webhook_attempt_delivery_idx ON webhook_attempt (delivery_id, id);

-- An event of an LA, delivered to each enabled subscription to its type
-- (once per dedupe key, when given); nothing is kept when none listens.
CREATE FUNCTION webhook_emit(p_la_id bigint, p_type text, p_data jsonb, p_dedupe text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_event bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_subscription s WHERE s.la_id = p_la_id AND s.enabled
                      AND p_type = ANY (s.event_types)
                      AND (p_dedupe IS NULL OR NOT EXISTS (SELECT 1 FROM webhook_delivery d
                            WHERE d.subscription_id = s.id AND d.dedupe_key = p_dedupe))) THEN
        RETURN;
    END IF;
    INSERT INTO webhook_event (la_id, type, data) VALUES (p_la_id, p_type, p_data) RETURNING id INTO v_event;
    INSERT INTO webhook_delivery (subscription_id, event_id, dedupe_key)
    SELECT s.id, v_event, p_dedupe FROM webhook_subscription s
     WHERE s.la_id = p_la_id AND s.enabled AND p_type = ANY (s.event_types)
    ON CONFLICT DO NOTHING;
    -- the senders wake when the change commits (and poll besides)
    PERFORM pg_notify('webhook_delivery', '');
END
$$;

-- ---- the changes that are events --------------------------------------------

CREATE FUNCTION webhook_payment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.status, NEW.amount_pence) IS NOT DISTINCT FROM (OLD.status, OLD.amount_pence) THEN
        RETURN NULL;
    END IF;
    PERFORM webhook_emit(l.id, CASE WHEN TG_OP = 'INSERT' THEN 'payment.due' ELSE 'payment.changed' END,
                         jsonb_build_object('id', NEW.id, 'reference', NEW.reference, 'allocation_id', NEW.allocation_id,
                                            'fund_id', NEW.fund_id, 'payee_urn', NEW.payee_urn, 'la_code', NEW.la_code,
                                            'amount_pence', NEW.amount_pence, 'currency', 'GBP', 'status', NEW.status,
                                            'due_on', NEW.due_on, 'version', NEW.version))
      FROM local_authority l WHERE l.code = NEW.la_code;
    RETURN NULL;
END
$$;
CREATE TRIGGER webhook_payment AFTER INSERT OR UPDATE ON payment
    FOR EACH ROW EXECUTE FUNCTION webhook_payment();

CREATE FUNCTION webhook_allocation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM webhook_emit(f.la_id, 'allocation.approved',
                         jsonb_build_object('id', NEW.id, 'fund_id', NEW.fund_id, 'group_id', NEW.group_id,
                                            'payee_urn', NEW.payee_urn, 'amount_pence', NEW.amount_pence,
                                            'currency', 'GBP', 'status', NEW.status, 'version', NEW.version))
      FROM fund f WHERE f.id = NEW.fund_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER webhook_allocation AFTER UPDATE OF status ON fund_allocation
    FOR EACH ROW WHEN (NEW.status = 'approved' AND OLD.status <> 'approved')
    EXECUTE FUNCTION webhook_allocation();

CREATE FUNCTION webhook_plan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM webhook_emit(g.la_id, 'plan.submitted',
                         jsonb_build_object('id', NEW.id, 'group_id', NEW.group_id, 'fund_id', NEW.fund_id,
                                            'status', NEW.status, 'late', NEW.late, 'version', NEW.version))
      FROM school_group g WHERE g.id = NEW.group_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER webhook_plan AFTER UPDATE OF status ON action_plan
    FOR EACH ROW WHEN (NEW.status = 'submitted' AND OLD.status <> 'submitted')
    EXECUTE FUNCTION webhook_plan();

-- ---- the events of a day -------------------------------------------------------

-- What p_today makes due, each told once to each subscription: an
-- evaluation overdue, a chair unconfirmed at the LA's deadline, and a
-- deadline within p_within days (a fund's plan deadline or evaluation date,
-- the LA's confirmation deadline). Only LAs someone listens to are looked at.
CREATE FUNCTION webhook_scan(p_today date, p_within integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT f.la_id, 'evaluation.overdue' AS type, 'evaluation.overdue:' || a.id AS dedupe,
               jsonb_build_object('allocation_id', a.id, 'fund_id', f.id, 'group_id', a.group_id,
                                  'evaluation_due', f.evaluation_due, 'evaluation_id', v.id,
                                  'evaluation_status', v.status) AS data
          FROM fund_allocation a JOIN fund f ON f.id = a.fund_id
          LEFT JOIN evaluation v ON v.allocation_id = a.id
         WHERE a.status IN ('approved', 'paid') AND f.evaluation_due < p_today
           AND (v.id IS NULL OR v.status <> 'reported')
           AND EXISTS (SELECT 1 FROM webhook_subscription s WHERE s.la_id = f.la_id AND s.enabled
                          AND 'evaluation.overdue' = ANY (s.event_types))
        UNION ALL
        SELECT g.la_id, 'chair.unconfirmed', 'chair.unconfirmed:' || g.id || ':' || y.year,
               jsonb_build_object('group_id', g.id, 'group_name', g.name, 'academic_year', y.year,
                                  'deadline', y.deadline, 'chair_id', c.id)
          FROM local_authority l
          CROSS JOIN LATERAL (SELECT academic_year_of(p_today) AS year) yy
          CROSS JOIN LATERAL (SELECT yy.year, (left(yy.year, 4) || '-' || l.confirmation_deadline)::date AS deadline) y
          JOIN school_group g ON g.la_id = l.id AND g.status = 'active'
          LEFT JOIN chair_appointment c ON c.group_id = g.id AND c.role = 'chair' AND c.term @> y.deadline
         WHERE y.deadline < p_today
           AND NOT EXISTS (SELECT 1 FROM chair_confirmation k WHERE k.group_id = g.id AND k.academic_year = y.year)
           AND EXISTS (SELECT 1 FROM webhook_subscription s WHERE s.la_id = l.id AND s.enabled
                          AND 'chair.unconfirmed' = ANY (s.event_types))
        UNION ALL
        SELECT f.la_id, 'deadline.approaching', 'deadline.approaching:' || d.what || ':' || f.id || ':' || d.due,
               jsonb_build_object('deadline', d.what, 'due_on', d.due, 'fund_id', f.id, 'fund_name', f.name)
          FROM fund f
          CROSS JOIN LATERAL (VALUES ('plan_deadline', f.plan_deadline), ('evaluation_due', f.evaluation_due)) d(what, due)
         WHERE f.status = 'open' AND d.due BETWEEN p_today AND p_today + p_within
           AND EXISTS (SELECT 1 FROM webhook_subscription s WHERE s.la_id = f.la_id AND s.enabled
                          AND 'deadline.approaching' = ANY (s.event_types))
        UNION ALL
        SELECT l.id, 'deadline.approaching', 'deadline.approaching:confirmation:' || l.id || ':' || y.deadline,
               jsonb_build_object('deadline', 'chair_confirmation', 'due_on', y.deadline, 'academic_year', y.year)
          FROM local_authority l
          CROSS JOIN LATERAL (SELECT academic_year_of(p_today) AS year) yy
          CROSS JOIN LATERAL (SELECT yy.year, (left(yy.year, 4) || '-' || l.confirmation_deadline)::date AS deadline) y
         WHERE y.deadline BETWEEN p_today AND p_today + p_within
           AND EXISTS (SELECT 1 FROM webhook_subscription s WHERE s.la_id = l.id AND s.enabled
                          AND 'deadline.approaching' = ANY (s.event_types))
    LOOP
        PERFORM webhook_emit(r.la_id, r.type, r.data, r.dedupe);
    END LOOP;
END
$$;
