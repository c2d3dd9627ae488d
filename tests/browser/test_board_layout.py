"""The board as a coordinator sees it: a one-hour block shows its conflict without being hovered, and on a
phone the board becomes a list of days that needs no sideways scrolling."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import coordinator_named, screenshot, sign_in
from tests.factories import (
    SessionExpertFactory,
    SessionFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def visit():
    """Two one-hour sessions that share an expert and a venue, and have long titles and a long venue name."""
    coordinator = coordinator_named("maria")
    visit = VisitFactory.create(title="Riga police visit")
    visit.coordinators.add(coordinator)
    venue = VenueFactory.create(name="The Swedish Prosecution Authority's conference centre, Stockholm")
    first = SessionFactory.create(
        visit=visit,
        venue=venue,
        title="Joint investigation teams in cases of trafficking for forced labour",
        starts_at=stockholm(2027, 3, 23, 9),
        ends_at=stockholm(2027, 3, 23, 10),
    )
    second = SessionFactory.create(
        visit=visit,
        venue=venue,
        title="Victim support when the victim is a witness",
        starts_at=stockholm(2027, 3, 23, 9, 30),
        ends_at=stockholm(2027, 3, 23, 10, 30),
    )
    expert = SessionExpertFactory.create(session=first).person
    SessionExpertFactory.create(session=second, person=expert)
    return visit


def inside(inner, outer) -> bool:
    a, b = inner.bounding_box(), outer.bounding_box()
    assert a is not None and b is not None
    return a["y"] >= b["y"] and a["y"] + a["height"] <= b["y"] + b["height"] + 0.5


def test_a_one_hour_block_shows_its_conflict_without_hovering(visit, live_server, desktop: Page):
    sign_in(desktop, live_server.url)
    desktop.goto(f"{live_server.url}/plan/visits/{visit.pk}/")
    blocks = desktop.locator("li.block")
    expect(blocks).to_have_count(2)
    desktop.mouse.move(0, 0)  # nothing hovered
    for index in range(2):
        block = blocks.nth(index)
        badge = block.locator(".badge-fatal")
        expect(badge).to_be_visible()
        assert inside(badge, block), "the conflict badge is clipped by its block"
    screenshot(desktop, "board-one-hour-blocks")


def test_on_a_phone_the_board_is_a_list_without_sideways_scrolling(visit, live_server, browser: Browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, live_server.url)
        page.goto(f"{live_server.url}/plan/visits/{visit.pk}/")
        expect(page.locator("li.block").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert page.locator(".hours").is_hidden()
        screenshot(page, "board-phone")
    finally:
        context.close()
