-- A school's successor (GIAS's links file: an academy conversion, an
-- amalgamation): what the closed school was part of on the day its
-- successor took over is carried to the successor. Its memberships, its
-- head's chair or deputy appointment, its vulnerability and the support
-- brokered for it, and its system leader each end the day before and
-- continue for the successor from that day, so that the history of each
-- stays whole. Carried once: a second run finds nothing left running past
-- that day. The chair's confirmations stay with the appointment confirmed.
CREATE FUNCTION school_succession(p_pred integer, p_succ integer, p_on date) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_pred   school%ROWTYPE;
    v_succ   school%ROWTYPE;
    v_start  date;
    v_end    date;
    v_new    bigint;
    v_out    jsonb := '{"memberships": [], "appointments": [], "vulnerabilities": [], "support": [], "system_leaders": []}';
    r        record;
BEGIN
    SELECT * INTO v_pred FROM school WHERE urn = p_pred;
    SELECT * INTO v_succ FROM school WHERE urn = p_succ;
    IF v_pred.urn IS NULL THEN
        RETURN jsonb_build_object('skipped', 'predecessor not in the register');
    ELSIF v_succ.urn IS NULL THEN
        RETURN jsonb_build_object('skipped', 'successor not in the register');
    ELSIF v_pred.status <> 'closed' THEN
        RETURN jsonb_build_object('skipped', 'predecessor still open');
    ELSIF v_succ.status = 'closed' THEN
        RETURN jsonb_build_object('skipped', 'successor closed');
    ELSIF v_succ.la_id <> v_pred.la_id THEN
        RETURN jsonb_build_object('skipped', 'successor of another LA');
    END IF;
    -- the successor takes over the day it opened (or the link was made, or the day after the closure)
    v_start := coalesce(v_succ.opened_on, p_on, v_pred.closed_on + 1, london_today());
    v_end := v_start - 1;
    v_out := v_out || jsonb_build_object('on', v_start);

    FOR r IN SELECT * FROM membership WHERE school_urn = p_pred AND valid @> v_start AND start_date <= v_end
             ORDER BY id FOR UPDATE LOOP
        UPDATE membership SET end_date = v_end, updated_at = now(), version = version + 1 WHERE id = r.id;
        IF NOT EXISTS (SELECT 1 FROM membership WHERE school_urn = p_succ AND kind = r.kind AND valid && daterange(v_start, r.end_date, '[]')) THEN
            INSERT INTO membership (group_id, kind, school_urn, start_date, end_date)
            VALUES (r.group_id, r.kind, p_succ, v_start, r.end_date) RETURNING id INTO v_new;
            v_out := jsonb_set(v_out, '{memberships}', (v_out -> 'memberships') || to_jsonb(v_new));
        END IF;
    END LOOP;

    FOR r IN SELECT * FROM vulnerability WHERE school_urn = p_pred AND period @> v_start AND start_date <= v_end
             ORDER BY id FOR UPDATE LOOP
        UPDATE vulnerability SET end_date = v_end, updated_at = now(), version = version + 1 WHERE id = r.id;
        IF NOT EXISTS (SELECT 1 FROM vulnerability WHERE school_urn = p_succ AND period && daterange(v_start, r.end_date, '[]')) THEN
            INSERT INTO vulnerability (school_urn, start_date, end_date, reason)
            VALUES (p_succ, v_start, r.end_date, r.reason) RETURNING id INTO v_new;
            v_out := jsonb_set(v_out, '{vulnerabilities}', (v_out -> 'vulnerabilities') || to_jsonb(v_new));
        END IF;
    END LOOP;

    -- support still running goes on for the successor while it is recorded vulnerable (its cost stays
    -- with the support that was paid)
    FOR r IN SELECT * FROM support_record WHERE school_urn = p_pred AND started_on <= v_end
               AND (ended_on IS NULL OR ended_on >= v_start) ORDER BY id FOR UPDATE LOOP
        CONTINUE WHEN NOT EXISTS (SELECT 1 FROM vulnerability WHERE school_urn = p_succ
                                     AND period && daterange(v_start, r.ended_on, '[]'));
        UPDATE support_record SET ended_on = v_end, updated_at = now(), version = version + 1 WHERE id = r.id;
        INSERT INTO support_record (school_urn, brokered_by, support, started_on, ended_on, group_id, provider)
        VALUES (p_succ, r.brokered_by, r.support, v_start, r.ended_on,
                CASE WHEN member_on(r.group_id, p_succ, v_start) THEN r.group_id END, r.provider)
        RETURNING id INTO v_new;
        v_out := jsonb_set(v_out, '{support}', (v_out -> 'support') || to_jsonb(v_new));
    END LOOP;

    -- the head goes on chairing (or deputising) from the successor, if it is a member of the group
    FOR r IN SELECT * FROM chair_appointment WHERE school_urn = p_pred AND term @> v_start AND start_date <= v_end
             ORDER BY id FOR UPDATE LOOP
        CONTINUE WHEN NOT EXISTS (SELECT 1 FROM membership WHERE group_id = r.group_id AND school_urn = p_succ
                                     AND valid @> v_start);
        CONTINUE WHEN EXISTS (SELECT 1 FROM chair_confirmation k WHERE (k.chair_id = r.id OR k.deputy_id = r.id)
                                 AND academic_year_start(k.academic_year) > v_end);
        UPDATE chair_appointment SET end_date = v_end, updated_at = now(), version = version + 1 WHERE id = r.id;
        INSERT INTO chair_appointment (group_id, role, person_name, email, school_urn, head_since, led_school_grades,
                                       governing_body_support_on, group_backing, group_backing_on, time_commitment,
                                       improvement_note, start_date, end_date, elected_on, review_due_on,
                                       override_justification, eligibility, person_id)
        VALUES (r.group_id, r.role, r.person_name, r.email, p_succ, r.head_since, r.led_school_grades,
                r.governing_body_support_on, r.group_backing, r.group_backing_on, r.time_commitment,
                r.improvement_note, v_start, r.end_date, r.elected_on, r.review_due_on,
                r.override_justification, r.eligibility, r.person_id)
        RETURNING id INTO v_new;
        v_out := jsonb_set(v_out, '{appointments}', (v_out -> 'appointments') || to_jsonb(v_new));
    END LOOP;

    FOR r IN SELECT * FROM system_leader WHERE school_urn = p_pred AND term @> v_start AND start_date <= v_end
             ORDER BY id FOR UPDATE LOOP
        CONTINUE WHEN NOT EXISTS (SELECT 1 FROM person_role WHERE person_id = r.person_id AND role = 'system_leader'
                                     AND term @> v_start);
        UPDATE system_leader SET end_date = v_end, updated_at = now(), version = version + 1 WHERE id = r.id;
        IF NOT EXISTS (SELECT 1 FROM system_leader WHERE school_urn = p_succ AND term && daterange(v_start, r.end_date, '[]')) THEN
            INSERT INTO system_leader (school_urn, person_id, start_date, end_date)
            VALUES (p_succ, r.person_id, v_start, r.end_date) RETURNING id INTO v_new;
            v_out := jsonb_set(v_out, '{system_leaders}', (v_out -> 'system_leaders') || to_jsonb(v_new));
        END IF;
    END LOOP;

    IF v_out -> 'memberships' = '[]' AND v_out -> 'appointments' = '[]' AND v_out -> 'vulnerabilities' = '[]'
       AND v_out -> 'support' = '[]' AND v_out -> 'system_leaders' = '[]' THEN
        RETURN jsonb_build_object('skipped', 'nothing left to carry');
    END IF;
    RETURN v_out;
END
$$;
