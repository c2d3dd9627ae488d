"""Every list page and the board cost the same number of queries for 5 sessions as for 50."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner.undo import board_move
from scheduling.models import ExpertHours, KeptConflicts
from scheduling.publishing import programme_publish
from tests.factories import (
    DelegationMemberFactory,
    OutboxMessageFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    UserFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import ChosenMember, Session, SessionExpert, SessionInterpreter

pytestmark = pytest.mark.django_db


def fill(visit, count):
    """`count` sessions over the visit's five days, each with an expert who answered or not, an interpreter,
    some for chosen members, some cancelled, and a failed message for each."""
    member = DelegationMemberFactory(delegation=visit.delegation)
    venues = [VenueFactory(), VenueFactory(time_zone="Europe/Riga")]
    responses = list(SessionExpert.Response)
    for n in range(count):
        start = stockholm(2027, 3, 22 + n % 5, 8) + dt.timedelta(minutes=50 * (n // 5))
        session = SessionFactory(
            visit=visit,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=45),
            venue=venues[n % 2],
            attendance=Session.Attendance.CHOSEN if n % 3 == 0 else Session.Attendance.DELEGATION,
            status=Session.Status.CANCELLED if n % 7 == 6 else Session.Status.TENTATIVE,
        )
        SessionExpertFactory(session=session, response=responses[n % len(responses)])
        SessionInterpreterFactory(session=session, response=list(SessionInterpreter.Response)[n % 4])
        if session.attendance == Session.Attendance.CHOSEN:
            ChosenMember.objects.create(session=session, member=member)
        OutboxMessageFactory(session=session, status="failed", version_number=1)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def two_visits(coordinator):
    small, large = VisitFactory(title="Small"), VisitFactory(title="Large")
    for visit, count in ((small, 5), (large, 50)):
        visit.coordinators.add(coordinator)
        fill(visit, count)
    return small, large


# The board asks for the visit's open proposal too: one query, with drafts or without
# (tests/proposals/test_board_draft.py pins that its drafts cost none more).
@pytest.mark.parametrize("page", ["board", "print", "publish"])
def test_a_visits_page_costs_the_same_for_5_sessions_as_for_50(
    signed_in, two_visits, page, django_assert_num_queries
):
    small, large = two_visits
    expected = queries(signed_in, reverse(f"planner:{page}", args=[small.pk]))
    with django_assert_num_queries(expected):
        signed_in.get(reverse(f"planner:{page}", args=[large.pk]))


def test_the_delivery_page_costs_the_same_for_5_sessions_as_for_50(
    signed_in, two_visits, django_assert_num_queries
):
    small, large = two_visits
    for visit in two_visits:
        # Publishing needs a programme without fatal conflicts: take away what makes them.
        Session.objects.filter(visit=visit).update(venue=None)
        ChosenMember.objects.filter(session__visit=visit).delete()
        programme_publish(visit=visit, actor=None)
    expected = queries(signed_in, reverse("planner:delivery", args=[small.pk]))
    with django_assert_num_queries(expected):
        signed_in.get(reverse("planner:delivery", args=[large.pk]))


def test_the_dashboard_costs_the_same_for_5_sessions_as_for_50(
    client, coordinator, django_assert_num_queries
):
    small = VisitFactory()
    small.coordinators.add(coordinator)
    fill(small, 5)
    client.force_login(coordinator)
    expected = queries(client, reverse("planner:dashboard"))
    large = VisitFactory()
    fill(large, 50)
    small.coordinators.remove(coordinator)
    large.coordinators.add(coordinator)
    with django_assert_num_queries(expected):
        response = client.get(reverse("planner:dashboard"))
    assert [row.sessions for row in response.context["rows"]] == [43]  # 50 less the 7 cancelled


def test_the_dashboard_costs_the_same_for_1_visit_as_for_10(client, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    first = VisitFactory()
    first.coordinators.add(coordinator)
    fill(first, 5)
    expected = queries(client, reverse("planner:dashboard"))
    for _ in range(9):
        visit = VisitFactory()
        visit.coordinators.add(coordinator)
        fill(visit, 5)
    with django_assert_num_queries(expected):
        client.get(reverse("planner:dashboard"))


def test_the_session_form_costs_the_same_for_1_interpreter_and_member_as_for_6(
    signed_in, visit, django_assert_num_queries
):
    def session_with(count):
        session = SessionFactory(visit=visit, attendance=Session.Attendance.CHOSEN)
        for _ in range(count):
            SessionExpertFactory(session=session)
            SessionInterpreterFactory(session=session)
            member = DelegationMemberFactory(delegation=visit.delegation)
            ChosenMember.objects.create(session=session, member=member)
        return session

    small, large = session_with(1), session_with(6)
    expected = queries(signed_in, reverse("planner:session_edit", args=[small.pk]))
    with django_assert_num_queries(expected):
        response = signed_in.get(reverse("planner:session_edit", args=[large.pk]))
    assert len(response.context["form"].interpreters.forms) == 6 + 2  # and two empty rows


def test_the_board_with_its_undo_steps_costs_the_same_for_5_sessions_as_for_50(
    signed_in, two_visits, coordinator, django_assert_num_queries
):
    small, large = two_visits
    for visit, count in ((small, 2), (large, 20)):
        for session in Session.objects.filter(visit=visit)[:count]:
            board_move(
                session=session,
                starts_at=session.starts_at + dt.timedelta(minutes=15),
                ends_at=session.ends_at + dt.timedelta(minutes=15),
                actor=coordinator,
            )
    expected = queries(signed_in, reverse("planner:board", args=[small.pk]))
    with django_assert_num_queries(expected):
        response = signed_in.get(reverse("planner:board", args=[large.pk]))
    assert len(response.context["undo_steps"]) == 10


def test_the_programme_copy_preview_costs_the_same_for_5_sessions_as_for_50(
    signed_in, coordinator, two_visits, django_assert_num_queries
):
    small, large = two_visits
    target = VisitFactory(title="Target", starts_on=dt.date(2028, 3, 20), ends_on=dt.date(2028, 3, 24))
    target.coordinators.add(coordinator)
    url = reverse("planner:programme_copy", args=[target.pk])
    with CaptureQueriesContext(connection) as captured:
        response = signed_in.get(url, {"source": small.pk})
    assert response.status_code == 200 and response.context["plan"].copied
    with django_assert_num_queries(len(captured)):
        response = signed_in.get(url, {"source": large.pk})
    assert len(response.context["plan"].lines) == 43  # the 50 less the 7 cancelled


def test_the_boards_day_view_costs_the_same_for_5_sessions_as_for_50(
    signed_in, two_visits, django_assert_num_queries
):
    small, large = two_visits
    expected = queries(signed_in, reverse("planner:board", args=[small.pk]) + "?day=2027-03-23")
    with django_assert_num_queries(expected):
        signed_in.get(reverse("planner:board", args=[large.pk]) + "?day=2027-03-23")


def test_the_dashboard_costs_the_same_for_5_visits_as_for_50_fresh_stale_or_some_stale(
    client, django_assert_num_queries
):
    """Conflict counts are kept per visit (scheduling.kept): the first request checks every visit, the next
    none, and after a write only the visits it marked stale, in each case in the same queries."""

    def coordinating(count):
        user = UserFactory()
        for _ in range(count):
            visit = VisitFactory()
            visit.coordinators.add(user)
            fill(visit, 3)
        return user

    def costs(user):
        client.force_login(user)
        url = reverse("planner:dashboard")
        visits = list(user.coordinated_visits.order_by("pk"))
        all_stale = queries(client, url)
        fresh = queries(client, url)
        for visit in visits[:2]:  # an expert's hours change: only their visit is stale
            expert = SessionExpert.objects.filter(session__visit=visit).first().person
            ExpertHours.objects.create(person=expert, weekday=0, starts=dt.time(8), ends=dt.time(9))
        assert KeptConflicts.objects.filter(stale=True, visit__in=visits).count() == 2
        some_stale = queries(client, url)
        return all_stale, fresh, some_stale

    small, large = coordinating(5), coordinating(50)
    expected = costs(small)
    assert costs(large) == expected
    assert expected[0] > expected[1]  # the kept counts spare the checker's queries
