-- An allocation's representation names its payment (the latest that is not
-- a reversal): without an index on the allocation, every allocation read,
-- listed or written scanned all payments.
CREATE INDEX payment_allocation_idx ON payment (allocation_id, id);
