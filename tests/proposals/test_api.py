"""`POST visits/{id}/propose/` queues a proposal that a real Celery worker solves, with its progress and
result read from /proposals/{id}/; accepting it saves sessions; another coordinator sees none of it."""

import pytest
from django.db import connection

from proposals.models import Proposal
from tests.api.conftest import client_for
from tests.factories import UserFactory
from tests.support.workers import wait_for, worker_thread
from visits.models import Session
from visits.roles import coordinators_group


def finished(proposal_id: int) -> bool:
    return Proposal.objects.filter(pk=proposal_id).exclude(status__in=["queued", "solving"]).exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_solves_what_the_api_asks_for_and_the_api_accepts_it(week, broker_url):
    api = client_for(week.coordinator)
    with worker_thread(broker_url):
        try:
            response = api.post(f"/api/v1/visits/{week.visit.pk}/propose/", {}, format="json")
            assert response.status_code == 202, response.content
            body = response.json()
            assert body["status"] == "queued" and response["Location"] == f"/api/v1/proposals/{body['id']}/"
            wait_for(lambda: finished(body["id"]), 60, "the worker to solve the proposal")
        finally:
            connection.close()
    result = api.get(f"/api/v1/proposals/{body['id']}/").json()
    assert result["status"] == "optimal" and result["optimal"] is True
    assert result["stage"] == "optimal"
    assert result["progress"] and result["progress"][-1]["objective"] == result["objective"]
    assert {p["key"] for p in result["placements"]} >= {week.welcome.key, week.briefing.key}
    assert {line["term"] for line in result["score"]} >= {"balance", "journeys"}
    assert not Session.objects.filter(title="Welcome").exists()

    accepted = api.post(
        f"/api/v1/proposals/{body['id']}/accept/", {"keys": [week.welcome.key]}, format="json"
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["accepted"] == [week.welcome.key]
    assert Session.objects.filter(visit=week.visit, title="Welcome").count() == 1
    again = api.post(f"/api/v1/proposals/{body['id']}/accept/", {"keys": ["w999999"]}, format="json")
    assert again.status_code == 409 and "w999999" in again.json()["detail"]


@pytest.mark.django_db
def test_bad_fields_are_named(week):
    api = client_for(week.coordinator)
    response = api.post(f"/api/v1/visits/{week.visit.pk}/propose/", {"repair_of": 987654}, format="json")
    assert response.status_code == 400
    assert "repair_of" in response.json()["errors"]
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_another_coordinator_sees_no_proposal_of_the_visit(week):
    bertil = UserFactory(username="bertil", is_staff=True)
    bertil.groups.add(coordinators_group())
    proposal = Proposal.objects.create(visit=week.visit, status=Proposal.Status.OPTIMAL)
    api = client_for(bertil)
    assert api.post(f"/api/v1/visits/{week.visit.pk}/propose/", {}, format="json").status_code == 404
    assert api.get(f"/api/v1/proposals/{proposal.pk}/").status_code == 404
    assert api.get("/api/v1/proposals/").json()["results"] == []
    assert Proposal.objects.count() == 1
