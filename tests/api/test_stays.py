"""Participants' stays through the API: a coordinator writes their visit's participants' arrival, departure
and hotel (booklets.services, audited); a person outside the delegation or a departure before the arrival is
a 400 naming what is wrong; another coordinator's stays are not there."""

import pytest

from audit.models import AuditEntry
from booklets.models import ParticipantStay
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_stay_is_written_read_changed_and_deleted(api, programme):
    person = programme.members[0].person
    response = api.post(
        "/api/v1/stays/",
        {
            "visit": programme.visit.pk,
            "person": person.pk,
            "arrives_at": "2027-03-22T14:00:00Z",
            "departs_at": "2027-03-26T09:00:00Z",
            "hotel": "Hotel Birger Jarl",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    stay_id = response.json()["id"]
    assert api.get("/api/v1/stays/").json()["results"][0]["hotel"] == "Hotel Birger Jarl"
    response = api.patch(f"/api/v1/stays/{stay_id}/", {"hotel": "Hotel Kungsträdgården"}, format="json")
    assert response.status_code == 200, response.content
    stay = ParticipantStay.objects.get(pk=stay_id)
    assert (stay.hotel, stay.person) == ("Hotel Kungsträdgården", person)
    assert AuditEntry.objects.filter(object_id=stay_id).count() == 2
    assert api.delete(f"/api/v1/stays/{stay_id}/").status_code == 204
    assert not ParticipantStay.objects.filter(pk=stay_id).exists()


def test_a_person_outside_the_delegation_is_a_400_naming_the_person(api, programme):
    stranger = PersonFactory()
    response = api.post(
        "/api/v1/stays/", {"visit": programme.visit.pk, "person": stranger.pk, "hotel": "x"}, format="json"
    )
    assert response.status_code == 400, response.content
    delegation = programme.visit.delegation
    assert response.json()["errors"] == {
        "person": [f"Choose members of this visit's delegation ({delegation})."]
    }
    assert not ParticipantStay.objects.exists()


def test_a_departure_before_the_arrival_is_a_400(api, programme):
    response = api.post(
        "/api/v1/stays/",
        {
            "visit": programme.visit.pk,
            "person": programme.members[0].person.pk,
            "arrives_at": "2027-03-26T09:00:00Z",
            "departs_at": "2027-03-22T14:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "The departure must be after the arrival." in str(response.json()["errors"])


def test_another_coordinators_stays_are_not_there(other, programme):
    stay = ParticipantStay.objects.create(visit=programme.visit, person=programme.members[0].person)
    assert other.get(f"/api/v1/stays/{stay.pk}/").status_code == 404
    assert other.get("/api/v1/stays/").json()["results"] == []
    response = other.post(
        "/api/v1/stays/",
        {"visit": programme.visit.pk, "person": programme.members[0].person.pk},
        format="json",
    )
    assert response.status_code == 400 and "visit" in response.json()["errors"]
