"""When an expert or a venue is available: weekly hours and dated exceptions, in the owner's own zone.

Pure values: no ORM. scheduling.checks builds calendars from the database; the conflict checker asks them.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

Span = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    weekday: int  # Monday is 0
    starts: dt.time
    ends: dt.time


@dataclass(frozen=True, slots=True)
class DatedException:
    starts_on: dt.date
    ends_on: dt.date
    only: bool  # True: available only in the times given; False: unavailable (in the times, or all day)
    starts: dt.time | None = None
    ends: dt.time | None = None

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, slots=True)
class Calendar:
    """Availability in `zone`. With no weekly hours, every hour is available save for the exceptions."""

    zone: str
    weekly: tuple[WeeklyHours, ...] = ()
    exceptions: tuple[DatedException, ...] = ()

    def available(self, day: dt.date) -> list[Span]:
        """The available spans of one local day, merged, as aware datetimes."""
        zone = ZoneInfo(self.zone)
        day_start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
        day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)

        def span(starts: dt.time, ends: dt.time) -> Span:
            return dt.datetime.combine(day, starts, tzinfo=zone), dt.datetime.combine(day, ends, tzinfo=zone)

        todays = [e for e in self.exceptions if e.covers(day)]
        only = [span(e.starts, e.ends) for e in todays if e.only and e.starts and e.ends]
        if only:
            spans = only
        elif self.weekly:
            spans = [span(w.starts, w.ends) for w in self.weekly if w.weekday == day.weekday()]
        else:
            spans = [(day_start, day_end)]
        for exception in todays:
            if exception.only:
                continue
            if exception.starts is None or exception.ends is None:
                return []
            spans = subtract(spans, span(exception.starts, exception.ends))
        return merge(spans)

    def covers(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether [start, end) lies wholly within available time, across as many local days as it spans."""
        zone = ZoneInfo(self.zone)
        for day in local_days(start, end, zone):
            day_start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
            day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
            part = (max(start, day_start), min(end, day_end))
            if not any(a <= part[0] and part[1] <= b for a, b in self.available(day)):
                return False
        return True


def local_days(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> Iterator[dt.date]:
    """The local dates that [start, end) touches."""
    day = start.astimezone(zone).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(zone).date()
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract(spans: Iterable[Span], hole: Span) -> list[Span]:
    result: list[Span] = []
    for start, end in spans:
        if hole[1] <= start or end <= hole[0]:
            result.append((start, end))
            continue
        if start < hole[0]:
            result.append((start, hole[0]))
        if hole[1] < end:
            result.append((hole[1], end))
    return result
