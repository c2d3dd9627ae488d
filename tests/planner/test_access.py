"""Who may see which page: the coordinator of a visit, a superuser; anyone else gets a 404, never a 403."""

import pytest
from django.urls import reverse

from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def pages(visit, session):
    return [
        ("get", reverse("planner:board", args=[visit.pk])),
        ("get", reverse("planner:print", args=[visit.pk])),
        ("get", reverse("planner:session_new", args=[visit.pk])),
        ("get", reverse("planner:session_edit", args=[session.pk])),
        ("get", reverse("planner:publish", args=[visit.pk])),
        ("post", reverse("planner:publish", args=[visit.pk])),
        ("post", reverse("planner:acknowledge", args=[visit.pk])),
        ("post", reverse("planner:check", args=[visit.pk])),
        ("post", reverse("planner:session_status", args=[session.pk])),
        ("get", reverse("planner:session_move", args=[session.pk])),
        ("get", reverse("planner:session_cancel", args=[session.pk])),
        ("post", reverse("planner:session_cancel", args=[session.pk])),
        ("post", reverse("planner:move", args=[visit.pk])),
        ("post", reverse("planner:copy", args=[visit.pk])),
        ("post", reverse("planner:bulk", args=[visit.pk])),
        ("post", reverse("planner:undo", args=[visit.pk])),
    ]


def test_the_coordinator_of_the_visit_sees_its_pages(signed_in, visit):
    session = SessionFactory(visit=visit)
    for method, url in pages(visit, session):
        if method == "get":
            assert signed_in.get(url).status_code == 200, url


def test_another_coordinator_gets_a_404_for_every_page_of_the_visit(client, visit):
    session = SessionFactory(visit=visit)
    client.force_login(UserFactory(username="other", is_staff=True))
    for method, url in [*pages(visit, session), ("get", reverse("planner:delivery", args=[visit.pk]))]:
        assert getattr(client, method)(url).status_code == 404, url


def test_a_superuser_sees_every_visit(client, visit, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("planner:board", args=[visit.pk])).status_code == 200


def test_staff_who_coordinate_other_visits_do_not_see_this_one(client, visit):
    """The existing rule: staff are coordinators, and see what they coordinate; only superusers see all."""
    client.force_login(UserFactory(username="staffer", is_staff=True))
    assert client.get(reverse("planner:board", args=[visit.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, visit):
    session = SessionFactory(visit=visit)
    for method, url in [("get", reverse("planner:dashboard")), *pages(visit, session)]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_posts_need_the_csrf_token(visit, coordinator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(reverse("planner:publish", args=[visit.pk]))
    assert response.status_code == 403


def test_a_coordinator_creates_a_visit_and_coordinates_it(client, coordinator):
    from django.contrib.auth.models import Permission

    from tests.factories import DelegationFactory
    from visits.models import Visit

    client.force_login(coordinator)
    registered = DelegationFactory.create()
    registered.coordinators.add(coordinator)
    form = {
        "title": "Tbilisi social workers",
        "kind": "study_visit",
        "delegation": registered.pk,
        "starts_on": "2027-05-10",
        "ends_on": "2027-05-12",
        "city": "Malmö",
        "country": "SE",
        "time_zone": "Europe/Stockholm",
        "programme_languages": ["en"],
    }
    assert client.get("/plan/visits/new/").status_code == 404  # no permission to add visits: nothing here
    coordinator.user_permissions.add(Permission.objects.get(codename="add_visit"))
    refused = client.post("/plan/visits/new/", {**form, "ends_on": "2027-05-01"})
    assert refused.status_code == 400 and "cannot be before the first" in refused.content.decode()
    created = client.post("/plan/visits/new/", form)
    visit = Visit.objects.get(title="Tbilisi social workers")
    assert created.status_code == 302 and created["Location"] == f"/plan/visits/{visit.pk}/"
    assert list(visit.coordinators.all()) == [coordinator] and visit.status == "draft"


def test_a_new_visit_is_for_a_delegation_one_coordinates(client, coordinator):
    from django.contrib.auth.models import Permission

    from tests.factories import DelegationFactory

    coordinator.user_permissions.add(Permission.objects.get(codename="add_visit"))
    client.force_login(coordinator)
    strangers = DelegationFactory.create(name="Someone else's delegation")
    page = client.get("/plan/visits/new/").content.decode()
    assert "Someone else&#x27;s delegation" not in page and "Someone else's delegation" not in page
    refused = client.post(
        "/plan/visits/new/",
        {
            "title": "Borrowed",
            "kind": "study_visit",
            "delegation": strangers.pk,
            "starts_on": "2027-05-10",
            "ends_on": "2027-05-12",
            "city": "Malmö",
            "country": "SE",
            "time_zone": "Europe/Stockholm",
            "programme_languages": ["en"],
        },
    )
    assert refused.status_code == 400
    assert "delegation" in refused.context["form"].errors
