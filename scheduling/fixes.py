"""The obvious fix of a conflict, where there is one: a button beside its line in the conflict list.

- Two sessions at once (a person or a venue): move the later one of this visit to start when the earlier
  ends, keeping its length: "Move “B” after 11:30".
- Too little time to travel: move the session after the journey to start when the journey would arrive.
- No interpreter where one is needed: book one for the language ("Book an interpreter for Romanian"), a link
  to the session's interpreter rows with the language chosen.

A clash with a session the reader may not see (masked) has no move: its time is not the reader's to know.
`fix_for` is pure; `fixes_for` reads the sessions' times in one query. A fix is offered as a token the fix
view re-checks against the session as it is then (`parse_token`): a session changed since the list was
shown (its revision) or a conflict gone is refused, never applied blind.
"""

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from scheduling.conflict_groups import ConflictGroup
from scheduling.conflicts import ConflictKind, Context, Slot
from visits.fields import language_name
from visits.models import Session, Venue

MOVE = "move"
VENUE = "venue"
INTERPRETER = "interpreter"
DOUBLE_BOOKED = frozenset({ConflictKind.PERSON_DOUBLE_BOOKED, ConflictKind.VENUE_DOUBLE_BOOKED})
PEOPLE = frozenset({ConflictKind.PERSON_DOUBLE_BOOKED})  # who must travel between the two
NO_INTERPRETER = frozenset({ConflictKind.INTERPRETER_NOT_BOOKED, ConflictKind.LANGUAGE_WITHOUT_INTERPRETER})


@dataclass(frozen=True, slots=True)
class Span:
    """What a fix needs of a session: its time, its zone, its visit and its revision."""

    start: dt.datetime
    end: dt.datetime
    zone: str
    visit_id: int
    revision: int
    title: str
    venue_id: int | None = None
    city: str = ""


Travel = Callable[[Span, Span], int]
# A venue in the session's city free all its time, as (id, name), or None.
FreeVenue = Callable[[Span], tuple[int, str] | None]


@dataclass(frozen=True, slots=True)
class Fix:
    action: str  # MOVE, VENUE or INTERPRETER
    session_id: int
    revision: int
    label: str
    starts_at: dt.datetime | None = None  # MOVE: the new start (the length is kept)
    language: str = ""  # INTERPRETER: the language to book one for
    venue_id: int | None = None  # VENUE: the free venue to move to

    @property
    def detail(self) -> str:
        return str(self.venue_id) if self.venue_id is not None else self.language

    @property
    def token(self) -> str:
        """What the fix button posts: enough for the server to tell whether the fix still fits."""
        start = self.starts_at.astimezone(dt.UTC).isoformat() if self.starts_at is not None else ""
        return f"{self.action}|{self.session_id}|{self.revision}|{start}|{self.detail}"


@dataclass(frozen=True, slots=True)
class Asked:
    """A fix button's token, read back."""

    action: str
    session_id: int
    revision: int
    starts_at: dt.datetime | None
    detail: str  # the language, or the venue's id


def parse_token(token: str) -> Asked | None:
    """The fix a button asked for, or None for a token no button makes."""
    parts = token.split("|")
    if len(parts) != 5 or parts[0] not in {MOVE, VENUE, INTERPRETER}:
        return None
    action, session, revision, start, language = parts
    if not session.isdigit() or not revision.isdigit():
        return None
    try:
        starts_at = dt.datetime.fromisoformat(start) if start else None
    except ValueError:
        return None
    if starts_at is not None and starts_at.tzinfo is None:
        return None
    return Asked(action, int(session), int(revision), starts_at, language)


