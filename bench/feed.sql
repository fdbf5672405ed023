-- 100,000 payment changes for the feed benchmark: 50,000 payments fall due
-- (one change each, written by the same trigger the service relies on),
-- then all are paid (one more each).
INSERT INTO fund_allocation (fund_id, group_id, amount_pence, working)
SELECT f.id, g.id, 100, '{"rule": "bench"}'
  FROM fund f, school_group g WHERE f.name = 'Bench recovery' AND g.name LIKE 'Bench group %';

WITH a AS (SELECT array_agg(id ORDER BY id) AS ids, min(fund_id) AS fund_id
             FROM fund_allocation WHERE working->>'rule' = 'bench')
INSERT INTO payment (allocation_id, reference, fund_id, payee_urn, la_code, establishment_number,
                     amount_pence, academic_year, due_on, financial_year)
SELECT a.ids[1 + n % array_length(a.ids, 1)], '', a.fund_id, 100000 + n, 990, n % 10000, 100,
       '2020/21', '2020-10-20', '2020/21'
  FROM generate_series(1, 50000) AS n, a;

UPDATE payment SET status = 'paid', remittance_reference = 'BENCH', paid_on = '2020-10-30'
 WHERE status = 'due';
