-- The reads suite's data beyond the demo and the bench's (bench/money.sql):
-- what makes a school's document depend on the day. In LA 990, by URN:
--   every 7th: its group changed at the start of last September (the old
--     membership ended, a new one in another group of its kind began);
--   every 11th: its membership ends in 30 days, then a gap, then another
--     group from 60 days on;
--   every 13th: no group today, one from 10 days on;
--   every 5th: vulnerable over a period (some ended, some open);
--   every 3rd: a headteacher appointed on a day around two years ago;
--   a few groups renamed, one with quotes and Welsh letters in its name.
\set ON_ERROR_STOP 1

CREATE TEMPORARY TABLE bench_school AS
SELECT s.urn, m.kind, m.group_id, m.id AS membership_id, row_number() OVER (ORDER BY s.urn) AS n
  FROM school s JOIN membership m ON m.school_urn = s.urn
 WHERE s.la_id = (SELECT id FROM local_authority WHERE code = 990);

CREATE TEMPORARY TABLE other_group AS
SELECT b.urn, (SELECT g.id FROM school_group g WHERE g.kind = b.kind AND g.la_id = (SELECT id FROM local_authority WHERE code = 990)
                  AND g.id <> b.group_id ORDER BY abs(g.id - b.group_id - 3), g.id LIMIT 1) AS other
  FROM bench_school b;

UPDATE membership SET end_date = make_date(extract(year FROM london_today() - 244)::integer, 8, 31)
 WHERE id IN (SELECT membership_id FROM bench_school WHERE n % 7 = 0);
INSERT INTO membership (group_id, kind, school_urn, start_date)
SELECT o.other, b.kind, b.urn, make_date(extract(year FROM london_today() - 244)::integer, 9, 1)
  FROM bench_school b JOIN other_group o USING (urn) WHERE b.n % 7 = 0;

UPDATE membership SET end_date = london_today() + 30
 WHERE id IN (SELECT membership_id FROM bench_school WHERE n % 11 = 0 AND n % 7 <> 0);
INSERT INTO membership (group_id, kind, school_urn, start_date)
SELECT o.other, b.kind, b.urn, london_today() + 60
  FROM bench_school b JOIN other_group o USING (urn) WHERE b.n % 11 = 0 AND b.n % 7 <> 0;

DELETE FROM membership WHERE id IN (SELECT membership_id FROM bench_school WHERE n % 13 = 0 AND n % 7 <> 0 AND n % 11 <> 0);
INSERT INTO membership (group_id, kind, school_urn, start_date)
SELECT b.group_id, b.kind, b.urn, london_today() + 10
  FROM bench_school b WHERE b.n % 13 = 0 AND b.n % 7 <> 0 AND b.n % 11 <> 0;

INSERT INTO vulnerability (school_urn, start_date, end_date, reason)
SELECT urn, london_today() - 400 + (n % 50)::integer,
       CASE WHEN n % 10 = 0 THEN london_today() - 20 END,
       'Falling roll and "interim" leadership, n° ' || n
  FROM bench_school WHERE n % 5 = 0;
UPDATE school SET vulnerability_recorded = true WHERE urn IN (SELECT urn FROM vulnerability);

UPDATE school SET headteacher_name = 'Head of ' || s.urn,
                  headteacher_appointed_on = london_today() - 730 + (b.n % 5)::integer - 2
  FROM bench_school b, school s WHERE b.urn = school.urn AND s.urn = school.urn AND b.n % 3 = 0;

UPDATE school_group SET name = 'Cylch Ysgolion "Dyffryn" – ' || id
 WHERE id IN (SELECT group_id FROM bench_school WHERE n % 97 = 0);

-- The payment feed's changes: a fund of the bench LA's with an allocation
-- for every fifth bench group, each approved with its payment due; a
-- third then paid, of which half reversed; a third acknowledged, of which
-- half rejected and reissued. Each step is a change of the feed.
INSERT INTO fund (la_id, kind, name, academic_year, pot_pence, census_date)
SELECT id, 'other', 'Reads feed', '2020/21', 1000000000, '2020-10-01' FROM local_authority WHERE code = 990;
INSERT INTO fund_allocation (fund_id, group_id, amount_pence, payee_urn, working)
SELECT f.id, g.id, 1000 + g.id * 7, (SELECT min(m.school_urn) FROM membership m WHERE m.group_id = g.id),
       '{"rule": "set by hand"}'
  FROM fund f JOIN school_group g ON g.la_id = f.la_id AND g.name LIKE 'Bench group %' AND g.id % 5 = 0
 WHERE f.name = 'Reads feed';
