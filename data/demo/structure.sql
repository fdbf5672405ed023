-- The demo local authority: Warwickshire (LA 937) and its five areas, each
-- with the districts (GSS codes) whose schools it takes at import.
-- Safe to run again: existing rows are left as they are.
INSERT INTO local_authority (code, name, review_interval_months)
VALUES (937, 'Warwickshire', 12)
ON CONFLICT (code) DO NOTHING;

INSERT INTO area (la_id, code, name, district_codes)
SELECT l.id, a.code, a.name, a.districts
  FROM local_authority l,
       (VALUES ('north-warwickshire', 'North Warwickshire', ARRAY['E07000218']),
               ('nuneaton-bedworth', 'Nuneaton & Bedworth', ARRAY['E07000219']),
               ('east', 'East', ARRAY['E07000220']),
               ('south', 'South', ARRAY['E07000221']),
               ('central', 'Central', ARRAY['E07000222'])) AS a (code, name, districts)
 WHERE l.code = 937
ON CONFLICT (la_id, code) DO NOTHING;
