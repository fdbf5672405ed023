-- The write benchmark's set-up, after bench/money.sql: 100 funds of kind
-- 'other' in the bench LA, and every (fund, group) pair numbered, with a
-- member school of the group to pay. Pairs 1 to 50,000 are the server's
-- (bench/write.lua creates and approves one allocation a pair), the rest
-- pgbench's (bench_pair_seq).
INSERT INTO fund (la_id, kind, name, academic_year, pot_pence, census_date)
SELECT l.id, 'other', 'Bench write ' || n, '2020/21', 100000000000, '2020-10-01'
  FROM local_authority l, generate_series(1, 100) AS n WHERE l.code = 990;

CREATE TABLE bench_pair AS
SELECT row_number() OVER (ORDER BY f.id, g.id) AS n, f.id AS fund_id, g.id AS group_id,
       (SELECT min(m.school_urn) FROM membership m WHERE m.group_id = g.id) AS urn
  FROM fund f, school_group g
 WHERE f.name LIKE 'Bench write %' AND g.name LIKE 'Bench group %';
ALTER TABLE bench_pair ADD PRIMARY KEY (n);
CREATE SEQUENCE bench_pair_seq START 50001;

ANALYZE;
