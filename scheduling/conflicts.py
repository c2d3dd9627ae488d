"""The conflict checker: plain slots in, Conflict values out. No ORM in here.

Double bookings are found by a sweep per resource (a person or a venue): slots sorted by start, with a heap
of the ones still running, so a programme of n sessions with k clashes costs O(n log n + k). Checking one
edited session runs the same code over the few sessions the database found near it (scheduling.checks).
"""

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from scheduling.availability import Calendar, local_days, merge
from visits.models.programme import SessionKind
from visits.timefmt import CHECK, format_span

NON_WORK_KINDS = frozenset({SessionKind.MEAL, SessionKind.BREAK, SessionKind.TRANSFER})
MEAL_KINDS = frozenset({SessionKind.MEAL, SessionKind.BREAK})


class Severity(StrEnum):
    FATAL = "fatal"  # blocks publishing, not saving
    WARNING = "warning"  # can be acknowledged


class ConflictKind(StrEnum):
    PERSON_DOUBLE_BOOKED = "person_double_booked"
    VENUE_DOUBLE_BOOKED = "venue_double_booked"
    OUTSIDE_VISIT_DATES = "outside_visit_dates"
    OVER_CAPACITY = "over_capacity"
    OUTSIDE_EXPERT_AVAILABILITY = "outside_expert_availability"
    OUTSIDE_OPENING_HOURS = "outside_opening_hours"
    HOLIDAY = "holiday"
    WEEKEND = "weekend"
    TRAVEL_TIME = "travel_time"
    LANGUAGE_WITHOUT_INTERPRETER = "language_without_interpreter"
    INTERPRETER_NOT_BOOKED = "interpreter_not_booked"
    DAY_TOO_LONG = "day_too_long"
    NO_MEAL_BREAK = "no_meal_break"
    TOO_MANY_SESSIONS = "too_many_sessions"


SEVERITY = {
    ConflictKind.PERSON_DOUBLE_BOOKED: Severity.FATAL,
    ConflictKind.VENUE_DOUBLE_BOOKED: Severity.FATAL,
    ConflictKind.OUTSIDE_VISIT_DATES: Severity.FATAL,
    ConflictKind.OVER_CAPACITY: Severity.FATAL,
}


@dataclass(frozen=True, slots=True)
class Slot:
    """One session as the checker sees it. Times are aware; people are person ids."""

    id: int
    title: str
    start: dt.datetime
    end: dt.datetime
    visit_id: int
    zone: str = "Europe/Stockholm"  # the zone the session is shown in (its venue's)
    visit_zone: str = "Europe/Stockholm"  # the zone its programme days are counted in
    window: tuple[dt.datetime, dt.datetime] | None = None  # the visit's dates; None: allowed outside
    country: str = "SE"  # whose public holidays apply
    venue_id: int | None = None
    venue_name: str = ""
    city: str = ""
    capacity: int | None = None
    delegation_id: int | None = None
    delegation_name: str = ""
    delegation_languages: frozenset[str] = frozenset()
    experts: frozenset[int] = frozenset()
    interpreters: frozenset[int] = frozenset()
    participants: frozenset[int] = frozenset()
    kind: str = SessionKind.MEETING
    language: str = ""
    interpreter_needed: bool = False
    interpretation_language: str = ""

    def __post_init__(self) -> None:
        # Python compares and subtracts datetimes that share a tzinfo by wall clock, which is wrong across a
        # daylight-saving switch. In UTC, wall clock and real time agree.
        object.__setattr__(self, "start", self.start.astimezone(dt.UTC))
        object.__setattr__(self, "end", self.end.astimezone(dt.UTC))
        if self.window is not None:
            object.__setattr__(
                self, "window", (self.window[0].astimezone(dt.UTC), self.window[1].astimezone(dt.UTC))
            )

    @property
    def people(self) -> frozenset[int]:
        return self.experts | self.interpreters | self.participants


