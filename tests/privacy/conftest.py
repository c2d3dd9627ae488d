"""A past visit of a Latvian delegation, published, with everything Visitplan keeps about its members: needs,
answers, messages, tokens, snapshots, an acknowledged warning and the admin's history that names them."""

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from notifications.models import OutboxMessage
from notifications.tokens import person_token
from participation.models import ParticipantAnswer
from participation.services import needs_save
from scheduling.models import ConflictAcknowledgement
from scheduling.publishing import programme_publish
from tests.factories import (
    DelegationFactory,
    DelegationMemberFactory,
    OrganisationFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    UserFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Delegation, DelegationMember, Person, Session, Visit

NAME = "Ilze Kalniņa"
EMAIL = "ilze.kalnina@police.example.lv"
PHONE = "+371 2012 3456"


@dataclass
class PastVisit:
    visit: Visit
    delegation: Delegation
    ilze: Person  # the member whose data goes
    juris: Person  # also on a visit next year: kept
    expert: Person
    session: Session
    lunch: Session
    coordinator: User
    client: Client
    other: Client  # a coordinator of another visit


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def past(db):
    coordinator = UserFactory(username="anna", is_staff=True)
    police = OrganisationFactory(name="State Police", country="LV", side="visiting")
    delegation = DelegationFactory(
        name="Latvian State Police", notes=f"{NAME} leads the group; write to {EMAIL} before travel."
    )
    visit = VisitFactory(delegation=delegation, title="Study visit on trafficking")
    visit.coordinators.add(coordinator)
    ilze = PersonFactory(name=NAME, email=EMAIL, phone=PHONE, title="Chief inspector", organisation=police)
    juris = PersonFactory(name="Juris Bērziņš", email="juris.berzins@police.example.lv", organisation=police)
    DelegationMemberFactory(
        delegation=delegation,
        person=ilze,
        role=DelegationMember.Role.HEAD,
        dietary_needs="vegetarian, no nuts",
        accessibility_needs="",
    )
    DelegationMemberFactory(delegation=delegation, person=juris)
    session = SessionFactory(
        visit=visit, title="Police HQ", description=f"{NAME} presents the Latvian approach."
    )
    lunch = SessionFactory(
        visit=visit,
        title="Lunch",
        kind=Session.Kind.MEAL,
        starts_at=stockholm(2027, 3, 23, 12, 0),
        ends_at=stockholm(2027, 3, 23, 13, 0),
    )
    expert = PersonFactory(name="Eva Norrman", email="eva.norrman@polisen.example.se")
    SessionExpertFactory(session=session, person=expert, note=f"Will meet {NAME} at the door.")
    programme_publish(visit=visit, actor=coordinator)
    visit.refresh_from_db()
    needs_save(
        person=ilze,
        visit=visit,
        dietary=["vegetarian"],
        accessibility_note="Bad knee",
        today=dt.date(2027, 3, 1),
    )
    ParticipantAnswer.objects.create(session=lunch, person=ilze, answer="attending")
    ParticipantAnswer.objects.create(session=lunch, person=juris, answer="not_attending")
    person_token(ilze)
    OutboxMessage.objects.filter(person=ilze).update(
        status="failed", last_error=f"550 5.1.1 <{EMAIL}>: no such user"
    )
    ConflictAcknowledgement.objects.create(
        visit=visit, key="long_day:2027-03-23", message=f"{NAME} has a long day", acknowledged_by=coordinator
    )
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(Delegation),
        object_id=str(delegation.pk),
        object_repr=str(delegation),
        action_flag=CHANGE,
        change_message=json.dumps([{"added": {"name": "delegation member", "object": f"{NAME} (Head)"}}]),
    )
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(ilze.pk),
        object_repr=NAME,
        action_flag=CHANGE,
        change_message="[]",
    )
    # Juris comes again next year, with another delegation.
    later = VisitFactory(
        delegation=DelegationFactory(name="Latvian prosecutors"),
        starts_on=dt.date(2028, 9, 4),
        ends_on=dt.date(2028, 9, 8),
    )
    DelegationMemberFactory(delegation=later.delegation, person=juris)
    later.coordinators.add(coordinator)
    other = UserFactory(username="bertil", is_staff=True)
    VisitFactory().coordinators.add(other)
    return PastVisit(
        visit,
        delegation,
        ilze,
        juris,
        expert,
        session,
        lunch,
        coordinator,
        signed_in(coordinator),
        signed_in(other),
    )
