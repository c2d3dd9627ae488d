"""What a programme booklet says: the published programme as one reader holds it.

A booklet shows a published version, never the programme being edited: the sessions, their times, venues and
people come from the version's snapshot (scheduling.domain.changes.SessionSnapshot). What a snapshot does not
keep (a venue's address and directions, the experts' organisations, the host, the interpreters' languages) is
read from the rows as they are now. Built in the active language, with titles, descriptions and directions in
the reading language (visits.wording); `booklets.pdf` renders it.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext, ngettext

from booklets.models import BookletSettings, VenueDirections
from booklets.qr import qr_data_uri
from notifications.tokens import absolute, person_token
from scheduling.checks import rules_from_settings
from scheduling.conflicts import Context, Slot
from scheduling.domain.changes import SessionSnapshot, is_live
from scheduling.models import CityTravelTime, ProgrammeVersion, TravelTime
from visits.fields import language_name, language_pair
from visits.models import (
    NOT_INTERPRETING,
    Person,
    Session,
    SessionExpert,
    SessionInterpreter,
    Venue,
    Visit,
)
from visits.timefmt import BOARD, HISTORY, format_moment, format_span
from visits.wording import in_language, text_in

# Experts who said no are not on the printed programme.
NOT_LEADING = frozenset({SessionExpert.Response.DECLINED, SessionExpert.Response.PASSED})


class Audience(StrEnum):
    """Whose booklet it is: a participant's holds only their sessions, an expert's or interpreter's only the
    sessions they lead or interpret, the delegation's every session the delegation (or part of it) is on."""

    PARTICIPANT = "participant"
    EXPERT = "expert"
    INTERPRETER = "interpreter"
    DELEGATION = "delegation"


class NotPublished(Exception):
    """The visit has no published version: there is nothing a booklet may show yet."""

    def __init__(self, visit: Visit) -> None:
        super().__init__(
            gettext("“%(visit)s” has not been published yet: a booklet shows a published programme.")
            % {"visit": visit.title}
        )


@dataclass(frozen=True, slots=True)
class BookletSession:
    id: int
    title: str
    description: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    zone: str
    when: str  # "09:00–10:30 (Europe/Stockholm)"
    tentative: bool
    venue_name: str = ""
    address: str = ""
    directions: str = ""
    accessibility: str = ""
    map_url: str = ""
    map_qr: str = ""
    host: str = ""
    experts: tuple[str, ...] = ()  # "Eva Norrman, Swedish Prosecution Authority"
    language: str = ""  # "In Swedish, interpreted into Latvian."
    interpreters: tuple[str, ...] = ()  # "Laura Krūmiņa (Latvian–Swedish)"
    travel_to_next: str = ""
    role: str = ""  # for an expert's or interpreter's own booklet: "You lead this session."


@dataclass(frozen=True, slots=True)
class BookletDay:
    day: dt.date
    label: str
    sessions: tuple[BookletSession, ...]


@dataclass(frozen=True, slots=True)
class Booklet:
    visit_title: str
    dates: str
    delegation: str
    audience: Audience
    reader: str  # the person's name, or the delegation's
    version: int
    version_text: str
    coordinators: tuple[str, ...]
    coordinators_phone: str
    emergency_phone: str
    days: tuple[BookletDay, ...]
    language: str
    feed_url: str = ""
    feed_qr: str = ""
    session_ids: tuple[int, ...] = field(default=())


# --- Reading -----------------------------------------------------------------------------------------------


def latest_version(visit: Visit) -> ProgrammeVersion:
    version = ProgrammeVersion.objects.filter(visit=visit).order_by("-number").first()
    if version is None:
        raise NotPublished(visit)
    return version


def published_sessions(version: ProgrammeVersion) -> list[SessionSnapshot]:
    """The live sessions of the version, in programme order."""
    snapshot: Mapping[str, SessionSnapshot] = version.snapshot or {}
    live = [s for s in snapshot.values() if is_live(s)]
    return sorted(live, key=lambda s: (s["starts_at"], s["id"]))


