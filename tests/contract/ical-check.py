#!/usr/bin/env python3
"""Reads a calendar feed, as the service answered it, with a real iCalendar
parser (python3-icalendar), and checks what RFC 5545 asks beyond what the
parser forgives: CRLF line endings, no line longer than 75 octets, and
every event with its UID, DTSTAMP, DTSTART and SUMMARY, the UIDs unique.

usage: ical-check.py FEED_ICS
"""
import sys

from icalendar import Calendar


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: ical-check.py FEED_ICS")
    data = open(sys.argv[1], "rb").read()
    failures = []
    lines = data.split(b"\r\n")
    if lines[-1] != b"":
        failures.append("the document does not end with CRLF")
    for n, line in enumerate(lines[:-1], 1):
        if b"\n" in line or b"\r" in line:
            failures.append("line %d has a bare CR or LF" % n)
        if len(line) > 75:
            failures.append("line %d is %d octets long" % (n, len(line)))
    cal = Calendar.from_ical(data)
    if cal.name != "VCALENDAR" or str(cal.get("VERSION")) != "2.0" or not cal.get("PRODID"):
        failures.append("not a VCALENDAR 2.0 with a PRODID")
    uids = set()
    events = list(cal.walk("VEVENT"))
    for ev in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            if ev.get(prop) is None:
                failures.append("an event has no %s" % prop)
        uid = str(ev.get("UID"))
        if uid in uids:
            failures.append("UID %s twice" % uid)
        uids.add(uid)
        if ev.decoded("DTEND") <= ev.decoded("DTSTART"):
            failures.append("event %s ends before it starts" % uid)
    if not events:
        failures.append("the feed has no event")
    if failures:
        sys.exit("ical-check.py: %d failures:\n  %s" % (len(failures), "\n  ".join(failures)))
    print("ical-check.py: %d events read by icalendar, every line within RFC 5545" % len(events))


if __name__ == "__main__":
    main()
