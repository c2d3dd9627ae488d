"""A study visit of a Latvian delegation that ended yesterday, with three members who speak English,
Swedish and Russian, an expert (not asked: experts are the programme), and a session for one chosen
member only; and the coordinator of the visit."""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
import time_machine
from django.contrib.auth.models import User

from evaluations.models import SurveyRecipient
from notifications.outbox import due
from notifications.tasks import deliver_outbox
from tests.factories import (
    DelegationFactory,
    DelegationMemberFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    UserFactory,
    VisitFactory,
    stockholm,
)
from tests.notifications.conftest import smtp  # noqa: F401
from visits.models import ChosenMember, Person, Session, Visit, VisitStatus


@pytest.fixture(autouse=True)
def default_questions(db) -> None:
    """The questions the data migration seeds, again where a transactional test has emptied the tables."""
    import importlib

    from django.apps import apps

    from evaluations.models import Question

    if not Question.objects.exists():
        importlib.import_module("evaluations.migrations.0002_default_questions").seed(apps, None)


# The visit runs 22–26 March 2027; surveys go out the day after.
DAY_AFTER = stockholm(2027, 3, 27, 8, 0)


@dataclass
class Ended:
    visit: Visit
    coordinator: User
    ilze: Person  # English
    sara: Person  # Swedish
    oleg: Person  # Russian, on the chosen session only
    expert: Person


@pytest.fixture
def ended(db) -> Ended:
    delegation = DelegationFactory.create(name="Latvian State Police 2027")
    visit = VisitFactory.create(
        title="Police cooperation in Stockholm",
        delegation=delegation,
        status=VisitStatus.COMPLETED,
        first_published_at=stockholm(2027, 3, 1),
    )
    coordinator = UserFactory.create(username="karin", email="karin@si.example.org", is_staff=True)
    visit.coordinators.add(coordinator)
    ilze = PersonFactory.create(name="Ilze Ozola", email="ilze@police.example.lv", preferred_language="en")
    sara = PersonFactory.create(name="Sara Lind", email="sara@police.example.lv", preferred_language="sv")
    oleg = PersonFactory.create(name="Oleg Petrov", email="oleg@police.example.lv", preferred_language="ru")
    juris = PersonFactory.create(name="Juris Berzins", email="juris@police.example.lv")
    members = {
        p.pk: DelegationMemberFactory.create(delegation=delegation, person=p)
        for p in (ilze, sara, oleg, juris)
    }
    # Ilze and Sara are chosen for one session, Oleg for another; Juris only for one that was cancelled.
    chosen = {
        "Welcome": [ilze, sara],
        "Border police": [oleg],
        "Dinner": [juris],
    }
    sessions = {}
    for day, (title, people) in enumerate(chosen.items(), start=23):
        sessions[title] = SessionFactory.create(
            visit=visit,
            title=title,
            attendance=Session.Attendance.CHOSEN,
            starts_at=stockholm(2027, 3, day, 9),
            ends_at=stockholm(2027, 3, day, 10),
            status=Session.Status.CANCELLED if title == "Dinner" else Session.Status.CONFIRMED,
        )
        for person in people:
            ChosenMember.objects.create(session=sessions[title], member=members[person.pk])
    expert = SessionExpertFactory.create(session=sessions["Welcome"]).person
    return Ended(visit, coordinator, ilze, sara, oleg, expert)


def later(moment: dt.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def deliver_due() -> int:
    """What the worker and beat do: send every row that is due, over a real SMTP connection."""
    ids = list(due().values_list("pk", flat=True))
    return deliver_outbox(ids) if ids else 0


SURVEY_LINK = re.compile(r"https?://[^\s\"'<>]+/s/([A-Za-z0-9_-]+)/")


def survey_path(raw: bytes) -> str:
    found = SURVEY_LINK.search(raw.decode("utf-8", "replace"))
    assert found, raw[:2000]
    return f"/s/{found.group(1)}/"


def recipient_of(person: Person) -> SurveyRecipient:
    return SurveyRecipient.objects.get(person=person)
