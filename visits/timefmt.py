"""How a moment or a span of time is written for a person: in a zone, and saying which (STYLE.md habit 3).

One formatter for every page, message and check; what differs between them is only the style, and each style
is pinned by the tests of what shows it:

- ADMIN    'Tue 23 Mar 2027 09:00–10:30 (Europe/Stockholm)', the admin's lists and pages;
- BOARD    '09:00–10:30 (Europe/Stockholm)', the planner's blocks, which sit under their day;
- MESSAGE  'Tuesday 23 March 2027, 09:00–10:30 (Europe/Stockholm)', e-mail, feeds and the answer pages;
- CHECK    '2027-03-23 09:00–10:30 Europe/Stockholm', the conflict checker's messages;
- HISTORY  '12 March 2027 14:02', the lines of a visit's or a person's history (visits.history).

A span's end repeats its date only when it falls on another day than its start.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import dateformat


@dataclass(frozen=True, slots=True)
class SpanStyle:
    start: str  # Django date format of a moment, and of a span's start
    end_other_day: str  # of a span's end on a later day than its start (on the same day: its time)
    dash_other_day: str = "–"  # between start and end when the end is on a later day
    zone_in_brackets: bool = True


ADMIN = SpanStyle(start="D j M Y H:i", end_other_day="D j M Y H:i")
BOARD = SpanStyle(start="H:i", end_other_day="D j M H:i")
MESSAGE = SpanStyle(start="l j F Y, H:i", end_other_day="l j F Y, H:i", dash_other_day=" – ")
CHECK = SpanStyle(start="Y-m-d H:i", end_other_day="Y-m-d H:i", zone_in_brackets=False)
HISTORY = SpanStyle(start="j F Y H:i", end_other_day="j F Y H:i")


def _zone_text(zone: dt.tzinfo, style: SpanStyle) -> str:
    return f"({zone})" if style.zone_in_brackets else str(zone)


def format_moment(
    moment: dt.datetime | None, zone: dt.tzinfo, style: SpanStyle = ADMIN, *, name_zone: bool = True
) -> str:
    """'Tue 23 Mar 2027 09:00 (Europe/Stockholm)'; '–' for no moment. Without the zone only where the text
    around it names the zone already (a subject line whose message says it)."""
    if moment is None:
        return "–"
    text = dateformat.format(moment.astimezone(zone), style.start)
    return f"{text} {_zone_text(zone, style)}" if name_zone else text


def format_span(
    start: dt.datetime, end: dt.datetime, zone: dt.tzinfo, style: SpanStyle = ADMIN, *, name_zone: bool = True
) -> str:
    """The span [start, end) in `zone`, in the active language, with the zone named; without it only where the
    page around it names the zone already (a board names the visit's zone once, in its header)."""
    start, end = start.astimezone(zone), end.astimezone(zone)
    if end.date() == start.date():
        dash, end_text = "–", dateformat.format(end, "H:i")
    else:
        dash, end_text = style.dash_other_day, dateformat.format(end, style.end_other_day)
    text = f"{dateformat.format(start, style.start)}{dash}{end_text}"
    return f"{text} {_zone_text(zone, style)}" if name_zone else text
