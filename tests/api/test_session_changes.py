"""What a coordinator changes on a session and a programme besides its fields: the status along its allowed
moves, the interpreters booked, and warnings accepted."""

import pytest

from scheduling.models import ConflictAcknowledgement
from tests.factories import PersonFactory, SessionFactory, stockholm
from visits.models import Session, SessionInterpreter

pytestmark = pytest.mark.django_db


def session_url(session):
    return f"/api/v1/sessions/{session.pk}/"


@pytest.mark.parametrize(
    ("moves", "final"),
    [
        (["confirmed"], "confirmed"),
        (["confirmed", "tentative"], "tentative"),
        (["cancelled", "tentative", "confirmed"], "confirmed"),
    ],
)
def test_a_session_moves_along_the_allowed_transitions(api, programme, moves, final):
    for status in moves:
        response = api.patch(session_url(programme.session), {"status": status}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
    assert Session.objects.get(pk=programme.session.pk).status == final


def test_a_move_not_allowed_is_a_400_on_status_naming_the_moves_that_are(api, programme):
    api.post(f"/api/v1/sessions/{programme.session.pk}/cancel/")
    response = api.patch(session_url(programme.session), {"status": "confirmed"}, format="json")
    assert response.status_code == 400
    [message] = response.json()["errors"]["status"]
    assert "Allowed from here: Tentative" in message
    assert Session.objects.get(pk=programme.session.pk).status == "cancelled"


def test_a_status_move_and_a_field_change_are_one_change(api, programme):
    etag = api.get(session_url(programme.session))["ETag"]
    response = api.patch(
        session_url(programme.session),
        {"status": "confirmed", "title": "Police cooperation (confirmed)"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    stored = Session.objects.get(pk=programme.session.pk)
    assert (stored.status, stored.title) == ("confirmed", "Police cooperation (confirmed)")
    # The copy read before is stale now.
    stale = api.patch(session_url(programme.session), {"title": "Old"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409


def test_a_session_is_created_confirmed(api, programme):
    response = api.post(
        "/api/v1/sessions/",
        {
            "visit": programme.visit.pk,
            "title": "Lunch",
            "kind": "meal",
            "starts_at": "2027-03-23T12:00:00+01:00",
            "ends_at": "2027-03-23T13:00:00+01:00",
            "status": "confirmed",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Session.objects.get(pk=response.json()["id"]).status == "confirmed"


# Interpreters


def test_interpreters_are_booked_changed_and_removed_with_their_languages(api, programme):
    first, second = PersonFactory(name="Tolk Ett"), PersonFactory(name="Tolk Två")
    url = session_url(programme.session)
    booked = api.patch(
        url,
        {
            "interpreters": [
                {"person": first.pk, "languages": ["sv", "lv"]},
                {"person": second.pk, "languages": ["ru", "sv"]},
            ]
        },
        format="json",
    )
    assert booked.status_code == 200, booked.content
    assert booked.json()["interpreters"] == [
        {"person": first.pk, "languages": ["sv", "lv"]},
        {"person": second.pk, "languages": ["ru", "sv"]},
    ]
    kept_row = SessionInterpreter.objects.get(session=programme.session, person=first)
    changed = api.patch(
        url, {"interpreters": [{"person": first.pk, "languages": ["en", "lv"]}]}, format="json"
    )
    assert changed.status_code == 200, changed.content
    [row] = SessionInterpreter.objects.filter(session=programme.session)
    assert (row.pk, row.languages) == (kept_row.pk, ["en", "lv"])
    # A change that does not mention interpreters leaves them.
    api.patch(url, {"title": "Police cooperation"}, format="json")
    assert SessionInterpreter.objects.filter(session=programme.session).count() == 1
    assert api.patch(url, {"interpreters": []}, format="json").status_code == 200
    assert not SessionInterpreter.objects.filter(session=programme.session).exists()


@pytest.mark.parametrize(
    ("interpreters", "field_text"),
    [
        ([{"person": 0, "languages": ["sv"]}], "Invalid pk"),
        ([{"person": "PERSON", "languages": ["xx"]}], "not a valid choice"),
        (
            [
                {"person": "PERSON", "languages": ["sv", "lv"]},
                {"person": "PERSON", "languages": ["ru", "sv"]},
            ],
            "twice",
        ),
        ([{"person": "PERSON"}], "at least two"),
        ([{"person": "PERSON", "languages": ["sv"]}], "at least 2"),
    ],
    ids=["unknown person", "unknown language", "twice", "no languages", "one language"],
)
def test_bad_interpreters_are_a_400_on_interpreters(api, programme, interpreters, field_text):
    person = PersonFactory()
    for booking in interpreters:
        if booking["person"] == "PERSON":
            booking["person"] = person.pk
    response = api.patch(session_url(programme.session), {"interpreters": interpreters}, format="json")
    assert response.status_code == 400
    assert field_text in str(response.json()["errors"]["interpreters"])
    assert not SessionInterpreter.objects.filter(session=programme.session).exists()


def test_booking_an_interpreter_resolves_the_warning_that_one_is_needed(api, programme):
    url = session_url(programme.session)
    api.patch(url, {"interpreter_needed": True, "interpretation_language": "lv"}, format="json")
    conflicts = f"/api/v1/visits/{programme.visit.pk}/conflicts/"
    assert "interpreter_not_booked" in [c["kind"] for c in api.get(conflicts).json()["warnings"]]
    api.patch(
        url, {"interpreters": [{"person": PersonFactory().pk, "languages": ["sv", "lv"]}]}, format="json"
    )
    assert "interpreter_not_booked" not in [c["kind"] for c in api.get(conflicts).json()["warnings"]]


# Acknowledging warnings


def warning_of(api, programme, kind):
    report = api.get(f"/api/v1/visits/{programme.visit.pk}/conflicts/").json()
    return next(c for c in report["warnings"] if c["kind"] == kind), report


def test_a_warning_is_acknowledged_by_its_key_and_stops_counting_as_open(api, anna, programme):
    api.patch(
        session_url(programme.session),
        {"interpreter_needed": True, "interpretation_language": "lv"},
        format="json",
    )
    warning, before = warning_of(api, programme, "interpreter_not_booked")
    assert warning["acknowledged"] is False
    response = api.post(
        f"/api/v1/visits/{programme.visit.pk}/acknowledge/", {"key": warning["key"]}, format="json"
    )
    assert response.status_code == 200, response.content
    after = response.json()
    assert after["open_warnings"] == before["open_warnings"] - 1
    assert next(c for c in after["warnings"] if c["key"] == warning["key"])["acknowledged"] is True
    stored = ConflictAcknowledgement.objects.get(visit=programme.visit, key=warning["key"])
    assert stored.acknowledged_by == anna
    # Again is no error and no second row.
    again = api.post(
        f"/api/v1/visits/{programme.visit.pk}/acknowledge/", {"key": warning["key"]}, format="json"
    )
    assert again.status_code == 200
    assert ConflictAcknowledgement.objects.filter(visit=programme.visit).count() == 1


def test_a_fatal_conflict_cannot_be_acknowledged(api, programme):
    SessionFactory(visit=programme.visit, venue=programme.venue, starts_at=stockholm(2027, 3, 23, 10))
    fatal = api.get(f"/api/v1/visits/{programme.visit.pk}/conflicts/").json()["fatal"][0]
    response = api.post(
        f"/api/v1/visits/{programme.visit.pk}/acknowledge/", {"key": fatal["key"]}, format="json"
    )
    assert response.status_code == 400
    assert "must be resolved" in response.json()["errors"]["key"][0]
    assert not ConflictAcknowledgement.objects.exists()


@pytest.mark.parametrize("body", [{"key": "session:0"}, {}, {"key": ""}], ids=["no such", "missing", "empty"])
def test_a_key_that_names_no_current_conflict_is_a_400_on_key(api, programme, body):
    response = api.post(f"/api/v1/visits/{programme.visit.pk}/acknowledge/", body, format="json")
    assert response.status_code == 400
    assert "key" in response.json()["errors"]


def test_another_coordinators_visit_cannot_be_acknowledged(other, programme):
    response = other.post(f"/api/v1/visits/{programme.visit.pk}/acknowledge/", {"key": "x"}, format="json")
    assert response.status_code == 404


def test_checking_a_proposal_counts_the_interpreters_it_names(api, programme):
    interpreter = PersonFactory(name="Tolk")
    busy = SessionFactory(visit=programme.visit, starts_at=stockholm(2027, 3, 24, 9))
    api.patch(
        session_url(busy),
        {"interpreters": [{"person": interpreter.pk, "languages": ["lv", "sv"]}]},
        format="json",
    )
    proposal = {
        "visit": programme.visit.pk,
        "title": "Prosecutors' round table",
        "starts_at": "2027-03-24T09:30:00+01:00",
        "ends_at": "2027-03-24T10:30:00+01:00",
        "interpreter_needed": True,
        "interpretation_language": "lv",
    }
    bare = api.post("/api/v1/sessions/check/", proposal, format="json").json()["conflicts"]
    assert "interpreter_not_booked" in {c["kind"] for c in bare}
    booked = api.post(
        "/api/v1/sessions/check/",
        {**proposal, "interpreters": [{"person": interpreter.pk, "languages": ["lv", "sv"]}]},
        format="json",
    ).json()["conflicts"]
    kinds = {c["kind"] for c in booked}
    assert "interpreter_not_booked" not in kinds
    assert "person_double_booked" in kinds  # the interpreter is in the other session then
    stored = api.post(
        "/api/v1/sessions/check/",
        {
            "session": programme.session.pk,
            "interpreters": [{"person": interpreter.pk, "languages": ["lv", "sv"]}],
        },
        format="json",
    ).json()["conflicts"]
    assert "person_double_booked" not in {c["kind"] for c in stored}  # 23 March: the interpreter is free
