"""The planner's "Propose a programme": the sessions wanted, the draft drawn apart from the saved sessions
with its score, accepting session by session, pinning and repairing, and the reasons when none exists."""

import pytest
from django.test import Client
from django.urls import reverse

from proposals.models import Proposal, WantedSession
from proposals.tasks import solve_proposal
from visits.models import Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(week) -> Client:
    client = Client()
    client.force_login(week.coordinator)
    return client


def ask(browser, week, **body) -> Proposal:
    """Press a button of the page and solve what it queued, as the worker would."""
    response = browser.post(reverse("planner:propose", args=[week.visit.pk]), {"action": "propose", **body})
    assert response.status_code == 302
    proposal = Proposal.objects.latest("pk")
    assert response["Location"] == reverse("planner:proposal", args=[week.visit.pk, proposal.pk])
    solve_proposal(proposal.pk)
    proposal.refresh_from_db()
    return proposal


def test_a_coordinator_lists_a_wanted_session_and_a_bad_day_is_named(browser, week):
    url = reverse("planner:propose", args=[week.visit.pk])
    page = browser.get(url)
    assert page.status_code == 200
    assert f'data-wanted-row="{week.welcome.key}"'.encode() in page.content
    bad = browser.post(
        url,
        {
            "action": "add",
            "title": "Site visit",
            "kind": "site_visit",
            "minutes": 120,
            "latest_day": "2027-04-30",
        },
    )
    assert bad.status_code == 200
    assert "latest_day" in bad.context["form"].errors
    good = browser.post(
        url,
        {
            "action": "add",
            "title": "Site visit",
            "kind": "site_visit",
            "minutes": 120,
            "venues": [week.prosecution.pk],
            "after": [week.welcome.pk],
        },
    )
    assert good.status_code == 302
    added = WantedSession.objects.get(title="Site visit")
    assert list(added.after.all()) == [week.welcome]


def test_the_draft_is_drawn_apart_with_its_score_and_accepted_session_by_session(browser, week):
    sessions = Session.objects.count()
    proposal = ask(browser, week)
    page = browser.get(reverse("planner:proposal", args=[week.visit.pk, proposal.pk]))
    content = page.content.decode()
    assert 'data-status="optimal"' in content
    assert f'data-draft="{week.welcome.key}"' in content and "draft-card" in content
    assert "saved-card" in content and "Arrival dinner" in content  # the saved one, solid
    assert "data-score" in content and "Journeys between venues" in content
    assert Session.objects.count() == sessions  # nothing saved yet

    url = reverse("planner:proposal", args=[week.visit.pk, proposal.pk])
    response = browser.post(url, {"action": "accept", "key": [week.welcome.key]})
    assert response.status_code == 302
    assert Session.objects.filter(visit=week.visit, title="Welcome").count() == 1
    assert not Session.objects.filter(title="Police briefing").exists()


def test_pin_and_propose_again_keeps_the_pinned_session(browser, week):
    first = ask(browser, week)
    url = reverse("planner:proposal", args=[week.visit.pk, first.pk])
    response = browser.post(url, {"action": "pin", "key": [week.briefing.key]})
    assert response.status_code == 302
    again = Proposal.objects.latest("pk")
    assert again.repair_of == first and again.pinned == [week.briefing.key]
    solve_proposal(again.pk)
    again.refresh_from_db()
    placed = {row["key"]: row for row in again.placements}
    before = {row["key"]: row for row in first.placements}
    assert placed[week.briefing.key]["start"] == before[week.briefing.key]["start"]


def test_no_programme_is_explained_in_swedish_too(browser, week):
    week.police.opening_hours.filter(weekday=1).delete()
    proposal = ask(browser, week)
    assert proposal.status == Proposal.Status.INFEASIBLE
    url = reverse("planner:proposal", args=[week.visit.pk, proposal.pk])
    english = browser.get(url).content.decode()
    assert "data-explanation" in english and "Eva Norrman is free for “Welcome” only at" in english
    swedish = browser.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Eva Norrman är ledig för ”Welcome” bara 2027-03-23 08:00–12:00." in swedish


def test_a_bad_action_is_named(browser, week):
    response = browser.post(reverse("planner:propose", args=[week.visit.pk]), {"action": "fly"})
    assert response.status_code == 400 and b"action" in response.content
