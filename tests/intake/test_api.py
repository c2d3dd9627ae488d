"""The API's read of the requests inbox: every coordinator's, nobody else's."""

import pytest
from rest_framework.test import APIClient

from intake.models import RequestStatus
from tests.api.conftest import client_for
from tests.factories import UserFactory
from tests.intake.test_triage import submitted

pytestmark = pytest.mark.django_db


def test_every_coordinator_reads_the_requests_and_nobody_else(themes):
    visit_request = submitted(themes)
    for user in (UserFactory(username="anna", is_staff=True), UserFactory(username="bertil", is_staff=True)):
        api = client_for(user)
        listed = api.get("/api/v1/visit-requests/")
        assert listed.status_code == 200
        (row,) = listed.json()["results"]
        assert row["id"] == visit_request.pk
        assert row["status"] == RequestStatus.TRIAGE
        assert row["country"] == "LV"
        assert sorted(row["themes"]) == ["prostitution", "trafficking"]
        one = api.get(f"/api/v1/visit-requests/{visit_request.pk}/")
        assert one.status_code == 200 and one.json()["contact_email"] == "ilze.testa@example.org"
        assert api.get("/api/v1/visit-requests/987654321/").status_code == 404
        # Read only: triage is the planner's.
        assert api.post("/api/v1/visit-requests/", {}, format="json").status_code == 405
        assert api.delete(f"/api/v1/visit-requests/{visit_request.pk}/").status_code == 405
    guest = client_for(UserFactory(username="guest"))
    assert guest.get("/api/v1/visit-requests/").status_code == 403
    assert APIClient().get(f"/api/v1/visit-requests/{visit_request.pk}/").status_code == 401
