"""The board's actions: moving and resizing, bad input, copying, cancelling after asking, acting on several
sessions, and undoing them newest first until the next publication."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from planner.models import UndoStep
from planner.undo import DEPTH
from scheduling.publishing import programme_publish
from tests.factories import (
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session, SessionExpert

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def session(visit):
    """Tuesday 23 March 2027, 09:00–10:30 in Stockholm."""
    return SessionFactory(visit=visit, title="Meeting the prosecutors", venue=None)


def move(client, visit, **data):
    return client.post(reverse("planner:move", args=[visit.pk]), data, **JSON)


def undo(client, visit, **extra):
    return client.post(reverse("planner:undo", args=[visit.pk]), **extra)


def times(session):
    session.refresh_from_db()
    return session.starts_at, session.ends_at


# --- Moving -----------------------------------------------------------------------------------------------


def test_a_session_moves_to_another_day_and_time_on_the_visits_clock(signed_in, visit, session, coordinator):
    response = move(signed_in, visit, session=session.pk, day="2027-03-24", start="13:15", length="60")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] and body["session"] == session.pk and body["conflicts"] == []
    assert "13:15" in body["message"]
    assert times(session) == (stockholm(2027, 3, 24, 13, 15), stockholm(2027, 3, 24, 14, 15))
    entry = AuditEntry.objects.filter(object_id=str(session.pk)).order_by("-at").first()
    assert entry is not None and entry.actor_user_id == coordinator.pk
    assert UndoStep.objects.get().label == "Move “Meeting the prosecutors”"


def test_a_move_without_a_length_keeps_the_sessions_length_and_snaps_to_5_minutes(signed_in, visit, session):
    assert move(signed_in, visit, session=session.pk, day="2027-03-23", start="11:02").status_code == 200
    assert times(session) == (stockholm(2027, 3, 23, 11, 0), stockholm(2027, 3, 23, 12, 30))


def test_a_move_by_start_and_end_is_read_on_the_visits_clock(signed_in, visit, session):
    response = move(
        signed_in, visit, session=session.pk, starts_at="2027-03-25T08:00", ends_at="2027-03-25T08:45"
    )
    assert response.status_code == 200
    assert times(session) == (stockholm(2027, 3, 25, 8), stockholm(2027, 3, 25, 8, 45))


def test_a_move_says_the_conflicts_it_made(signed_in, visit, session):
    expert = SessionExpertFactory(session=session).person
    other = SessionFactory(visit=visit, title="Visiting the police", starts_at=stockholm(2027, 3, 24, 13))
    SessionExpertFactory(session=other, person=expert)
    response = move(signed_in, visit, session=session.pk, day="2027-03-24", start="13:00")
    body = response.json()
    assert response.status_code == 200 and body["conflicts"], body
    assert "conflict" in body["message"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"day": "tomorrow", "start": "09:00"}, "day"),
        ({"day": "2027-03-24", "start": "9 o'clock"}, "start"),
        ({"day": "2027-03-24"}, "start"),
        ({"day": "2027-03-24", "start": "09:00", "length": "0"}, "length"),
        ({"starts_at": "2027-03-24T10:00", "ends_at": "2027-03-24T09:00"}, "ends_at"),
        ({"starts_at": "soon", "ends_at": "2027-03-24T09:00"}, "starts_at"),
        ({"day": "2027-03-28", "start": "09:00"}, "day"),
        ({"starts_at": "2027-03-26T23:30", "ends_at": "2027-03-27T00:30"}, "starts_at"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(signed_in, visit, session, data, field):
    before = times(session)
    response = move(signed_in, visit, session=session.pk, **data)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert times(session) == before
    assert not UndoStep.objects.exists()


def test_another_visits_session_is_a_400_naming_the_session(signed_in, visit, coordinator):
    elsewhere = VisitFactory()
    elsewhere.coordinators.add(coordinator)
    theirs = SessionFactory(visit=elsewhere)
    for value in (theirs.pk, "x", ""):
        response = move(signed_in, visit, session=value, day="2027-03-24", start="09:00")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["session"]


def test_a_move_from_a_stale_board_is_refused(signed_in, visit, session):
    seen = session.revision
    Session.objects.filter(pk=session.pk).update(revision=seen + 1, title="Renamed meanwhile")
    response = move(signed_in, visit, session=session.pk, revision=seen, day="2027-03-24", start="09:00")
    assert response.status_code == 409
    assert "revision" in response.json()["errors"]
    assert times(session) == (stockholm(2027, 3, 23, 9), stockholm(2027, 3, 23, 10, 30))


def test_the_move_form_without_the_script_redirects_to_the_board_with_undo(signed_in, visit, session):
    page = signed_in.get(reverse("planner:session_move", args=[session.pk]))
    assert page.status_code == 200
    assert b'value="2027-03-23"' in page.content and b'value="09:00"' in page.content
    response = signed_in.post(
        reverse("planner:move", args=[visit.pk]),
        {"session": session.pk, "day": "2027-03-25", "start": "10:00", "length": "30"},
        follow=True,
    )
    assert times(session) == (stockholm(2027, 3, 25, 10), stockholm(2027, 3, 25, 10, 30))
    assert reverse("planner:undo", args=[visit.pk]).encode() in response.content


def test_the_move_form_shows_its_errors(signed_in, visit, session):
    response = signed_in.post(reverse("planner:move", args=[visit.pk]), {"session": session.pk, "day": "x"})
    assert response.status_code == 400
    assert response.templates[0].name == "planner/session_move.html"


# --- Undo -------------------------------------------------------------------------------------------------


def test_undo_takes_back_the_newest_first(signed_in, visit, session):
    move(signed_in, visit, session=session.pk, day="2027-03-24", start="10:00")
    move(signed_in, visit, session=session.pk, day="2027-03-25", start="11:00")
    assert undo(signed_in, visit).status_code == 302
    assert times(session)[0] == stockholm(2027, 3, 24, 10)
    undo(signed_in, visit)
    assert times(session)[0] == stockholm(2027, 3, 23, 9)
    assert not UndoStep.objects.exists()
    response = undo(signed_in, visit, **JSON)
    assert response.status_code == 409 and "undo" in response.json()["errors"]


def test_at_least_ten_steps_can_be_undone(signed_in, visit, session):
    starts = [times(session)[0]]
    for hour in range(12):
        move(signed_in, visit, session=session.pk, day="2027-03-24", start=f"{8 + hour:02d}:00")
        starts.append(times(session)[0])
    for expected in reversed(starts[-11:-1]):  # ten undos, newest first
        assert undo(signed_in, visit, **JSON).status_code == 200
        assert times(session)[0] == expected
    assert UndoStep.objects.count() == 2
    assert DEPTH >= 10


def test_the_board_offers_the_newest_step(signed_in, visit, session):
    move(signed_in, visit, session=session.pk, day="2027-03-24", start="10:00")
    response = signed_in.get(reverse("planner:board", args=[visit.pk]))
    assert "Undo: Move “Meeting the prosecutors”" in response.content.decode()
    assert [step.label for step in response.context["undo_steps"]] == ["Move “Meeting the prosecutors”"]


def test_undo_is_refused_after_the_programme_is_published(signed_in, visit, session, coordinator):
    move(signed_in, visit, session=session.pk, day="2027-03-24", start="10:00")
    assert programme_publish(visit=visit, actor=coordinator) is not None
    response = undo(signed_in, visit, **JSON)
    assert response.status_code == 409
    assert "published" in response.json()["errors"]["undo"][0]
    assert times(session)[0] == stockholm(2027, 3, 24, 10)
    assert "Undo:" not in signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()


def test_undo_is_refused_when_the_session_was_changed_since(signed_in, visit, session):
    move(signed_in, visit, session=session.pk, day="2027-03-24", start="10:00")
    Session.objects.filter(pk=session.pk).update(starts_at=stockholm(2027, 3, 24, 7))
    response = undo(signed_in, visit, **JSON)
    assert response.status_code == 409
    assert "changed since" in response.json()["errors"]["undo"][0]


def test_undo_is_recorded_in_the_audit_log_as_the_undoers(signed_in, visit, session, coordinator):
    move(signed_in, visit, session=session.pk, day="2027-03-24", start="10:00")
    before = AuditEntry.objects.count()
    undo(signed_in, visit)
    entry = AuditEntry.objects.order_by("-at", "-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry is not None and entry.actor_user_id == coordinator.pk


# --- Copy -------------------------------------------------------------------------------------------------


def test_a_copy_keeps_venue_and_interpreters_and_asks_its_experts_again(signed_in, visit, session):
    venue = VenueFactory(name="Police headquarters")
    Session.objects.filter(pk=session.pk).update(venue=venue, status=Session.Status.CONFIRMED)
    SessionExpertFactory(session=session, response=SessionExpert.Response.CONFIRMED)
    interpreter = SessionInterpreterFactory(session=session, languages=["lv", "sv"])
    response = signed_in.post(
        reverse("planner:copy", args=[visit.pk]),
        {"session": session.pk, "day": "2027-03-25", "start": "14:00"},
        **JSON,
    )
    assert response.status_code == 200, response.content
    made = Session.objects.get(pk=response.json()["session"])
    assert (made.starts_at, made.ends_at) == (stockholm(2027, 3, 25, 14), stockholm(2027, 3, 25, 15, 30))
    assert (made.visit, made.venue, made.title, made.status) == (visit, venue, session.title, "tentative")
    assert list(made.session_experts.values_list("response", flat=True)) == ["not_asked"]
    assert list(made.session_interpreters.values_list("person_id", "languages")) == [
        (interpreter.person_id, ["lv", "sv"])
    ]
    undo(signed_in, visit)
    assert not Session.objects.filter(pk=made.pk).exists()
    assert Session.objects.filter(pk=session.pk).exists()


# --- Cancel -----------------------------------------------------------------------------------------------


def test_cancelling_asks_first_and_then_offers_undo(signed_in, visit, session):
    url = reverse("planner:session_cancel", args=[session.pk])
    page = signed_in.get(url).content.decode()
    assert "Meeting the prosecutors" in page and "get a cancellation when it is published next" in page
    session.refresh_from_db()
    assert session.status == Session.Status.TENTATIVE  # asking changed nothing
    response = signed_in.post(url, follow=True)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    content = response.content.decode()
    assert "is cancelled" in content and reverse("planner:undo", args=[visit.pk]) in content
    undo(signed_in, visit)
    session.refresh_from_db()
    assert session.status == Session.Status.TENTATIVE


def test_undoing_the_cancel_of_a_confirmed_session_confirms_it_again(signed_in, visit, session):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CONFIRMED)
    signed_in.post(reverse("planner:session_cancel", args=[session.pk]))
    undo(signed_in, visit)
    session.refresh_from_db()
    assert session.status == Session.Status.CONFIRMED


# --- Several at once --------------------------------------------------------------------------------------


def bulk(client, visit, sessions, **data):
    return client.post(
        reverse("planner:bulk", args=[visit.pk]), {"sessions": [s.pk for s in sessions], **data}, **JSON
    )


def test_several_sessions_shift_as_one_undo_step(signed_in, visit, session):
    second = SessionFactory(visit=visit, starts_at=stockholm(2027, 3, 23, 13), venue=None)
    response = bulk(signed_in, visit, [session, second], action="shift", days="1", minutes="30")
    assert response.status_code == 200, response.content
    assert times(session)[0] == stockholm(2027, 3, 24, 9, 30)
    assert times(second)[0] == stockholm(2027, 3, 24, 13, 30)
    assert UndoStep.objects.count() == 1
    undo(signed_in, visit)
    assert times(session)[0] == stockholm(2027, 3, 23, 9)
    assert times(second)[0] == stockholm(2027, 3, 23, 13)


def test_several_sessions_get_a_venue_and_are_confirmed(signed_in, visit, session):
    second = SessionFactory(visit=visit, starts_at=stockholm(2027, 3, 23, 13), venue=None)
    venue = VenueFactory()
    assert bulk(signed_in, visit, [session, second], action="venue", venue=str(venue.pk)).status_code == 200
    assert bulk(signed_in, visit, [session, second], action="confirm").status_code == 200
    assert set(Session.objects.values_list("venue", "status")) == {(venue.pk, "confirmed")}
    undo(signed_in, visit)
    assert set(Session.objects.values_list("venue", "status")) == {(venue.pk, "tentative")}


def test_a_status_change_one_session_may_not_make_refuses_the_whole_action(signed_in, visit, session):
    cancelled = SessionFactory(
        visit=visit, title="Site visit", status=Session.Status.CANCELLED, starts_at=stockholm(2027, 3, 24, 9)
    )
    response = bulk(signed_in, visit, [session, cancelled], action="confirm")
    assert response.status_code == 409
    message = response.json()["errors"]["sessions"][0]
    assert "“Site visit”" in message and "Meeting the prosecutors" not in message
    assert set(Session.objects.values_list("status", flat=True)) == {"tentative", "cancelled"}
    assert not UndoStep.objects.exists()


def test_cancelling_several_asks_first(signed_in, visit, session):
    second = SessionFactory(visit=visit, title="Lunch", starts_at=stockholm(2027, 3, 23, 12))
    url = reverse("planner:bulk", args=[visit.pk])
    asked = signed_in.post(url, {"sessions": [session.pk, second.pk], "action": "cancel"})
    assert asked.status_code == 200 and "Lunch" in asked.content.decode()
    assert set(Session.objects.values_list("status", flat=True)) == {"tentative"}
    signed_in.post(url, {"sessions": [session.pk, second.pk], "action": "cancel", "confirmed": "on"})
    assert set(Session.objects.values_list("status", flat=True)) == {"cancelled"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"action": "shift"}, "minutes"),
        ({"action": "shift", "minutes": "soon"}, "minutes"),
        ({"action": "fly"}, "action"),
        ({"action": "venue", "venue": "987654"}, "venue"),
    ],
)
def test_bad_bulk_input_names_the_field(signed_in, visit, session, data, field):
    response = bulk(signed_in, visit, [session], **data)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_bulk_refuses_another_visits_session(signed_in, visit, session, coordinator):
    elsewhere = VisitFactory()
    elsewhere.coordinators.add(coordinator)
    theirs = SessionFactory(visit=elsewhere)
    response = bulk(signed_in, visit, [session, theirs], action="shift", minutes="15")
    assert response.status_code == 400 and "sessions" in response.json()["errors"]
    assert times(theirs)[0] == stockholm(2027, 3, 23, 9)
    assert bulk(signed_in, visit, [], action="shift", minutes="15").status_code == 400


def test_shifting_by_days_keeps_the_clock_across_summer_time(signed_in, visit, session):
    visit.ends_on = dt.date(2027, 3, 30)
    visit.save()
    Session.objects.filter(pk=session.pk).update(
        starts_at=stockholm(2027, 3, 27, 9), ends_at=stockholm(2027, 3, 27, 10)
    )
    bulk(signed_in, visit, [session], action="shift", days="1")  # 28 March 2027: clocks go forward
    assert times(session) == (stockholm(2027, 3, 28, 9), stockholm(2027, 3, 28, 10))
    assert times(session)[1] - times(session)[0] == dt.timedelta(hours=1)


def test_a_shift_beyond_the_visits_dates_changes_nothing(signed_in, visit, session):
    response = bulk(signed_in, visit, [session], action="shift", days="5")
    assert response.status_code == 409
    assert "outside the visit's dates" in response.json()["errors"]["sessions"][0]
    assert times(session)[0] == stockholm(2027, 3, 23, 9)


def test_a_move_without_the_csrf_token_is_refused(visit, session, coordinator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = move(client, visit, session=session.pk, day="2027-03-24", start="10:00")
    assert response.status_code == 403
    assert times(session)[0] == stockholm(2027, 3, 23, 9)
