"""People and places through the API: shared directories, availability, travel times, delegations and
their members."""

import pytest

from scheduling.models import AvailabilityException, ExpertHours, TravelTime
from tests.factories import OrganisationFactory, PersonFactory, VenueFactory
from visits.models import Organisation, Person

pytestmark = pytest.mark.django_db


def test_organisations_are_created_read_changed_and_deleted(api):
    created = api.post(
        "/api/v1/organisations/",
        {"name": "Polismyndigheten", "country": "SE", "kind": "police", "side": "host"},
        format="json",
    )
    assert created.status_code == 201, created.content
    url = f"/api/v1/organisations/{created.json()['id']}/"
    assert api.get(url).json()["name"] == "Polismyndigheten"
    assert (
        api.put(url, {**created.json(), "website": "https://polisen.example"}, format="json").status_code
        == 200
    )
    assert api.patch(url, {"phone": "+46 10 000 00 00"}, format="json").json()["phone"] == "+46 10 000 00 00"
    assert [o["name"] for o in api.get("/api/v1/organisations/?q=polis").json()["results"]] == [
        "Polismyndigheten"
    ]
    assert api.delete(url).status_code == 204
    assert not Organisation.objects.filter(name="Polismyndigheten").exists()


def test_an_organisation_that_exists_is_named_in_the_error(api):
    OrganisationFactory(name="Polismyndigheten", country="SE")
    response = api.post(
        "/api/v1/organisations/", {"name": "polismyndigheten", "country": "SE"}, format="json"
    )
    assert response.status_code == 400
    assert "already exists" in str(response.json()["errors"])


def test_people_are_created_and_found_by_e_mail(api):
    response = api.post(
        "/api/v1/people/",
        {
            "name": "Eva Lind",
            "email": "eva.lind@polisen.example",
            "preferred_language": "sv",
            "home_time_zone": "Europe/Stockholm",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    found = api.get("/api/v1/people/?email=EVA.LIND@polisen.example").json()["results"]
    assert [p["name"] for p in found] == ["Eva Lind"]
    duplicate = api.post(
        "/api/v1/people/", {"name": "Eva L", "email": "Eva.Lind@polisen.example"}, format="json"
    )
    assert duplicate.status_code == 400


def test_a_person_in_a_published_programme_cannot_be_deleted(api, programme):
    api.post(f"/api/v1/visits/{programme.visit.pk}/publish/")
    expert = programme.session.session_experts.get().person
    response = api.delete(f"/api/v1/people/{expert.pk}/")
    assert response.status_code == 409
    assert response.json()["detail"] == f"“{expert.name}” cannot be deleted: used by 1 visit."
    assert Person.objects.filter(pk=expert.pk).exists()


def test_venues_with_their_opening_hours(api):
    venue = api.post(
        "/api/v1/venues/",
        {"name": "Rosenbad", "address": "Rosenbad 4, Stockholm", "city": "Stockholm", "capacity": 40},
        format="json",
    ).json()
    hours = api.post(
        "/api/v1/opening-hours/",
        {"venue": venue["id"], "weekday": 0, "opens": "08:00", "closes": "17:00"},
        format="json",
    )
    assert hours.status_code == 201, hours.content
    assert hours.json()["opens"] == "08:00:00"
    backwards = api.post(
        "/api/v1/opening-hours/",
        {"venue": venue["id"], "weekday": 1, "opens": "17:00", "closes": "08:00"},
        format="json",
    )
    assert backwards.status_code == 400
    assert "Closing time must be after opening time" in str(backwards.json()["errors"])
    assert api.get(f"/api/v1/opening-hours/?venue={venue['id']}").json()["count"] == 1


def test_a_venue_with_sessions_cannot_be_deleted(api, programme):
    response = api.delete(f"/api/v1/venues/{programme.venue.pk}/")
    assert response.status_code == 409


def test_experts_availability(api):
    expert = PersonFactory()
    hours = api.post(
        "/api/v1/expert-hours/",
        {"person": expert.pk, "weekday": 2, "starts": "09:00", "ends": "12:00"},
        format="json",
    )
    assert hours.status_code == 201, hours.content
    away = api.post(
        "/api/v1/availability-exceptions/",
        {"person": expert.pk, "kind": "unavailable", "starts_on": "2027-03-24", "ends_on": "2027-03-26"},
        format="json",
    )
    assert away.status_code == 201, away.content
    only = api.post(
        "/api/v1/availability-exceptions/",
        {"person": expert.pk, "kind": "only", "starts_on": "2027-03-29", "ends_on": "2027-03-29"},
        format="json",
    )
    assert only.status_code == 400
    assert "needs the times" in str(only.json()["errors"])
    assert ExpertHours.objects.filter(person=expert).count() == 1
    assert AvailabilityException.objects.filter(person=expert).count() == 1
    listed = api.get(f"/api/v1/availability-exceptions/?person={expert.pk}&date_from=2027-03-25").json()
    assert listed["count"] == 1


def test_travel_times_are_one_per_pair_in_either_order(api):
    one, two = VenueFactory(), VenueFactory()
    created = api.post(
        "/api/v1/travel-times/", {"venue_a": two.pk, "venue_b": one.pk, "minutes": 25}, format="json"
    )
    assert created.status_code == 201, created.content
    again = api.post(
        "/api/v1/travel-times/", {"venue_a": one.pk, "venue_b": two.pk, "minutes": 30}, format="json"
    )
    assert again.json()["id"] == created.json()["id"]
    assert TravelTime.objects.get().minutes == 30
    to_itself = api.post(
        "/api/v1/travel-times/", {"venue_a": one.pk, "venue_b": one.pk, "minutes": 5}, format="json"
    )
    assert to_itself.status_code == 400
    assert "venue_b" in to_itself.json()["errors"]
    url = f"/api/v1/travel-times/{created.json()['id']}/"
    assert api.patch(url, {"minutes": 40}, format="json").json()["minutes"] == 40
    assert api.get(f"/api/v1/travel-times/?venue={two.pk}").json()["count"] == 1
    assert api.delete(url).status_code == 204
    assert not TravelTime.objects.exists()


def test_delegations_and_their_members(api, programme):
    delegation = programme.visit.delegation
    response = api.patch(
        f"/api/v1/delegations/{delegation.pk}/",
        {"languages": ["lv", "ru"], "countries": ["LV", "EE"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["countries"] == ["EE", "LV"]
    newcomer = PersonFactory()
    member = api.post(
        "/api/v1/delegation-members/",
        {"delegation": delegation.pk, "person": newcomer.pk, "role": "head", "languages": ["lv"]},
        format="json",
    )
    assert member.status_code == 201, member.content
    again = api.post(
        "/api/v1/delegation-members/", {"delegation": delegation.pk, "person": newcomer.pk}, format="json"
    )
    assert again.status_code == 400
    listed = api.get(f"/api/v1/delegation-members/?delegation={delegation.pk}&role=head").json()
    assert [m["person"] for m in listed["results"]] == [newcomer.pk]


def test_a_member_of_a_published_programme_stays_on_record(api, programme):
    api.post(f"/api/v1/visits/{programme.visit.pk}/publish/")
    response = api.delete(f"/api/v1/delegation-members/{programme.members[0].pk}/")
    assert response.status_code == 409
    assert "kept as a record" in response.json()["detail"]
