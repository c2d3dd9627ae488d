"""The planner's conflicts across visits are free/busy: Bertil's board, session page, check, publish page and
dashboard say that Eva Norrman is busy and the hall booked, and nothing of Anna's sessions; the coordinator of
both visits reads everything."""

import re

import pytest
from django.urls import reverse

from tests.planner.test_sessions import form_data
from tests.scheduling.free_busy import BOOKED, BUSY, TRAVEL, leaks, two_coordinators

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return two_coordinators()


def page(client, user, url, method="get", data=None):
    client.force_login(user)
    response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 409), response.status_code
    return response.content.decode()


def test_bertils_board_shows_busy_and_booked_and_nothing_of_annas(client, world):
    html = page(client, world.bertil, reverse("planner:board", args=[world.bertils.pk]))
    assert BUSY in html and BOOKED in html and TRAVEL in html
    assert leaks(without_choices(html)) == []  # the bulk action's venue list offers every (shared) venue


def test_the_coordinator_of_both_visits_reads_the_full_conflicts_on_the_board(client, world):
    html = page(client, world.both, reverse("planner:board", args=[world.bertils.pk]))
    assert "Eva Norrman is in two sessions at once" in html and "Alpha secret briefing" in html
    assert "Kiruna Bunker" in html and "(another visit)" not in html


def without_choices(html):
    """The page less its lists to choose from: the venues are shared, and every one is offered."""
    return re.sub(r"<select.*?</select>", "", html, flags=re.DOTALL)


def test_bertils_session_page_and_check_are_free_busy(client, world):
    html = page(client, world.bertil, reverse("planner:session_edit", args=[world.b1.pk]))
    assert BUSY in html and BOOKED in html and leaks(without_choices(html)) == []
    fragment = page(
        client,
        world.bertil,
        reverse("planner:check", args=[world.bertils.pk]),
        "post",
        form_data(
            venue=str(world.b1.venue_id),
            experts=[str(world.b1.session_experts.get().person_id)],
            starts_at="2027-03-23T10:00",
            ends_at="2027-03-23T10:45",
        ),
    )
    assert BUSY in fragment and BOOKED in fragment and leaks(fragment) == []


def test_bertils_publish_page_and_refused_publication_are_free_busy(client, world):
    url = reverse("planner:publish", args=[world.bertils.pk])
    html = page(client, world.bertil, url)
    assert BUSY in html and TRAVEL in html and leaks(html) == []
    refused = page(client, world.bertil, url, "post")
    assert BUSY in refused and leaks(refused) == []


def test_bertil_acknowledges_the_travel_warning_from_the_publish_page(client, world):
    from scheduling.checks import visit_conflict_report

    [travel] = visit_conflict_report(world.bertils, reader=world.bertil).warnings
    client.force_login(world.bertil)
    response = client.post(
        reverse("planner:acknowledge", args=[world.bertils.pk]), {"key": travel.key}, follow=True
    )
    html = response.content.decode()
    assert "Warning acknowledged" in html and leaks(html) == []
    assert visit_conflict_report(world.bertils, reader=world.both).open_warnings == []


def test_the_dashboard_counts_what_bertil_reads(client, world):
    html = page(client, world.bertil, reverse("planner:dashboard"))
    assert "Bravo visit" in html and leaks(html) == []
