-- The demo families of schools for Warwickshire (LA 937): fourteen primary
-- consortia across the five areas and four secondary area networks, with
-- every open primary-phase school in a consortium and every secondary in a
-- network since September 2019. Safe to run again: what exists stays.
WITH la AS (SELECT id FROM local_authority WHERE code = 937)
INSERT INTO school_group (kind, la_id, area_id, name, created_on)
SELECT 'consortium', la.id, a.id, a.name || ' ' || n, '2017-09-01'
  FROM la JOIN area a ON a.la_id = la.id,
       generate_series(1, CASE a.code WHEN 'north-warwickshire' THEN 2 ELSE 3 END) AS n
ON CONFLICT DO NOTHING;

WITH la AS (SELECT id FROM local_authority WHERE code = 937)
INSERT INTO school_group (kind, la_id, area_id, name, created_on)
SELECT 'area_network', la.id, a.id, v.name, '2017-09-01'
  FROM la JOIN area a ON a.la_id = la.id
  JOIN (VALUES ('north-warwickshire', 'North Area Network'), ('east', 'East Area Network'),
               ('south', 'South Area Network'), ('central', 'Central Area Network')) AS v (code, name)
    ON v.code = a.code
ON CONFLICT DO NOTHING;

-- Primary-phase schools: dealt round their area's consortia in name order.
WITH g AS (
    SELECT g.id, g.area_id, row_number() OVER (PARTITION BY g.area_id ORDER BY g.id) AS n,
           count(*) OVER (PARTITION BY g.area_id) AS k
      FROM school_group g JOIN local_authority l ON l.id = g.la_id
     WHERE l.code = 937 AND g.kind = 'consortium'),
s AS (
    SELECT s.urn, s.area_id, row_number() OVER (PARTITION BY s.area_id ORDER BY s.name, s.urn) AS rn
      FROM school s JOIN local_authority l ON l.id = s.la_id
     WHERE l.code = 937 AND s.phase IN ('primary', 'nursery') AND s.status = 'open')
INSERT INTO membership (group_id, kind, school_urn, start_date)
SELECT g.id, 'consortium', s.urn, '2019-09-01'
  FROM s JOIN g ON g.area_id = s.area_id AND g.n = (s.rn - 1) % g.k + 1
 WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.school_urn = s.urn AND m.kind = 'consortium');

-- Secondaries: the North network also takes Nuneaton & Bedworth's.
INSERT INTO membership (group_id, kind, school_urn, start_date)
SELECT g.id, 'area_network', s.urn, '2019-09-01'
  FROM school s JOIN local_authority l ON l.id = s.la_id JOIN area a ON a.id = s.area_id
  JOIN school_group g ON g.la_id = l.id AND g.kind = 'area_network'
   AND g.area_id = (SELECT id FROM area WHERE la_id = l.id AND code =
                    CASE a.code WHEN 'nuneaton-bedworth' THEN 'north-warwickshire' ELSE a.code END)
 WHERE l.code = 937 AND s.phase = 'secondary' AND s.status = 'open'
   AND NOT EXISTS (SELECT 1 FROM membership m WHERE m.school_urn = s.urn AND m.kind = 'area_network');
