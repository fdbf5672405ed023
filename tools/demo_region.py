#!/usr/bin/env python3
"""A region of six Welsh authorities for the demo (seed 004) through the running service.

usage: demo_region.py BASE_URL TOKEN

The South West and Mid Wales consortium: Carmarthenshire, Ceredigion,
Neath Port Talbot, Pembrokeshire, Powys and Swansea (their Welsh
Government LA codes), each an LA of its own, with the region's Welsh
name. Carmarthenshire leads it in the demo (seed 004 does not say which
authority leads). Does nothing if the region exists.
"""
import sys

from demo_year import call

REGION = "South West and Mid Wales Consortium"
AUTHORITIES = [(669, "Carmarthenshire"), (667, "Ceredigion"), (671, "Neath Port Talbot"),
               (668, "Pembrokeshire"), (666, "Powys"), (670, "Swansea")]


def main():
    base, token = sys.argv[1], sys.argv[2]
    if any(r["name"] == REGION for r in call(base, token, "GET", "/v1/regions?limit=500")["items"]):
        print("demo region: already there")
        return
    known = {la["code"] for la in call(base, token, "GET", "/v1/local-authorities?limit=500")["items"]}
    for code, name in AUTHORITIES:
        if code not in known:
            call(base, token, "POST", "/v1/local-authorities", {"code": code, "name": name})
    region = call(base, token, "POST", "/v1/regions", {
        "name": REGION, "name_cy": "Consortiwm De Orllewin a Chanolbarth Cymru",
        "lead_la_code": AUTHORITIES[0][0], "established_on": "2007-09-01"})
    for code, _ in AUTHORITIES[1:]:
        call(base, token, "POST", "/v1/region-members", {"region_id": region["id"], "la_code": code,
                                                         "start_date": "2007-09-01"})
    print("demo region: %s of %d authorities (region %d; a token: consortia token --role viewer "
          "--sub someone --region %d)" % (REGION, len(AUTHORITIES), region["id"], region["id"]))


if __name__ == "__main__":
    main()
