"""Participants' stays in the admin: a coordinator adds one for a member of their visit's delegation
(written through booklets.services, audited); a person outside the delegation is a form error on the field."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from booklets.models import ParticipantStay
from tests.factories import DelegationMemberFactory, PersonFactory, UserFactory, VisitFactory
from visits.roles import coordinators_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinating():
    user = UserFactory(username="hanna", is_staff=True)
    user.groups.add(coordinators_group())
    visit = VisitFactory(title="Riga police visit")
    visit.coordinators.add(user)
    visit.delegation.coordinators.add(user)
    client = Client()
    client.force_login(user)
    return client, visit


def test_a_coordinator_adds_a_stay_for_a_member_of_the_delegation(coordinating):
    client, visit = coordinating
    member = DelegationMemberFactory(delegation=visit.delegation)
    response = client.post(
        reverse("admin:booklets_participantstay_add"),
        {
            "visit": visit.pk,
            "person": member.person_id,
            "arrives_at_0": "2027-03-22",
            "arrives_at_1": "15:00",
            "departs_at_0": "2027-03-26",
            "departs_at_1": "10:00",
            "hotel": " Hotel Birger Jarl ",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    stay = ParticipantStay.objects.get(visit=visit, person=member.person)
    assert stay.hotel == "Hotel Birger Jarl"
    assert AuditEntry.objects.filter(object_id=stay.pk, action="create").exists()


def test_a_person_outside_the_delegation_is_an_error_on_the_field(coordinating):
    client, visit = coordinating
    stranger = PersonFactory()  # in no delegation: an expert, whom every coordinator may see
    response = client.post(
        reverse("admin:booklets_participantstay_add"),
        {"visit": visit.pk, "person": stranger.pk, "hotel": "x"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["person"] == [f"Choose members of this visit's delegation ({visit.delegation})."]
    assert not ParticipantStay.objects.exists()
