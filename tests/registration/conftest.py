"""A seminar abroad in Vilnius on 14 April 2027 with open registration for two, closing on 7 April; tests run
on 1 March 2027."""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from registration.models import Registration, RegistrationSettings
from registration.services import registration_settings_save
from tests.factories import SessionFactory, UserFactory, VisitFactory
from tests.notifications.conftest import smtp  # noqa: F401 (a fixture)
from visits.models import Session, Visit

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
VILNIUS = ZoneInfo("Europe/Vilnius")


@pytest.fixture(autouse=True)
def fixed_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fresh_throttle():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@dataclass
class Seminar:
    visit: Visit
    session: Session
    settings: RegistrationSettings
    coordinator: Any

    @property
    def url(self) -> str:
        return reverse("registration_public:register", args=[self.settings.public_key])


@pytest.fixture
def seminar(db) -> Seminar:
    coordinator = UserFactory.create(username="rita", email="rita@si.example.org", is_staff=True)
    visit = VisitFactory.create(
        kind=Visit.Kind.SEMINAR_ABROAD,
        delegation=None,
        title="Seminar in Vilnius",
        starts_on=dt.date(2027, 4, 14),
        ends_on=dt.date(2027, 4, 14),
        time_zone="Europe/Vilnius",
        city="Vilnius",
        country="LT",
    )
    visit.coordinators.add(coordinator)
    session = SessionFactory.create(
        visit=visit,
        venue=None,
        kind=Session.Kind.SEMINAR,
        title="Cooperation against trafficking",
        starts_at=dt.datetime(2027, 4, 14, 10, 0, tzinfo=VILNIUS),
        ends_at=dt.datetime(2027, 4, 14, 12, 0, tzinfo=VILNIUS),
    )
    settings_row = registration_settings_save(
        visit=visit,
        data={
            "is_open": True,
            "capacity": 2,
            "closes_at": dt.datetime(2027, 4, 7, 23, 59, tzinfo=VILNIUS),
            "confirm_within_hours": 24,
        },
        actor=coordinator,
    )
    visit.refresh_from_db()
    return Seminar(visit, session, settings_row, coordinator)


def form_data(n: int = 1, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": f"Registrant Number{n}",
        "email": f"registrant{n}@ngo.example.org",
        "organisation": "Centre for Safe Migration",
        "role": "Programme officer",
        "sector": "ngos",
        "dietary": ["vegetarian"],
        "dietary_note": "",
        "accessibility_note": "",
        "interpreting_language": "lt",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def register(client: Client, seminar: Seminar, n: int = 1, address: str = "192.0.2.10", **overrides: Any):
    return client.post(seminar.url, form_data(n, **overrides), REMOTE_ADDR=address)


def registration_of(n: int) -> Registration:
    return Registration.objects.get(email=f"registrant{n}@ngo.example.org")
