"""Visits and sessions through the API: creating, changing with the version as ETag, cancelling, checking a
proposal for conflicts, publishing with the change set, the outbox and sending again."""

import datetime as dt

import pytest

from notifications.models import OutboxMessage
from scheduling.models import ProgrammeVersion
from tests.api.conftest import client_for
from tests.factories import (
    DelegationMemberFactory,
    OutboxMessageFactory,
    PersonFactory,
    SessionFactory,
    UserFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session, SessionExpert, Visit

pytestmark = pytest.mark.django_db

NEW_SESSION = {
    "title": "Victim support in Stockholm",
    "kind": "site_visit",
    "starts_at": "2027-03-24T13:00:00+01:00",
    "ends_at": "2027-03-24T15:00:00+01:00",
    "language": "en",
}


# --- Visits -------------------------------------------------------------------------------------------------


def test_whoever_creates_a_visit_coordinates_it(api, anna, programme):
    response = api.post(
        "/api/v1/visits/",
        {
            "title": "Kathmandu seminar",
            "kind": "seminar_abroad",
            "audience": "Police chiefs and NGO workers",
            "starts_on": "2027-10-04",
            "ends_on": "2027-10-05",
            "time_zone": "Asia/Kathmandu",
            "city": "Kathmandu",
            "country": "NP",
            "programme_languages": ["en", "ne"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["coordinators"] == ["anna"]
    assert Visit.objects.get(pk=body["id"]).coordinators.get() == anna


def test_a_coordinator_without_the_permission_to_add_visits_cannot(db, programme):
    response = client_for(UserFactory(username="carl", is_staff=True)).post(
        "/api/v1/visits/", {"title": "x"}, format="json"
    )
    assert response.status_code == 403


def test_a_visit_moves_only_along_the_allowed_transitions(api, programme):
    url = f"/api/v1/visits/{programme.visit.pk}/"
    assert api.patch(url, {"status": "planned"}, format="json").json()["status"] == "planned"
    refused = api.patch(url, {"status": "completed"}, format="json")
    assert refused.status_code == 400
    assert "Allowed from here" in refused.json()["errors"]["status"][0]
    published = api.patch(url, {"status": "published"}, format="json")
    assert published.status_code == 400
    assert "publish" in published.json()["errors"]["status"][0]


def test_a_published_visit_cannot_be_deleted(api, programme):
    assert api.post(f"/api/v1/visits/{programme.visit.pk}/publish/").status_code == 200
    response = api.delete(f"/api/v1/visits/{programme.visit.pk}/")
    assert response.status_code == 409
    assert "kept as a record" in response.json()["detail"]


def test_visits_are_filtered_by_status_and_dates(api, anna, programme):
    later = VisitFactory(
        title="Autumn", starts_on=dt.date(2027, 9, 1), ends_on=dt.date(2027, 9, 3), status="planned"
    )
    later.coordinators.add(anna)

    def titles(query):
        response = api.get(f"/api/v1/visits/?{query}")
        assert response.status_code == 200, response.content
        return [v["title"] for v in response.json()["results"]]

    assert titles("status=planned") == ["Autumn"]
    assert titles("date_from=2027-08-01") == ["Autumn"]
    assert titles("date_to=2027-03-22") == ["Riga police visit"]
    assert titles("date_from=2027-03-01&date_to=2027-12-31") == ["Riga police visit", "Autumn"]
    assert api.get("/api/v1/visits/?date_from=someday").status_code == 400


# --- Sessions -----------------------------------------------------------------------------------------------


def test_a_session_is_created_with_its_experts_and_an_etag(api, programme):
    expert = PersonFactory(name="Eva Lind")
    response = api.post(
        "/api/v1/sessions/",
        {**NEW_SESSION, "visit": programme.visit.pk, "experts": [expert.pk], "venue": programme.venue.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["experts"] == [expert.pk]
    assert body["expert_answers"] == [{"person": expert.pk, "response": "not_asked", "responded_at": None}]
    assert body["version"] == 1
    assert response["ETag"] == '"1"'


def test_an_expert_who_stays_keeps_their_answer(api, programme):
    kept = programme.session.session_experts.get()
    kept.response = SessionExpert.Response.CONFIRMED
    kept.save()
    newcomer = PersonFactory()
    response = api.patch(
        f"/api/v1/sessions/{programme.session.pk}/", {"experts": [kept.person_id, newcomer.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    answers = {a["person"]: a["response"] for a in response.json()["expert_answers"]}
    assert answers == {kept.person_id: "confirmed", newcomer.pk: "not_asked"}


def test_chosen_attendees_must_be_members_of_the_visits_delegation(api, programme, bertil):
    stranger = DelegationMemberFactory()
    url = f"/api/v1/sessions/{programme.session.pk}/"
    refused = api.patch(url, {"attendance": "chosen", "attendees": [stranger.pk]}, format="json")
    assert refused.status_code == 400
    assert "attendees" in refused.json()["errors"]
    member = programme.members[0]
    chosen = api.patch(url, {"attendance": "chosen", "attendees": [member.pk]}, format="json")
    assert chosen.json()["attendees"] == [member.pk]


def test_an_edit_with_a_stale_if_match_is_refused_with_409(api, programme):
    url = f"/api/v1/sessions/{programme.session.pk}/"
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"title": "First"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = api.patch(url, {"title": "Second"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert "read the session again" in stale.json()["detail"]
    programme.session.refresh_from_db()
    assert programme.session.title == "First"


def test_an_edit_from_a_stale_version_field_is_refused_with_409(api, programme):
    url = f"/api/v1/sessions/{programme.session.pk}/"
    assert api.patch(url, {"title": "First", "version": 1}, format="json").status_code == 200
    stale = api.patch(url, {"title": "Second", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2


def test_publishing_moves_the_version_so_an_older_copy_cannot_overwrite_the_sequence(api, programme):
    url = f"/api/v1/sessions/{programme.session.pk}/"
    etag = api.get(url)["ETag"]
    api.post(f"/api/v1/visits/{programme.visit.pk}/publish/")
    api.patch(url, {"title": "Moved"}, format="json")  # a change after the first publication
    api.post(f"/api/v1/visits/{programme.visit.pk}/publish/")
    assert api.delete(url, HTTP_IF_MATCH=etag).status_code == 409


def test_a_session_outside_the_visit_is_a_400_on_the_field(api, programme):
    response = api.post(
        "/api/v1/sessions/",
        {
            **NEW_SESSION,
            "visit": programme.visit.pk,
            "starts_at": "2027-04-24T13:00:00+02:00",
            "ends_at": "2027-04-24T14:00:00+02:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "outside the visit's dates" in response.json()["errors"]["starts_at"][0]


def test_cancelling_a_session(api, programme):
    response = api.post(f"/api/v1/sessions/{programme.session.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert Session.objects.get(pk=programme.session.pk).status == "cancelled"


def test_sessions_are_filtered_by_visit_status_and_time(api, anna, programme):
    SessionFactory(visit=programme.visit, title="Lunch", kind="meal", starts_at=stockholm(2027, 3, 25, 12))
    api.post(f"/api/v1/sessions/{programme.session.pk}/cancel/")

    def titles(query):
        response = api.get(f"/api/v1/sessions/?{query}")
        assert response.status_code == 200, response.content
        return [s["title"] for s in response.json()["results"]]

    assert titles(f"visit={programme.visit.pk}") == ["Police cooperation", "Lunch"]
    assert titles("status=cancelled") == ["Police cooperation"]
    assert titles("status=tentative&status=confirmed") == ["Lunch"]
    assert titles("after=2027-03-25T00:00:00%2B01:00") == ["Lunch"]
    assert titles("before=2027-03-24T00:00:00%2B01:00") == ["Police cooperation"]
    assert titles("visit=999999") == []


def test_lists_are_paged(api, programme):
    for hour in range(8, 18):
        SessionFactory(visit=programme.visit, starts_at=stockholm(2027, 3, 24, hour))
    first = api.get("/api/v1/sessions/?page_size=4").json()
    assert first["count"] == 11
    assert len(first["results"]) == 4
    assert "page=2" in first["next"]
    assert len(api.get("/api/v1/sessions/?page_size=4&page=3").json()["results"]) == 3
    assert api.get("/api/v1/sessions/?page=99").status_code == 404
    assert len(api.get("/api/v1/sessions/?page_size=200").json()["results"]) == 11
    # More than 200 is refused, naming the parameter, rather than quietly cut down.
    assert api.get("/api/v1/sessions/?page_size=1000").json()["errors"] == {
        "page_size": ["Give a whole number from 1 to 200, once."]
    }


# --- Conflicts and publishing -------------------------------------------------------------------------------


def test_checking_a_proposed_session_saves_nothing(api, programme):
    before = Session.objects.count()
    response = api.post(
        "/api/v1/sessions/check/",
        {
            **NEW_SESSION,
            "visit": programme.visit.pk,
            "venue": programme.venue.pk,
            "starts_at": "2027-03-23T10:00:00+01:00",
            "ends_at": "2027-03-23T11:00:00+01:00",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    kinds = {c["kind"] for c in response.json()["conflicts"]}
    assert "venue_double_booked" in kinds
    assert all(c["severity"] in {"fatal", "warning"} and c["message"] for c in response.json()["conflicts"])
    assert Session.objects.count() == before


def test_checking_a_change_to_a_stored_session(api, programme):
    other = SessionFactory(visit=programme.visit, venue=programme.venue, starts_at=stockholm(2027, 3, 24, 9))
    response = api.post(
        "/api/v1/sessions/check/",
        {
            "session": other.pk,
            "starts_at": "2027-03-23T09:30:00+01:00",
            "ends_at": "2027-03-23T10:00:00+01:00",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert any(c["kind"] == "venue_double_booked" for c in response.json()["conflicts"])
    other.refresh_from_db()
    assert other.starts_at == stockholm(2027, 3, 24, 9)
    unknown = api.post("/api/v1/sessions/check/", {"session": 999999}, format="json")
    assert unknown.status_code == 400
    assert "session" in unknown.json()["errors"]


def test_the_conflicts_of_a_visit(api, programme):
    SessionFactory(visit=programme.visit, venue=programme.venue, starts_at=stockholm(2027, 3, 23, 10))
    report = api.get(f"/api/v1/visits/{programme.visit.pk}/conflicts/").json()
    assert [c["kind"] for c in report["fatal"]] == ["person_double_booked"] * 2 + ["venue_double_booked"]
    assert isinstance(report["open_warnings"], int)


def test_publishing_answers_with_the_change_set(api, programme):
    preview = api.get(f"/api/v1/visits/{programme.visit.pk}/preview/").json()
    assert preview["summary"] == "1 session added; 3 people get invitations or updates"
    response = api.post(f"/api/v1/visits/{programme.visit.pk}/publish/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["published"] is True
    assert body["version"] == 1
    assert body["summary"] == preview["summary"]
    [change] = body["changes"]
    assert change["kind"] == "added"
    assert change["session"] == programme.session.pk
    assert {r["role"] for r in change["recipients"]} == {"expert", "participant"}
    again = api.post(f"/api/v1/visits/{programme.visit.pk}/publish/").json()
    assert again["published"] is False
    assert again["version"] == 1
    assert "Nothing changed since version 1" in again["summary"]


def test_publishing_with_fatal_conflicts_is_a_409_with_the_conflicts(api, programme):
    SessionFactory(visit=programme.visit, venue=programme.venue, starts_at=stockholm(2027, 3, 23, 10))
    response = api.post(f"/api/v1/visits/{programme.visit.pk}/publish/")
    assert response.status_code == 409
    body = response.json()
    assert {c["kind"] for c in body["conflicts"]} == {"person_double_booked", "venue_double_booked"}
    assert all(c["severity"] == "fatal" for c in body["conflicts"])
    assert not ProgrammeVersion.objects.filter(visit=programme.visit).exists()


def test_the_outbox_of_a_visit_and_sending_a_failed_message_again(api, programme):
    api.post(f"/api/v1/visits/{programme.visit.pk}/publish/")
    outbox = api.get(f"/api/v1/visits/{programme.visit.pk}/outbox/").json()
    assert outbox["count"] == OutboxMessage.objects.filter(visit=programme.visit).count() > 0
    failed = OutboxMessageFactory(session=programme.session, status=OutboxMessage.Status.FAILED, attempts=8)
    assert [m["id"] for m in api.get("/api/v1/outbox/?status=failed").json()["results"]] == [failed.pk]
    response = api.post(f"/api/v1/outbox/{failed.pk}/send-again/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["attempts"]) == ("queued", 0)
    queued = OutboxMessageFactory(session=programme.session)
    refused = api.post(f"/api/v1/outbox/{queued.pk}/send-again/")
    assert refused.status_code == 409
    assert "Only a failed message" in refused.json()["detail"]
