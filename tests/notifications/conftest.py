"""Shared by the calendar, compose and feed tests: reading .ics bytes back, and a small programme."""

import datetime as dt
import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from icalendar import Calendar, Component

from notifications.models import OutboxMessage
from notifications.tokens import person_token, programme_url_of
from notifications.wire import wire_bytes
from scheduling.models import ChangeRecipient, ProgrammeVersion
from scheduling.publishing import programme_publish
from tests.factories import (
    DelegationFactory,
    DelegationMemberFactory,
    OrganisationFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from tests.support.smtp import SmtpServer, deliver_to
from visits.models import ChosenMember, DelegationMember, Person, Session, Visit

# --- Reading calendars back ---------------------------------------------------------------------------------


def parse_ics(data: bytes | str) -> Calendar:
    """Parse strictly enough to mean something: no component may carry parse errors."""
    raw = data.encode() if isinstance(data, str) else data
    calendar = Calendar.from_ical(raw)
    for component in calendar.walk():
        assert not component.errors, (component.name, component.errors)
    return calendar


def events_of(calendar: Calendar) -> list[Component]:
    return list(calendar.walk("VEVENT"))


def only_event(data: bytes | str) -> Component:
    events = events_of(parse_ics(data))
    assert len(events) == 1
    return events[0]


def raw_value(component: Component, name: str) -> str:
    """A property's value exactly as written in the file, e.g. '20270323T080000Z'."""
    value = component[name].to_ical()
    return value.decode() if isinstance(value, bytes) else str(value)


def long_lines(data: bytes) -> list[bytes]:
    """Content lines longer than RFC 5545 allows (75 octets, without the CRLF)."""
    assert data.endswith(b"\r\n")
    return [line for line in data[:-2].split(b"\r\n") if len(line) > 75]


def undefined_tzids(data: bytes) -> set[str]:
    """TZIDs the file refers to without a VTIMEZONE that defines them."""
    calendar = parse_ics(data)
    defined = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    used: set[str] = set()
    for component in calendar.walk():
        for value in component.values():
            for item in value if isinstance(value, list) else [value]:
                params = getattr(item, "params", {})
                if "TZID" in params:
                    used.add(str(params["TZID"]))
    return used - defined


def assert_utc(component: Component, *names: str) -> None:
    for name in names:
        value = raw_value(component, name)
        assert value.endswith("Z"), f"{name} is not in UTC: {value}"
        assert "TZID" not in component[name].params


def mime_tree(message: EmailMessage) -> list[tuple[int, str]]:
    """(depth, content type) of every part, depth first."""
    tree: list[tuple[int, str]] = []

    def walk(part: EmailMessage, depth: int) -> None:
        tree.append((depth, part.get_content_type()))
        if part.is_multipart():
            for child in part.iter_parts():
                walk(child, depth + 1)  # type: ignore[arg-type]

    walk(message, 0)
    return tree


def as_received(composed) -> EmailMessage:
    """A composed message as the receiving side parses it, from the bytes the worker sends."""
    parsed = email.message_from_bytes(wire_bytes(composed), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def part_of_type(message: EmailMessage, content_type: str, *, attachment: bool = False) -> EmailMessage:
    found = [
        part
        for part in message.walk()
        if part.get_content_type() == content_type and part.is_attachment() == attachment
    ]
    assert len(found) == 1, (content_type, mime_tree(message))
    return found[0]


# --- A small programme --------------------------------------------------------------------------------------


@dataclass
class Programme:
    """A study visit in Stockholm: a morning session for the whole delegation, led by an expert with an
    interpreter, and an afternoon session for one chosen member."""

    visit: Visit
    morning: Session
    afternoon: Session
    expert: Person
    interpreter: Person
    head: DelegationMember
    member: DelegationMember


@pytest.fixture
def programme(db) -> Programme:
    delegation = DelegationFactory.create(name="Latvian State Police")
    head = DelegationMemberFactory.create(
        delegation=delegation, role=DelegationMember.Role.HEAD, person__name="Anna Bērziņa"
    )
    member = DelegationMemberFactory.create(delegation=delegation, person__name="Jānis Ozols")
    visit = VisitFactory.create(delegation=delegation, title="Community policing in Sweden")
    host = OrganisationFactory.create(name="Polismyndigheten")
    venue = VenueFactory.create(
        name="Polishuset", address="Kungsholmsgatan 43\n112 27 Stockholm", time_zone="Europe/Stockholm"
    )
    morning = SessionFactory.create(
        visit=visit,
        title="How the police work",
        description="An overview, with questions.",
        starts_at=stockholm(2027, 3, 23, 9),
        ends_at=stockholm(2027, 3, 23, 10, 30),
        venue=venue,
        host_organisation=host,
    )
    expert = SessionExpertFactory.create(session=morning, person__name="Eva Lind").person
    interpreter = SessionInterpreterFactory.create(session=morning, person__name="Ivars Kalniņš").person
    afternoon = SessionFactory.create(
        visit=visit,
        title="Visit to a shelter",
        kind=Session.Kind.SITE_VISIT,
        starts_at=stockholm(2027, 3, 23, 14),
        ends_at=stockholm(2027, 3, 23, 15),
        attendance=Session.Attendance.CHOSEN,
    )
    ChosenMember.objects.create(session=afternoon, member=head)
    return Programme(visit, morning, afternoon, expert, interpreter, head, member)


def programme_page_url(person: Person) -> str:
    """The person's programme page, as their messages link to it."""
    return programme_url_of(person_token(person))


def publish(visit: Visit) -> ProgrammeVersion:
    version = programme_publish(visit=visit, actor=None)
    assert version is not None
    return version


def edit(session: Session, **fields) -> Session:
    """Change a session as a coordinator would: from a fresh copy (publishing moves its version on)."""
    session.refresh_from_db()
    for name, value in fields.items():
        setattr(session, name, value)
    session.save()
    return session


def outbox_for(version: ProgrammeVersion, person: Person, session_key: int) -> OutboxMessage:
    """The message the version calls for to one person about one session, as the outbox would write it."""
    recipient = (
        ChangeRecipient.objects.filter(
            change__version=version, change__session_key=session_key, person=person
        )
        .select_related("change")
        .order_by("-change__sequence", "action")
        .first()
    )
    assert recipient is not None
    change = recipient.change
    snapshot = version.snapshot.get(str(session_key))
    if snapshot is None:
        previous = ProgrammeVersion.objects.get(visit=version.visit, number=version.number - 1)
        snapshot = previous.snapshot[str(session_key)]
    cancel = recipient.action == ChangeRecipient.Action.CANCEL
    return OutboxMessage.objects.create(
        # Publishing also has the outbox write its own rows; a key of our own cannot collide with them.
        idempotency_key=f"test:session:{session_key}:person:{person.pk}:seq:{change.sequence}:{recipient.action}",
        kind=OutboxMessage.Kind.CANCELLATION if cancel else OutboxMessage.Kind.INVITATION,
        visit=version.visit,
        person=person,
        session_id=change.session_id,
        session_key=session_key,
        sequence=change.sequence,
        role=recipient.role,
        snapshot=snapshot,
        version_number=version.number,
        to_email=person.email,
        language=person.preferred_language,
        send_at=dt.datetime.now(dt.UTC),
    )


def programme_message(visit: Visit, person: Person, *, language: str = "en") -> OutboxMessage:
    return OutboxMessage.objects.create(
        idempotency_key=f"test:programme:{visit.pk}:person:{person.pk}:{language}",
        kind=OutboxMessage.Kind.PROGRAMME,
        visit=visit,
        person=person,
        role="participant",
        to_email=person.email,
        language=language,
        send_at=dt.datetime.now(dt.UTC),
    )


@pytest.fixture
def smtp(settings):
    """An SMTP server on loopback that the site's mail goes to."""
    with SmtpServer() as server:
        deliver_to(server, settings)
        yield server


@pytest.fixture
def stranger(db) -> Person:
    """Someone on no session at all."""
    return PersonFactory.create(name="Nobody Special")
