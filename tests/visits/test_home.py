"""The home page lists the visits a person may see, and nothing else."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_sees_the_visits_they_coordinate_and_a_superuser_sees_all(client):
    mine = VisitFactory(title="Mine")
    VisitFactory(title="Theirs")
    coordinator = UserFactory(is_staff=True)
    mine.coordinators.add(coordinator)
    client.force_login(coordinator)
    titles = [v.title for v in client.get(reverse("home")).context["visits"]]
    assert titles == ["Mine"]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert {v.title for v in client.get(reverse("home")).context["visits"]} == {"Mine", "Theirs"}


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
