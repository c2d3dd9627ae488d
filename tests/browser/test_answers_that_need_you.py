"""Answers that need the coordinator, in a real browser: a proposal accepted in one click from the board (the
session moves, the expert gets the update), refused from the session's page, and another expert asked in
one click after a decline."""

import re

import pytest
from playwright.sync_api import Page, expect

from responses.answers import Proposal, answer_move
from responses.models import Door
from responses.services import expert_answer
from tests.browser.conftest import PASSWORD, screenshot, sign_in
from tests.factories import PersonFactory, stockholm
from tests.responses.conftest import deliver_due, expert_row
from visits.models import Session, SessionExpert

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def karin(lead):
    """The programme's coordinator, who signs in with the browser tests' password."""
    user = lead.visit.coordinators.get()
    user.set_password(PASSWORD)
    user.save()
    return user


def test_accepting_a_proposal_in_one_click_from_the_board(lead, karin, mail, live_server, desktop: Page):
    deliver_due()
    mail.handler.received.clear()
    expert_answer(
        expert_id=expert_row(lead).pk,
        answer="proposed",
        note="Tuesdays I teach.",
        proposals=[Proposal(stockholm(2027, 3, 24, 10), stockholm(2027, 3, 24, 11, 30))],
    )
    page = desktop
    sign_in(page, live_server.url, "karin")
    page.goto(f"{live_server.url}/plan/visits/{lead.visit.pk}/")
    card = page.locator(f"#session-{lead.morning.pk}")
    expect(card.locator(".badge-proposed")).to_contain_text("proposes Wed 10:00")
    needs = page.locator("#needs-you")
    expect(needs).to_contain_text("Eva Lind proposes another time")
    screenshot(page, "answers-proposal-on-the-board")
    needs.get_by_role("button", name=re.compile("^Accept Wednesday 24 March")).click()
    expect(page.locator(".messages")).to_contain_text("now takes place Wednesday 24 March, 10:00")
    expect(page.locator(".messages")).to_contain_text("The update has gone out to everyone on the session")
    screenshot(page, "answers-proposal-accepted")
    assert Session.objects.get(pk=lead.morning.pk).starts_at == stockholm(2027, 3, 24, 10)
    assert expert_row(lead).response == SessionExpert.Response.INVITED
    expect(page.locator(f"#session-{lead.morning.pk} .badge-proposed")).to_have_count(0)
    assert [r for r in mail.handler.received if r.rcpt_tos == [lead.expert.email]]


def test_refusing_a_proposal_from_the_sessions_page(lead, karin, mail, live_server, desktop: Page):
    deliver_due()
    mail.handler.received.clear()
    expert_answer(
        expert_id=expert_row(lead).pk,
        answer="proposed",
        proposals=[Proposal(stockholm(2027, 3, 24, 10), stockholm(2027, 3, 24, 11, 30))],
    )
    page = desktop
    sign_in(page, live_server.url, "karin")
    page.goto(f"{live_server.url}/plan/sessions/{lead.morning.pk}/edit/")
    answers = page.locator("#answers")
    expect(answers).to_contain_text("Eva Lind proposes another time")
    answers.get_by_role("button", name="Keep the time and tell the expert").click()
    expect(page.locator(".messages")).to_contain_text("Eva Lind has been told")
    screenshot(page, "answers-proposal-refused")
    assert [r for r in mail.handler.received if r.rcpt_tos == [lead.expert.email]]


def test_asking_a_replacement_after_a_decline(lead, karin, mail, live_server, desktop: Page):
    declined = expert_row(lead).pk
    answer_move(expert_ids=[declined], to="declined", door=Door.LINK, actor=None, note="Sick leave.")
    PersonFactory(name="Stina Stand-in", preferred_language="en")
    page = desktop
    sign_in(page, live_server.url, "karin")
    needs = page.locator("#needs-you")
    expect(needs).to_contain_text("Eva Lind declined")
    screenshot(page, "answers-decline-on-the-dashboard")
    needs.get_by_role("link", name="Find someone else").click()
    expect(page.get_by_role("heading", name=re.compile("Someone else to lead"))).to_be_visible()
    candidate = page.locator(".candidate", has_text="Stina Stand-in")
    screenshot(page, "answers-replacements")
    candidate.get_by_role("button", name="Ask Stina Stand-in").click()
    expect(page.locator(".messages")).to_contain_text("Stina Stand-in is asked to lead")
    screenshot(page, "answers-replacement-asked")
    asked = SessionExpert.objects.get(session=lead.morning, person__name="Stina Stand-in")
    assert asked.response == SessionExpert.Response.INVITED
    assert [r for r in mail.handler.received if r.rcpt_tos == [asked.person.email]]
