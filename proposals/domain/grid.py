"""The time grid: minutes counted from the first day's midnight in the visit's zone, and the starts each
constraint allows a session, as sets of those minutes.

Each constraint group keeps its own set, so that when no programme exists the explanation can name which
one (proposals.domain.model enforces each set under its own literal).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from proposals.domain.values import Busy, Problem, Wanted
from scheduling.availability import Calendar


@dataclass(frozen=True)
class Grid:
    problem: Problem

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.problem.zone)

    @cached_property
    def origin(self) -> dt.datetime:
        return dt.datetime.combine(self.problem.first_day, dt.time.min, tzinfo=self.zone).astimezone(dt.UTC)

    def minute(self, moment: dt.datetime) -> int:
        return int((moment.astimezone(dt.UTC) - self.origin).total_seconds() // 60)

    def moment(self, minute: int) -> dt.datetime:
        return self.origin + dt.timedelta(minutes=minute)

    def at(self, day: dt.date, time: dt.time) -> int:
        return self.minute(dt.datetime.combine(day, time, tzinfo=self.zone))

    @cached_property
    def days(self) -> list[dt.date]:
        return self.problem.days()

    def day_bounds(self, day: dt.date) -> tuple[int, int]:
        """[midnight, next midnight) of a local day, in grid minutes (23 or 25 hours across a switch)."""
        return self.at(day, dt.time.min), self.at(day + dt.timedelta(days=1), dt.time.min)

    def day_of(self, minute: int) -> dt.date:
        return self.moment(minute).astimezone(self.zone).date()

    def starts(self, wanted: Wanted) -> list[int]:
        """Every start on the grid for the session: each visit day from `day_from`, ending by `day_until`."""
        horizon = self.problem.horizon
        found: list[int] = []
        for day in self.days:
            first, last = self.at(day, horizon.day_from), self.at(day, horizon.day_until)
            found.extend(range(first, last - wanted.minutes + 1, horizon.step_minutes))
        return found

    # --- What each constraint group allows ------------------------------------------------------------------

    def in_window(self, wanted: Wanted, starts: Iterable[int]) -> set[int]:
        """The starts within the session's earliest and latest day and time (and the visit's dates)."""
        allowed = set()
        for start in starts:
            day = self.day_of(start)
            if wanted.earliest_day and day < wanted.earliest_day:
                continue
            if wanted.latest_day and day > wanted.latest_day:
                continue
            if wanted.earliest_time and start < self.at(day, wanted.earliest_time):
                continue
            if wanted.latest_time and start + wanted.minutes > self.at(day, wanted.latest_time):
                continue
            allowed.add(start)
        return allowed

    def covered(self, calendar: Calendar | None, wanted: Wanted, starts: Iterable[int]) -> set[int]:
        """The starts at which the calendar (an expert's hours, a venue's opening hours) covers it all."""
        if calendar is None:
            return set(starts)
        return {s for s in starts if calendar.covers(self.moment(s), self.moment(s + wanted.minutes))}

    def free(self, busy: Iterable[Busy], wanted: Wanted, starts: Iterable[int]) -> set[int]:
        """The starts at which the session overlaps none of the busy times."""
        spans = [(self.minute(b.start), self.minute(b.end)) for b in busy]
        return {s for s in starts if all(s + wanted.minutes <= a or b <= s for a, b in spans)}

    @cached_property
    def busy_by_resource(self) -> dict[str, list[Busy]]:
        found: dict[str, list[Busy]] = defaultdict(list)
        for busy in self.problem.busy:
            found[busy.resource].append(busy)
        return found

    def busy_of_people(self, people: Iterable[int]) -> list[Busy]:
        return [b for p in sorted(set(people)) for b in self.busy_by_resource.get(f"person:{p}", [])]

    def spans_text(self, allowed: Iterable[int], minutes: int) -> str:
        """The allowed starts as the spans a session could take, joined: "2027-03-23 08:00–10:00, …"."""
        step = self.problem.horizon.step_minutes
        spans: list[list[int]] = []  # [first start, last end], runs of starts merged where their spans meet
        for start in sorted(allowed):
            if spans and start <= spans[-1][1] and self.day_of(start) == self.day_of(spans[-1][0]):
                spans[-1][1] = max(spans[-1][1], start + minutes)
            elif (
                spans
                and start - (spans[-1][1] - minutes) <= step
                and self.day_of(start) == self.day_of(spans[-1][0])
            ):
                spans[-1][1] = start + minutes
            else:
                spans.append([start, start + minutes])
        parts = []
        for first, last in spans:
            begin, end = self.moment(first).astimezone(self.zone), self.moment(last).astimezone(self.zone)
            parts.append(f"{begin:%Y-%m-%d %H:%M}–{end:%H:%M}")
        return ", ".join(parts)
