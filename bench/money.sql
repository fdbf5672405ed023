-- The money benchmark's set-up, after the schools are loaded and the reads
-- measured. A group's schools are of its LA (schema/0008_isolation.sql), and
-- an LA numbers its establishments 0 to 9999, so the first 10,000 schools by
-- URN move to one large LA of their own (code 990), renumbered. In it:
-- 1,500 groups (1,350 consortia of primary-phase and special schools, 150
-- area networks of secondaries), every school a member, and a recovery fund
-- whose pot covers the flat amounts and minimums.
INSERT INTO local_authority (code, name) VALUES (990, 'Bench national');
WITH s AS (SELECT urn, row_number() OVER (ORDER BY urn) - 1 AS rn FROM school ORDER BY urn LIMIT 10000)
UPDATE school SET la_id = (SELECT id FROM local_authority WHERE code = 990), establishment_number = s.rn
  FROM s WHERE school.urn = s.urn;

INSERT INTO school_group (kind, la_id, name, created_on)
SELECT CASE WHEN n <= 1350 THEN 'consortium' ELSE 'area_network' END,
       (SELECT id FROM local_authority WHERE code = 990), 'Bench group ' || n, '2019-09-01'
  FROM generate_series(1, 1500) AS n;

WITH s AS (
    SELECT urn, phase = 'secondary' AS secondary,
           row_number() OVER (PARTITION BY phase = 'secondary' ORDER BY urn) AS rn FROM school
     WHERE la_id = (SELECT id FROM local_authority WHERE code = 990)),
g AS (
    SELECT id, kind, row_number() OVER (PARTITION BY kind ORDER BY id) AS gn,
           count(*) OVER (PARTITION BY kind) AS k FROM school_group WHERE name LIKE 'Bench group %')
INSERT INTO membership (group_id, kind, school_urn, start_date)
SELECT g.id, g.kind, s.urn, '2019-09-01'
  FROM s JOIN g ON g.kind = CASE WHEN s.secondary THEN 'area_network' ELSE 'consortium' END
   AND g.gn = (s.rn - 1) % g.k + 1;

INSERT INTO fund (la_id, kind, name, academic_year, pot_pence, census_date)
SELECT id, 'recovery', 'Bench recovery', '2020/21', 2000000000, '2020-10-01'
  FROM local_authority WHERE code = 990;

ANALYZE;
