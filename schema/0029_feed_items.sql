-- The payment feed's items, kept as the feed sends them. A change never
-- changes (payment_change is append-only), so its item's JSON is built
-- once, when the change is written, and a page of the feed joins the
-- texts instead of building every item on every read. An LA's caller
-- finds its changes by the LA each names, which is its payment's for
-- good: a payment's LA never changes (payment_guard, below).
ALTER TABLE payment_change ADD COLUMN item text;

-- The changes already written get theirs; the append-only rule stands
-- aside for this one derived column and is back before anyone reads.
ALTER TABLE payment_change DISABLE TRIGGER payment_change_append_only;
UPDATE payment_change
   SET item = json_build_object('position', position, 'changed_at', api_ts(changed_at),
                                'payment', payment)::text;
ALTER TABLE payment_change ENABLE TRIGGER payment_change_append_only;
ALTER TABLE payment_change ALTER COLUMN item SET NOT NULL;

CREATE OR REPLACE FUNCTION payment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_position bigint;
    v_at       timestamptz;
    v_payment  json := payment_json(NEW);
BEGIN
    UPDATE payment_feed_counter SET last = last + 1 RETURNING last INTO v_position;
    v_at := clock_timestamp();   -- once the counter is ours, as the column's default was
    INSERT INTO payment_change (position, payment_id, la_code, changed_at, payment, item)
    VALUES (v_position, NEW.id, NEW.la_code, v_at, v_payment,
            json_build_object('position', v_position, 'changed_at', api_ts(v_at),
                              'payment', v_payment)::text);
    RETURN NULL;
END
$$;

CREATE INDEX payment_change_la_idx ON payment_change (la_code, position);

CREATE OR REPLACE FUNCTION payment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'payments are never deleted' USING ERRCODE = 'restrict_violation',
            CONSTRAINT = 'payment_final';
    END IF;
    IF OLD.status NOT IN ('due', 'acknowledged') OR NEW.amount_pence <> OLD.amount_pence
       OR NEW.payee_urn <> OLD.payee_urn OR NEW.reference <> OLD.reference
       OR NEW.la_code <> OLD.la_code
       OR NEW.status = 'due' OR (OLD.status = 'acknowledged' AND NEW.status = 'acknowledged') THEN
        RAISE EXCEPTION 'payment % is % and cannot change', OLD.reference, OLD.status
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'payment_final';
    END IF;
    RETURN NEW;
END
$$;
