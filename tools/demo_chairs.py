#!/usr/bin/env python3
"""Appoint the demo chairs and deputies through the running service.

usage: demo_chairs.py BASE_URL TOKEN

Every demo group (LA 937) without a chair gets one, the head of the first
member school whom the register shows eligible (three years a head, a
school graded good or better; else the first, with a justification), and
every other group a deputy too. They go through
POST /v1/chairs like any appointment, so the service checks their
eligibility. Elections are spread over 2025/26, so that some reviews are
overdue, some due soon and some later. Each group confirms its chair for
2025/26, and for 2026/27 all but two do, some after the LA's deadline of
11 September; then the 2026/27 chair funding is allocated, which lists the
two unconfirmed groups as unfunded.
Prints what it did; does nothing to a group that already has a chair.
"""
import datetime
import json
import sys
import urllib.request

CHAIR_FUND = "Chair funding 2026/27"


def call(base, token, method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer " + token,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)


def register_of(base, token, member):
    """What the register says of a member school: (head appointed on, Ofsted grade)."""
    school = call(base, token, "GET", "/v1/schools/%d" % member["urn"])
    return school.get("headteacher_appointed_on"), school.get("ofsted_grade")


def fit_to_chair(base, token, member):
    """Does the register show three years' headship by 2024-09-01 and no grade below good?"""
    head, grade = register_of(base, token, member)
    return (head is None or head <= "2021-09-01") and grade in (None, "none", "good", "outstanding")


def appoint(base, token, group, role, member, elected):
    head, grade = register_of(base, token, member)
    body = {
        "group_id": group["id"], "role": role,
        "person_name": member["name"].split(" ")[0] + " head teacher",
        "email": "head.%d@schools.warwickshire.example" % member["urn"],
        "school_urn": member["urn"], "head_since": head or "2014-09-01",
        "led_school_grades": [grade if grade in ("good", "outstanding") else "good"],
        "governing_body_support_on": "2024-06-20",
        "group_backing": "elected at the summer meeting", "group_backing_on": elected,
        "time_commitment": True, "improvement_note": "results above the county average for three years",
        "start_date": "2024-09-01", "elected_on": elected,
    }
    if role == "chair" and not fit_to_chair(base, token, member):
        body["override_justification"] = "no member head met every rule; chosen by the group, approved by the LA"
    return call(base, token, "POST", "/v1/chairs", body)


def confirm(base, token, group, year, chair, deputy, on):
    return call(base, token, "POST", "/v1/chair-confirmations", {
        "group_id": group["id"], "academic_year": year, "chair_id": chair["id"],
        "deputy_id": deputy["id"] if deputy else None,
        "confirmed_by": chair["person_name"] + " for the group", "confirmed_on": on})


def main():
    base, token = sys.argv[1], sys.argv[2]
    groups = []
    for path in ("/v1/consortia?la=937&limit=500", "/v1/area-networks?la=937&limit=500"):
        groups += call(base, token, "GET", path)["items"]
    made = 0
    for i, g in enumerate(sorted(groups, key=lambda g: g["id"])):
        if g["chair"] is not None or len(g["members"]) < 2:
            continue
        elected = datetime.date(2025, 9, 15) + datetime.timedelta(days=20 * i)
        members = g["members"]
        head = next((m for m in members if fit_to_chair(base, token, m)), members[0])
        chair = appoint(base, token, g, "chair", head, elected.isoformat())
        deputy = None
        made += 1
        if i % 2 == 0:
            other = next(m for m in members if m["urn"] != head["urn"])
            deputy = appoint(base, token, g, "deputy", other, elected.isoformat())
            made += 1
        confirm(base, token, g, "2025/26", chair, deputy,
                min(elected + datetime.timedelta(days=10), datetime.date(2026, 8, 31)).isoformat())
        if i not in (3, 9):
            confirm(base, token, g, "2026/27", chair, deputy,
                    (datetime.date(2026, 9, 1) + datetime.timedelta(days=i)).isoformat())
    print("demo chairs: %d appointments made" % made)
    if made and not any(f["name"] == CHAIR_FUND
                        for f in call(base, token, "GET", "/v1/funds?la=937&limit=200")["items"]):
        fund = call(base, token, "POST", "/v1/funds", {
            "la_code": 937, "kind": "chair_funding", "name": CHAIR_FUND, "academic_year": "2026/27",
            "pot_pence": 500000 * len(groups)})["id"]
        done = call(base, token, "POST", "/v1/funds/%d/allocate" % fund)
        print("demo chair funding: %d groups allocated, %d unfunded" %
              (len(done["allocations"]), len(done["unfunded"])))


if __name__ == "__main__":
    main()
