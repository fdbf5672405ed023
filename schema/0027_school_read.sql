-- The school's read, built where it costs least. Every request for a school
-- used to build its whole document: thirty fields through json_build_object,
-- the timestamps through to_char, and two correlated look-ups of its groups
-- that day. Now the row keeps, written in the same transaction as any change
-- to it:
--   doc_parts: the JSON text of the fields that depend on the row alone (its
--     LA's code too, which never changes), in the four runs the document
--     interleaves with what depends on the day;
--   consortium_doc / area_network_doc: the group it is in, as the document
--     shows it ({"id" : .., "name" : ..} or null), and *_span the days over
--     which that answer holds (a membership's days, or the gap between two).
-- A read of a day inside the span takes the kept answer; any other day (the
-- calendar moved on past a membership's end, ?as_of= in the past) asks the
-- memberships as before. So the answer is the same whichever path it takes.

ALTER TABLE school
    ADD COLUMN doc_parts text[],
    ADD COLUMN consortium_doc text,
    ADD COLUMN consortium_span daterange,
    ADD COLUMN area_network_doc text,
    ADD COLUMN area_network_span daterange;

-- The inside of a JSON object's text: "{...}" without its braces.
CREATE FUNCTION json_members(j json) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT substr(j::text, 2, length(j::text) - 2) $$;

CREATE FUNCTION school_doc_parts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.doc_parts := ARRAY[
        json_members(json_build_object('id', NEW.urn,
            'urn', CASE WHEN NEW.urn < 1000000 THEN NEW.urn END,
            'la_code', l.code, 'establishment_number', NEW.establishment_number,
            'dfe_number', l.code || '/' || lpad(NEW.establishment_number::text, 4, '0'),
            'name', NEW.name, 'phase', NEW.phase, 'type', NEW.type, 'status', NEW.status,
            'ofsted_grade', NEW.ofsted_grade, 'ofsted_date', NEW.ofsted_date,
            'pupils', NEW.pupils, 'support_category', NEW.support_category)),
        json_members(json_build_object('headteacher_name', NEW.headteacher_name,
            'headteacher_appointed_on', NEW.headteacher_appointed_on)),
        json_members(json_build_object('area_id', NEW.area_id, 'opened_on', NEW.opened_on,
            'closed_on', NEW.closed_on, 'language_category', NEW.language_category,
            'estyn_judgement', NEW.estyn_judgement, 'estyn_date', NEW.estyn_date)),
        json_members(json_build_object('created_at', api_ts(NEW.created_at),
            'updated_at', api_ts(NEW.updated_at), 'version', NEW.version))]
    FROM local_authority l WHERE l.id = NEW.la_id;
    IF TG_OP = 'INSERT' THEN   -- a new school is in no group yet, whatever the day
        NEW.consortium_doc := 'null';
        NEW.consortium_span := '(,)';
        NEW.area_network_doc := 'null';
        NEW.area_network_span := '(,)';
    END IF;
    RETURN NEW;
END $$;

-- Named to run after the other BEFORE triggers (alphabetical order), so
-- that it sees the row as they leave it.
CREATE TRIGGER zz_school_doc_parts BEFORE INSERT OR UPDATE ON school
    FOR EACH ROW EXECUTE FUNCTION school_doc_parts();

-- What a read asks only when the row does not keep the answer: the group of
-- a kind a school is in on day t as its document shows it, and why it was
-- vulnerable that day. Functions, not subqueries of the read, so that a
-- read taking the kept answer (nearly every one) plans and starts no
-- look-up it does not run.
CREATE FUNCTION school_group_doc_on(u integer, k text, t date) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT json_build_object('id', g.id, 'name', g.name)::text
                       FROM membership x JOIN school_group g ON g.id = x.group_id
                      WHERE x.school_urn = u AND x.kind = k AND x.valid @> t), 'null')
$$;
CREATE FUNCTION school_vulnerability_on(u integer, t date) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT v.reason FROM vulnerability v WHERE v.school_urn = u AND v.period @> t
$$;

-- The group of a kind a school is in on day t, as its document shows it,
-- and the days around t with the same answer.
CREATE FUNCTION school_group_on(u integer, k text, t date, OUT doc text, OUT span daterange)
    LANGUAGE sql STABLE AS $$
    SELECT coalesce(m.doc, 'null'),
           coalesce(m.valid, daterange(
               (SELECT max(upper(x.valid)) FROM membership x
                 WHERE x.school_urn = u AND x.kind = k AND upper(x.valid) <= t),
               (SELECT min(lower(x.valid)) FROM membership x
                 WHERE x.school_urn = u AND x.kind = k AND lower(x.valid) > t)))
      FROM (SELECT) one
      LEFT JOIN (SELECT json_build_object('id', g.id, 'name', g.name)::text AS doc, x.valid
                   FROM membership x JOIN school_group g ON g.id = x.group_id
                  WHERE x.school_urn = u AND x.kind = k AND x.valid @> t) m ON true
$$;

-- Keeps a school's groups of today on its row. The school is locked first,
-- so that two changes of its memberships at once are kept one after the
-- other, the second seeing the first (a new statement, a new snapshot).
CREATE FUNCTION school_groups_keep(u integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t date := london_today();
BEGIN
    PERFORM 1 FROM school WHERE urn = u FOR NO KEY UPDATE;
    UPDATE school s
       SET consortium_doc = c.doc, consortium_span = c.span,
           area_network_doc = n.doc, area_network_span = n.span
      FROM school_group_on(u, 'consortium', t) c, school_group_on(u, 'area_network', t) n
     WHERE s.urn = u;
END $$;

CREATE FUNCTION membership_keep_school() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM school_groups_keep(OLD.school_urn);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.school_urn <> OLD.school_urn) THEN
        PERFORM school_groups_keep(NEW.school_urn);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER membership_keep_school AFTER INSERT OR DELETE OR UPDATE OF school_urn, group_id, kind, start_date, end_date
    ON membership FOR EACH ROW EXECUTE FUNCTION membership_keep_school();

-- A group's new name reaches the schools that show it.
CREATE FUNCTION school_group_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM school_groups_keep(u)
       FROM (SELECT DISTINCT school_urn AS u FROM membership WHERE group_id = NEW.id ORDER BY 1) m;
    RETURN NULL;
END $$;
CREATE TRIGGER school_group_renamed AFTER UPDATE OF name ON school_group
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION school_group_renamed();

-- The register as it stands.
UPDATE school s
   SET doc_parts = NULL,
       (consortium_doc, consortium_span) =
           (SELECT doc, span FROM school_group_on(s.urn, 'consortium', london_today())),
       (area_network_doc, area_network_span) =
           (SELECT doc, span FROM school_group_on(s.urn, 'area_network', london_today()));
