"""An open proposal on the visit's board: its sessions drawn as draft cards apart from the saved ones, a panel
with its score and the warnings it could not avoid, and its buttons, which post to the proposal's own page."""

import datetime as dt
import re

import pytest
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals.models import Proposal
from proposals.services import proposal_discard
from tests.factories import UserFactory, VisitFactory
from tests.proposals.test_pages import ask
from visits.models import Session
from visits.roles import coordinators_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(week) -> Client:
    client = Client()
    client.force_login(week.coordinator)
    return client


def board(browser, week, **headers):
    response = browser.get(reverse("planner:board", args=[week.visit.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_draws_the_open_proposal_apart_with_its_score(browser, week):
    assert "data-draft-panel" not in board(browser, week)
    proposal = ask(browser, week)
    content = board(browser, week)
    assert f'data-draft-panel="{proposal.pk}"' in content
    assert "Proven the best possible." in content and f"Score {proposal.objective}" in content
    for wanted in (week.welcome, week.briefing):
        # In the day and at the time the proposal gives, dashed, labelled and not draggable (no data-session).
        row = next(r for r in proposal.placements if r["key"] == wanted.key)
        card = re.search(
            rf'<li id="draft-{wanted.key}" class="block draft-block"[^>]*>(.*?)</li>',
            content,
            re.S,
        )
        assert card and ">Draft<" in card.group(1) and "data-session" not in card.group(0)
        start = dt.datetime.fromisoformat(row["start"]).astimezone(week.visit.zone)  # the board's clock
        end = dt.datetime.fromisoformat(row["end"]).astimezone(week.visit.zone)
        day = content[: card.start()].rsplit('data-day="', 1)[1][:10]
        assert day == start.date().isoformat()
        assert f"{start:%H:%M}–{end:%H:%M}" in card.group(1)
        assert rf"#draft-{wanted.key} {{ --top:" in content
    # The saved session is a card as always.
    assert f'id="session-{week.dinner.pk}"' in content
    swedish = board(browser, week, HTTP_ACCEPT_LANGUAGE="sv")
    assert ">Utkast<" in swedish


def test_the_panel_names_the_warnings_it_could_not_avoid(browser, week):
    proposal = ask(browser, week)
    Proposal.objects.filter(pk=proposal.pk).update(
        warnings=[{"en": "Welcome is on a public holiday.", "sv": "Welcome är på en helgdag."}]
    )
    assert "Welcome is on a public holiday." in board(browser, week)
    assert "Welcome är på en helgdag." in board(browser, week, HTTP_ACCEPT_LANGUAGE="sv")


def test_a_card_accepted_from_the_board_becomes_a_saved_session(browser, week):
    proposal = ask(browser, week)
    url = reverse("planner:proposal", args=[week.visit.pk, proposal.pk])
    content = board(browser, week)
    assert f'action="{url}"' in content and "csrfmiddlewaretoken" in content
    response = browser.post(url, {"action": "accept", "key": [week.welcome.key], "back": "board"})
    assert response.status_code == 302
    assert response["Location"] == reverse("planner:board", args=[week.visit.pk])
    saved = Session.objects.get(visit=week.visit, title="Welcome")
    content = board(browser, week)
    # The accepted one is a saved card now; the other is still a draft.
    assert f'id="session-{saved.pk}"' in content and f'id="draft-{week.welcome.key}"' not in content
    assert f'id="draft-{week.briefing.key}"' in content
    browser.post(url, {"action": "accept", "back": "board"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert "data-draft-panel" not in board(browser, week) and "draft-block" not in board(browser, week)


def test_a_discarded_proposal_leaves_the_board(browser, week):
    proposal = ask(browser, week)
    response = browser.post(
        reverse("planner:proposal", args=[week.visit.pk, proposal.pk]), {"action": "discard", "back": "board"}
    )
    assert response["Location"] == reverse("planner:board", args=[week.visit.pk])
    assert "data-draft-panel" not in board(browser, week) and "draft-block" not in board(browser, week)
    assert not Session.objects.filter(visit=week.visit, title="Welcome").exists()


def test_another_coordinators_board_stays_hidden_with_its_proposal(browser, week):
    ask(browser, week)
    other = UserFactory(username="bertil", is_staff=True)
    other.groups.add(coordinators_group())
    other.coordinated = VisitFactory()  # a visit of his own; the week's is not
    other.coordinated.coordinators.add(other)
    client = Client()
    client.force_login(other)
    assert client.get(reverse("planner:board", args=[week.visit.pk])).status_code == 404
    own = client.get(reverse("planner:board", args=[other.coordinated.pk]))
    assert own.status_code == 200 and "data-draft-panel" not in own.content.decode()


def test_the_open_proposal_costs_the_board_one_query_drafts_or_none(browser, week, django_assert_num_queries):
    """The board asks for the open proposal always (one query), and its drafts cost nothing more."""
    url = reverse("planner:board", args=[week.visit.pk])
    proposal = ask(browser, week)
    proposal_discard(proposal=proposal, actor=None)
    browser.get(url)  # warm: the session's and the user's rows
    reset_queries()  # the solver's queries filled the log: captured_queries would slice past its end
    with CaptureQueriesContext(connection) as without:
        first = browser.get(url)
    assert first.status_code == 200
    asked = [q["sql"] for q in without.captured_queries]  # now: the solver's queries will rotate the log
    assert sum('"proposals_proposal"' in sql for sql in asked) == 1
    ask(browser, week)
    with django_assert_num_queries(len(asked)):
        content = browser.get(url).content.decode()
    assert "draft-block" in content


def test_a_card_pinned_on_the_board_is_kept_when_proposing_again(browser, week):
    first = ask(browser, week)
    content = board(browser, week)
    box = f'<input type="checkbox" name="key" value="{week.briefing.key}" form="draft-form">'
    assert box in content and 'id="draft-form"' in content
    url = reverse("planner:proposal", args=[week.visit.pk, first.pk])
    assert browser.post(url, {"action": "pin", "key": [week.briefing.key]}).status_code == 302
    again = Proposal.objects.latest("pk")
    assert again.repair_of == first and again.pinned == [week.briefing.key]
