"""Times as people read them: in a zone, and naming it."""

import datetime as dt

from django.utils import dateformat

DAY_AND_TIME = "D j M Y H:i"


def format_in_zone(moment: dt.datetime | None, zone: dt.tzinfo) -> str:
    """'Tue 23 Mar 2027 09:00 (Europe/Stockholm)'."""
    if moment is None:
        return "–"
    return f"{dateformat.format(moment.astimezone(zone), DAY_AND_TIME)} ({zone})"


def format_span_in_zone(starts_at: dt.datetime, ends_at: dt.datetime, zone: dt.tzinfo) -> str:
    """'Tue 23 Mar 2027 09:00–10:30 (Europe/Stockholm)'; the end's date is repeated only if it differs."""
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    end_format = "H:i" if end.date() == start.date() else DAY_AND_TIME
    return f"{dateformat.format(start, DAY_AND_TIME)}–{dateformat.format(end, end_format)} ({zone})"
