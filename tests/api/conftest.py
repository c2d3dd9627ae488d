"""Two coordinators, each with a visit of their own, and API clients for them and for nobody."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import (
    DelegationMemberFactory,
    SessionExpertFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import DelegationMember, Session, Venue, Visit


def coordinator_named(username):
    """A coordinator as the admin makes them: staff, allowed to add and delete visits and delegations."""
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="visits",
            codename__in=["add_visit", "delete_visit", "add_delegation", "delete_delegation"],
        )
    )
    return user


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@dataclass
class Programme:
    visit: Visit
    venue: Venue
    session: Session  # 23 March 2027, 09:00–10:30 Stockholm, with one expert
    members: list[DelegationMember]


@pytest.fixture
def anna(db):
    return coordinator_named("anna")


@pytest.fixture
def bertil(db):
    user = coordinator_named("bertil")
    VisitFactory(title="Bertil's visit").coordinators.add(user)
    return user


@pytest.fixture
def api(anna):
    """Signed in with Anna's token: she coordinates `programme.visit`."""
    return client_for(anna)


@pytest.fixture
def other(bertil):
    """Signed in with Bertil's token: he coordinates another visit."""
    return client_for(bertil)


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def programme(anna):
    visit = VisitFactory(title="Riga police visit")
    visit.coordinators.add(anna)
    members = [DelegationMemberFactory(delegation=visit.delegation) for _ in range(2)]
    venue = VenueFactory(name="Polishuset")
    session = SessionFactory(
        visit=visit, title="Police cooperation", venue=venue, starts_at=stockholm(2027, 3, 23, 9)
    )
    SessionExpertFactory(session=session)
    return Programme(visit, venue, session, members)
