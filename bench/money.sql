-- The national-scale money benchmark's set-up, after the 24,000 schools are
-- loaded: 1,500 groups in one LA (1,350 consortia of primary-phase and
-- special schools, 150 area networks of secondaries), every school a member,
-- and a recovery fund whose pot covers the flat amounts and minimums.
INSERT INTO school_group (kind, la_id, name, created_on)
SELECT CASE WHEN n <= 1350 THEN 'consortium' ELSE 'area_network' END,
       (SELECT id FROM local_authority WHERE code = 937), 'Bench group ' || n, '2019-09-01'
  FROM generate_series(1, 1500) AS n;

WITH s AS (
    SELECT urn, phase = 'secondary' AS secondary,
           row_number() OVER (PARTITION BY phase = 'secondary' ORDER BY urn) AS rn FROM school),
g AS (
    SELECT id, kind, row_number() OVER (PARTITION BY kind ORDER BY id) AS gn,
           count(*) OVER (PARTITION BY kind) AS k FROM school_group WHERE name LIKE 'Bench group %')
INSERT INTO membership (group_id, kind, school_urn, start_date)
SELECT g.id, g.kind, s.urn, '2019-09-01'
  FROM s JOIN g ON g.kind = CASE WHEN s.secondary THEN 'area_network' ELSE 'consortium' END
   AND g.gn = (s.rn - 1) % g.k + 1;

INSERT INTO fund (la_id, kind, name, academic_year, pot_pence, census_date)
SELECT id, 'recovery', 'Bench recovery', '2020/21', 2000000000, '2020-10-01'
  FROM local_authority WHERE code = 937;

ANALYZE;
