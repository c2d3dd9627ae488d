"""A published study visit whose delegation answers its programme: a morning meeting and a lunch for the whole
delegation, a site visit for chosen members, all on 23 March 2027 in Stockholm. Tests run on 1 March 2027."""

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from notifications.tokens import person_token
from tests.factories import (
    DelegationFactory,
    DelegationMemberFactory,
    SessionExpertFactory,
    SessionFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import ChosenMember, DelegationMember, Person, Session, Visit, VisitStatus
from visits.services import visit_change_status

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@dataclass
class Answering:
    visit: Visit
    meeting: Session
    lunch: Session
    site_visit: Session  # chosen members: the head only
    head: Person
    member: Person
    expert: Person


def published(visit: Visit) -> Visit:
    return visit_change_status(visit=visit, status=VisitStatus.PUBLISHED)


@pytest.fixture
def answering(db) -> Answering:
    delegation = DelegationFactory.create(name="Latvian State Police", languages=["lv", "en"])
    head = DelegationMemberFactory.create(
        delegation=delegation, role=DelegationMember.Role.HEAD, person__name="Anna Bērziņa"
    )
    member = DelegationMemberFactory.create(delegation=delegation, person__name="Jānis Ozols")
    visit = VisitFactory.create(delegation=delegation, title="Community policing in Sweden")
    venue = VenueFactory.create(name="Polishuset")
    meeting = SessionFactory.create(
        visit=visit, title="How the police work", venue=venue, starts_at=stockholm(2027, 3, 23, 9)
    )
    lunch = SessionFactory.create(
        visit=visit,
        title="Lunch at the police house",
        kind=Session.Kind.MEAL,
        venue=venue,
        starts_at=stockholm(2027, 3, 23, 12),
        ends_at=stockholm(2027, 3, 23, 13),
    )
    site_visit = SessionFactory.create(
        visit=visit,
        title="Visit to a shelter",
        kind=Session.Kind.SITE_VISIT,
        starts_at=stockholm(2027, 3, 23, 14),
        ends_at=stockholm(2027, 3, 23, 15),
        attendance=Session.Attendance.CHOSEN,
    )
    ChosenMember.objects.create(session=site_visit, member=head)
    expert = SessionExpertFactory.create(session=meeting, person__name="Eva Lind").person
    return Answering(published(visit), meeting, lunch, site_visit, head.person, member.person, expert)


def page_url(person: Person) -> str:
    return reverse("notifications:programme", args=[person_token(person).token])


def answer_url(person: Person) -> str:
    return reverse("participation:programme_answer", args=[person_token(person).token])


def needs_url(person: Person) -> str:
    return reverse("participation:programme_needs", args=[person_token(person).token])


@pytest.fixture
def browser() -> Client:
    """A browser that checks CSRF as production does: it must GET the page before it can POST."""
    return Client(enforce_csrf_checks=True)


def post_from_page(client: Client, person: Person, url: str, data: dict, **extra):
    """POST as a browser does after showing the page: with its CSRF cookie and token, and our own Origin."""
    client.get(page_url(person))
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token}, HTTP_ORIGIN="http://testserver", **extra)
