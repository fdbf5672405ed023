#!/usr/bin/env python3
"""A region of six Welsh authorities for the demo (seed 004) through the running service.

usage: demo_region.py BASE_URL TOKEN

The South West and Mid Wales consortium: Carmarthenshire, Ceredigion,
Neath Port Talbot, Pembrokeshire, Powys and Swansea (their Welsh
Government LA codes), each an LA of its own with its Welsh name, and the
region's Welsh name. Carmarthenshire leads it in the demo (seed 004 does
not say which authority leads). Its bodies: the strategic group (monthly,
100% attendance, seed 004), the wider strategic group and the development
team, with an officer of each authority on the strategic group. Its
interim strategic plan for 2007/08 is loaded from data/demo/region-plan.csv
through the plan's CSV import (three strands, in English and Welsh), then
given two measurable criteria, a benchmark, reviews and agreed. Its
pooled budget for 2007/08: each authority's contribution and a Welsh
Assembly Government grant, in Part 1 and Part 2, with money drawn against
the plan's actions. A few Welsh schools, known by LA code and
establishment number with no URN, with their language category and
Estyn's judgement. Does nothing if the region exists.
"""
import json
import os
import sys
import urllib.error
import urllib.request

from demo_year import call

REGION = "South West and Mid Wales Consortium"
AUTHORITIES = [(669, "Carmarthenshire", "Sir Gaerfyrddin"), (667, "Ceredigion", "Ceredigion"),
               (671, "Neath Port Talbot", "Castell-nedd Port Talbot"), (668, "Pembrokeshire", "Sir Benfro"),
               (666, "Powys", "Powys"), (670, "Swansea", "Abertawe")]
PLAN_CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "demo", "region-plan.csv")


def import_plan(base, token, plan_id):
    """The plan's actions from the CSV file: a dry run first, then for real."""
    with open(PLAN_CSV, "rb") as f:
        data = f.read()
    for dry in ("true", "false"):
        req = urllib.request.Request("%s/v1/strategic-plans/%d/import?dry_run=%s" % (base, plan_id, dry),
                                     method="POST", data=data,
                                     headers={"Authorization": "Bearer " + token,
                                              "Content-Type": "text/csv; charset=utf-8"})
        try:
            with urllib.request.urlopen(req) as resp:
                report = json.load(resp)
        except urllib.error.HTTPError as e:
            sys.exit("demo: the plan's import answered %d: %s" % (e.code, e.read().decode()))
        if report["faults"]:
            sys.exit("demo: the plan's CSV has faults: %s" % report["faults"])
    return report


def actions_by_number(base, token, plan_id):
    items = call(base, token, "GET", "/v1/plan-actions?plan_id=%d&limit=500" % plan_id)["items"]
    return {a["number"]: a for a in items if a["number"]}, items


