"""A proposal as the conflict checker sees it: its placements and the other visits' sessions as Slots, so
that today's checker (scheduling.conflicts.find_conflicts) judges what the solver proposed."""

import datetime as dt
from collections import defaultdict

from proposals.domain.values import Busy, Placement, Problem
from scheduling.conflicts import Conflict, Slot, find_conflicts

OTHER_VISIT = -1  # the visit id given to other visits' sessions that a Busy does not name


def slots_of(problem: Problem, placements: tuple[Placement, ...]) -> list[Slot]:
    wanted = problem.wanted_by_key()
    first = dt.datetime.combine(problem.first_day, dt.time.min, tzinfo=_zone(problem))
    last = dt.datetime.combine(problem.last_day + dt.timedelta(days=1), dt.time.min, tzinfo=_zone(problem))
    slots = []
    for number, placement in enumerate(placements, start=1):
        session = wanted[placement.key]
        venue = problem.venues.get(placement.venue) if placement.venue is not None else None
        slots.append(
            Slot(
                id=session.session_id or -number,
                title=session.title,
                start=placement.start,
                end=placement.end,
                visit_id=problem.visit_id,
                zone=venue.zone if venue else problem.zone,
                visit_zone=problem.zone,
                window=None if session.fixed else (first, last),
                country=problem.country,
                venue_id=placement.venue,
                venue_name=problem.venue_name(placement.venue),
                city=venue.city if venue else "",
                capacity=venue.capacity if venue else None,
                delegation_id=problem.visit_id if session.participants and problem.day_rules else None,
                delegation_name=problem.delegation_name,
                delegation_languages=problem.delegation_languages,
                experts=session.also_leading
                | ({placement.expert} if placement.expert is not None else set()),
                interpreters=session.interpreters,
                participants=session.participants,
                kind=session.kind,
                language=session.language,
                interpreter_needed=session.interpreter_needed,
            )
        )
    return slots + others(problem.busy)


def others(busy: tuple[Busy, ...]) -> list[Slot]:
    """Other visits' sessions, one Slot per session, from the times they keep people and venues busy."""
    by_session: dict[tuple[int, dt.datetime, dt.datetime], list[Busy]] = defaultdict(list)
    for number, item in enumerate(busy):
        key = (item.session_id or 10**9 + number, item.start, item.end)
        by_session[key].append(item)
    slots = []
    for (session_id, start, end), items in by_session.items():
        venue = next((int(b.resource.split(":")[1]) for b in items if b.resource.startswith("venue:")), None)
        people = frozenset(int(b.resource.split(":")[1]) for b in items if b.resource.startswith("person:"))
        visit_id = items[0].visit_id or OTHER_VISIT
        slots.append(Slot(session_id, "", start, end, visit_id, venue_id=venue, experts=people))
    return slots


def conflicts_of(problem: Problem, placements: tuple[Placement, ...]) -> list[Conflict]:
    return find_conflicts(slots_of(problem, placements), problem.context)


def _zone(problem: Problem) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(problem.zone)