# In `Conflict.named`: a session of a visit the reader may not see.
HIDDEN = (None, None)
# The message's names of its n-th session (session1, when1, venue1), left out for a hidden one.
NAMED_PARAMS = frozenset({"session", "when", "venue"})
# A journey goes one way: from a hidden session or to it, which a masked conflict's key and words keep.
ORDERED_KINDS = frozenset({ConflictKind.TRAVEL_TIME})
# They would tell a hidden session's time (the gap before it, the length of a day with it): left out too.
BUSY_ONLY = frozenset({"gap", "needed", "hours"})


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: ConflictKind
    sessions: tuple[int, ...]
    subject: str  # what clashes: "person:12", "venue:3", "delegation:4:2027-03-24", "session:7"
    params: tuple[tuple[str, str], ...] = ()  # names and times for the message
    # (session, visit) in the order the message names them (session1, session2, …), HIDDEN for one the
    # reader may not see: then the conflict says only that someone or something is busy (`seen_by`).
    named: tuple[tuple[int | None, int | None], ...] = ()

    @property
    def severity(self) -> Severity:
        return SEVERITY.get(self.kind, Severity.WARNING)

    @property
    def is_fatal(self) -> bool:
        return self.severity is Severity.FATAL

    @property
    def masked(self) -> bool:
        """It involves a session of a visit the reader may not see, and says no more of it than "busy"."""
        return HIDDEN in self.named

    @property
    def key(self) -> str:
        """Stable while the same sessions clash in the same way; acknowledgements are recorded against it.

        A masked conflict names each hidden session "~", never by id: after the shown ones, so that two
        clashes of one session with hidden ones are one "busy then"; for a journey in its place in time, as
        coming from a hidden session and going to one are two warnings (and say so)."""
        if self.masked:
            places = ["~" if session is None else str(session) for session, _ in self.named]
            if self.kind not in ORDERED_KINDS:
                places = [*map(str, self.sessions), *(["~"] * places.count("~"))]
            return f"{self.kind}:{self.subject}:{','.join(places)}"
        return f"{self.kind}:{self.subject}:{','.join(map(str, self.sessions))}"

    def seen_by(self, visible: Collection[int]) -> "Conflict":
        """The conflict as a reader who may see the visits `visible` may read it: sessions of any other visit
        lose their id, title, time and venue (free/busy). The person or venue that clashes is a shared
        record and stays named. Masking a masked conflict again hides more, never less."""
        if all(visit in visible for _, visit in self.named):
            return self
        named = tuple(pair if pair[1] in visible else HIDDEN for pair in self.named)
        hidden = {str(n) for n, pair in enumerate(named, start=1) if pair == HIDDEN}
        params = tuple((name, value) for name, value in self.params if not hides(name, hidden))
        sessions = tuple(sorted(s for s, _ in named if s is not None))
        return Conflict(self.kind, sessions, self.subject, params, named)

    def message(self, language: str = "en") -> str:
        from scheduling.conflict_messages import render

        return render(self, language)


def numbered(name: str) -> tuple[str, str]:
    """A message parameter's stem and number: ("when", "2") for "when2", ("person", "") for "person"."""
    stem = name.rstrip("0123456789")
    return stem, name[len(stem) :]


def hides(name: str, hidden: Collection[str]) -> bool:
    """Whether a masked message leaves the parameter out: a hidden session's own, or one telling its time."""
    stem, number = numbered(name)
    return name in BUSY_ONLY or (stem in NAMED_PARAMS and number in hidden)


@dataclass(frozen=True)
class Rules:
    max_day_hours: float = 10.0
    max_sessions_per_day: int = 6
    meal_window: tuple[dt.time, dt.time] = (dt.time(11, 0), dt.time(14, 30))
    min_meal_break_minutes: int = 45
    meal_rule_from_day_hours: float = 5.0  # shorter days need no meal break
    same_city_travel_minutes: int = 20
    other_city_travel_minutes: int = 180


@dataclass(frozen=True)
class Context:
    """Everything the checker needs besides the slots, already read from the database."""

    people: Mapping[int, str] = field(default_factory=dict)
    expert_calendars: Mapping[int, Calendar] = field(default_factory=dict)
    venue_calendars: Mapping[int, Calendar] = field(default_factory=dict)
    holidays: Mapping[str, Mapping[dt.date, str]] = field(default_factory=dict)
    venue_travel: Mapping[tuple[int, int], int] = field(default_factory=dict)
    city_travel: Mapping[tuple[str, str], int] = field(default_factory=dict)
    rules: Rules = field(default_factory=Rules)

    def travel_minutes(self, a: Slot, b: Slot) -> int:
        if a.venue_id == b.venue_id:
            return 0
        assert a.venue_id is not None and b.venue_id is not None
        pair = (min(a.venue_id, b.venue_id), max(a.venue_id, b.venue_id))
        if pair in self.venue_travel:
            return self.venue_travel[pair]
        cities = (min(a.city, b.city), max(a.city, b.city))
        if cities in self.city_travel:
            return self.city_travel[cities]
        same = a.city.casefold() == b.city.casefold()
        return self.rules.same_city_travel_minutes if same else self.rules.other_city_travel_minutes


def when(slot: Slot) -> str:
    """The slot's time in its own zone, with the zone named."""
    return format_span(slot.start, slot.end, ZoneInfo(slot.zone), CHECK)


