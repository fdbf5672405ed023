#!/usr/bin/env python3
"""A year of demo activity through the running service: autumn 2026 in LA 937.

usage: demo_year.py BASE_URL TOKEN

A recovery fund for 2026/27 is calculated and allocated to every demo
group. In the first area, its groups write action plans (some accepted, one
returned, one submitted, one still a draft), the allocations with a
submitted plan are approved and two of them paid, with a first draft
evaluation. Those groups have met in the autumn term (not always twice),
and one of the area's schools is recorded vulnerable since September, with support brokered
for it. Everything goes through the API, so every rule applies.
Does nothing if the fund already exists.
"""
import json
import sys
import urllib.error
import urllib.request

LA = 937
FUND = "Recovery fund 2026/27"


def call(base, token, method, path, body=None):
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    if method != "GET":
        headers["If-Match"] = "*"   # a loader that knows it is the only writer
    req = urllib.request.Request(base + path, method=method, headers=headers,
                                 data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as e:
        sys.exit("demo: %s %s answered %d: %s" % (method, path, e.code, e.read().decode()))


def plan_body(group, fund):
    return {
        "group_id": group["id"], "fund_id": fund,
        "priorities": ["Early reading after the pandemic", "Shared moderation of writing"],
        "actions": [
            {"description": "Phonics leads from each school trained together and paired",
             "success_criteria": "Year 1 phonics check at or above the 2019 figure",
             "responsible": "Consortium chair", "resources": "Supply cover for six half-days",
             "cost_pence": 180000, "completion_date": "2027-03-26", "level": "collaboration"},
            {"description": "Termly moderation of Year 6 writing across the family",
             "success_criteria": "Teacher assessments agreed within one standard at moderation",
             "responsible": "Deputy chair", "resources": "Release time",
             "cost_pence": 90000, "completion_date": "2027-07-16", "level": "cooperation"},
        ],
    }


def main():
    base, token = sys.argv[1], sys.argv[2]
    if any(f["name"] == FUND for f in call(base, token, "GET", "/v1/funds?la=%d&limit=200" % LA)["items"]):
        print("demo year: already there")
        return
    fund = call(base, token, "POST", "/v1/funds", {
        "la_code": LA, "kind": "recovery", "name": FUND, "academic_year": "2026/27",
        "pot_pence": 15000000, "census_date": "2026-10-01", "plan_deadline": "2026-12-11",
        "evaluation_due": "2027-07-16", "requires_plan": True})["id"]
    allocations = {a["group_id"]: a for a in
                   call(base, token, "POST", "/v1/funds/%d/allocate" % fund)["allocations"]}

    areas = call(base, token, "GET", "/v1/areas?la=%d&sort=name" % LA)["items"]
    area = areas[0]
    groups = []
    for path in ("/v1/consortia", "/v1/area-networks"):
        groups += call(base, token, "GET", "%s?la=%d&area=%d&limit=100" % (path, LA, area["id"]))["items"]
    groups = sorted((g for g in groups if len(g["members"]) >= 2), key=lambda g: g["id"])

    paid = 0
    for i, g in enumerate(groups):
        # Plans: accepted, accepted, returned, submitted, a draft.
        plan = call(base, token, "POST", "/v1/action-plans", plan_body(g, fund))["id"]
        if i % 5 != 4:
            call(base, token, "POST", "/v1/action-plans/%d/submit" % plan)
        if i % 5 in (0, 1):
            call(base, token, "POST", "/v1/action-plans/%d/accept" % plan)
        elif i % 5 == 2:
            call(base, token, "POST", "/v1/action-plans/%d/return" % plan,
                 {"comments": "Say how the moderation will be checked, and by whom."})

        alloc = allocations.get(g["id"])
        if alloc and i % 5 in (0, 1, 3):
            approved = call(base, token, "POST", "/v1/fund-allocations/%d/approve" % alloc["id"])
            if i % 5 in (0, 1):
                call(base, token, "POST", "/v1/payments/%d/paid" % approved["payment_id"],
                     {"remittance_reference": "BACS-2026-%04d" % approved["payment_id"],
                      "paid_on": "2026-11-20"})
                paid += 1
                # An early evaluation, still a draft.
                if i % 5 == 0:
                    call(base, token, "POST", "/v1/evaluations", {
                        "allocation_id": alloc["id"],
                        "what_done": "Phonics leads trained and paired in the first half-term",
                        "impacts": [{"criterion": "Year 1 phonics check at or above the 2019 figure",
                                     "impact": "too early to say: the check is in June"}]})

        # Meetings this autumn: twice, but one group in three has met once.
        members = [m["urn"] for m in g["members"]]
        dates = ["2026-10-07"] if i % 3 == 1 else ["2026-10-07", "2026-11-18"]
        for k, day in enumerate(dates):
            call(base, token, "POST", "/v1/meetings", {
                "group_id": g["id"], "held_on": day,
                "attended_urns": members if k % 2 == 0 else members[:-1],
                "agreements": ["Share phonics leads across the family"],
                "actions": [{"description": "Circulate the moderation samples", "owner": "Deputy chair",
                             "due_date": day[:8] + "28"}]})

    school = groups[0]["members"][-1]
    call(base, token, "PATCH", "/v1/schools/%d" % school["urn"], {"support_category": 3})
    call(base, token, "POST", "/v1/vulnerabilities", {
        "school_urn": school["urn"], "start_date": "2026-09-01",
        "reason": "new head teacher and a falling roll"})
    call(base, token, "POST", "/v1/support-records", {
        "school_urn": school["urn"], "brokered_by": "Area Analysis Group, %s" % area["name"],
        "support": "Leadership mentoring from the chair's school, one day a fortnight",
        "started_on": "2026-09-21",
        "progress_notes": [{"on": "2026-11-09", "note": "New head settled; governors' action plan agreed"}]})
    print("demo year: %s, %d groups in %s with plans and meetings, %d paid"
          % (FUND, len(groups), area["name"], paid))


if __name__ == "__main__":
    main()