def audience_of(visit: Visit, person: Person, sessions: Sequence[SessionSnapshot]) -> Audience:
    """A member of the visiting delegation reads a participant's booklet; anyone else the role they have on
    most of their sessions (expert before interpreter)."""
    if visit.delegation is not None and visit.delegation.members.filter(person=person).exists():
        return Audience.PARTICIPANT
    if any(person.pk in s["experts"] for s in sessions):
        return Audience.EXPERT
    return Audience.INTERPRETER


def sessions_of(
    sessions: Sequence[SessionSnapshot], *, person: Person | None, audience: Audience
) -> list[SessionSnapshot]:
    """The reader's sessions: a person's own (in any role), or every session a participant is on."""
    if audience == Audience.DELEGATION or person is None:
        return [s for s in sessions if s["participants"]]
    pk = person.pk
    return [s for s in sessions if pk in s["participants"] or pk in s["experts"] or pk in s["interpreters"]]


@dataclass(frozen=True)
class _Rows:
    """What the snapshot does not say, read once for the whole booklet (seven queries)."""

    sessions: dict[int, Session]
    venues: dict[int, Venue]
    directions: dict[int, str]
    people: dict[int, Person]
    expert_answers: dict[tuple[int, int], str]
    interpreters: dict[tuple[int, int], SessionInterpreter]
    context: Context


def _read_rows(sessions: Sequence[SessionSnapshot]) -> _Rows:
    ids = [s["id"] for s in sessions]
    venue_ids = {s["venue_id"] for s in sessions if s["venue_id"] is not None}
    people_ids = {p for s in sessions for p in (*s["experts"], *s["interpreters"])}
    venues = {v.pk: v for v in Venue.objects.filter(pk__in=venue_ids)}
    return _Rows(
        sessions={s.pk: s for s in Session.objects.filter(pk__in=ids).select_related("host_organisation")},
        venues=venues,
        directions={
            row.venue_id: in_language(row, "text")
            for row in VenueDirections.objects.filter(venue_id__in=venue_ids)
        },
        people={p.pk: p for p in Person.objects.filter(pk__in=people_ids).select_related("organisation")},
        expert_answers={
            (row.session_id, row.person_id): row.response
            for row in SessionExpert.objects.filter(session_id__in=ids).only(
                "session_id", "person_id", "response"
            )
        },
        interpreters={
            (row.session_id, row.person_id): row
            for row in SessionInterpreter.objects.filter(session_id__in=ids)
        },
        context=Context(
            venue_travel={
                (t.venue_a_id, t.venue_b_id): t.minutes
                for t in TravelTime.objects.filter(venue_a_id__in=venue_ids, venue_b_id__in=venue_ids)
            },
            city_travel={(c.city_a, c.city_b): c.minutes for c in CityTravelTime.objects.all()},
            rules=rules_from_settings(),
        ),
    )


# --- Writing ------------------------------------------------------------------------------------------------


def map_url(venue: Venue) -> str:
    """A map search for the venue's address: OpenStreetMap, which needs no key and no account."""
    return "https://www.openstreetmap.org/search?query=" + quote_plus(address_line(venue))


def address_line(venue: Venue) -> str:
    lines = [line.strip(" ,") for line in venue.address.splitlines() if line.strip(" ,")]
    if venue.city and not any(venue.city.casefold() in line.casefold() for line in lines):
        lines.append(venue.city)
    return ", ".join(lines)


def language_text(session: Session | None, snapshot: SessionSnapshot) -> str:
    spoken = snapshot["language"] or (session.language if session is not None else "")
    if not spoken:
        return ""
    if session is not None and session.interpreter_needed and session.interpretation_language:
        return gettext("In %(language)s, interpreted into %(into)s.") % {
            "language": language_name(spoken),
            "into": language_name(session.interpretation_language),
        }
    return gettext("In %(language)s.") % {"language": language_name(spoken)}


pair_text = language_pair  # the booklets' name for it


