-- An LA's grants of a year as 360Giving data: each allocation approved or
-- paid is a grant to the school it is paid to, awarded by the LA, with the
-- money paid out against it. Organisations are named by org-id.guide
-- identifiers: a school by its URN (GB-URN-125678); an LA by the
-- identifier it records (`org_id`, e.g. GB-LAE-WAR from the register of
-- English local authorities), or else one of this publisher's own
-- (360G-consortia-la-937). A grant's own identifier is this publisher's too
-- (360G-consortia-937-allocation-42).

ALTER TABLE local_authority ADD COLUMN org_id text CONSTRAINT local_authority_org_id_check
    CHECK (org_id ~ '^[A-Z0-9]{2,8}-[A-Z0-9]{2,12}-[A-Za-z0-9._/-]{1,100}$');

CREATE FUNCTION threesixty_grants(p_la bigint, p_year text) RETURNS TABLE (grant_doc jsonb, sort_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
               'id', '360G-consortia-' || l.code || '-allocation-' || a.id,
               'title', f.name || ' ' || f.academic_year || ': ' || g.name,
               'description', 'The ' || f.name || ' allocation of ' || l.name || ' for ' || f.academic_year
                              || ' to ' || g.name || ', paid to ' || s.name || '.',
               'currency', 'GBP',
               'amountAwarded', round(a.amount_pence / 100.0, 2),
               'amountDisbursed', round(coalesce(paid.pence, 0) / 100.0, 2),
               'awardDate', to_char(a.approved_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD'),
               'recipientOrganization', jsonb_build_array(jsonb_build_object(
                   'id', CASE WHEN s.urn < 1000000 THEN 'GB-URN-' || s.urn ELSE '360G-consortia-school-' || s.urn END,
                   'name', s.name)),
               'fundingOrganization', jsonb_build_array(jsonb_build_object(
                   'id', coalesce(l.org_id, '360G-consortia-la-' || l.code), 'name', l.name)),
               'grantProgramme', jsonb_build_array(jsonb_build_object(
                   'code', '360G-consortia-' || l.code || '-fund-' || f.id, 'title', f.name)),
               'lastModified', api_ts(greatest(a.updated_at, coalesce(paid.changed, a.updated_at)))),
           a.id
      FROM fund_allocation a
      JOIN fund f ON f.id = a.fund_id
      JOIN local_authority l ON l.id = f.la_id
      JOIN school_group g ON g.id = a.group_id
      JOIN school s ON s.urn = a.payee_urn
      LEFT JOIN LATERAL (SELECT sum(p.amount_pence) AS pence, max(p.updated_at) AS changed FROM payment p
                          WHERE p.allocation_id = a.id AND p.status = 'paid') paid ON true
     WHERE f.la_id = p_la AND f.academic_year = p_year AND a.status IN ('approved', 'paid')
       AND a.amount_pence > 0 AND a.approved_at IS NOT NULL
$$;

-- The 360Giving data package: {"grants": [...]}, by allocation.
CREATE FUNCTION threesixty_package(p_la bigint, p_year text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('grants', coalesce(json_agg(grant_doc ORDER BY sort_id), '[]'))
      FROM threesixty_grants(p_la, p_year)
$$;

-- The same grants as rows headed as 360Giving's spreadsheet template heads them.
CREATE FUNCTION threesixty_rows(p_la bigint, p_year text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('items', coalesce(json_agg(json_build_object(
               'Identifier', d ->> 'id', 'Title', d ->> 'title', 'Description', d ->> 'description',
               'Currency', d ->> 'currency', 'Amount Awarded', d ->> 'amountAwarded',
               'Amount Disbursed', d ->> 'amountDisbursed', 'Award Date', d ->> 'awardDate',
               'Recipient Org:Identifier', d -> 'recipientOrganization' -> 0 ->> 'id',
               'Recipient Org:Name', d -> 'recipientOrganization' -> 0 ->> 'name',
               'Funding Org:Identifier', d -> 'fundingOrganization' -> 0 ->> 'id',
               'Funding Org:Name', d -> 'fundingOrganization' -> 0 ->> 'name',
               'Grant Programme:Code', d -> 'grantProgramme' -> 0 ->> 'code',
               'Grant Programme:Title', d -> 'grantProgramme' -> 0 ->> 'title',
               'Last Modified', d ->> 'lastModified') ORDER BY sort_id), '[]'))
      FROM threesixty_grants(p_la, p_year) AS t(d, sort_id)
$$;
