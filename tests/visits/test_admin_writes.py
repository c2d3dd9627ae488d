"""The admin writes through the same services as the planner, the directory and the API: the rows its pages
and inlines add, change and remove come out as those services leave them."""

import datetime as dt

import pytest
from django.urls import reverse

from responses.models import ExpertAnswer
from scheduling.models import CityTravelTime, TravelTime
from tests.factories import OpeningHoursFactory, PersonFactory, SessionExpertFactory, VenueFactory
from tests.visits.test_admin import change_form_data
from visits.models import OpeningHours, SessionExpert

pytestmark = pytest.mark.django_db


def test_the_session_page_puts_an_expert_on_and_takes_one_off(staff_client):
    leaving = SessionExpertFactory()
    session = leaving.session
    coming = PersonFactory()
    url = reverse("admin:visits_session_change", args=[session.pk])
    data = change_form_data(staff_client.get(url))
    data["session_experts-0-DELETE"] = "on"
    data["session_experts-TOTAL_FORMS"] = "2"
    data["session_experts-1-person"] = str(coming.pk)
    data["session_experts-1-response"] = "not_asked"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    (added,) = SessionExpert.objects.filter(session=session)
    assert added.person == coming and added.response == "not_asked"
    assert not ExpertAnswer.history.filter(expert=added).exists()  # not asked: never moved


def test_changing_an_experts_note_leaves_their_answer_alone(staff_client):
    expert = SessionExpertFactory()
    url = reverse("admin:visits_sessionexpert_change", args=[expert.pk])
    data = change_form_data(staff_client.get(url))
    assert staff_client.post(url, {**data, "note": "Prefers mornings."}).status_code == 302
    expert.refresh_from_db()
    assert (expert.note, expert.response) == ("Prefers mornings.", "not_asked")


def test_the_venue_page_adds_changes_and_removes_opening_hours(staff_client):
    kept = OpeningHoursFactory(weekday=0)
    venue = kept.venue
    removed = OpeningHoursFactory(venue=venue, weekday=1)
    url = reverse("admin:visits_venue_change", args=[venue.pk])
    data = change_form_data(staff_client.get(url))
    rows = {data[f"opening_hours-{i}-id"]: i for i in range(2)}
    data[f"opening_hours-{rows[str(kept.pk)]}-closes"] = "16:00:00"
    data[f"opening_hours-{rows[str(removed.pk)]}-DELETE"] = "on"
    data["opening_hours-TOTAL_FORMS"] = "3"
    data.update(
        {"opening_hours-2-weekday": "2", "opening_hours-2-opens": "09:00", "opening_hours-2-closes": "12:00"}
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    hours = [
        (h.weekday, h.opens, h.closes) for h in OpeningHours.objects.filter(venue=venue).order_by("weekday")
    ]
    assert hours == [(0, dt.time(8), dt.time(16)), (2, dt.time(9), dt.time(12))]


def test_a_travel_time_moved_to_another_pair_of_venues_leaves_the_old_pair(staff_client):
    first, second, third = VenueFactory(), VenueFactory(), VenueFactory()
    add = reverse("admin:scheduling_traveltime_add")
    data = {"venue_a": str(first.pk), "venue_b": str(second.pk), "minutes": "20"}
    assert staff_client.post(add, data).status_code == 302
    (stored,) = TravelTime.objects.all()
    assert (stored.venue_a, stored.venue_b, stored.minutes) == (first, second, 20)
    change = reverse("admin:scheduling_traveltime_change", args=[stored.pk])
    data = {"venue_a": str(first.pk), "venue_b": str(third.pk), "minutes": "35"}
    assert staff_client.post(change, data).status_code == 302
    assert [(t.venue_a, t.venue_b, t.minutes) for t in TravelTime.objects.all()] == [(first, third, 35)]


def test_the_admin_adds_changes_and_removes_a_city_travel_time(staff_client):
    add = reverse("admin:scheduling_citytraveltime_add")
    cities = {"city_a": "Lund", "city_b": "Malmö"}
    assert staff_client.post(add, {**cities, "minutes": "25"}).status_code == 302
    (stored,) = CityTravelTime.objects.all()
    change = reverse("admin:scheduling_citytraveltime_change", args=[stored.pk])
    assert staff_client.post(change, {**cities, "minutes": "30"}).status_code == 302
    assert CityTravelTime.objects.get().minutes == 30
    delete = reverse("admin:scheduling_citytraveltime_delete", args=[stored.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 302
    assert not CityTravelTime.objects.exists()
