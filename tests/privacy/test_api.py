"""The export through the API: the same JSON as the directory's "Export data", for the same people."""

from rest_framework.test import APIClient

from tests.factories import DelegationMemberFactory
from tests.privacy.conftest import EMAIL, NAME


def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(person):
    return f"/api/v1/people/{person.pk}/personal-data/"


def test_the_coordinator_of_the_members_delegation_gets_their_data(past):
    response = api_client(past.coordinator).get(url(past.ilze))
    assert response.status_code == 200
    assert response.json()["person"]["name"] == NAME and response.json()["person"]["email"] == EMAIL


def test_another_coordinator_gets_a_404_as_for_the_person(past):
    from visits.models import Visit

    other = Visit.objects.exclude(coordinators=past.coordinator).get().coordinators.get()
    assert api_client(other).get(f"/api/v1/people/{past.ilze.pk}/").status_code == 404
    assert api_client(other).get(url(past.ilze)).status_code == 404


def test_a_person_also_in_another_coordinators_delegation_is_a_conflict_naming_the_way_out(past):
    DelegationMemberFactory(person=past.ilze)
    response = api_client(past.coordinator).get(url(past.ilze))
    assert response.status_code == 409 and "agency admin" in response.json()["detail"]


def test_an_id_beyond_any_row_is_a_404(past):
    assert (
        api_client(past.coordinator).get("/api/v1/people/99999999999999999999/personal-data/").status_code
        == 404
    )