def conflict(kind: ConflictKind, slots: Sequence[Slot], subject: str, **params: str) -> Conflict:
    ordered = sorted(slots, key=lambda s: (s.start, s.id))
    names: dict[str, str] = {}
    for index, slot in enumerate(ordered, start=1):
        names[f"session{index}"] = slot.title
        names[f"when{index}"] = when(slot)
    return Conflict(
        kind,
        tuple(sorted(s.id for s in slots)),
        subject,
        tuple(sorted({**names, **params}.items())),
        tuple((s.id, s.visit_id) for s in ordered),
    )


# --- Rules --------------------------------------------------------------------------------------------------


def double_bookings(slots: Iterable[Slot], context: Context) -> Iterator[Conflict]:
    """A person or a venue in two sessions that share time, across every visit the slots come from."""
    by_resource: dict[tuple[str, int], list[Slot]] = defaultdict(list)
    for slot in slots:
        if slot.venue_id is not None:
            by_resource[("venue", slot.venue_id)].append(slot)
        for person in slot.people:
            by_resource[("person", person)].append(slot)
    for (kind, ident), group in by_resource.items():
        for first, second in overlapping_pairs(group):
            if kind == "venue":
                yield conflict(
                    ConflictKind.VENUE_DOUBLE_BOOKED,
                    [first, second],
                    f"venue:{ident}",
                    venue=first.venue_name,
                )
            else:
                name = context.people.get(ident, f"#{ident}")
                yield conflict(
                    ConflictKind.PERSON_DOUBLE_BOOKED, [first, second], f"person:{ident}", person=name
                )


def overlapping_pairs(group: list[Slot]) -> Iterator[tuple[Slot, Slot]]:
    """Every pair of slots in the group that share time: a sweep with a heap of running slots."""
    running: list[tuple[dt.datetime, int, Slot]] = []
    for slot in sorted(group, key=lambda s: (s.start, s.id)):
        while running and running[0][0] <= slot.start:
            heapq.heappop(running)
        for _, _, other in running:
            yield other, slot
        heapq.heappush(running, (slot.end, slot.id, slot))


def outside_visit(slot: Slot, context: Context) -> Iterator[Conflict]:
    if slot.window is not None and (slot.start < slot.window[0] or slot.end > slot.window[1]):
        yield conflict(ConflictKind.OUTSIDE_VISIT_DATES, [slot], f"session:{slot.id}")


def over_capacity(slot: Slot, context: Context) -> Iterator[Conflict]:
    if slot.capacity is not None and len(slot.people) > slot.capacity:
        yield conflict(
            ConflictKind.OVER_CAPACITY,
            [slot],
            f"session:{slot.id}",
            venue=slot.venue_name,
            count=str(len(slot.people)),
            capacity=str(slot.capacity),
        )


def availability(slot: Slot, context: Context) -> Iterator[Conflict]:
    for expert in sorted(slot.experts):
        calendar = context.expert_calendars.get(expert)
        if calendar is not None and not calendar.covers(slot.start, slot.end):
            yield conflict(
                ConflictKind.OUTSIDE_EXPERT_AVAILABILITY,
                [slot],
                f"person:{expert}",
                person=context.people.get(expert, f"#{expert}"),
            )
    calendar = context.venue_calendars.get(slot.venue_id) if slot.venue_id is not None else None
    if calendar is not None and not calendar.covers(slot.start, slot.end):
        yield conflict(
            ConflictKind.OUTSIDE_OPENING_HOURS, [slot], f"venue:{slot.venue_id}", venue=slot.venue_name
        )


def days_off(slot: Slot, context: Context) -> Iterator[Conflict]:
    holidays = context.holidays.get(slot.country, {})
    for day in local_days(slot.start, slot.end, ZoneInfo(slot.zone)):
        if day in holidays:
            yield conflict(
                ConflictKind.HOLIDAY,
                [slot],
                f"session:{slot.id}:{day}",
                day=day.isoformat(),
                holiday=holidays[day],
            )
        elif day.weekday() >= 5:
            yield conflict(ConflictKind.WEEKEND, [slot], f"session:{slot.id}:{day}", day=day.isoformat())


def language(slot: Slot, context: Context) -> Iterator[Conflict]:
    if slot.interpreters:
        return
    if slot.interpreter_needed:
        yield conflict(
            ConflictKind.INTERPRETER_NOT_BOOKED,
            [slot],
            f"session:{slot.id}",
            language=slot.interpretation_language or slot.language,
        )
    elif slot.language and slot.delegation_languages and slot.language not in slot.delegation_languages:
        yield conflict(
            ConflictKind.LANGUAGE_WITHOUT_INTERPRETER,
            [slot],
            f"session:{slot.id}",
            language=slot.language,
            delegation=slot.delegation_name,
            languages=", ".join(sorted(slot.delegation_languages)),
        )


