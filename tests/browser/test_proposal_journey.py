"""The solver in a real browser: a coordinator lists one more session wanted, presses Propose, sees the draft
drawn apart from the saved sessions with its score, ticks one proposed session and accepts it, and finds it
on the board, with the rest of the proposal drawn there as drafts: one more accepted from its card, the rest
discarded from the board's panel."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, screenshot, sign_in
from tests.proposals.conftest import week  # noqa: F401 (the visit with its sessions wanted)
from visits.models import Session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager(settings):
    """The embedded default: the solver runs as the request commits (tests/conftest.py restores it)."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True


def test_a_coordinator_proposes_and_accepts_one_session(week, eager, live_server, desktop: Page):  # noqa: F811
    week.coordinator.set_password(PASSWORD)
    week.coordinator.save()
    base = live_server.url
    sign_in(desktop, base, "anna")
    desktop.goto(f"{base}/plan/visits/{week.visit.pk}/propose/")
    expect(desktop.get_by_role("heading", name="Propose a programme")).to_be_visible()

    desktop.get_by_label("Title").fill("Visit to a shelter")
    desktop.get_by_label("Length in minutes").fill("90")
    desktop.get_by_role("button", name="Add", exact=True).click()
    expect(desktop.locator("[data-wanted-row]")).to_have_count(3)

    desktop.get_by_role("button", name="Propose", exact=True).click()
    expect(desktop.locator("[data-status]")).to_have_attribute("data-status", "optimal", timeout=30_000)
    drafts = desktop.locator("[data-draft]")
    expect(drafts).to_have_count(3)
    expect(desktop.locator(".saved-card", has_text="Arrival dinner")).to_be_visible()
    expect(desktop.locator("[data-score]")).to_contain_text("Journeys between venues")
    screenshot(desktop, "proposal-draft")
    assert not Session.objects.filter(title="Welcome").exists()

    desktop.locator(f'[data-draft="{week.welcome.key}"] input[type=checkbox]').check()
    desktop.locator("[data-accept]").click()
    expect(desktop.get_by_text(re.compile("1 sessions saved"))).to_be_visible()
    expect(desktop.locator(f'[data-draft="{week.welcome.key}"]')).to_have_class(re.compile("accepted"))
    assert Session.objects.filter(visit=week.visit, title="Welcome").count() == 1

    desktop.goto(f"{base}/plan/visits/{week.visit.pk}/")
    expect(desktop.get_by_role("link", name="Welcome", exact=True)).to_be_visible()

    # The rest of the proposal is on the board as drafts, dashed, apart from the saved cards.
    panel = desktop.locator("[data-draft-panel]")
    expect(panel).to_contain_text("Proven the best possible.")
    briefing = desktop.locator(f"#draft-{week.briefing.key}")
    expect(briefing).to_be_visible()
    expect(briefing.locator(".badge-draft")).to_have_text("Draft")
    assert briefing.evaluate("card => getComputedStyle(card).borderTopStyle") == "dashed"
    assert briefing.get_attribute("data-session") is None  # planner.js moves only saved cards
    expect(desktop.locator(f"#draft-{week.welcome.key}")).to_have_count(0)  # saved now, a card as always
    screenshot(desktop, "board-draft")

    briefing.locator("[data-accept-draft]").click()
    expect(desktop.get_by_text(re.compile("1 sessions saved"))).to_be_visible()
    expect(desktop.locator(f"#draft-{week.briefing.key}")).to_have_count(0)
    expect(desktop.get_by_role("link", name="Police briefing", exact=True)).to_be_visible()

    desktop.locator("[data-discard]").click()
    expect(desktop.get_by_text("The proposal was discarded; nothing of it was saved.")).to_be_visible()
    expect(desktop.locator(".draft-block")).to_have_count(0)
    assert not Session.objects.filter(visit=week.visit, title="Visit to a shelter").exists()