def _slot(snapshot: SessionSnapshot, venue: Venue | None) -> Slot:
    return Slot(
        id=snapshot["id"],
        title=snapshot["title"],
        start=dt.datetime.fromisoformat(snapshot["starts_at"]),
        end=dt.datetime.fromisoformat(snapshot["ends_at"]),
        visit_id=0,
        venue_id=venue.pk if venue is not None else None,
        city=venue.city if venue is not None else "",
    )


def travel_text(here: SessionSnapshot, after: SessionSnapshot | None, rows: _Rows) -> str:
    """The travel to the next session of the same day at another venue, by the scheduling rules' minutes
    (a venue pair's, a city pair's, or the settings' defaults)."""
    if after is None or here["venue_id"] is None or after["venue_id"] is None:
        return ""
    if here["venue_id"] == after["venue_id"]:
        return ""
    a, b = rows.venues.get(here["venue_id"]), rows.venues.get(after["venue_id"])
    if a is None or b is None:
        return ""
    minutes = rows.context.travel_minutes(_slot(here, a), _slot(after, b))
    return ngettext(
        "Travel to %(venue)s: about %(minutes)d minute.",
        "Travel to %(venue)s: about %(minutes)d minutes.",
        minutes,
    ) % {"venue": b.name, "minutes": minutes}


def role_text(snapshot: SessionSnapshot, person: Person | None) -> str:
    if person is None:
        return ""
    if person.pk in snapshot["experts"]:
        return gettext("You lead this session.")
    if person.pk in snapshot["interpreters"]:
        return gettext("You interpret this session.")
    return ""


def booklet_session(
    snapshot: SessionSnapshot,
    after: SessionSnapshot | None,
    rows: _Rows,
    *,
    visit: Visit,
    reader: Person | None,
) -> BookletSession:
    session = rows.sessions.get(snapshot["id"])
    venue = rows.venues.get(snapshot["venue_id"]) if snapshot["venue_id"] is not None else None
    zone = ZoneInfo(venue.time_zone if venue is not None else visit.time_zone)
    start = dt.datetime.fromisoformat(snapshot["starts_at"])
    end = dt.datetime.fromisoformat(snapshot["ends_at"])
    experts = []
    for pk in snapshot["experts"]:
        person = rows.people.get(pk)
        if person is None or rows.expert_answers.get((snapshot["id"], pk)) in NOT_LEADING:
            continue
        experts.append(f"{person.name}, {person.organisation.name}" if person.organisation else person.name)
    interpreters = []
    for pk in snapshot["interpreters"]:
        booked = rows.interpreters.get((snapshot["id"], pk))
        person = rows.people.get(pk)
        if person is None or (booked is not None and booked.response in NOT_INTERPRETING):
            continue
        pair = pair_text(booked.languages) if booked is not None and booked.languages else ""
        interpreters.append(f"{person.name} ({pair})" if pair else person.name)
    url = map_url(venue) if venue is not None else ""
    return BookletSession(
        id=snapshot["id"],
        title=text_in(snapshot["title"], snapshot.get("title_translations")),
        description=text_in(snapshot["description"], snapshot.get("description_translations")),
        kind=str(Session.Kind(snapshot["kind"]).label) if snapshot["kind"] in Session.Kind.values else "",
        starts_at=start,
        ends_at=end,
        zone=zone.key,
        when=format_span(start, end, zone, BOARD),
        tentative=snapshot["status"] == Session.Status.TENTATIVE,
        venue_name=venue.name if venue is not None else snapshot["venue_name"],
        address=address_line(venue) if venue is not None else "",
        directions=rows.directions.get(venue.pk, "") if venue is not None else "",
        accessibility=venue.accessibility_notes if venue is not None else "",
        map_url=url,
        map_qr=qr_data_uri(url) if url else "",
        host=session.host_organisation.name if session is not None and session.host_organisation else "",
        experts=tuple(experts),
        language=language_text(session, snapshot),
        interpreters=tuple(interpreters),
        travel_to_next=travel_text(snapshot, after, rows),
        role=role_text(snapshot, reader),
    )


