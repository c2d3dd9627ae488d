"""Every card of the demo visits shows all its badges inside its own visible box at desktop width, in the
week and in each day's view, without hovering; a card's title opens its details beside the board; and a
programme is copied from an earlier visit, previewed first."""

import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import coordinator_named, screenshot, sign_in
from tests.factories import VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)

# For each card: each badge's box inside the card's box (which clips what overflows it), the element at the
# badge's centre being the badge (not covered by another card), and no row of badges wider than its card.
CLIPPED_BADGES = """
() => {
  const problems = [];
  const cards = [...document.querySelectorAll("li.block")];
  for (const card of cards) {
    card.scrollIntoView({ block: "center", inline: "center" });
    const box = card.getBoundingClientRect();
    const title = card.querySelector(".block-title").textContent.trim();
    const badges = [...card.querySelectorAll(".badge")];
    if (!badges.some((b) => b.classList.contains("badge-status"))) problems.push(`${title}: no status badge`);
    for (const badge of badges) {
      const b = badge.getBoundingClientRect();
      const name = badge.getAttribute("title") || badge.textContent.trim();
      if (b.width === 0 || b.height === 0) { problems.push(`${title}: ${name} is not shown`); continue; }
      const out = b.left < box.left - 0.5 || b.right > box.right + 0.5;
      if (out || b.top < box.top - 0.5 || b.bottom > box.bottom + 0.5) {
        const where = [box.top, box.bottom, box.left, box.right, b.top, b.bottom, b.left, b.right];
        problems.push(`${title}: ${name} sticks out of its card ${JSON.stringify(where)}`);
        continue;
      }
      const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      if (!hit || !badge.contains(hit)) problems.push(`${title}: ${name} is covered`);
    }
    const row = card.querySelector(".badges");
    if (row.scrollWidth > row.clientWidth + 1) problems.push(`${title}: its badges overflow sideways`);
  }
  return { cards: cards.length, problems };
}
"""


@pytest.fixture
def demo():
    coordinator_named("maria")
    call_command("seed_demo", "--coordinator", "maria")  # as `make run` loads it
    return list(Visit.objects.order_by("starts_on"))


def check_every_card(page: Page) -> int:
    page.mouse.move(0, 0)  # nothing hovered
    result = page.evaluate(CLIPPED_BADGES)
    assert result["problems"] == [], page.url
    return int(result["cards"])


def test_every_card_of_the_demo_shows_all_its_badges_in_the_week_and_in_each_day(demo, live_server, desktop):
    sign_in(desktop, live_server.url)
    for visit in demo:
        board = f"{live_server.url}/plan/visits/{visit.pk}/"
        desktop.goto(board)
        week_cards = check_every_card(desktop)
        assert week_cards == visit.sessions.count()
        desktop.evaluate("window.scrollTo(0, 0)")
        screenshot(desktop, f"board-cards-week-{visit.pk}")
        days = desktop.locator(".board-views a").evaluate_all(
            "links => links.map((a) => a.getAttribute('href')).filter((h) => h.includes('?day='))"
        )
        assert days, visit.title
        seen = 0
        for n, href in enumerate(days):
            desktop.goto(live_server.url + href)
            expect(desktop.locator(".board.board-day")).to_be_visible()
            seen += check_every_card(desktop)
            if n == 0:
                desktop.evaluate("window.scrollTo(0, 0)")
                screenshot(desktop, f"board-cards-day-{visit.pk}")
        assert seen == week_cards  # each card is on one day's view


def test_a_cards_title_opens_its_details_beside_the_board(demo, live_server, desktop):
    sign_in(desktop, live_server.url)
    latvia = next(visit for visit in demo if visit.title.startswith("Latvian"))
    desktop.goto(f"{live_server.url}/plan/visits/{latvia.pk}/")
    card = desktop.locator("li.block").filter(has=desktop.locator(".badge-answers")).first
    title = card.locator(".block-title")
    name = title.text_content() or ""
    title.click()
    panel = desktop.locator("aside.details-panel")
    expect(panel).to_be_visible()
    shown = panel.locator(".session-details:visible")
    expect(shown.get_by_role("heading", name=name.strip())).to_be_focused()
    expect(shown.get_by_role("link", name="Edit the session")).to_be_visible()
    expect(shown.locator("dd li").first).to_contain_text(":")  # an expert and their answer
    box, board = panel.bounding_box(), desktop.locator(".board-scroll").bounding_box()
    assert box is not None and board is not None and box["x"] >= board["x"] + board["width"]  # beside it
    screenshot(desktop, "board-details-panel")
    desktop.keyboard.press("Escape")
    expect(panel).to_be_hidden()


def test_copying_a_programme_from_an_earlier_visit(demo, live_server, desktop):
    latvia = next(visit for visit in demo if visit.title.startswith("Latvian"))
    target = VisitFactory.create(
        title="Latvian prosecutors, second visit",
        delegation=latvia.delegation,
        starts_on=latvia.starts_on + dt.timedelta(weeks=52),
        ends_on=latvia.starts_on + dt.timedelta(weeks=52, days=2),  # three days: the last ones do not fit
        time_zone=latvia.time_zone,
    )
    target.coordinators.add(latvia.coordinators.get())
    sign_in(desktop, live_server.url)
    desktop.goto(f"{live_server.url}/plan/visits/{target.pk}/")
    desktop.get_by_role("link", name="Copy a programme from another visit").click()
    options = desktop.locator("select[name=source] option").all_text_contents()
    assert not any(target.title in option for option in options)
    desktop.locator("select[name=source]").select_option(value=str(latvia.pk))
    desktop.get_by_role("button", name="Preview").click()
    copied = desktop.locator("tr[data-copied]")
    expect(copied.first).to_be_visible()
    count = copied.count()
    expect(desktop.locator("[data-left-out] li").first).to_be_visible()  # the days after the new visit's end
    assert not target.sessions.exists()
    screenshot(desktop, "programme-copy-preview")
    desktop.get_by_role("button", name=f"Copy {count} sessions").click()
    expect(desktop.locator(".message")).to_contain_text(f"{count} sessions copied from")
    expect(desktop.locator("li.block")).to_have_count(count)
    assert target.sessions.count() == count
    assert not target.sessions.exclude(status="tentative").exists()
    check_every_card(desktop)
    screenshot(desktop, "programme-copy-board")
