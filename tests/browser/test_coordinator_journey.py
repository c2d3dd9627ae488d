"""The whole journey in a real browser: a coordinator signs in, creates a visit, adds sessions, sees a
conflict appear while editing, resolves it, publishes and watches the messages go to the test's SMTP
server; the expert opens the link from the e-mail that server received, confirms on a phone, and the board
shows it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import coordinator_named, pick, screenshot, sign_in
from tests.factories import (
    DelegationFactory,
    DelegationMemberFactory,
    PersonFactory,
    VenueFactory,
)
from tests.responses.conftest import answer_link
from visits.models import SessionExpert, Visit
from visits.roles import coordinators_group

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    """What the directory already holds: a delegation with a member, an expert, a venue; and a coordinator."""
    coordinator = coordinator_named("maria", email="maria@si.example.org")
    coordinator.groups.add(coordinators_group())
    delegation = DelegationFactory.create(name="Moldovan Prosecution Service", languages=["en"])
    delegation.coordinators.add(coordinator)  # she registered it
    DelegationMemberFactory.create(delegation=delegation, person__name="Ana Rusu")
    expert = PersonFactory.create(name="Eva Lind", email="eva.lind@polisen.example.se")
    VenueFactory.create(name="Polishuset", city="Stockholm", time_zone="Europe/Stockholm")
    return expert


def fill_session(page: Page, title: str, starts: str, ends: str, expert: str) -> None:
    page.get_by_label("Title").fill(title)
    pick(page, "Venue:", "Polishuset, Stockholm", typed="polis")  # the one venue
    page.get_by_label(re.compile("^Starts")).fill(starts)
    page.get_by_label(re.compile("^Ends")).fill(ends)
    pick(page, "Experts:", expert)


def test_a_coordinator_plans_publishes_and_sees_the_experts_answer(world, mail, live_server, desktop, phone):
    base = live_server.url
    page = desktop
    sign_in(page, base)

    page.get_by_role("link", name="New visit").click()
    page.get_by_label("Title").fill("Chisinau prosecutors in Stockholm")
    pick(page, "Delegation:", "Moldovan Prosecution Service", typed="moldov")
    page.get_by_label("First day").fill("2027-03-22")
    page.get_by_label("Last day").fill("2027-03-24")
    page.get_by_label("City").fill("Stockholm")
    pick(page, "Programme languages:", "English", typed="engl")
    page.get_by_role("button", name="Create the visit").click()
    expect(
        page.get_by_role("navigation", name="This visit").get_by_role("link", name="Add a session")
    ).to_be_visible()
    visit = Visit.objects.get(title="Chisinau prosecutors in Stockholm")

    page.get_by_role("navigation", name="This visit").get_by_role("link", name="Add a session").click()
    fill_session(
        page, "How prosecutors work with the police", "2027-03-22T09:00", "2027-03-22T10:30", "Eva Lind"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("How prosecutors work with the police").first).to_be_visible()

    # A second session with the same expert at an overlapping time: the check shows it while editing.
    page.get_by_role("navigation", name="This visit").get_by_role("link", name="Add a session").click()
    fill_session(page, "Victim support", "2027-03-22T10:00", "2027-03-22T11:00", "Eva Lind")
    conflicts = page.locator("#conflicts")
    expect(conflicts).to_contain_text("Eva Lind", timeout=10_000)
    expect(conflicts).to_contain_text("two sessions at once")
    screenshot(page, "session-form-conflict")
    # Resolved: an hour later, and the conflict goes while still editing.
    page.get_by_label(re.compile("^Starts")).fill("2027-03-22T11:00")
    page.get_by_label(re.compile("^Ends")).fill("2027-03-22T12:00")
    page.get_by_label(re.compile("^Ends")).dispatch_event("change")
    expect(conflicts).not_to_contain_text("two sessions at once", timeout=10_000)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Victim support").first).to_be_visible()

    page.get_by_role("navigation", name="This visit").get_by_role("link", name="Publish").click()
    expect(page.locator("main")).to_contain_text("2 sessions added")
    page.get_by_role("button", name=re.compile("^Publish")).click()
    expect(page.locator("main")).to_contain_text("100", timeout=20_000)  # every message sent
    screenshot(page, "delivery-progress")
    assert {r.rcpt_tos[0] for r in mail.handler.received} >= {"eva.lind@polisen.example.se"}

    # The expert, on a phone, opens the link from the invitation the SMTP server received.
    invitation = next(r for r in mail.handler.received if r.rcpt_tos == ["eva.lind@polisen.example.se"])
    phone.goto(base + answer_link(invitation.raw))
    screenshot(phone, "journey-expert-page-phone")
    phone.get_by_role("button", name="Confirm").click()
    expect(phone.get_by_role("heading", name="Your answer is recorded")).to_be_visible()
    assert SessionExpert.objects.filter(person=world, session__visit=visit, response="confirmed").exists()

    page.goto(base + f"/plan/visits/{visit.pk}/")
    expect(page.locator(".badge-answers").first).to_contain_text("1/1 confirmed")
    screenshot(page, "programme-board")
