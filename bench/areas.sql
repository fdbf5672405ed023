-- The area report's set-up, after the money and the feed: the bench LA's
-- 1,500 groups in 10 areas of 150, their member schools in the same areas,
-- each group meeting four times in 2020/21, one school in ten of those
-- vulnerable since that September, with support brokered for it.
INSERT INTO area (la_id, code, name)
SELECT l.id, 'bench-' || n, 'Bench area ' || n FROM local_authority l, generate_series(1, 10) AS n
 WHERE l.code = 990;
UPDATE school_group g SET area_id = a.id FROM area a
 WHERE a.code = 'bench-' || (g.id % 10 + 1) AND g.name LIKE 'Bench group %';
UPDATE school s SET area_id = g.area_id FROM membership m JOIN school_group g ON g.id = m.group_id
 WHERE m.school_urn = s.urn AND g.kind = 'consortium' AND g.name LIKE 'Bench group %';
INSERT INTO meeting (group_id, held_on, attended_urns)
SELECT g.id, v.d, '[]' FROM school_group g,
       (VALUES (date '2020-10-07'), ('2020-11-18'), ('2021-02-03'), ('2021-06-09')) AS v (d)
 WHERE g.name LIKE 'Bench group %';
INSERT INTO vulnerability (school_urn, start_date, reason)
SELECT urn, '2020-09-01', 'Bench' FROM school WHERE area_id IS NOT NULL AND urn % 10 = 0;
UPDATE school SET vulnerability_recorded = true WHERE urn IN (SELECT school_urn FROM vulnerability);
INSERT INTO support_record (school_urn, brokered_by, support, started_on)
SELECT school_urn, 'Bench chair', 'Coaching', '2020-10-01' FROM vulnerability v
  JOIN school s ON s.urn = v.school_urn WHERE s.area_id IS NOT NULL;
ANALYZE;
