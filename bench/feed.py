#!/usr/bin/env python3
"""Read the whole payment change feed and time it.

usage: feed.py BASE_URL TOKEN [PAGE]

Follows GET /v1/payments?after=N&limit=PAGE from 0 until a page comes back
empty, checking that positions arrive in order with no gap, and prints the
number of changes, the pages, and the seconds taken.
"""
import json
import sys
import time
import urllib.request


def main():
    base, token = sys.argv[1], sys.argv[2]
    page = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    after, count, pages = 0, 0, 0
    started = time.monotonic()
    while True:
        req = urllib.request.Request("%s/v1/payments?after=%d&limit=%d" % (base, after, page),
                                     headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(req) as resp:
            body = json.load(resp)
        pages += 1
        if not body["items"]:
            break
        for item in body["items"]:
            if item["position"] != after + 1:
                sys.exit("gap or disorder after position %d: got %d" % (after, item["position"]))
            after = item["position"]
            count += 1
    print("%d %d %.3f" % (count, pages, time.monotonic() - started))


if __name__ == "__main__":
    main()
