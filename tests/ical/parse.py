"""Parses one iCalendar file from standard input with the `icalendar` package from PyPI, an
independent reader of RFC 5545, and prints what the tests check as JSON. Exits non-zero on a
file that does not parse."""

import json
import sys

import icalendar

calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
events = [c for c in calendar.walk("VEVENT")]
assert len(events) == 1, "exactly one VEVENT"
event = events[0]
organizer = event.get("ORGANIZER")
attendee = event.get("ATTENDEE")
print(
    json.dumps(
        {
            "method": str(calendar.get("METHOD")),
            "uid": str(event.get("UID")),
            "sequence": int(event.get("SEQUENCE", 0)),
            "status": str(event.get("STATUS")),
            "summary": str(event.get("SUMMARY")),
            "location": str(event.get("LOCATION")),
            "dtstart": event.decoded("DTSTART").isoformat(),
            "dtend": event.decoded("DTEND").isoformat(),
            "dtstamp": event.decoded("DTSTAMP").isoformat(),
            "organizer": str(organizer),
            "organizer_cn": str(organizer.params.get("CN")) if organizer is not None else None,
            "attendee": str(attendee),
            "attendee_cn": str(attendee.params.get("CN")) if attendee is not None else None,
        }
    )
)
