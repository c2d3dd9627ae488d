"""The API's conflicts across visits are free/busy: Bertil's check, conflicts, acknowledgement and refused
publication say that Eva Norrman is busy and the hall booked, and nothing of Anna's sessions."""

import pytest

from tests.api.conftest import client_for
from tests.scheduling.free_busy import (
    BOOKED,
    BUSY,
    TRAVEL,
    leaks,
    names_no_session_of_annas,
    two_coordinators,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return two_coordinators()


def everything_said(world, conflicts):
    """The conflicts' words, with no key or session list that names one of Anna's sessions."""
    for conflict in conflicts:
        assert names_no_session_of_annas(world, conflict["key"]), conflict["key"]
        assert not {world.a1.pk, world.a2.pk} & set(conflict["sessions"]), conflict["sessions"]
    return " ".join(conflict["message"] for conflict in conflicts)


def test_bertils_check_of_a_stored_and_a_proposed_session_is_free_busy(world):
    api = client_for(world.bertil)
    stored = api.post("/api/v1/sessions/check/", {"session": world.b1.pk}, format="json")
    assert stored.status_code == 200, stored.content
    text = everything_said(world, stored.json()["conflicts"])
    assert BUSY in text and BOOKED in text and leaks(stored.content.decode()) == []

    proposed = api.post(
        "/api/v1/sessions/check/",
        {
            "visit": world.bertils.pk,
            "title": "Bravo extra",
            "kind": "meeting",
            "venue": world.b1.venue_id,
            "starts_at": "2027-03-23T10:00:00+01:00",
            "ends_at": "2027-03-23T10:45:00+01:00",
            "language": "en",
            "experts": [world.b1.session_experts.get().person_id],
        },
        format="json",
    )
    assert proposed.status_code == 200, proposed.content
    text = everything_said(world, proposed.json()["conflicts"])
    assert BUSY in text and BOOKED in text and leaks(proposed.content.decode()) == []


def test_bertils_conflicts_and_acknowledging_the_travel_warning_by_its_key(world):
    api = client_for(world.bertil)
    response = api.get(f"/api/v1/visits/{world.bertils.pk}/conflicts/")
    assert response.status_code == 200
    body = response.json()
    text = everything_said(world, body["fatal"] + body["warnings"])
    assert BUSY in text and BOOKED in text and TRAVEL in text and leaks(response.content.decode()) == []
    [travel] = body["warnings"]

    acknowledged = api.post(
        f"/api/v1/visits/{world.bertils.pk}/acknowledge/", {"key": travel["key"]}, format="json"
    )
    assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.json()["open_warnings"] == 0
    assert acknowledged.json()["warnings"][0]["acknowledged"] is True
    # The coordinator of both visits reads the full warning, acknowledged too.
    full = client_for(world.both).get(f"/api/v1/visits/{world.bertils.pk}/conflicts/").json()
    assert "Kiruna Bunker" in full["warnings"][0]["message"] and full["warnings"][0]["acknowledged"] is True


@pytest.mark.parametrize("reader", ["both", "agency"])
def test_a_coordinator_of_both_and_an_agency_admin_read_the_full_conflicts(world, reader):
    body = client_for(getattr(world, reader)).get(f"/api/v1/visits/{world.bertils.pk}/conflicts/").json()
    text = " ".join(c["message"] for c in body["fatal"] + body["warnings"])
    assert "Eva Norrman is in two sessions at once" in text and "Alpha secret briefing" in text
    assert world.a1.pk in {pk for c in body["fatal"] for pk in c["sessions"]}


def test_a_refused_publication_names_nothing_of_annas(world):
    response = client_for(world.bertil).post(f"/api/v1/visits/{world.bertils.pk}/publish/")
    assert response.status_code == 409
    text = everything_said(world, response.json()["conflicts"])
    assert BUSY in text and leaks(response.content.decode()) == []
