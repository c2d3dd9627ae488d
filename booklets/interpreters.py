"""Each interpreter's schedule of the published programme: the sessions they interpret, with the language
pairs, times in the venue's zone, and the venue. Rendered to PDF by booklets.pdf."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from booklets.content import address_line, latest_version, pair_text, published_sessions, version_text
from visits.fields import language_name
from visits.models import NOT_INTERPRETING, Person, SessionInterpreter, Venue, Visit
from visits.timefmt import MESSAGE, format_span
from visits.wording import text_in


@dataclass(frozen=True, slots=True)
class InterpretedSession:
    when: str
    title: str
    where: str
    pair: str
    language: str


@dataclass(frozen=True, slots=True)
class InterpreterSchedule:
    person: Person
    sessions: tuple[InterpretedSession, ...]


def interpreter_schedules(
    visit: Visit, *, person_id: int | None = None
) -> tuple[str, list[InterpreterSchedule]]:
    """The version's text and each interpreter's schedule (one, with `person_id`), by name. Raises
    NotPublished."""
    version = latest_version(visit)
    published = published_sessions(version)
    ids = [p["id"] for p in published]
    booked = {
        (row.session_id, row.person_id): row for row in SessionInterpreter.objects.filter(session_id__in=ids)
    }
    venues = {
        v.pk: v for v in Venue.objects.filter(pk__in={p["venue_id"] for p in published if p["venue_id"]})
    }
    wanted = {pk for p in published for pk in p["interpreters"]}
    if person_id is not None:
        wanted &= {person_id}
    schedules = []
    for person in Person.objects.filter(pk__in=wanted).order_by("name"):
        rows = []
        for p in published:
            row = booked.get((p["id"], person.pk))
            if person.pk not in p["interpreters"] or (row is not None and row.response in NOT_INTERPRETING):
                continue
            venue = venues.get(p["venue_id"]) if p["venue_id"] else None
            zone = ZoneInfo(venue.time_zone if venue is not None else visit.time_zone)
            rows.append(
                InterpretedSession(
                    when=format_span(
                        dt.datetime.fromisoformat(p["starts_at"]),
                        dt.datetime.fromisoformat(p["ends_at"]),
                        zone,
                        MESSAGE,
                    ),
                    title=text_in(p["title"], p.get("title_translations")),
                    where=f"{venue.name}, {address_line(venue)}" if venue is not None else p["venue_name"],
                    pair=pair_text(row.languages) if row is not None else "",
                    language=language_name(p["language"]) if p["language"] else "",
                )
            )
        schedules.append(InterpreterSchedule(person=person, sessions=tuple(rows)))
    return version_text(version, visit), schedules
