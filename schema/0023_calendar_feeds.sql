-- Calendar feeds (RFC 5545): an LA's deadlines, or one group's, for
-- officers and chairs to subscribe to from their calendar. A calendar
-- program cannot send a bearer token, so a feed is read at a secret URL of
-- its own: the secret is shown once when the feed is made and kept here
-- only as its SHA-256; deleting the feed revokes it.

CREATE TABLE calendar_feed (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id      bigint NOT NULL CONSTRAINT calendar_feed_la_fkey REFERENCES local_authority (id),
    group_id   bigint CONSTRAINT calendar_feed_group_fkey REFERENCES school_group (id) ON DELETE CASCADE,
    name       text NOT NULL CONSTRAINT calendar_feed_name_check CHECK (length(name) BETWEEN 1 AND 200),
    token_hash text NOT NULL CONSTRAINT calendar_feed_token_key UNIQUE,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1
);
CREATE INDEX calendar_feed_la_idx ON calendar_feed (la_id);

-- A group's feed is of a group of its LA.
CREATE FUNCTION calendar_feed_group_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.group_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM school_group WHERE id = NEW.group_id AND la_id = NEW.la_id) THEN
        RAISE EXCEPTION 'group % is not of LA %', NEW.group_id, NEW.la_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'calendar_feed_group_rule';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER calendar_feed_group_rule BEFORE INSERT OR UPDATE ON calendar_feed
    FOR EACH ROW EXECUTE FUNCTION calendar_feed_group_rule();

-- A feed's events from a year ago to two years on, each an all-day event:
-- the LA's day to confirm chairs each academic year; the plan deadline and
-- evaluation due day of each of its funds (a group's feed: the funds that
-- allocate to the group); the review of each chair and deputy in office;
-- and the meetings of its bodies (a group's feed: the group's own).
CREATE FUNCTION calendar_feed_events(p_feed bigint)
RETURNS TABLE (uid text, day date, summary text, description text, changed timestamptz)
LANGUAGE sql STABLE AS $$
    WITH f AS (SELECT cf.id, cf.la_id, cf.group_id, l.code, l.name AS la_name, l.confirmation_deadline,
                      l.updated_at AS la_changed
                 FROM calendar_feed cf JOIN local_authority l ON l.id = cf.la_id WHERE cf.id = p_feed),
         span AS (SELECT london_today() - 366 AS lo, london_today() + 731 AS hi),
         events AS (
        SELECT 'confirm-' || f.code || '-' || y || '@consortia' AS uid,
               make_date(y, split_part(f.confirmation_deadline, '-', 1)::int,
                         split_part(f.confirmation_deadline, '-', 2)::int) AS day,
               'Chairs and deputies confirmed for ' || y || '/' || lpad(((y + 1) % 100)::text, 2, '0') AS summary,
               'The day by which each group of ' || f.la_name || ' confirms its chair and deputy for the academic year.'
                   AS description,
               f.la_changed AS changed
          FROM f, span, generate_series(extract(year FROM span.lo)::int, extract(year FROM span.hi)::int) y
        UNION ALL
        SELECT 'fund-' || fd.id || '-plans@consortia', fd.plan_deadline, 'Action plans due: ' || fd.name,
               'Each group''s action plan for ' || fd.name || ' (' || fd.academic_year || ') is due.', fd.updated_at
          FROM f JOIN fund fd ON fd.la_id = f.la_id
         WHERE fd.plan_deadline IS NOT NULL
           AND (f.group_id IS NULL OR EXISTS (SELECT 1 FROM fund_allocation a WHERE a.fund_id = fd.id
                                                 AND a.group_id = f.group_id AND a.status <> 'cancelled'))
        UNION ALL
        SELECT 'fund-' || fd.id || '-evaluations@consortia', fd.evaluation_due, 'Evaluations due: ' || fd.name,
               'Each group''s evaluation of its ' || fd.name || ' allocation (' || fd.academic_year || ') is due.',
               fd.updated_at
          FROM f JOIN fund fd ON fd.la_id = f.la_id
         WHERE fd.evaluation_due IS NOT NULL
           AND (f.group_id IS NULL OR EXISTS (SELECT 1 FROM fund_allocation a WHERE a.fund_id = fd.id
                                                 AND a.group_id = f.group_id AND a.status <> 'cancelled'))
        UNION ALL
        SELECT 'review-' || c.id || '@consortia', c.review_due_on,
               initcap(c.role) || '''s review due: ' || g.name,
               'The review of ' || c.person_name || ' as ' || c.role || ' of ' || g.name || ' falls due.', c.updated_at
          FROM f JOIN school_group g ON g.la_id = f.la_id AND (f.group_id IS NULL OR g.id = f.group_id)
          JOIN chair_appointment c ON c.group_id = g.id AND c.term @> london_today()
        UNION ALL
        SELECT 'meeting-' || m.id || '@consortia', m.held_on, 'Meeting: ' || b.name,
               'A meeting of ' || b.name || '.', m.updated_at
          FROM f JOIN body b ON b.la_id = f.la_id AND (f.group_id IS NULL OR b.group_id = f.group_id)
          JOIN meeting m ON m.body_id = b.id)
    SELECT e.uid, e.day, e.summary, e.description, e.changed FROM events e, span
     WHERE e.day BETWEEN span.lo AND span.hi
     ORDER BY e.day, e.uid
$$;
