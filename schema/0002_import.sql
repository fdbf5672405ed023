-- Upsert of one school from a DfE "Get Information about Schools" row.
-- Columns the extract did not carry (p_has_* false) keep their stored value.
-- A row that breaks a constraint is reported, not raised, so that one bad row
-- never aborts the import's transaction.
CREATE FUNCTION import_school(
    p_urn integer, p_la_code integer, p_la_name text, p_estab integer,
    p_name text, p_phase text, p_type text, p_status text,
    p_has_ofsted boolean, p_ofsted_grade text, p_ofsted_date date,
    p_has_pupils boolean, p_pupils integer,
    p_has_head boolean, p_head text,
    p_has_opened boolean, p_opened date,
    p_has_closed boolean, p_closed date,
    p_district text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_la   bigint;
    v_area bigint;
    v_old  school%ROWTYPE;
    v_new  school%ROWTYPE;
BEGIN
    SELECT id INTO v_la FROM local_authority WHERE code = p_la_code;
    IF NOT FOUND THEN
        INSERT INTO local_authority (code, name) VALUES (p_la_code, p_la_name)
        RETURNING id INTO v_la;
    END IF;
    IF p_district IS NOT NULL THEN
        SELECT id INTO v_area FROM area
         WHERE la_id = v_la AND p_district = ANY (district_codes)
         ORDER BY id LIMIT 1;
    END IF;

    SELECT * INTO v_old FROM school WHERE urn = p_urn FOR UPDATE;
    IF NOT FOUND THEN
        BEGIN
            INSERT INTO school (urn, la_id, establishment_number, name, phase, type, status,
                                ofsted_grade, ofsted_date, pupils, headteacher_name,
                                opened_on, closed_on, area_id)
            VALUES (p_urn, v_la, p_estab, p_name, p_phase, p_type, p_status,
                    CASE WHEN p_has_ofsted THEN p_ofsted_grade ELSE 'none' END,
                    CASE WHEN p_has_ofsted THEN p_ofsted_date END,
                    CASE WHEN p_has_pupils THEN p_pupils END,
                    CASE WHEN p_has_head THEN p_head END,
                    CASE WHEN p_has_opened THEN p_opened END,
                    CASE WHEN p_has_closed THEN p_closed END,
                    v_area);
        EXCEPTION
            WHEN unique_violation THEN
                RETURN format('rejected:establishment number %s/%s already belongs to another school',
                              p_la_code, p_estab);
            WHEN check_violation THEN
                RETURN 'rejected:' || SQLERRM;
        END;
        RETURN 'created';
    END IF;

    IF v_old.la_id <> v_la THEN
        RETURN format('rejected:URN %s is registered under another local authority', p_urn);
    END IF;
    v_new := v_old;
    v_new.establishment_number := p_estab;
    v_new.name := p_name;
    v_new.phase := p_phase;
    v_new.type := p_type;
    v_new.status := p_status;
    IF p_has_ofsted THEN
        v_new.ofsted_grade := p_ofsted_grade;
        v_new.ofsted_date := p_ofsted_date;
    END IF;
    IF p_has_pupils THEN v_new.pupils := p_pupils; END IF;
    IF p_has_head THEN v_new.headteacher_name := p_head; END IF;
    IF p_has_opened THEN v_new.opened_on := p_opened; END IF;
    IF p_has_closed THEN v_new.closed_on := p_closed; END IF;
    v_new.area_id := coalesce(v_old.area_id, v_area);
    IF v_new IS NOT DISTINCT FROM v_old THEN
        RETURN 'unchanged';
    END IF;
    BEGIN
        UPDATE school SET establishment_number = v_new.establishment_number,
               name = v_new.name, phase = v_new.phase, type = v_new.type,
               status = v_new.status, ofsted_grade = v_new.ofsted_grade,
               ofsted_date = v_new.ofsted_date, pupils = v_new.pupils,
               headteacher_name = v_new.headteacher_name,
               opened_on = v_new.opened_on, closed_on = v_new.closed_on,
               area_id = v_new.area_id,
               updated_at = now(), version = version + 1
         WHERE urn = p_urn;
    EXCEPTION
        WHEN unique_violation THEN
            RETURN format('rejected:establishment number %s/%s already belongs to another school',
                          p_la_code, p_estab);
        WHEN check_violation THEN
            RETURN 'rejected:' || SQLERRM;
    END;
    RETURN 'updated';
END
$$;
