"""The programme page in the admin: a coordinator sees every conflict, acknowledges warnings, previews what
publishing would change, and publishes. Only POST changes anything; other coordinators' visits are a 404."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.checks import conflict_acknowledge, visit_conflict_report
from scheduling.conflicts import Conflict, ConflictKind
from scheduling.models import ConflictAcknowledgement, ProgrammeVersion
from scheduling.publishing import programme_publish
from tests.factories import (
    DelegationMemberFactory,
    SessionExpertFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session, Visit
from visits.services import session_change_status

pytestmark = pytest.mark.django_db


# --- Helpers ------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(staff_user: User) -> Client:
    """A superuser's browser (as in tests/visits/conftest.py)."""
    client = Client()
    client.force_login(staff_user)
    return client


def page_url(visit: Visit) -> str:
    return reverse("admin:scheduling_programme_change", args=[visit.pk])


def changelist_url() -> str:
    return reverse("admin:scheduling_programme_changelist")


def said(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def coordinator_with(*codenames: str, username: str) -> User:
    """Staff, not a superuser, with the given permissions on visits."""
    user = UserFactory.create(username=username, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="visits", codename__in=codenames)
    )
    return user


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Clashing:
    """A programme with a fatal conflict (one venue booked twice) and a warning (a language without an
    interpreter)."""

    visit: Visit
    fatal: Conflict
    warning: Conflict


@pytest.fixture
def clashing() -> Clashing:
    visit = VisitFactory.create(delegation__languages=["lv"])
    venue = VenueFactory.create(name="Polishuset")
    SessionFactory.create(
        visit=visit,
        venue=venue,
        title="Opening",
        language="lv",
        starts_at=stockholm(2027, 3, 23, 9),
        ends_at=stockholm(2027, 3, 23, 10),
    )
    SessionFactory.create(
        visit=visit,
        venue=venue,
        title="Briefing",
        language="en",
        starts_at=stockholm(2027, 3, 23, 9, 30),
        ends_at=stockholm(2027, 3, 23, 11),
    )
    report = visit_conflict_report(visit)
    [fatal] = report.fatal
    [warning] = report.warnings
    assert fatal.kind is ConflictKind.VENUE_DOUBLE_BOOKED
    assert warning.kind is ConflictKind.LANGUAGE_WITHOUT_INTERPRETER
    return Clashing(visit, fatal, warning)


@dataclass
class Programme:
    """A programme without fatal conflicts: a morning with an expert and an afternoon, both for a delegation
    of two."""

    visit: Visit
    morning: Session
    afternoon: Session


@pytest.fixture
def programme() -> Programme:
    visit = VisitFactory.create()
    DelegationMemberFactory.create(delegation=visit.delegation)
    DelegationMemberFactory.create(delegation=visit.delegation)
    morning = SessionFactory.create(
        visit=visit, title="How the police work", starts_at=stockholm(2027, 3, 23, 9)
    )
    SessionExpertFactory.create(session=morning)
    afternoon = SessionFactory.create(
        visit=visit, title="Visit to a shelter", starts_at=stockholm(2027, 3, 23, 14)
    )
    return Programme(visit, morning, afternoon)


def move(session: Session, starts_at: dt.datetime) -> None:
    session.refresh_from_db()  # publishing moves its version on
    session.ends_at = starts_at + (session.ends_at - session.starts_at)
    session.starts_at = starts_at
    session.save()


