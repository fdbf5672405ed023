#!/usr/bin/env python3
"""The chairs' casework of the demo LA (937) through the running service.

usage: demo_casework.py BASE_URL TOKEN

In the area of the demo year (the first by name), for its first group:
two heads newly appointed (January and September 2026), one checked in
on and offered coaching this half-term, the other neither; support
the chair brokers for the vulnerable school of the demo year, with a
review of its progress and one of its effectiveness; a system leader
allocated to that school (category 3); a FAP panel's outcome, a
development issue, a request for finance granted from a fund of kind
`other`, a learning walk between two members, an inspection spoken for by
the chair, and a reference. The area's Area Analysis Group met on 7
October (its pack received then) and meets on 25 November: that pack
holds what is new since. Everything goes through the API, so every rule
applies. Does nothing if the casework exists.
"""
import sys

from demo_year import LA, call

FUND = "Consortium requests 2026/27"


def main():
    base, token = sys.argv[1], sys.argv[2]
    if any(f["name"] == FUND for f in call(base, token, "GET", "/v1/funds?la=%d&limit=200" % LA)["items"]):
        print("demo casework: already there")
        return
    area = call(base, token, "GET", "/v1/areas?la=%d&sort=name" % LA)["items"][0]
    groups = []
    for path in ("/v1/consortia", "/v1/area-networks"):
        groups += call(base, token, "GET", "%s?la=%d&area=%d&limit=100" % (path, LA, area["id"]))["items"]
    group = sorted((g for g in groups if len(g["members"]) >= 2), key=lambda g: g["id"])[0]
    urns = [m["urn"] for m in group["members"]]
    vulnerable = urns[-1]
    chair = call(base, token, "GET", "/v1/chairs?group_id=%d&role=chair&on=2026-11-01" % group["id"])["items"][0]

    # Two heads new to the family: appointed in January, and this September (the vulnerable school's).
    call(base, token, "PATCH", "/v1/schools/%d" % urns[1], {"headteacher_appointed_on": "2026-01-05"})
    call(base, token, "PATCH", "/v1/schools/%d" % vulnerable, {"headteacher_appointed_on": "2026-09-01"})

    # New heads: a check-in each this half-term, coaching offered to a maintained school's.
    heads = call(base, token, "GET", "/v1/reports/new-heads?la=%d&group_id=%d&as_of=2026-11-30"
                 % (LA, group["id"]))["items"]
    for k, h in enumerate(heads):
        if k == 0:
            call(base, token, "POST", "/v1/head-support", {
                "group_id": group["id"], "school_urn": h["school_urn"], "person_id": h["person_id"],
                "kind": "check_in", "held_on": "2026-11-04", "by_person_id": chair["person_id"],
                "wellbeing_signposted": True, "notes": "First half-term reviewed; budget questions for the LA"})
        if h["school_type"] == "maintained" and k == 0:
            call(base, token, "POST", "/v1/head-support", {
                "group_id": group["id"], "school_urn": h["school_urn"], "person_id": h["person_id"],
                "kind": "coaching_offered", "held_on": "2026-09-15", "funding": "free_maintained"})

    # The vulnerable school: support the chair brokers, reviewed; its system leader.
    support = call(base, token, "POST", "/v1/support-records", {
        "school_urn": vulnerable, "group_id": group["id"], "brokered_by": chair["person_name"],
        "provider": "Chair's school: deputy head and SENCO", "started_on": "2026-10-05",
        "support": "Peer support for the SEND review and the new head's first governors' meeting",
        "cost_pence": 120000, "funding": "contributed"})["id"]
    call(base, token, "POST", "/v1/support-reviews", {
        "support_id": support, "kind": "progress", "reviewed_on": "2026-11-02", "rating": "on_track",
        "notes": "SEND register reviewed; governors' meeting held"})
    call(base, token, "POST", "/v1/support-reviews", {
        "support_id": support, "kind": "effectiveness", "reviewed_on": "2026-11-16",
        "rating": "partly_effective", "notes": "Attendance up two points; reading not yet"})
    leader = call(base, token, "POST", "/v1/people", {
        "la_code": LA, "name": "System Leader for the Area", "email": "system.leader@warwickshire.example"})["id"]
    call(base, token, "POST", "/v1/person-roles", {"person_id": leader, "role": "system_leader",
                                                   "start_date": "2025-09-01"})
    call(base, token, "POST", "/v1/system-leaders", {"school_urn": vulnerable, "person_id": leader,
                                                     "start_date": "2026-09-01"})

    # Panels, issues, a request for finance granted, a learning walk, an inspection, a reference.
    call(base, token, "POST", "/v1/panel-outcomes", {
        "group_id": group["id"], "panel": "fap", "held_on": "2026-11-12", "pupils_considered": 3,
        "outcome": "Two places agreed in the family; one referred to the LA",
        "capacity_view": "Year 5 and 6 places are short in the north of the family"})
    call(base, token, "POST", "/v1/development-issues", {
        "group_id": group["id"], "raised_on": "2026-11-10", "issue": "Recruiting SENCOs to small schools"})
    fund = call(base, token, "POST", "/v1/funds", {
        "la_code": LA, "kind": "other", "name": FUND, "academic_year": "2026/27", "pot_pence": 500000})["id"]
    allocation = call(base, token, "POST", "/v1/fund-allocations", {
        "fund_id": fund, "group_id": group["id"], "amount_pence": 150000, "payee_urn": vulnerable})["id"]
    call(base, token, "POST", "/v1/assistance-requests", {
        "group_id": group["id"], "school_urn": vulnerable, "requested_on": "2026-10-20", "asked_of": "aag",
        "kind": "finance", "request": "Supply cover for the new head's leadership course",
        "amount_pence": 150000, "decision": "granted", "decided_on": "2026-11-05",
        "decision_notes": "From the consortium requests fund", "allocation_id": allocation})
    call(base, token, "POST", "/v1/school-to-school-support", {
        "group_id": group["id"], "kind": "learning_walk", "providing_school_urn": urns[0],
        "receiving_school_urn": vulnerable, "held_on": "2026-11-11", "focus": "Early reading in Key Stage 1",
        "follow_up": "Phonics lead to visit again in January"})
    speaker = call(base, token, "GET", "/v1/schools/%d" % urns[0])
    if speaker["type"] == "maintained" and speaker["support_category"] in (None, 1, 2):
        call(base, token, "POST", "/v1/inspections", {
            "group_id": group["id"], "school_urn": urns[0], "inspected_on": "2026-10-13",
            "inspectorate": "ofsted", "speaker_role": "chair", "speaker_person_id": chair["person_id"],
            "outcome": "Good in every judgement"})
    deputy = call(base, token, "POST", "/v1/people", {
        "la_code": LA, "name": "Deputy Applying", "email": "deputy.applying@warwickshire.example"})["id"]
    call(base, token, "POST", "/v1/references", {
        "group_id": group["id"], "candidate_person_id": deputy, "asked_by": "Governors of a school in Rugby",
        "post": "Headteacher", "asked_on": "2026-11-02", "given_on": "2026-11-09"})

    # The area's AAG: October's pack received then (nothing was dated yet but the support's start);
    # November's holds the rest.
    aag = call(base, token, "GET", "/v1/bodies?la=%d&kind=area_analysis_group&limit=100" % LA)["items"]
    aag = next(b for b in aag if b["area_id"] == area["id"])
    october = call(base, token, "POST", "/v1/meetings", {"body_id": aag["id"], "held_on": "2026-10-07",
                                                          "attended_person_ids": []})["id"]
    call(base, token, "POST", "/v1/meetings/%d/receive-pack" % october)
    november = call(base, token, "POST", "/v1/meetings", {"body_id": aag["id"], "held_on": "2026-11-25",
                                                           "attended_person_ids": []})["id"]
    print("demo casework: %s (%s): %d new heads, the pack of meeting %d at /v1/bodies/%d/pack?meeting=%d"
          % (group["name"], area["name"], len(heads), november, aag["id"], november))


if __name__ == "__main__":
    main()
