"""Two coordinators and an agency admin, for the scope rules of issue 13.

Anna coordinates the visit "Riga police visit" of the Latvian delegation, whose member is Ilze; Bertil
coordinates "Tallinn prosecutors" of the Estonian delegation, whose member is Mart. Eva is an expert on a
session of Anna's visit; Olle is an expert on no visit. Agnes is an agency admin. Anna and Bertil are in the
Coordinators group (the admin's model permissions of a coordinator), as the admin makes them.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from tests.api.conftest import client_for
from tests.factories import (
    DelegationFactory,
    DelegationMemberFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Delegation, DelegationMember, Person, Session, Visit
from visits.roles import agency_admins_group, coordinators_group


@dataclass
class World:
    anna: User
    bertil: User
    agnes: User  # the agency admin
    visit_a: Visit
    visit_b: Visit
    delegation_a: Delegation
    delegation_b: Delegation
    ilze: DelegationMember  # Anna's delegate
    mart: DelegationMember  # Bertil's delegate
    session_a: Session
    eva: Person  # an expert on Anna's visit
    olle: Person  # an expert on no visit

    def api(self, user: User) -> APIClient:
        return client_for(user)

    def browser(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def coordinator(username):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(coordinators_group())
    return user


@pytest.fixture
def world(db):
    anna, bertil = coordinator("anna"), coordinator("bertil")
    agnes = UserFactory(username="agnes", is_staff=True)
    agnes.groups.add(agency_admins_group())
    delegation_a = DelegationFactory(name="Latvian State Police", countries=["LV"])
    delegation_b = DelegationFactory(name="Estonian Prosecutors", countries=["EE"])
    visit_a = VisitFactory(title="Riga police visit", delegation=delegation_a)
    visit_a.coordinators.add(anna)
    visit_b = VisitFactory(title="Tallinn prosecutors", delegation=delegation_b)
    visit_b.coordinators.add(bertil)
    ilze = DelegationMemberFactory(
        delegation=delegation_a, person=PersonFactory(name="Ilze Berzina", email="ilze@vp.gov.lv")
    )
    mart = DelegationMemberFactory(
        delegation=delegation_b, person=PersonFactory(name="Mart Tamm", email="mart@prokuratuur.ee")
    )
    session_a = SessionFactory(visit=visit_a, title="Anna's secret meeting")
    eva = SessionExpertFactory(
        session=session_a, person=PersonFactory(name="Eva Norrman", email="eva@polisen.se")
    ).person
    olle = PersonFactory(name="Olle Lind", email="olle@aklagare.se")
    return World(
        anna=anna,
        bertil=bertil,
        agnes=agnes,
        visit_a=visit_a,
        visit_b=visit_b,
        delegation_a=delegation_a,
        delegation_b=delegation_b,
        ilze=ilze,
        mart=mart,
        session_a=session_a,
        eva=eva,
        olle=olle,
    )


def people_as_stored():
    """Every person's row and every membership, to show that a refused attempt changed nothing."""
    people = list(Person.objects.order_by("pk").values_list())
    memberships = list(DelegationMember.objects.order_by("pk").values_list())
    return [*people, *memberships]
