"""A delegation on a visit that one coordinator coordinates; clients for them and for another coordinator."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import DelegationFactory, UserFactory, VisitFactory
from visits.models import Delegation


@dataclass
class Scope:
    delegation: Delegation
    coordinator: User
    client: Client  # signed in as the coordinator of the delegation's visit
    other: Client  # signed in as a coordinator of some other visit


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scope(db):
    delegation = DelegationFactory(name="Latvian State Police", countries=["LV"])
    coordinator = UserFactory(username="anna", is_staff=True)
    VisitFactory(delegation=delegation).coordinators.add(coordinator)
    other = UserFactory(username="bertil", is_staff=True)
    VisitFactory().coordinators.add(other)
    return Scope(delegation, coordinator, signed_in(coordinator), signed_in(other))


@pytest.fixture
def coordinator_client(scope: Scope) -> Client:
    return scope.client
