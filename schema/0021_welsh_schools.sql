-- Welsh schools (seed 004). A Welsh maintained school is known by its LA
-- code and establishment number and may have no URN: the register then
-- keys it by the two together, LA code * 10000 + establishment number (a
-- seven-digit id, 6692001, which no six-digit URN can be), so that every
-- English school keeps its URN as its key. Only a school of a Welsh
-- authority (LA codes 660 to 682) goes without a URN. A school's language
-- category, and Estyn's summary judgement where one was given: Estyn gave
-- none after August 2022.

ALTER TABLE school DROP CONSTRAINT school_urn_check,
    ADD CONSTRAINT school_urn_check CHECK (urn BETWEEN 100000 AND 9999999);
ALTER TABLE school
    ADD COLUMN language_category text CONSTRAINT school_language_category_check CHECK (language_category IN (
        'english_medium', 'english_with_significant_welsh', 'dual_stream', 'transitional', 'bilingual',
        'welsh_medium')),
    ADD COLUMN estyn_judgement text NOT NULL DEFAULT 'none' CONSTRAINT school_estyn_judgement_check
        CHECK (estyn_judgement IN ('excellent', 'good', 'adequate', 'unsatisfactory', 'none')),
    ADD COLUMN estyn_date date,
    ADD CONSTRAINT school_estyn_check CHECK (estyn_judgement = 'none'
                                             OR (estyn_date IS NOT NULL AND estyn_date < DATE '2022-09-01'));

-- A seven-digit key is a Welsh school's LA code and establishment number.
CREATE FUNCTION school_welsh_id_rule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_code integer;
BEGIN
    IF NEW.urn >= 1000000 THEN
        SELECT code INTO v_code FROM local_authority WHERE id = NEW.la_id;
        IF v_code NOT BETWEEN 660 AND 682 THEN
            RAISE EXCEPTION 'a school of LA % has a URN', v_code
                USING ERRCODE = 'check_violation', CONSTRAINT = 'school_urn_required';
        END IF;
        IF NEW.urn <> v_code * 10000 + NEW.establishment_number THEN
            RAISE EXCEPTION 'school % is not LA % establishment %', NEW.urn, v_code, NEW.establishment_number
                USING ERRCODE = 'check_violation', CONSTRAINT = 'school_welsh_id_rule';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER school_welsh_id_rule BEFORE INSERT OR UPDATE OF urn, la_id, establishment_number ON school
    FOR EACH ROW EXECUTE FUNCTION school_welsh_id_rule();