def travel(slots: Iterable[Slot], context: Context) -> Iterator[Conflict]:
    """Too little time to get from one venue to the next, for a delegation or an expert."""
    routes: dict[str, list[Slot]] = defaultdict(list)
    for slot in slots:
        if slot.venue_id is None:
            continue
        if slot.delegation_id is not None and slot.participants:
            routes[f"delegation:{slot.delegation_id}"].append(slot)
        for expert in slot.experts:
            routes[f"person:{expert}"].append(slot)
    for subject, route in routes.items():
        for before, after in pairwise(sorted(route, key=lambda s: (s.start, s.id))):
            if after.start < before.end or before.venue_id == after.venue_id:
                continue  # a double booking, reported as such; or no journey at all
            needed = context.travel_minutes(before, after)
            gap = int((after.start - before.end).total_seconds() // 60)
            if gap < needed:
                who = (
                    before.delegation_name
                    if subject.startswith("delegation:")
                    else context.people.get(int(subject.split(":")[1]), subject)
                )
                yield conflict(
                    ConflictKind.TRAVEL_TIME,
                    [before, after],
                    subject,
                    who=who,
                    venue1=before.venue_name,
                    venue2=after.venue_name,
                    gap=str(gap),
                    needed=str(needed),
                )


def delegation_days(slots: Iterable[Slot], context: Context) -> Iterator[Conflict]:
    """A delegation's day that is too long, too full, or has no meal break."""
    days: dict[tuple[int, dt.date], list[Slot]] = defaultdict(list)
    for slot in slots:
        if slot.delegation_id is not None and slot.participants:
            days[(slot.delegation_id, slot.start.astimezone(ZoneInfo(slot.visit_zone)).date())].append(slot)
    rules = context.rules
    for (delegation_id, day), group in sorted(days.items()):
        group.sort(key=lambda s: (s.start, s.id))
        subject = f"delegation:{delegation_id}:{day}"
        name = group[0].delegation_name
        hours = (max(s.end for s in group) - group[0].start).total_seconds() / 3600
        if hours > rules.max_day_hours:
            yield conflict(
                ConflictKind.DAY_TOO_LONG,
                group,
                subject,
                delegation=name,
                day=day.isoformat(),
                hours=f"{hours:.1f}",
                limit=f"{rules.max_day_hours:g}",
            )
        work = [s for s in group if s.kind not in NON_WORK_KINDS]
        if len(work) > rules.max_sessions_per_day:
            yield conflict(
                ConflictKind.TOO_MANY_SESSIONS,
                group,
                subject,
                delegation=name,
                day=day.isoformat(),
                count=str(len(work)),
                limit=str(rules.max_sessions_per_day),
            )
        if hours >= rules.meal_rule_from_day_hours and not has_meal_break(group, day, context):
            yield conflict(ConflictKind.NO_MEAL_BREAK, group, subject, delegation=name, day=day.isoformat())


def has_meal_break(group: Sequence[Slot], day: dt.date, context: Context) -> bool:
    zone = ZoneInfo(group[0].visit_zone)
    opens, closes = (dt.datetime.combine(day, t, tzinfo=zone) for t in context.rules.meal_window)
    if any(s.kind in MEAL_KINDS and s.start < closes and s.end > opens for s in group):
        return True
    busy = merge(
        (max(s.start, opens), min(s.end, closes)) for s in group if s.start < closes and s.end > opens
    )
    edges = [opens, *(t for span in busy for t in span), closes]
    longest = max((b - a for a, b in zip(edges[::2], edges[1::2], strict=True)), default=dt.timedelta())
    return longest >= dt.timedelta(minutes=context.rules.min_meal_break_minutes)


PER_SLOT: tuple[Callable[[Slot, Context], Iterator[Conflict]], ...] = (
    outside_visit,
    over_capacity,
    availability,
    days_off,
    language,
)
ACROSS_SLOTS: tuple[Callable[[Iterable[Slot], Context], Iterator[Conflict]], ...] = (
    double_bookings,
    travel,
    delegation_days,
)


def find_conflicts(slots: Iterable[Slot], context: Context | None = None) -> list[Conflict]:
    """Every conflict among the slots, fatal ones first, each reported once."""
    context = context or Context()
    slots = list(slots)
    found: dict[str, Conflict] = {}
    for slot in slots:
        for rule in PER_SLOT:
            for item in rule(slot, context):
                found.setdefault(item.key, item)
    for group_rule in ACROSS_SLOTS:
        for item in group_rule(slots, context):
            found.setdefault(item.key, item)
    return sorted(found.values(), key=lambda c: (not c.is_fatal, c.sessions, c.kind, c.subject))


def conflicts_of(session_id: int, slots: Iterable[Slot], context: Context | None = None) -> list[Conflict]:
    """The conflicts that involve one session, found among the slots around it."""
    return [c for c in find_conflicts(slots, context) if session_id in c.sessions]
