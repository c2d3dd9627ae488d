"""Building plain slots for the pure checker's tests."""

import datetime as dt
from itertools import count
from zoneinfo import ZoneInfo

from scheduling.conflicts import Slot

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_ids = count(1)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    """A time in March 2027 (unless month is given), Stockholm. 2027-03-22 is a Monday."""
    return dt.datetime(2027, month, day, hour, minute, tzinfo=STOCKHOLM)


def slot(start: dt.datetime, end: dt.datetime, **fields) -> Slot:
    ident = fields.pop("id", next(_ids))
    defaults = {
        "title": f"Session {ident}",
        "visit_id": 1,
        "venue_id": 1,
        "venue_name": "Polishuset",
        "city": "Stockholm",
    }
    for key in ("experts", "interpreters", "participants", "delegation_languages"):
        if key in fields:
            fields[key] = frozenset(fields[key])
    return Slot(id=ident, start=start, end=end, **{**defaults, **fields})