def load_plan(base, token, region):
    plan = call(base, token, "POST", "/v1/strategic-plans", {
        "region_id": region, "title": "Interim Consortium Strategic Plan",
        "title_cy": "Cynllun Strategol Interim y Consortiwm", "period_start": "2007-09-01",
        "period_end": "2008-08-31"})
    report = import_plan(base, token, plan["id"])
    numbered, items = actions_by_number(base, token, plan["id"])
    areas = {w["name"]: w for w in call(base, token, "GET",
                                       "/v1/plan-work-areas?plan_id=%d&limit=500" % plan["id"])["items"]}
    strands = {s["number"]: s for s in call(base, token, "GET",
                                           "/v1/plan-strands?plan_id=%d" % plan["id"])["items"]}
    call(base, token, "POST", "/v1/plan-objectives", {
        "strand_id": strands[1]["id"], "number": "1.1",
        "text": "We will develop professional development opportunities for teachers, middle leaders and "
                "headteachers, through networking opportunities, short courses, accredited training and "
                "performance management."})
    call(base, token, "POST", "/v1/plan-objectives", {
        "strand_id": strands[2]["id"], "number": "2.1",
        "text": "We will provide advice, support and challenge to schools and Local Authorities in agreed "
                "areas to raise standards, sponsor innovation and secure organisational change."})
    module = call(base, token, "POST", "/v1/plan-criteria", {
        "work_area_id": areas["Professional Development for School Middle Leaders"]["id"],
        "text": "Minimum ten teachers successfully complete the module", "target": 10, "unit": "teachers"})
    call(base, token, "POST", "/v1/plan-criteria", {
        "work_area_id": areas["Professional Development for School Middle Leaders"]["id"],
        "text": "Positive evaluations from participants and GTCW"})
    forum = call(base, token, "POST", "/v1/plan-criteria", {
        "work_area_id": areas["Governance Structure"]["id"],
        "text": "80% attendance at all meetings of headteacher forum", "target": 80, "unit": "percent"})
    call(base, token, "POST", "/v1/plan-criterion-reviews", {"criterion_id": module["id"],
                                                            "reviewed_on": "2008-07-15", "value_reached": 12})
    call(base, token, "POST", "/v1/plan-criterion-reviews", {"criterion_id": forum["id"],
                                                            "reviewed_on": "2008-03-31", "value_reached": 74})
    call(base, token, "POST", "/v1/plan-benchmarks", {
        "plan_id": plan["id"], "strand_id": strands[3]["id"],
        "text": "Attendance at headteacher forum meetings", "text_cy": "Presenoldeb yng nghyfarfodydd fforwm y penaethiaid",
        "target": 80, "unit": "percent", "set_on": "2007-12-01", "review_by": "2008-07-31"})
    for number, on, status, note in [("6", "2007-12-10", "complete", "Programme agreed by the strategic group"),
                                     ("28", "2008-02-01", "on_track", None),
                                     ("29", "2008-02-01", "at_risk", "No provider for accreditation yet"),
                                     ("18", "2008-01-15", "complete", None),
                                     ("37", "2008-06-01", "at_risk", "Waits on Part 2 funding")]:
        call(base, token, "POST", "/v1/plan-action-reviews", {
            "action_id": numbered[number]["id"], "reviewed_on": on, "status": status, "note": note})
    call(base, token, "PATCH", "/v1/strategic-plans/%d" % plan["id"], {"status": "agreed"})
    return plan, report


# (LA, establishment number, name, phase, language category, Estyn judgement, its day)
WELSH_SCHOOLS = [(669, 2001, "Ysgol Gymraeg Rhydaman", "primary", "welsh_medium", "excellent", "2019-03-12"),
                 (669, 4001, "Ysgol Bro Myrddin", "secondary", "welsh_medium", "good", "2018-11-20"),
                 (670, 2002, "Ysgol Gynradd Gymraeg Bryn-y-Môr", "primary", "welsh_medium", "good", "2017-06-06"),
                 (670, 2100, "Brynmill Primary School", "primary", "english_medium", "adequate", "2016-02-02"),
                 (667, 3001, "Ysgol Gymunedol Aberaeron", "primary", "dual_stream", "none", None)]


def load_fund(base, token, region, plan_id):
    """The region's pooled budget: contributions in Part 1 and Part 2, and money drawn against actions."""
    fund = call(base, token, "POST", "/v1/regional-funds", {
        "region_id": region, "plan_id": plan_id, "name": "Consortium pooled budget 2007-08",
        "name_cy": "Cyllideb gyfun y Consortiwm 2007-08", "period_start": "2007-04-01",
        "period_end": "2008-03-31"})
    for code, amount in [(669, 4500000), (667, 1500000), (671, 2500000), (668, 2000000), (666, 2500000),
                         (670, 4000000)]:
        call(base, token, "POST", "/v1/fund-contributions", {
            "regional_fund_id": fund["id"], "la_code": code, "part": "part_1", "amount_pence": amount,
            "received_on": "2007-09-28"})
    call(base, token, "POST", "/v1/fund-contributions", {
        "regional_fund_id": fund["id"], "grantor": "Welsh Assembly Government", "part": "part_2",
        "amount_pence": 3000000, "received_on": "2008-01-15", "note": "Start-up grant towards Part 2"})
    numbered, _ = actions_by_number(base, token, plan_id)
    for number, amount, on in [("6", 850000, "2007-11-30"), ("28", 1225050, "2008-02-29"),
                               ("7", 1200000, "2008-03-14")]:
        action = numbered[number]
        call(base, token, "POST", "/v1/fund-draws", {
            "regional_fund_id": fund["id"], "action_id": action["id"], "part": action["funding_part"],
            "amount_pence": amount, "drawn_on": on})
    return call(base, token, "GET", "/v1/regional-funds/%d" % fund["id"])


