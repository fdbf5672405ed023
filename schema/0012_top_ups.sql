-- Allocating a fund again: each group's live allocations add up to what
-- the calculation gives it now. A fund allocated once may later propose a
-- top-up (a positive difference) or a reduction (a negative one, approved
-- as a negative payment); what is paid is never touched.

ALTER TABLE fund_allocation
    ADD COLUMN kind text NOT NULL DEFAULT 'allocation'
        CONSTRAINT allocation_kind_check CHECK (kind IN ('allocation', 'top_up', 'reduction'));
ALTER TABLE fund_allocation DROP CONSTRAINT fund_allocation_amount_pence_check;
ALTER TABLE fund_allocation ADD CONSTRAINT allocation_amount_check
    CHECK (CASE WHEN kind = 'reduction' THEN amount_pence < 0 ELSE amount_pence >= 0 END);

-- One live first allocation per group (and chair, as chair funding was
-- made before it was per group) and fund; top-ups and reductions follow it.
DROP INDEX allocation_once;
CREATE UNIQUE INDEX allocation_once ON fund_allocation (fund_id, group_id, coalesce(chair_id, 0))
    WHERE status <> 'cancelled' AND kind = 'allocation';
CREATE INDEX allocation_fund_group_idx ON fund_allocation (fund_id, group_id) WHERE status <> 'cancelled';