def _days(
    sessions: Sequence[SessionSnapshot], rows: _Rows, *, visit: Visit, reader: Person | None
) -> tuple[BookletDay, ...]:
    by_day: dict[dt.date, list[SessionSnapshot]] = defaultdict(list)
    for snapshot in sessions:
        by_day[dt.datetime.fromisoformat(snapshot["starts_at"]).astimezone(visit.zone).date()].append(
            snapshot
        )
    days = []
    for day in sorted(by_day):
        listed = by_day[day]
        made = tuple(
            booklet_session(
                s, listed[n + 1] if n + 1 < len(listed) else None, rows, visit=visit, reader=reader
            )
            for n, s in enumerate(listed)
        )
        days.append(BookletDay(day=day, label=dateformat.format(day, "l j F Y"), sessions=made))
    return tuple(days)


def coordinators_of(visit: Visit) -> list[str]:
    """The coordinators' names, each with the phone of the person of the same e-mail address where the
    directory has one."""
    users = list(visit.coordinators.order_by("last_name", "first_name", "username"))
    emails = {u.email.lower() for u in users if u.email}
    phones = {
        email.lower(): phone
        for email, phone in Person.objects.filter(email__in=list(emails))
        .exclude(phone="")
        .values_list("email", "phone")
    }
    names = []
    for user in users:
        name = _user_name(user)
        phone = phones.get(user.email.lower(), "") if user.email else ""
        names.append(f"{name}, {phone}" if phone else name)
    return names


def _user_name(user: User) -> str:
    return user.get_full_name() or user.username


def settings_of(visit: Visit) -> BookletSettings:
    return BookletSettings.objects.filter(visit=visit).first() or BookletSettings(visit=visit)


def version_text(version: ProgrammeVersion, visit: Visit) -> str:
    return gettext("Version %(number)d of the programme, published %(when)s.") % {
        "number": version.number,
        "when": format_moment(version.published_at, visit.zone, HISTORY),
    }


def dates_text(visit: Visit) -> str:
    first, last = dateformat.format(visit.starts_on, "j F Y"), dateformat.format(visit.ends_on, "j F Y")
    return first if visit.starts_on == visit.ends_on else f"{first} – {last}"


def build_booklet(
    visit: Visit,
    *,
    person: Person | None,
    language: str,
    version: ProgrammeVersion | None = None,
) -> Booklet:
    """The booklet of `person` (None: the whole delegation) for the visit's latest published version, in the
    active language (`language` is its code, for the document). Raises NotPublished before the first."""
    version = version or latest_version(visit)
    published = published_sessions(version)
    audience = Audience.DELEGATION if person is None else audience_of(visit, person, published)
    own = sessions_of(published, person=person, audience=audience)
    rows = _read_rows(own)
    coordinators = coordinators_of(visit)
    settings_row = settings_of(visit)
    feed_url = feed_qr = ""
    if person is not None:
        feed_url = absolute(reverse("notifications:person_feed", args=[person_token(person).token]))
        feed_qr = qr_data_uri(feed_url)
    delegation = visit.delegation.name if visit.delegation is not None else ""
    return Booklet(
        visit_title=in_language(visit, "title"),
        dates=dates_text(visit),
        delegation=delegation,
        audience=audience,
        reader=person.name if person is not None else delegation or visit.title,
        version=version.number,
        version_text=version_text(version, visit),
        coordinators=tuple(coordinators),
        coordinators_phone=settings_row.coordinators_phone,
        emergency_phone=settings_row.emergency_phone,
        days=_days(own, rows, visit=visit, reader=person),
        language=language,
        feed_url=feed_url,
        feed_qr=feed_qr,
        session_ids=tuple(s["id"] for s in own),
    )


def people_with_booklets(visit: Visit, version: ProgrammeVersion | None) -> list[Person]:
    """Everyone a booklet can be made for: the delegation's members, and the experts and interpreters of
    the published programme, by name."""
    ids: set[int] = set()
    if version is not None:
        for s in published_sessions(version):
            ids |= {*s["experts"], *s["interpreters"], *s["participants"]}
    members = Q(memberships__delegation_id=visit.delegation_id) if visit.delegation_id else Q(pk__in=[])
    return list(Person.objects.filter(Q(pk__in=ids) | members).distinct().order_by("name"))
