-- The finance system answers back, and an LA may ask for two approvers.
--
-- A payment is due; the finance system may acknowledge it (taken into its
-- payment run, under its own reference) and then records it paid; or it
-- rejects it, with a reason, and the officers reissue it as a new payment.
-- Every step is an update or an insert of a payment, so every step is in
-- the change feed.

ALTER TABLE payment DROP CONSTRAINT payment_status_check;
ALTER TABLE payment ADD CONSTRAINT payment_status_check
    CHECK (status IN ('due', 'acknowledged', 'paid', 'rejected', 'cancelled'));
ALTER TABLE payment
    ADD COLUMN finance_reference   text CONSTRAINT payment_finance_reference_check
                                   CHECK (length(finance_reference) BETWEEN 1 AND 100),
    ADD COLUMN acknowledged_at     timestamptz,
    ADD COLUMN rejected_at         timestamptz,
    ADD COLUMN rejection_reason    text CONSTRAINT payment_rejection_reason_check
                                   CHECK (length(rejection_reason) BETWEEN 1 AND 500),
    ADD COLUMN reissues_payment_id bigint CONSTRAINT payment_reissues_fkey REFERENCES payment (id),
    ADD CONSTRAINT payment_acknowledged_check
        CHECK (status <> 'acknowledged' OR finance_reference IS NOT NULL),
    ADD CONSTRAINT payment_rejected_check
        CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL);
-- A rejected payment is reissued once (a reissue rejected in its turn is reissued anew).
CREATE UNIQUE INDEX payment_reissued_once ON payment (reissues_payment_id) WHERE status <> 'cancelled';

-- Paid, rejected and cancelled are final; due may be acknowledged, paid,
-- rejected or cancelled, acknowledged paid, rejected or cancelled. What is
-- paid and to whom never changes.
CREATE OR REPLACE FUNCTION payment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'payments are never deleted' USING ERRCODE = 'restrict_violation',
            CONSTRAINT = 'payment_final';
    END IF;
    IF OLD.status NOT IN ('due', 'acknowledged') OR NEW.amount_pence <> OLD.amount_pence
       OR NEW.payee_urn <> OLD.payee_urn OR NEW.reference <> OLD.reference
       OR NEW.status = 'due' OR (OLD.status = 'acknowledged' AND NEW.status = 'acknowledged') THEN
        RAISE EXCEPTION 'payment % is % and cannot change', OLD.reference, OLD.status
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'payment_final';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION payment_json(p payment) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', p.id, 'reference', p.reference, 'allocation_id', p.allocation_id,
        'fund_id', p.fund_id, 'payee_urn', p.payee_urn, 'la_code', p.la_code,
        'establishment_number', p.establishment_number,
        'dfe_number', p.la_code || '/' || lpad(p.establishment_number::text, 4, '0'),
        'amount_pence', p.amount_pence, 'currency', 'GBP', 'academic_year', p.academic_year,
        'due_on', p.due_on, 'financial_year', p.financial_year, 'status', p.status,
        'finance_reference', p.finance_reference, 'acknowledged_at', api_ts(p.acknowledged_at),
        'remittance_reference', p.remittance_reference, 'paid_on', p.paid_on,
        'rejected_at', api_ts(p.rejected_at), 'rejection_reason', p.rejection_reason,
        'reverses_payment_id', p.reverses_payment_id, 'reissues_payment_id', p.reissues_payment_id,
        'reason', p.reason, 'created_at', api_ts(p.created_at), 'updated_at', api_ts(p.updated_at),
        'version', p.version)
$$;

-- ---- two approvers -----------------------------------------------------------

-- Off by default. separate_approver: the officer who proposed an
-- allocation, or last changed it, does not approve it. Over
-- second_approval_over_pence (null: never), an allocation needs a second
-- approval, by another officer than the first.
ALTER TABLE local_authority
    ADD COLUMN separate_approver boolean NOT NULL DEFAULT false,
    ADD COLUMN second_approval_over_pence bigint
        CONSTRAINT la_second_approval_check CHECK (second_approval_over_pence >= 0);

ALTER TABLE fund_allocation DROP CONSTRAINT fund_allocation_status_check;
ALTER TABLE fund_allocation ADD CONSTRAINT fund_allocation_status_check
    CHECK (status IN ('proposed', 'awaiting_second_approval', 'approved', 'paid', 'cancelled'));
ALTER TABLE fund_allocation
    ADD COLUMN first_approved_by text,
    ADD COLUMN first_approved_at timestamptz,
    ADD COLUMN approved_by       text;
UPDATE fund_allocation a SET approved_by = e.subject
  FROM (SELECT DISTINCT ON (resource_id) resource_id, subject FROM audit_event
         WHERE resource = 'fund-allocation' AND action = 'approve' ORDER BY resource_id, id DESC) e
 WHERE e.resource_id = a.id::text AND a.approved_at IS NOT NULL;

-- allocation_guard (0005) already settles amount and payee once an
-- allocation leaves `proposed`, awaiting a second approval included.

-- Why `subject` may not approve allocation `id` now, or null when it may.
CREATE FUNCTION allocation_approver_refusal(p_id bigint, p_subject text) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN a.status = 'awaiting_second_approval' AND a.first_approved_by = p_subject
            THEN 'you gave this allocation its first approval: another officer gives the second'
        WHEN l.separate_approver AND p_subject = (
                SELECT e.subject FROM audit_event e WHERE e.resource = 'fund-allocation'
                   AND e.resource_id = a.id::text AND e.action = 'create' ORDER BY e.id LIMIT 1)
            THEN 'you proposed this allocation: the local authority asks another officer to approve it'
        WHEN l.separate_approver AND p_subject = (
                SELECT e.subject FROM audit_event e WHERE e.resource = 'fund-allocation'
                   AND e.resource_id = a.id::text AND e.action = 'update' ORDER BY e.id DESC LIMIT 1)
            THEN 'you last changed this allocation: the local authority asks another officer to approve it'
        END
      FROM fund_allocation a JOIN fund f ON f.id = a.fund_id JOIN local_authority l ON l.id = f.la_id
     WHERE a.id = p_id
$$;

-- A reversal rejected by finance no longer counts as the payment's reversal:
-- its reissue takes its place.
DROP INDEX payment_reversed_once;
CREATE UNIQUE INDEX payment_reversed_once ON payment (reverses_payment_id)
    WHERE status NOT IN ('cancelled', 'rejected');