def main():
    base, token = sys.argv[1], sys.argv[2]
    if any(r["name"] == REGION for r in call(base, token, "GET", "/v1/regions?limit=500")["items"]):
        print("demo region: already there")
        return
    known = {la["code"] for la in call(base, token, "GET", "/v1/local-authorities?limit=500")["items"]}
    for code, name, name_cy in AUTHORITIES:
        if code not in known:
            call(base, token, "POST", "/v1/local-authorities", {"code": code, "name": name, "name_cy": name_cy})
    region = call(base, token, "POST", "/v1/regions", {
        "name": REGION, "name_cy": "Consortiwm De Orllewin a Chanolbarth Cymru",
        "lead_la_code": AUTHORITIES[0][0], "established_on": "2007-09-01"})
    for code, _, _ in AUTHORITIES[1:]:
        call(base, token, "POST", "/v1/region-members", {"region_id": region["id"], "la_code": code,
                                                         "start_date": "2007-09-01"})
    strategic = call(base, token, "POST", "/v1/bodies", {
        "region_id": region["id"], "kind": "strategic_group", "name": "Strategic Group",
        "name_cy": "Grŵp Strategol", "meetings_per_year": 12, "attendance_target_percent": 100,
        "established_on": "2007-09-01"})
    call(base, token, "POST", "/v1/bodies", {
        "region_id": region["id"], "kind": "strategic_group", "name": "Wider Strategic Group",
        "name_cy": "Grŵp Strategol Ehangach", "established_on": "2007-09-01"})
    call(base, token, "POST", "/v1/bodies", {
        "region_id": region["id"], "kind": "operational_group", "name": "Development Team",
        "name_cy": "Tîm Datblygu", "established_on": "2007-09-01"})
    for code, name, _ in AUTHORITIES:
        person = call(base, token, "POST", "/v1/people", {"la_code": code, "name": "Director of Education, " + name})
        call(base, token, "POST", "/v1/body-members", {"body_id": strategic["id"], "person_id": person["id"],
                                                       "role": "member", "start_date": "2007-09-01"})
    plan, report = load_plan(base, token, region["id"])
    fund = load_fund(base, token, region["id"], plan["id"])
    for code, estab, name, phase, language, judgement, day in WELSH_SCHOOLS:
        call(base, token, "POST", "/v1/schools", {
            "la_code": code, "establishment_number": estab, "name": name, "phase": phase, "type": "maintained",
            "language_category": language, "estyn_judgement": judgement, "estyn_date": day})
    print("demo region: %s of %d authorities (region %d; a token: consortia token --role officer "
          "--sub someone --region %d); its plan %d from the CSV import: %d strands, %d work areas, %d actions "
          "and %d sub-actions, at /v1/strategic-plans/%d/report (Accept-Language: cy for Welsh); its pooled "
          "budget of %d pence, %d drawn; %d Welsh schools with no URN"
          % (REGION, len(AUTHORITIES), region["id"], region["id"], plan["id"], report["strands"],
             report["work_areas"], report["actions"], report["sub_actions"], plan["id"], fund["pot_pence"],
             fund["drawn_pence"], len(WELSH_SCHOOLS)))


if __name__ == "__main__":
    main()
