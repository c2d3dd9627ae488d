"""Every error is JSON a person can act on: a message per field for a 400, 413 for an oversized body, and
no 500 for what the database would refuse."""

import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_a_400_names_each_field_and_what_would_be_accepted(api, programme):
    response = api.post(
        "/api/v1/sessions/",
        {
            "visit": programme.visit.pk,
            "title": "",
            "starts_at": "tomorrow",
            "language": "klingon",
            "experts": [999999],
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert set(body["errors"]) >= {"title", "starts_at", "ends_at", "language", "experts"}
    assert all(isinstance(messages, list) and messages for messages in body["errors"].values())


def test_rules_of_the_model_are_400s_on_their_field(api, programme):
    response = api.patch(
        f"/api/v1/sessions/{programme.session.pk}/",
        {"interpreter_needed": True, "interpretation_language": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "interpretation_language" in response.json()["errors"]
    backwards = api.patch(f"/api/v1/visits/{programme.visit.pk}/", {"ends_on": "2027-03-01"}, format="json")
    assert backwards.status_code == 400
    assert "ends_on" in backwards.json()["errors"]


def test_dates_far_away_are_refused_before_they_overflow(api, programme):
    response = api.patch(f"/api/v1/visits/{programme.visit.pk}/", {"ends_on": "9999-12-31"}, format="json")
    assert response.status_code == 400
    assert "between the years" in response.json()["errors"]["ends_on"][0]


def test_a_body_that_is_not_json_is_a_400(api):
    response = api.generic("POST", "/api/v1/people/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_body_that_is_not_an_object_is_a_400(api):
    response = api.post("/api/v1/people/", [1, 2], format="json")
    assert response.status_code == 400


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_body_is_a_413(api):
    body = json.dumps({"name": "x" * 2000, "email": "big@example.org"})
    response = api.generic("POST", "/api/v1/people/", body, content_type="application/json")
    assert response.status_code == 413
    assert "at most 1000 bytes" in response.json()["detail"]


def test_a_null_character_is_refused_before_the_database_sees_it(api):
    response = api.post("/api/v1/organisations/", {"name": "Po\x00lis", "country": "SE"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_an_error_in_a_write_leaves_nothing_half_done(api, programme):
    """A visit whose fields save but whose status move is refused keeps its old fields too."""
    response = api.patch(
        f"/api/v1/visits/{programme.visit.pk}/", {"title": "Renamed", "status": "completed"}, format="json"
    )
    assert response.status_code == 400
    programme.visit.refresh_from_db()
    assert programme.visit.title == "Riga police visit"


def test_a_write_stopped_by_a_deadlock_is_a_409_that_says_to_send_it_again():
    """Two writes locking the same rows in turn (a session cancelled twice at once) can deadlock in
    PostgreSQL, which stops one of them: that one is told to send its request again, not given a 500."""
    from django.db import OperationalError
    from psycopg.errors import DeadlockDetected

    from api.errors import exception_handler

    error = OperationalError("deadlock detected")
    error.__cause__ = DeadlockDetected("deadlock detected")
    response = exception_handler(error, {})
    assert response is not None
    assert response.status_code == 409
    assert "send the request again" in response.data["detail"]
    assert exception_handler(OperationalError("no such table"), {}) is None
