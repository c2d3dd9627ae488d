"""Moving sessions on the board as a coordinator does: dragging with the mouse to another day and time,
stretching a session by its lower edge, the keyboard way, undoing a move, and shifting selected sessions."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import coordinator_named, screenshot, sign_in
from tests.factories import SessionFactory, VisitFactory, stockholm
from visits.models import Session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def visit():
    coordinator = coordinator_named("maria")
    visit = VisitFactory.create(title="Riga police visit")
    visit.coordinators.add(coordinator)
    SessionFactory.create(
        visit=visit,
        venue=None,
        title="Meeting the prosecutors",
        starts_at=stockholm(2027, 3, 23, 9),
        ends_at=stockholm(2027, 3, 23, 10, 30),
    )
    SessionFactory.create(
        visit=visit,
        venue=None,
        title="Visiting the police",
        starts_at=stockholm(2027, 3, 24, 13),
        ends_at=stockholm(2027, 3, 24, 14),
    )
    return visit


def times(title):
    session = Session.objects.get(title=title)
    return session.starts_at, session.ends_at


def open_board(page: Page, base: str, visit) -> None:
    sign_in(page, base)
    page.goto(f"{base}/plan/visits/{visit.pk}/")
    expect(page.locator("li.block")).to_have_count(2)
    page.locator(".board").evaluate("board => board.scrollIntoView()")  # the whole drag within the window


def per_minute(page: Page) -> float:
    grid = page.locator("section[data-day='2027-03-23'] .day-grid").bounding_box()
    minutes = int(page.locator(".board").get_attribute("data-minutes") or "0")
    assert grid is not None and minutes
    return grid["height"] / minutes


def test_a_session_is_dragged_to_another_day_and_time(visit, live_server, desktop: Page):
    open_board(desktop, live_server.url, visit)
    block = desktop.locator("li.block", has_text="Meeting the prosecutors")
    box = block.bounding_box()
    target = desktop.locator("section[data-day='2027-03-25'] .day-grid").bounding_box()
    assert box is not None and target is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    down = 4 * 60 * per_minute(desktop)  # four hours later: 13:00
    desktop.mouse.move(x, y)
    desktop.mouse.down()
    for step in range(1, 11):
        desktop.mouse.move(x + (target["x"] + target["width"] / 2 - x) * step / 10, y + down * step / 10)
    screenshot(desktop, "board-drag-in-flight")
    desktop.mouse.up()
    expect(desktop.locator("#board-live")).to_contain_text("moved to")
    assert times("Meeting the prosecutors") == (stockholm(2027, 3, 25, 13), stockholm(2027, 3, 25, 14, 30))
    moved = desktop.locator("section[data-day='2027-03-25'] li.block", has_text="Meeting the prosecutors")
    expect(moved).to_be_visible()
    expect(moved).to_be_focused()
    screenshot(desktop, "board-dragged")


def test_a_session_is_made_longer_by_its_lower_edge(visit, live_server, desktop: Page):
    open_board(desktop, live_server.url, visit)
    block = desktop.locator("li.block", has_text="Visiting the police")
    block.hover()
    handle = block.locator(".resize-handle").bounding_box()
    assert handle is not None
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    desktop.mouse.move(x, y)
    desktop.mouse.down()
    for step in range(1, 6):
        desktop.mouse.move(x, y + 30 * per_minute(desktop) * step / 5)
    desktop.mouse.up()
    expect(desktop.locator("#board-live")).to_contain_text("moved to")
    assert times("Visiting the police") == (stockholm(2027, 3, 24, 13), stockholm(2027, 3, 24, 14, 30))


def test_the_keyboard_way_and_undo(visit, live_server, desktop: Page):
    open_board(desktop, live_server.url, visit)
    block = desktop.locator("li.block", has_text="Meeting the prosecutors")
    block.focus()
    desktop.keyboard.press("Alt+ArrowDown")
    expect(desktop.locator("#board-live")).to_contain_text("09:15")
    assert times("Meeting the prosecutors")[0] == stockholm(2027, 3, 23, 9, 15)
    block = desktop.locator("li.block", has_text="Meeting the prosecutors")
    expect(block).to_be_focused()  # the focus stays on the session across the reload
    desktop.keyboard.press("Alt+ArrowRight")
    expect(desktop.locator("section[data-day='2027-03-24'] li.block", has_text="Meeting")).to_be_visible()
    desktop.keyboard.press("Alt+ArrowLeft")  # a day back, and not the browser's "back"
    expect(desktop.locator("section[data-day='2027-03-23'] li.block", has_text="Meeting")).to_be_focused()
    desktop.keyboard.press("Alt+ArrowRight")
    expect(desktop.locator("section[data-day='2027-03-24'] li.block", has_text="Meeting")).to_be_focused()
    desktop.keyboard.press("Alt+Shift+ArrowDown")
    expect(desktop.locator("#board-live")).to_contain_text("09:15–11:00")
    start, end = times("Meeting the prosecutors")
    assert (start, end - start) == (stockholm(2027, 3, 24, 9, 15), dt.timedelta(minutes=105))
    screenshot(desktop, "board-moved-by-keyboard")

    desktop.get_by_role("button", name=re.compile("^Undo: Move “Meeting the prosecutors”")).click()
    expect(desktop.locator(".messages")).to_contain_text("Undone")
    start, end = times("Meeting the prosecutors")
    assert (start, end - start) == (stockholm(2027, 3, 24, 9, 15), dt.timedelta(minutes=90))
    for _ in range(3):  # the second move right, the move left, the first move right
        desktop.get_by_role("button", name=re.compile("^Undo: ")).click()
        expect(desktop.locator(".messages")).to_contain_text("Undone")
    desktop.get_by_role("button", name=re.compile("^Undo: ")).click()  # the first move down
    expect(desktop.get_by_role("button", name=re.compile("^Undo: "))).to_have_count(0)
    assert times("Meeting the prosecutors") == (stockholm(2027, 3, 23, 9), stockholm(2027, 3, 23, 10, 30))
    screenshot(desktop, "board-undone")


def test_selected_sessions_are_shifted_together(visit, live_server, desktop: Page):
    open_board(desktop, live_server.url, visit)
    desktop.get_by_label("Select “Meeting the prosecutors”").check()
    desktop.get_by_label("Select “Visiting the police”").check()
    form = desktop.locator("#bulk-form")
    form.get_by_label("Action").select_option("shift")
    form.get_by_label("Minutes").fill("30")
    expect(form.get_by_label("Venue")).to_be_hidden()
    screenshot(desktop, "board-bulk-selected")
    form.get_by_role("button", name="Apply to the selected").click()
    expect(desktop.locator(".messages")).to_contain_text("2 sessions changed")
    assert times("Meeting the prosecutors")[0] == stockholm(2027, 3, 23, 9, 30)
    assert times("Visiting the police")[0] == stockholm(2027, 3, 24, 13, 30)
    expect(desktop.get_by_role("button", name=re.compile("^Undo: Shift 2 sessions"))).to_be_visible()
    screenshot(desktop, "board-bulk-shifted")


def test_cancelling_asks_first_and_the_message_offers_undo(visit, live_server, desktop: Page):
    open_board(desktop, live_server.url, visit)
    block = desktop.locator("li.block", has_text="Visiting the police")
    block.focus()
    block.get_by_role("link", name="Cancel").click()
    expect(desktop.get_by_role("heading", name="Cancel this session?")).to_be_visible()
    expect(desktop.locator("main")).to_contain_text("Visiting the police")
    screenshot(desktop, "board-cancel-asks-first")
    desktop.get_by_role("button", name="Yes, cancel the session").click()
    message = desktop.locator(".messages li", has_text="is cancelled")
    expect(message).to_be_visible()
    assert Session.objects.get(title="Visiting the police").status == Session.Status.CANCELLED
    screenshot(desktop, "board-cancelled-with-undo")
    message.get_by_role("button", name="Undo").click()
    expect(desktop.locator(".messages")).to_contain_text("Undone")
    assert Session.objects.get(title="Visiting the police").status == Session.Status.TENTATIVE
