"""The dashboard: upcoming visits with their status, days until arrival and what needs attention."""

import datetime as dt

import pytest
import time_machine
from django.template.defaultfilters import date
from django.urls import reverse
from django.utils import translation

from planner.figures import open_conflict_counts
from scheduling.checks import conflict_acknowledge, visit_conflict_report
from tests.factories import (
    OutboxMessageFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session, SessionExpert

pytestmark = pytest.mark.django_db

TWELFTH_OF_MARCH = dt.datetime(2027, 3, 12, 10, tzinfo=dt.UTC)


def row_of(response, visit):
    return next(row for row in response.context["rows"] if row.visit == visit)


def test_the_dashboard_shows_what_needs_attention_in_each_upcoming_visit(signed_in, visit, coordinator):
    expert = PersonFactory(name="Karin Holm")
    morning = SessionFactory(visit=visit)
    SessionExpertFactory(session=morning, person=expert, response=SessionExpert.Response.INVITED)
    SessionExpertFactory(session=morning, response=SessionExpert.Response.NOT_ASKED)
    SessionExpertFactory(session=morning, response=SessionExpert.Response.CONFIRMED)
    cancelled = SessionFactory(
        visit=visit, status=Session.Status.CANCELLED, starts_at=stockholm(2027, 3, 24, 9)
    )
    SessionExpertFactory(session=cancelled)  # does not count: the session is cancelled
    elsewhere = SessionFactory(visit=VisitFactory(), venue=VenueFactory())  # the same expert, the same time
    SessionExpertFactory(session=elsewhere, person=expert)
    OutboxMessageFactory(session=morning, status="failed")
    OutboxMessageFactory(session=morning, status="sent")

    with time_machine.travel(TWELFTH_OF_MARCH, tick=False):
        signed_in.force_login(coordinator)  # a sign-in of today would have expired by then
        response = signed_in.get(reverse("planner:dashboard"))
    row = row_of(response, visit)
    assert (row.days_until, row.sessions, row.unanswered, row.conflicts, row.failed) == (10, 1, 2, 1, 1)
    html = response.content.decode()
    assert "in 10 days" in html and "Draft" in html
    assert [r.visit for r in response.context["rows"]] == [visit]  # not the other coordinator's


def test_the_open_conflicts_are_those_of_the_visits_own_report_less_the_acknowledged(coordinator):
    visit = VisitFactory(starts_on=dt.date(2027, 3, 26), ends_on=dt.date(2027, 3, 28))
    venue = VenueFactory()
    # Two sessions on a Saturday in one room: the room is booked twice (fatal), and two weekend warnings.
    SessionFactory(visit=visit, venue=venue, starts_at=stockholm(2027, 3, 27, 9))
    SessionFactory(visit=visit, venue=venue, starts_at=stockholm(2027, 3, 27, 10))
    report = visit_conflict_report(visit)
    assert (len(report.fatal), len(report.open_warnings)) == (1, 2)
    assert open_conflict_counts([visit.pk]) == {visit.pk: 3}
    conflict_acknowledge(visit=visit, conflict=report.warnings[0], actor=coordinator)
    assert open_conflict_counts([visit.pk]) == {visit.pk: 2}


def test_visits_that_are_over_are_not_listed(signed_in, coordinator):
    past = VisitFactory(starts_on=dt.date(2027, 1, 10), ends_on=dt.date(2027, 1, 12))
    past.coordinators.add(coordinator)
    under_way = VisitFactory(starts_on=dt.date(2027, 3, 10), ends_on=dt.date(2027, 3, 14))
    under_way.coordinators.add(coordinator)
    with time_machine.travel(TWELFTH_OF_MARCH, tick=False):
        signed_in.force_login(coordinator)  # a sign-in of today would have expired by then
        response = signed_in.get(reverse("planner:dashboard"))
    assert [row.visit for row in response.context["rows"]] == [under_way]
    assert "under way" in response.content.decode()


def test_the_home_page_links_each_visit_to_its_board(signed_in, visit):
    html = signed_in.get(reverse("home")).content.decode()
    assert reverse("planner:board", args=[visit.pk]) in html
    assert reverse("planner:dashboard") in html  # the "Plan" link in the header


def test_each_row_reads_as_the_templates_filters_wrote_it_in_the_readers_language(signed_in, coordinator):
    """The rows' words, dates and links are made once per request in Python (planner.figures), not by
    `{% url %}`, `blocktranslate` and `date` in each row: they read as those wrote them, in Swedish too."""
    soon = VisitFactory(starts_on=dt.date(2027, 3, 13), ends_on=dt.date(2027, 3, 17))
    later = VisitFactory(starts_on=dt.date(2027, 5, 1), ends_on=dt.date(2027, 5, 3))
    under_way = VisitFactory(starts_on=dt.date(2027, 3, 11), ends_on=dt.date(2027, 3, 14))
    for visit in (soon, later, under_way):
        visit.coordinators.add(coordinator)
    session = SessionFactory(visit=later, starts_at=stockholm(2027, 5, 2, 9))
    OutboxMessageFactory(session=session, status="failed")
    signed_in.cookies["django_language"] = "sv"
    with time_machine.travel(TWELFTH_OF_MARCH, tick=False):
        signed_in.force_login(coordinator)
        response = signed_in.get(reverse("planner:dashboard"), HTTP_ACCEPT_LANGUAGE="sv")
    html = response.content.decode()
    arrivals = {row.visit: row.arrival for row in response.context["rows"]}
    assert arrivals == {soon: "i morgon", later: "om 50 dagar", under_way: "pågår"}
    with translation.override("sv"):
        dates = [f"{date(v.starts_on, 'j M Y')} – {date(v.ends_on, 'j M Y')}" for v in (soon, later)]
    assert dates == ["13 Mar 2027 – 17 Mar 2027", "1 Maj 2027 – 3 Maj 2027"]
    assert all(f"<td>{text}" in html for text in dates)
    assert f'<a href="{reverse("planner:board", args=[later.pk])}">' in html
    assert f'<a href="{reverse("planner:delivery", args=[later.pk])}" class="alert">1</a>' in html
    row = row_of(response, soon)
    assert (row.failed_url, row.shown.failed) == ("", "0")


def test_url_for_each_is_reverse_for_every_pk():
    from planner.figures import url_for_each

    for name in ("planner:board", "planner:publish", "planner:delivery"):
        board = url_for_each(name)
        assert [board(pk) for pk in (1, 7, 12345, 7262524232)] == [
            reverse(name, args=[pk]) for pk in (1, 7, 12345, 7262524232)
        ]
