#!/usr/bin/env python3
"""The bodies of the demo LA (937) through the running service.

usage: demo_bodies.py BASE_URL TOKEN

Warwickshire's five Area Analysis Groups were made with its areas; each
consortium's and area network's body with its group. Here: the primary
consortia and secondary area network chairs' board, with the chairs in
office as its members and an officer of the LA in the chair, meeting
once a term; and a headteacher forum of twelve heads (seed 004: at least
six meetings a year, 80% attendance) with a year of meetings, 2025/26,
and the first of 2026/27, its attendance, apologies, agreements, actions
(one still open past its date) and the items it received. Everything goes
through the API, so every rule applies. Does nothing if the forum exists.
"""
import sys

from demo_year import LA, call

FORUM = "Warwickshire Headteacher Forum"
BOARD = "Primary Consortia and Secondary Area Network Chairs Board"


def main():
    base, token = sys.argv[1], sys.argv[2]
    if call(base, token, "GET", "/v1/bodies?la=%d&kind=headteacher_forum" % LA)["items"]:
        print("demo bodies: already there")
        return
    aags = call(base, token, "GET", "/v1/bodies?la=%d&kind=area_analysis_group" % LA)["items"]

    officer = call(base, token, "POST", "/v1/people", {
        "la_code": LA, "name": "School Improvement Officer",
        "email": "schoolimprovement@warwickshire.example"})["id"]
    call(base, token, "POST", "/v1/person-roles", {"person_id": officer, "role": "officer",
                                                   "start_date": "2020-09-01"})

    # The chairs' board: the chairs in office this term, an officer chairing.
    board = call(base, token, "POST", "/v1/bodies", {
        "la_code": LA, "kind": "chairs_board", "name": BOARD,
        "meetings_per_term": 1, "attendance_target_percent": 75, "established_on": "2024-09-01"})["id"]
    call(base, token, "POST", "/v1/body-members", {"body_id": board, "person_id": officer,
                                                   "role": "chair", "start_date": "2024-09-01"})
    chairs = call(base, token, "GET", "/v1/chairs?la=%d&role=chair&on=2026-10-01&limit=200" % LA)["items"]
    seated = []
    for c in chairs:
        if c["person_id"] in seated:
            continue
        seated.append(c["person_id"])
        call(base, token, "POST", "/v1/body-members", {"body_id": board, "person_id": c["person_id"],
                                                       "role": "member", "start_date": c["start_date"]})
    call(base, token, "POST", "/v1/meetings", {
        "body_id": board, "held_on": "2026-10-14",
        "attended_person_ids": [officer] + seated[:-3], "apologies_person_ids": seated[-3:-1],
        "agreements": ["Confirmations for 2026/27 to reach the LA by the deadline"],
        "actions": [{"description": "Take the funding message back to each consortium",
                     "owner": "Every chair", "due_date": "2026-11-13"}],
        "items_received": [{"kind": "la_message",
                            "title": "Chair funding for 2026/27 and the confirmation deadline"},
                           {"kind": "report", "title": "Area Analysis Groups: autumn summary"}]})

    # The headteacher forum: twelve heads, six meetings a year, 80% attendance.
    heads = call(base, token, "GET", "/v1/people?la=%d&role=headteacher&sort=id&limit=12" % LA)["items"]
    forum = call(base, token, "POST", "/v1/bodies", {
        "la_code": LA, "kind": "headteacher_forum", "name": FORUM,
        "meetings_per_year": 6, "attendance_target_percent": 80, "established_on": "2025-09-01"})["id"]
    ids = [h["id"] for h in heads]
    for k, h in enumerate(ids):
        call(base, token, "POST", "/v1/body-members", {
            "body_id": forum, "person_id": h, "role": "chair" if k == 0 else "member",
            "start_date": "2025-09-01"})
    days = ["2025-09-25", "2025-11-20", "2026-01-22", "2026-03-19", "2026-05-14", "2026-07-09", "2026-10-01"]
    for n, day in enumerate(days):
        # most come; one head in four sends apologies in turn, and the last head rarely comes
        apologies = [h for k, h in enumerate(ids[:-1]) if (k + n) % 4 == 0 and k > 0]
        absent = [ids[-1]] if n % 3 else []
        attended = [h for h in ids if h not in apologies and h not in absent]
        body = {"body_id": forum, "held_on": day, "attended_person_ids": attended,
                "apologies_person_ids": apologies,
                "agreements": ["Headteachers' views on services to schools gathered for the strategic group"]}
        if n == 0:
            body["actions"] = [{"description": "Draft the forum's terms of reference", "owner": heads[0]["name"],
                                "owner_person_id": ids[0], "due_date": "2025-11-01", "done_on": "2025-10-30"},
                               {"description": "Survey heads on the traded services offer",
                                "owner": heads[1]["name"], "owner_person_id": ids[1], "due_date": "2026-02-27"}]
        if n == 2:
            body["items_received"] = [{"kind": "report", "title": "Consortium evaluations, 2024/25"}]
        call(base, token, "POST", "/v1/meetings", body)
    below = call(base, token, "GET", "/v1/reports/bodies-below-target?la=%d&academic_year=2026/27" % LA)["items"]
    print("demo bodies: %d Area Analysis Groups, the chairs' board of %d chairs, %s with %d meetings; "
          "%d bodies below a target in 2026/27 so far" % (len(aags), len(seated), FORUM, len(days), len(below)))


if __name__ == "__main__":
    main()
