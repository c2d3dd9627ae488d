"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium, installed by .ci/run), headless,
against Django's live server. Screenshots go to tests/artifacts/ (kept out of git)."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django then refuses database access from it
# unless told that this test code is not async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import re

from django.contrib.auth.models import User
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect, sync_playwright

from tests.factories import UserFactory
from tests.notifications.conftest import programme  # noqa: F401 (fixtures the browser tests share)
from tests.responses.conftest import lead, smtp  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: install Debian's chromium package (.ci/run does).")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def mail(smtp, settings):  # noqa: F811
    """The test's SMTP server, with messages sent when a transaction commits (Celery eager, as in the embedded
    default): the browser tests run against a live server, in real transactions."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True  # restored after the test (tests/conftest.py)
    return smtp


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


PASSWORD = "a long passphrase for the test"


def coordinator_named(username: str, **fields: object) -> User:
    """A coordinator (staff) who signs in with PASSWORD."""
    user: User = UserFactory.create(username=username, is_staff=True, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page: Page, base: str, username: str = "maria") -> None:
    page.goto(base + "/plan/")
    page.get_by_label(re.compile("Username", re.I)).fill(username)
    page.get_by_label(re.compile("Password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    expect(page.get_by_role("heading", name="Upcoming visits")).to_be_visible()


def pick(
    page: Page, label: str | re.Pattern[str] | Locator, option: str, *, typed: str | None = None
) -> None:
    """Choose `option` in a searchable picker (visits/static/visits/pickers.js), named by its label or given
    as its box: type into it (`typed`, or the option's own words) until it is the first match, and take it
    with Enter, as a keyboard user does. A text label is matched exactly."""
    if isinstance(label, Locator):
        box = label
    else:
        box = page.get_by_role("combobox", name=label, exact=isinstance(label, str))
    box.focus()  # the input itself may be a sliver beside a chosen item: focus it, not a click
    page.keyboard.type(typed if typed is not None else option)
    # The first match: the option, or one that begins with it ("Eva Lind" is "Eva Lind (Polisen)").
    first = page.locator(".ts-dropdown:visible .option.active")
    expect(first).to_have_text(re.compile("^" + re.escape(option)))
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # a picker of many stays open for more
    box.blur()  # done with it, as a person moving on: the picker closes before the next one opens