def writes(captured: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


# --- Seeing conflicts ---------------------------------------------------------------------------------------


def test_the_page_lists_the_fatal_conflict_and_the_warning_with_their_messages(staff_client, clashing):
    response = staff_client.get(page_url(clashing.visit))
    assert response.status_code == 200
    assert [row.message for row in response.context["fatal"]] == [clashing.fatal.message("en")]
    assert [row.message for row in response.context["warnings"]] == [clashing.warning.message("en")]
    page = response.content.decode()
    assert clashing.fatal.message("en") in page
    assert clashing.warning.message("en") in page
    assert "Polishuset is booked twice" in page
    assert "“Opening” (2027-03-23 09:00–10:00 Europe/Stockholm)" in page  # every time names its zone


def test_the_messages_are_in_the_requests_language(staff_client, clashing):
    response = staff_client.get(page_url(clashing.visit), HTTP_ACCEPT_LANGUAGE="sv")
    [row] = response.context["fatal"]
    assert row.message == clashing.fatal.message("sv") != clashing.fatal.message("en")
    assert "dubbelbokad" in row.message


def test_only_a_warning_offers_an_acknowledge_button(staff_client, clashing):
    page = staff_client.get(page_url(clashing.visit)).content.decode()
    assert page.count('name="action" value="acknowledge"') == 1
    assert f'value="{clashing.warning.key}"' in page
    assert f'value="{clashing.fatal.key}"' not in page


# --- Acknowledging ------------------------------------------------------------------------------------------


def test_acknowledging_a_warning_records_who_and_when_and_the_page_shows_it(
    staff_client, staff_user, clashing
):
    url = page_url(clashing.visit)
    response = staff_client.post(url, {"action": "acknowledge", "key": clashing.warning.key})
    assert response.status_code == 302 and response.url == url

    acknowledgement = ConflictAcknowledgement.objects.get(visit=clashing.visit)
    assert acknowledgement.key == clashing.warning.key
    assert acknowledgement.acknowledged_by == staff_user
    assert acknowledgement.acknowledged_at is not None

    response = staff_client.get(url)
    [row] = response.context["warnings"]
    assert row.acknowledged_by == "staff"
    assert row.acknowledged_at.endswith("(Europe/Stockholm)")
    page = response.content.decode()
    assert f"Acknowledged by staff, {row.acknowledged_at}" in page
    assert 'value="acknowledge"' not in page
    assert "Warning acknowledged" in " ".join(said(response))


def test_acknowledging_a_fatal_conflict_is_refused_with_a_message(staff_client, clashing):
    response = staff_client.post(
        page_url(clashing.visit), {"action": "acknowledge", "key": clashing.fatal.key}, follow=True
    )
    assert response.status_code == 200
    assert any("cannot be acknowledged" in message for message in said(response))
    assert not ConflictAcknowledgement.objects.exists()


def test_acknowledging_a_conflict_that_no_longer_arises_says_so(staff_client, clashing):
    response = staff_client.post(
        page_url(clashing.visit),
        {"action": "acknowledge", "key": "weekend:session:0:2027-03-27"},
        follow=True,
    )
    assert any("no longer arises" in message for message in said(response))
    assert not ConflictAcknowledgement.objects.exists()


# --- Publishing ---------------------------------------------------------------------------------------------


def test_publishing_with_a_fatal_conflict_shows_the_conflicts_and_makes_no_version(staff_client, clashing):
    response = staff_client.post(page_url(clashing.visit), {"action": "publish"}, follow=True)
    assert response.status_code == 200
    [message] = said(response)
    assert "Not published" in message and clashing.fatal.message("en") in message
    assert not ProgrammeVersion.objects.exists()
    clashing.visit.refresh_from_db()
    assert clashing.visit.status == Visit.Status.DRAFT and not clashing.visit.is_published


def test_publishing_makes_version_1_and_then_nothing_changed(staff_client, staff_user, programme):
    url = page_url(programme.visit)
    response = staff_client.post(url, {"action": "publish"}, follow=True)
    assert said(response) == ["Version 1 of the programme is published."]
    version = ProgrammeVersion.objects.get(visit=programme.visit)
    assert (version.number, version.published_by) == (1, staff_user)
    assert [row.number for row in response.context["versions"]] == [1]
    assert reverse("admin:scheduling_programmeversion_change", args=[version.pk]) in response.content.decode()

    response = staff_client.post(url, {"action": "publish"}, follow=True)
    assert said(response) == ["Nothing changed since version 1; nothing was published."]
    assert ProgrammeVersion.objects.filter(visit=programme.visit).count() == 1
    assert response.context["preview"].summary == "Nothing has changed since version 1."


def test_the_preview_counts_a_moved_and_a_cancelled_session_after_a_first_publish(staff_client, programme):
    programme_publish(visit=programme.visit, actor=None)
    move(programme.morning, stockholm(2027, 3, 24, 10))
    session_change_status(session=programme.afternoon, status=Session.Status.CANCELLED)

    preview = staff_client.get(page_url(programme.visit)).context["preview"]

    # The morning: its expert and both members get an update. The afternoon: both members, a cancellation.
    assert preview.summary == (
        "1 session moved, 1 session cancelled; "
        "3 people get invitations or updates, 2 people get cancellations"
    )
    # In programme order: the morning now comes after the afternoon.
    assert [(row.kind, row.session) for row in preview.changes] == [
        ("Session cancelled", "Visit to a shelter"),
        ("Session moved", "How the police work"),
    ]
    assert preview.changes[1].detail == (
        "Tue 23 Mar 2027 09:00–10:30 (Europe/Stockholm) → Wed 24 Mar 2027 10:00–11:30 (Europe/Stockholm)"
    )


def test_the_preview_is_what_publishing_then_stores(staff_client, programme):
    programme_publish(visit=programme.visit, actor=None)
    move(programme.morning, stockholm(2027, 3, 24, 10))
    session_change_status(session=programme.afternoon, status=Session.Status.CANCELLED)
    url = page_url(programme.visit)
    preview = staff_client.get(url).context["preview"]

    staff_client.post(url, {"action": "publish"})

    version = ProgrammeVersion.objects.get(visit=programme.visit, number=2)
    stored = [(change.get_kind_display(), change.session_title) for change in version.changes.order_by("id")]
    assert stored == [(row.kind, row.session) for row in preview.changes]


def test_the_first_preview_invites_everyone_on_the_programme(staff_client, programme):
    preview = staff_client.get(page_url(programme.visit)).context["preview"]
    assert preview.summary == "2 sessions added; 3 people get invitations or updates"


# --- Who sees what ------------------------------------------------------------------------------------------


def test_a_staff_coordinator_sees_only_their_visits_and_gets_404_for_others(clashing, programme):
    user = coordinator_with("view_visit", "change_visit", username="karin")
    programme.visit.coordinators.add(user)
    client = logged_in(user)

    assert changelist_url() in client.get(reverse("admin:index")).content.decode()
    changelist = client.get(changelist_url())
    assert [visit.pk for visit in changelist.context["cl"].result_list] == [programme.visit.pk]
    assert client.get(page_url(programme.visit)).status_code == 200
    assert client.get(page_url(clashing.visit)).status_code == 404
    assert client.post(page_url(clashing.visit), {"action": "publish"}).status_code == 404
    assert (
        client.post(
            page_url(clashing.visit), {"action": "acknowledge", "key": clashing.warning.key}
        ).status_code
        == 404
    )
    assert not ConflictAcknowledgement.objects.exists()


def test_a_coordinator_who_may_only_view_gets_no_buttons_and_403_on_post(clashing):
    user = coordinator_with("view_visit", username="observer")
    clashing.visit.coordinators.add(user)
    client = logged_in(user)

    page = client.get(page_url(clashing.visit)).content.decode()
    assert clashing.warning.message("en") in page
    assert 'name="action"' not in page
    assert client.post(page_url(clashing.visit), {"action": "publish"}).status_code == 403
    assert (
        client.post(
            page_url(clashing.visit), {"action": "acknowledge", "key": clashing.warning.key}
        ).status_code
        == 403
    )
    assert not ConflictAcknowledgement.objects.exists()


def test_a_user_who_is_not_staff_never_reaches_the_page(clashing):
    user = UserFactory.create(username="outsider")
    clashing.visit.coordinators.add(user)
    client = logged_in(user)
    for response in (
        client.get(page_url(clashing.visit)),
        client.post(page_url(clashing.visit), {"action": "publish"}),
    ):
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert not ProgrammeVersion.objects.exists()


def test_an_unknown_action_is_a_bad_request(staff_client, programme):
    response = staff_client.post(page_url(programme.visit), {"action": "delete"})
    assert response.status_code == 400
    assert not ProgrammeVersion.objects.exists()


# --- Only POST changes anything -----------------------------------------------------------------------------


def test_looking_at_the_page_changes_nothing(staff_client, programme, clashing):
    programme_publish(visit=programme.visit, actor=None)
    move(programme.morning, stockholm(2027, 3, 24, 10))
    programme.morning.refresh_from_db()
    before = (programme.morning.sequence, programme.morning.revision)

    for visit in (programme.visit, clashing.visit):
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(page_url(visit)).status_code == 200
        assert writes(captured) == []

    programme.morning.refresh_from_db()
    assert (programme.morning.sequence, programme.morning.revision) == before
    assert ProgrammeVersion.objects.filter(visit=programme.visit).count() == 1
    assert not ProgrammeVersion.objects.filter(visit=clashing.visit).exists()
    assert not ConflictAcknowledgement.objects.exists()


# --- Query counts -------------------------------------------------------------------------------------------


def test_the_page_takes_as_many_queries_for_50_sessions_as_for_5(staff_client, staff_user):
    def queries_for(count: int) -> int:
        visit = VisitFactory.create()
        DelegationMemberFactory.create(delegation=visit.delegation)
        sessions = [
            SessionFactory.create(
                visit=visit,
                starts_at=stockholm(2027, 3, 22 + index % 5, 8 + index // 5 % 10),
                ends_at=stockholm(2027, 3, 22 + index % 5, 8 + index // 5 % 10, 50),
            )
            for index in range(count)
        ]
        for session in sessions:
            SessionExpertFactory.create(session=session)
        programme_publish(visit=visit, actor=None)
        move(sessions[0], sessions[0].starts_at + dt.timedelta(minutes=5))
        # Both sides hold an acknowledged warning, a change to preview and a version to list.
        warning = visit_conflict_report(visit).warnings[0]
        conflict_acknowledge(visit=visit, conflict=warning, actor=staff_user)
        url = page_url(visit)
        staff_client.get(url)  # warm up: session, content types
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(url)
        assert response.status_code == 200 and response.context["preview"].changes
        return len(captured)

    assert queries_for(5) == queries_for(50)


def test_the_changelist_takes_as_many_queries_for_5_visits_as_for_2(staff_client):
    def add_visits(count: int) -> None:
        for _ in range(count):
            visit = VisitFactory.create()
            SessionFactory.create(visit=visit)
            programme_publish(visit=visit, actor=None)

    add_visits(2)
    staff_client.get(changelist_url())  # warm up
    with CaptureQueriesContext(connection) as two:
        staff_client.get(changelist_url())
    add_visits(3)
    with CaptureQueriesContext(connection) as five:
        response = staff_client.get(changelist_url())
    assert response.context["cl"].result_count == 5
    assert [visit.published_version for visit in response.context["cl"].result_list] == [1] * 5
    assert len(five) == len(two), "\n".join(query["sql"] for query in five.captured_queries)
