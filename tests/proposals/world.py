"""Small proposal problems built from plain values, for the solver's tests."""

import datetime as dt
from zoneinfo import ZoneInfo

from proposals.domain.values import Busy, Horizon, Problem, Venue, Wanted
from scheduling.availability import Calendar, DatedException, WeeklyHours
from scheduling.conflicts import Context, Rules

ZONE = "Europe/Stockholm"
STOCKHOLM = ZoneInfo(ZONE)
MONDAY = dt.date(2027, 3, 22)  # a week with no Swedish public holiday
DELEGATION = frozenset({901, 902, 903})
EVA, OLA, AMIR = 11, 12, 13
POLICE, PROSECUTION, UNIVERSITY = 1, 2, 3

NAMES = {EVA: "Eva Norrman", OLA: "Ola Berg", AMIR: "Amir Haddad", 901: "Delegate A", 902: "Delegate B"}
VENUES = {
    POLICE: Venue("Police Headquarters", "Stockholm", 30),
    PROSECUTION: Venue("Prosecution Authority", "Stockholm", 20),
    UNIVERSITY: Venue("Uppsala University", "Uppsala", 40),
}


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment on the visit's day `day` (0 is Monday), in Stockholm."""
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=STOCKHOLM)


def weekly(*spans: tuple[int, int, int]) -> Calendar:
    """Weekly hours: (weekday, from hour, to hour)."""
    return Calendar(ZONE, tuple(WeeklyHours(d, dt.time(a), dt.time(b)) for d, a, b in spans))


def closed_on(day: dt.date) -> DatedException:
    return DatedException(day, day, only=False)


def session(key: str, minutes: int = 60, **fields: object) -> Wanted:
    fields.setdefault("participants", DELEGATION)
    return Wanted(key=key, title=fields.pop("title", key.title()), minutes=minutes, **fields)  # type: ignore[arg-type]


def problem(
    *wanted: Wanted,
    days: int = 5,
    expert_calendars: dict[int, Calendar] | None = None,
    venue_calendars: dict[int, Calendar] | None = None,
    busy: tuple[Busy, ...] = (),
    order: tuple[tuple[str, str], ...] = (),
    travel: dict[tuple[int, int], int] | None = None,
    rules: Rules | None = None,
    seconds: float = 10.0,
    **fields: object,
) -> Problem:
    return Problem(
        visit_id=1,
        zone=ZONE,
        first_day=MONDAY,
        last_day=MONDAY + dt.timedelta(days=days - 1),
        wanted=wanted,
        order=order,
        busy=busy,
        venues=VENUES,
        context=Context(
            people=NAMES,
            expert_calendars=expert_calendars or {},
            venue_calendars=venue_calendars or {},
            venue_travel=travel or {},
            rules=rules or Rules(),
        ),
        delegation_name="The Latvian delegation",
        delegation_languages=frozenset({"en", "lv"}),
        horizon=Horizon(time_limit_seconds=seconds),
        **fields,  # type: ignore[arg-type]
    )
