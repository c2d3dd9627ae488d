"""The experts' directory, and each expert's weekly hours and dated exceptions, in the expert's own zone."""

import datetime as dt

import pytest
from django.urls import reverse

from scheduling.models import AvailabilityException, ExpertHours
from tests.factories import OrganisationFactory, PersonFactory, SessionExpertFactory
from visits.models import Organisation

pytestmark = pytest.mark.django_db


def hours_data(rows, *, initial=0):
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(initial),
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{index}-{key}"] = value
    return data


def exception_data(**values):
    data = {
        "kind": "unavailable",
        "starts_on": "2027-03-22",
        "ends_on": "2027-03-23",
        "starts": "",
        "ends": "",
    }
    data.update(values)
    return {f"exception-{key}": value for key, value in data.items()}


@pytest.fixture
def expert(db):
    return PersonFactory(name="Karin Lindblom", home_time_zone="Europe/Stockholm")


def availability(expert):
    return reverse("directory:expert_availability", args=[expert.pk])


def test_the_list_has_host_side_people_and_people_asked_to_lead_sessions(coordinator_client):
    PersonFactory(name="Host Expert")
    SessionExpertFactory(person=PersonFactory(name="Visiting Speaker", organisation=None))
    PersonFactory(name="Delegation Member", organisation=OrganisationFactory(side=Organisation.Side.VISITING))
    page = coordinator_client.get(reverse("directory:experts")).context["page"]
    assert [p.name for p in page.object_list] == ["Host Expert", "Visiting Speaker"]


def test_the_list_searches_names_and_organisations(coordinator_client):
    PersonFactory(name="Karin Lindblom", organisation=OrganisationFactory(name="Polismyndigheten"))
    PersonFactory(name="Erik Strand", organisation=OrganisationFactory(name="Åklagarmyndigheten"))
    for query, expected in [("lindb", ["Karin Lindblom"]), ("åklagar", ["Erik Strand"]), ("nobody", [])]:
        page = coordinator_client.get(reverse("directory:experts"), {"q": query}).context["page"]
        assert [p.name for p in page.object_list] == expected, query


def test_the_list_is_paginated(coordinator_client):
    PersonFactory.create_batch(30)
    first = coordinator_client.get(reverse("directory:experts")).context["page"]
    second = coordinator_client.get(reverse("directory:experts"), {"page": 2}).context["page"]
    assert len(first.object_list) == 25 and len(second.object_list) == 5


@pytest.mark.parametrize("rows", [5, 50])
def test_the_expert_list_issues_the_same_queries_for_5_and_50(
    coordinator_client, django_assert_num_queries, rows
):
    PersonFactory.create_batch(rows)
    # session, user, the user's and their groups' permissions (is the reader an agency admin, who sees every
    # delegate?), count, page
    with django_assert_num_queries(6):
        coordinator_client.get(reverse("directory:experts"))


def test_weekly_hours_are_saved_and_labelled_with_the_experts_zone(coordinator_client, expert):
    page = coordinator_client.get(availability(expert)).content.decode()
    assert "From (Europe/Stockholm)" in page and "Until (Europe/Stockholm)" in page
    rows = [
        {"weekday": "0", "starts": "09:00", "ends": "12:00"},
        {"weekday": "2", "starts": "13:00", "ends": "16:30"},
    ]
    response = coordinator_client.post(availability(expert), hours_data(rows))
    assert response.status_code == 302
    saved = [
        (h.weekday, h.starts, h.ends) for h in ExpertHours.objects.filter(person=expert).order_by("weekday")
    ]
    assert saved == [(0, dt.time(9), dt.time(12)), (2, dt.time(13), dt.time(16, 30))]


def test_weekly_hours_are_edited_and_removed(coordinator_client, expert):
    monday = ExpertHours.objects.create(person=expert, weekday=0, starts=dt.time(9), ends=dt.time(12))
    friday = ExpertHours.objects.create(person=expert, weekday=4, starts=dt.time(9), ends=dt.time(12))
    rows = [
        {"id": str(monday.pk), "weekday": "0", "starts": "08:00", "ends": "11:00"},
        {"id": str(friday.pk), "weekday": "4", "starts": "09:00", "ends": "12:00", "DELETE": "on"},
    ]
    assert coordinator_client.post(availability(expert), hours_data(rows, initial=2)).status_code == 302
    assert [(h.weekday, h.starts) for h in ExpertHours.objects.filter(person=expert)] == [(0, dt.time(8))]


def test_an_end_before_the_start_is_a_field_error_and_nothing_is_saved(coordinator_client, expert):
    rows = [
        {"weekday": "0", "starts": "09:00", "ends": "12:00"},
        {"weekday": "1", "starts": "14:00", "ends": "10:00"},
    ]
    response = coordinator_client.post(availability(expert), hours_data(rows))
    assert response.status_code == 200
    errors = response.context["hours"].forms[1].errors
    assert errors["ends"] == ["The end must be after the start (14:00)."]
    assert not ExpertHours.objects.exists()


def test_hours_of_another_person_cannot_be_edited_through_this_page(coordinator_client, expert):
    theirs = ExpertHours.objects.create(
        person=PersonFactory(), weekday=0, starts=dt.time(9), ends=dt.time(12)
    )
    rows = [{"id": str(theirs.pk), "weekday": "0", "starts": "08:00", "ends": "11:00"}]
    coordinator_client.post(availability(expert), hours_data(rows, initial=1))
    theirs.refresh_from_db()
    assert theirs.starts == dt.time(9)


def test_a_dated_exception_is_added_shown_and_removed(coordinator_client, expert):
    url = reverse("directory:expert_exception_add", args=[expert.pk])
    response = coordinator_client.post(url, exception_data(starts="13:00", ends="15:00", note="In court"))
    assert response.status_code == 302
    exception = AvailabilityException.objects.get(person=expert)
    assert exception.starts == dt.time(13) and exception.ends_on == dt.date(2027, 3, 23)
    page = coordinator_client.get(availability(expert)).content.decode()
    assert "13:00–15:00 (Europe/Stockholm)" in page and "In court" in page
    remove = reverse("directory:expert_exception_remove", args=[expert.pk, exception.pk])
    assert coordinator_client.post(remove).status_code == 302
    assert not AvailabilityException.objects.exists()


@pytest.mark.parametrize(
    ("values", "field", "said"),
    [
        (
            {"starts_on": "2027-03-23", "ends_on": "2027-03-22"},
            "ends_on",
            "The last day cannot be before the first",
        ),
        ({"starts": "15:00", "ends": "13:00"}, "ends", "The end must be after the start (15:00)."),
        ({"starts": "15:00"}, "ends", "Give both times"),
        ({"kind": "only"}, "starts", "needs the times"),
        ({"starts_on": "22/03/2027x"}, "starts_on", "Enter a valid date"),
    ],
)
def test_an_exception_in_error_names_the_field(coordinator_client, expert, values, field, said):
    url = reverse("directory:expert_exception_add", args=[expert.pk])
    response = coordinator_client.post(url, exception_data(**values))
    assert response.status_code == 200
    assert said in " ".join(response.context["exception_form"].errors[field])
    assert not AvailabilityException.objects.exists()


def test_an_exception_of_another_person_cannot_be_removed_through_this_page(coordinator_client, expert):
    theirs = AvailabilityException.objects.create(
        person=PersonFactory(), starts_on=dt.date(2027, 3, 22), ends_on=dt.date(2027, 3, 22)
    )
    remove = reverse("directory:expert_exception_remove", args=[expert.pk, theirs.pk])
    assert coordinator_client.post(remove).status_code == 404