def clock(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%H:%M")


def moved(span: Span, session_id: int, starts_at: dt.datetime, label: str) -> Fix:
    return Fix(MOVE, session_id, span.revision, label, starts_at=starts_at)


def move_after(
    group: ConflictGroup, spans: Mapping[int, Span], other: int, session: int, travel: Travel | None
) -> Fix:
    """Move `session` to start when `other` ends, and, for people, when the journey from it arrives."""
    span = spans[session]
    minutes = travel(spans[other], span) if travel is not None and group.kind in PEOPLE else 0
    starts_at = spans[other].end + dt.timedelta(minutes=minutes)
    words = {"session": span.title, "time": clock(starts_at, span.zone)}
    if minutes:
        return moved(
            span, session, starts_at, gettext("Move “%(session)s” to %(time)s, after the journey") % words
        )
    return moved(span, session, starts_at, gettext("Move “%(session)s” after %(time)s") % words)


def to_free_venue(span: Span, session: int, free: FreeVenue | None) -> Fix | None:
    found = free(span) if free is not None else None
    if found is None:
        return None
    venue_id, name = found
    label = gettext("Move “%(session)s” to %(venue)s, free then") % {"session": span.title, "venue": name}
    return Fix(VENUE, session, span.revision, label, venue_id=venue_id)


def fix_for(
    group: ConflictGroup,
    spans: Mapping[int, Span],
    own: Collection[int],
    travel: Travel | None = None,
    free: FreeVenue | None = None,
) -> Fix | None:
    """The line's obvious fix, or None. `own` are the sessions the reader may move (this visit's);
    `travel` the minutes from one session's venue to another's, if a move should leave time for it; `free`
    finds a venue free all a session's time, for a venue booked twice."""
    if group.masked:
        return None
    order = [session for session, _visit in group.first.named if session is not None]
    if group.kind == ConflictKind.VENUE_DOUBLE_BOOKED and len(order) == 2 and all(s in spans for s in order):
        # The room is taken: another free room in the town is the smaller change, where there is one.
        mover = order[1] if order[1] in own else order[0] if order[0] in own else None
        elsewhere = to_free_venue(spans[mover], mover, free) if mover is not None else None
        if elsewhere is not None:
            return elsewhere
    if group.kind in DOUBLE_BOOKED and len(order) == 2 and all(s in spans for s in order):
        first, second = order
        if second in own:
            return move_after(group, spans, first, second, travel)
        if first in own:
            return move_after(group, spans, second, first, travel)
        return None
    if group.kind == ConflictKind.TRAVEL_TIME and len(order) == 2 and all(s in spans for s in order):
        before, after = order
        needed = dict(group.first.params).get("needed", "")
        if after not in own or not needed.isdigit():
            return None
        span = spans[after]
        starts_at = spans[before].end + dt.timedelta(minutes=int(needed))
        label = gettext("Move “%(session)s” to %(time)s, after the journey") % {
            "session": span.title,
            "time": clock(starts_at, span.zone),
        }
        return moved(span, after, starts_at, label)
    if group.kind in NO_INTERPRETER and group.sessions and group.sessions[0] in own:
        session = group.sessions[0]
        code = dict(group.first.params).get("language", "")
        if not code or session not in spans:
            return None
        label = gettext("Book an interpreter for %(language)s") % {"language": language_name(code)}
        return Fix(INTERPRETER, session, spans[session].revision, label, language=code)
    return None


def spans_of(session_ids: Iterable[int]) -> dict[int, Span]:
    """The sessions' times, zones, visits, revisions and places, in one query."""
    rows = Session.objects.filter(pk__in=set(session_ids)).values_list(
        "pk",
        "starts_at",
        "ends_at",
        "venue__time_zone",
        "visit__time_zone",
        "visit_id",
        "revision",
        "title",
        "venue_id",
        "venue__city",
        "visit__city",
    )
    return {
        pk: Span(start, end, venue_zone or zone, visit_id, revision, title, venue_id, venue_city or city)
        for pk, start, end, venue_zone, zone, visit_id, revision, title, venue_id, venue_city, city in rows
    }


def travel_of(spans: Mapping[int, Span]) -> Travel:
    """The journey between two sessions' venues as the checker reckons it (scheduling.checks): none between a
    venue and itself or without a venue. Its few queries are made at the first journey asked, once."""
    from scheduling.checks import context_for

    contexts: list[Context] = []

    def minutes(a: Span, b: Span) -> int:
        if a.venue_id is None or b.venue_id is None or a.venue_id == b.venue_id:
            return 0
        if not contexts:
            contexts.append(context_for([as_slot(pk, span) for pk, span in spans.items() if span.venue_id]))
        return contexts[0].travel_minutes(as_slot(0, a), as_slot(0, b))

    return minutes


def free_venues_of(spans: Mapping[int, Span]) -> FreeVenue:
    """A venue in a session's city, free all its time and as large as its own, first by name. Its two
    queries (the venues of the cities, their bookings then) are made at the first venue asked, once."""
    loaded: list[
        tuple[list[tuple[int, str, str, int | None]], dict[int, list[tuple[dt.datetime, dt.datetime]]]]
    ] = []

    def load() -> None:
        cities = {span.city for span in spans.values() if span.city}
        venues = list(
            Venue.objects.filter(city__in=cities)
            .order_by("name", "pk")
            .values_list("pk", "name", "city", "capacity")
        )
        start, end = min(s.start for s in spans.values()), max(s.end for s in spans.values())
        busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
        rows = Session.objects.active().overlapping(start, end).filter(venue_id__in=[v[0] for v in venues])
        for venue_id, starts, ends in rows.values_list("venue_id", "starts_at", "ends_at"):
            busy.setdefault(venue_id, []).append((starts, ends))
        loaded.append((venues, busy))

    def free(span: Span) -> tuple[int, str] | None:
        if span.venue_id is None:
            return None
        if not loaded:
            load()
        venues, busy = loaded[0]
        capacity = next((v[3] for v in venues if v[0] == span.venue_id), None)
        for venue_id, name, city, room in venues:
            if venue_id == span.venue_id or city.casefold() != span.city.casefold():
                continue
            if capacity is not None and room is not None and room < capacity:
                continue  # smaller than the room it leaves (one of unknown size may do)
            if any(s < span.end and e > span.start for s, e in busy.get(venue_id, [])):
                continue
            return venue_id, name
        return None

    return free


def as_slot(pk: int, span: Span) -> Slot:
    return Slot(
        id=pk,
        title=span.title,
        start=span.start,
        end=span.end,
        visit_id=span.visit_id,
        venue_id=span.venue_id,
        city=span.city,
    )


@dataclass(frozen=True)
class Line:
    """One line of a conflict list as a page shows it: its words, its colour, this visit's sessions in it
    (id and title, for links) and its fix."""

    message: str
    fatal: bool
    sessions: tuple[tuple[int, str], ...]
    fix: Fix | None
    keys: tuple[str, ...]


def lines_of(groups: Iterable[ConflictGroup], visit_id: int, language: str) -> list[Line]:
    """The lines of a visit's conflict list, in the groups' order, with their fixes. One query, none
    without lines."""
    groups = list(groups)
    if not groups:
        return []
    spans = spans_of(session for group in groups for session in group.sessions)
    own = {pk for pk, span in spans.items() if span.visit_id == visit_id}
    travel, free = travel_of(spans), free_venues_of(spans)
    return [
        Line(
            message=group.message(language),
            fatal=group.is_fatal,
            sessions=tuple((pk, spans[pk].title) for pk in group.sessions if pk in own),
            fix=fix_for(group, spans, own, travel, free),
            keys=group.keys,
        )
        for group in groups
    ]


def fixes_for(groups: Iterable[ConflictGroup], visit_id: int) -> dict[str, Fix]:
    """The fix of each line that has one, by the line's key. One query, none without lines."""
    groups = list(groups)
    if not groups:
        return {}
    spans = spans_of(session for group in groups for session in group.sessions)
    own = {pk for pk, span in spans.items() if span.visit_id == visit_id}
    travel, free = travel_of(spans), free_venues_of(spans)
    found = {group.key: fix_for(group, spans, own, travel, free) for group in groups}
    return {key: fix for key, fix in found.items() if fix is not None}