WITH a AS (
    UPDATE fund_allocation x SET status = 'approved', first_approved_by = 'reads', first_approved_at = now(),
           approved_by = 'reads', approved_at = now(), updated_at = now(), version = x.version + 1
      FROM fund f WHERE f.id = x.fund_id AND f.name = 'Reads feed' RETURNING x.*)
INSERT INTO payment (allocation_id, reference, fund_id, payee_urn, la_code, establishment_number,
                     amount_pence, academic_year, due_on, financial_year)
SELECT a.id, '', a.fund_id, a.payee_urn, l.code, s.establishment_number, a.amount_pence, f.academic_year,
       london_today(), '2020/21'
  FROM a JOIN fund f ON f.id = a.fund_id JOIN school s ON s.urn = a.payee_urn
  JOIN local_authority l ON l.id = s.la_id;
CREATE TEMPORARY TABLE feed_payment AS
SELECT p.id, row_number() OVER (ORDER BY p.id) AS n
  FROM payment p JOIN fund f ON f.id = p.fund_id WHERE f.name = 'Reads feed';
UPDATE payment SET status = 'paid', remittance_reference = 'BACS-' || id, paid_on = '2020-11-02',
       updated_at = now(), version = version + 1
 WHERE id IN (SELECT id FROM feed_payment WHERE n % 3 = 0);
UPDATE payment SET status = 'acknowledged', finance_reference = 'FIN "' || id || '"', acknowledged_at = now(),
       updated_at = now(), version = version + 1
 WHERE id IN (SELECT id FROM feed_payment WHERE n % 3 = 1);
UPDATE payment SET status = 'rejected', rejection_reason = 'Cyfrif banc anghywir – «wrong account» n° ' || id,
       rejected_at = now(), updated_at = now(), version = version + 1
 WHERE id IN (SELECT id FROM feed_payment WHERE n % 3 = 1 AND n % 2 = 0);
INSERT INTO payment (allocation_id, reference, fund_id, payee_urn, la_code, establishment_number,
                     amount_pence, academic_year, due_on, financial_year, reissues_payment_id, reason)
SELECT p.allocation_id, '', p.fund_id, p.payee_urn, p.la_code, p.establishment_number, p.amount_pence,
       p.academic_year, london_today(), p.financial_year, p.id, 'Reissued to the right account'
  FROM payment p WHERE p.status = 'rejected' AND p.id IN (SELECT id FROM feed_payment);
INSERT INTO payment (allocation_id, reference, fund_id, payee_urn, la_code, establishment_number,
                     amount_pence, academic_year, due_on, financial_year, reverses_payment_id, reason)
SELECT p.allocation_id, '', p.fund_id, p.payee_urn, p.la_code, p.establishment_number, -p.amount_pence,
       p.academic_year, london_today(), p.financial_year, p.id, 'Paid twice'
  FROM payment p WHERE p.status = 'paid' AND p.id IN (SELECT id FROM feed_payment WHERE n % 2 = 0);

-- An area of the bench LA's, for the area report: groups with allocations
-- and payments, their meetings, and vulnerable schools with the support
-- brokered for them.
INSERT INTO area (la_id, code, name) SELECT id, 'bench-north', 'Bench north' FROM local_authority WHERE code = 990;
UPDATE school_group SET area_id = (SELECT id FROM area WHERE code = 'bench-north')
 WHERE la_id = (SELECT id FROM local_authority WHERE code = 990) AND id % 15 = 0;
UPDATE school SET area_id = (SELECT id FROM area WHERE code = 'bench-north')
 WHERE urn IN (SELECT urn FROM bench_school WHERE n % 4 = 0);
INSERT INTO meeting (group_id, held_on, attended_urns)
SELECT g.id, v.d, coalesce((SELECT jsonb_agg(m.school_urn ORDER BY m.school_urn) FROM membership m
                             WHERE m.group_id = g.id AND m.valid @> v.d AND m.school_urn % 2 = 0), '[]')
  FROM school_group g,
       (VALUES (date '2020-10-07'), ('2020-11-18'), ('2021-02-03'), ('2021-06-09'), ('2021-07-01')) v (d)
 WHERE g.area_id = (SELECT id FROM area WHERE code = 'bench-north');
INSERT INTO support_record (school_urn, brokered_by, support, started_on, ended_on, progress_notes)
SELECT v.school_urn, 'Consortium chair', 'Leadership coaching «twice a term»', v.start_date + 10,
       CASE WHEN v.id % 2 = 0 THEN v.start_date + 200 END,
       jsonb_build_array(jsonb_build_object('on', v.start_date + 30, 'note', 'Started "well"'),
                         jsonb_build_object('on', v.start_date + 90, 'note', 'Governors engaged'))
  FROM vulnerability v JOIN school s ON s.urn = v.school_urn
 WHERE s.area_id = (SELECT id FROM area WHERE code = 'bench-north');

ANALYZE;
