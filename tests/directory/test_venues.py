"""Venues: the list, a venue's opening hours in its zone, and travel times between venues, either way."""

import datetime as dt

import pytest
from django.urls import reverse

from scheduling.models import TravelTime
from tests.factories import OpeningHoursFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [5, 50])
def test_the_venue_list_issues_the_same_queries_for_5_and_50(
    coordinator_client, django_assert_num_queries, rows
):
    VenueFactory.create_batch(rows)
    with django_assert_num_queries(3):
        response = coordinator_client.get(reverse("directory:venues"))
    assert len(response.context["venues"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_a_venue_page_issues_the_same_queries_for_5_and_50_travel_times(
    coordinator_client, django_assert_num_queries, rows
):
    venue = VenueFactory()
    for other in VenueFactory.create_batch(rows):
        TravelTime.objects.create(venue_a=venue, venue_b=other, minutes=10)
    # session, user, venue, opening hours, travel times, the other venues for the form
    with django_assert_num_queries(6):
        response = coordinator_client.get(reverse("directory:venue", args=[venue.pk]))
    assert len(response.context["travel"]) == rows


def test_a_venue_shows_its_opening_hours_in_its_zone(coordinator_client):
    venue = VenueFactory(name="Rättscentrum", time_zone="Europe/Stockholm")
    OpeningHoursFactory(venue=venue, weekday=1, opens=dt.time(8), closes=dt.time(16, 30))
    page = coordinator_client.get(reverse("directory:venue", args=[venue.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Tuesday 08:00–16:30 (Europe/Stockholm)" in page.content.decode()


def test_a_travel_time_is_added_once_and_shown_from_both_venues(coordinator_client):
    police, court = VenueFactory(name="Police House"), VenueFactory(name="District Court")
    url = reverse("directory:venue_travel_time", args=[court.pk])
    response = coordinator_client.post(url, {"other": police.pk, "minutes": 25})
    assert response.status_code == 302
    pair = TravelTime.objects.get()
    assert (pair.venue_a_id, pair.venue_b_id, pair.minutes) == (police.pk, court.pk, 25)
    for venue, other in [(police, court), (court, police)]:
        travel = coordinator_client.get(reverse("directory:venue", args=[venue.pk])).context["travel"]
        assert travel == [(other, 25)]


def test_saving_a_travel_time_again_edits_it(coordinator_client):
    police, court = VenueFactory(), VenueFactory()
    TravelTime.objects.create(venue_a=police, venue_b=court, minutes=25)
    url = reverse("directory:venue_travel_time", args=[court.pk])
    assert coordinator_client.post(url, {"other": police.pk, "minutes": 40}).status_code == 302
    assert TravelTime.objects.get().minutes == 40


def test_a_travel_time_is_removed(coordinator_client):
    police, court = VenueFactory(), VenueFactory()
    TravelTime.objects.create(venue_a=police, venue_b=court, minutes=25)
    url = reverse("directory:venue_travel_time_remove", args=[court.pk, police.pk])
    assert coordinator_client.post(url).status_code == 302
    assert not TravelTime.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"minutes": "-5"}, "minutes"),
        ({"minutes": "ten"}, "minutes"),
        ({"minutes": "10", "other": "self"}, "other"),
    ],
)
def test_a_travel_time_in_error_names_the_field(coordinator_client, data, field):
    venue, other = VenueFactory(), VenueFactory()
    data = {"other": other.pk, **data}
    if data["other"] == "self":
        data["other"] = venue.pk
    response = coordinator_client.post(reverse("directory:venue_travel_time", args=[venue.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not TravelTime.objects.exists()
