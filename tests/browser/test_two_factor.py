"""In Chromium, with two-factor sign-in required: a coordinator without an app is taken from the planner to
set one up (the QR code drawn, the key shown), confirms it with the app's code, is shown the recovery codes,
and signs in the next time with one of them; no page reports a Content-Security-Policy violation."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, coordinator_named, screenshot
from tests.browser.test_content_security_policy import LISTEN, violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_setting_up_an_app_and_signing_in_with_a_recovery_code(live_server, desktop: Page, settings):
    settings.REQUIRE_TWO_FACTOR = True
    coordinator_named("maria")
    console: list[str] = []
    desktop.on("console", lambda message: console.append(message.text))
    desktop.add_init_script(f"({LISTEN})()")
    base = live_server.url

    desktop.goto(base + "/plan/")
    desktop.get_by_label("Username").fill("maria")
    desktop.get_by_label("Password").fill(PASSWORD)
    desktop.get_by_role("button", name="Sign in").click()
    expect(desktop.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    qr = desktop.locator(".qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] > 100  # drawn, at a size a phone can scan
    screenshot(desktop, "two-factor-setup")
    assert violations(desktop, console) == []

    key = b32decode(desktop.locator(".secret").inner_text().replace(" ", ""))
    desktop.get_by_role("textbox", name="Code").fill(f"{totp(key):06d}")
    desktop.get_by_role("button", name="Confirm").click()
    expect(desktop.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = desktop.locator("ol.codes li").all_inner_texts()
    assert len(codes) == 10
    assert violations(desktop, console) == []
    desktop.get_by_role("link", name=re.compile("continue")).click()
    expect(desktop.get_by_role("heading", name="Upcoming visits")).to_be_visible()

    desktop.get_by_role("button", name="Sign out").click()
    desktop.goto(base + "/plan/")
    desktop.get_by_label("Username").fill("maria")
    desktop.get_by_label("Password").fill(PASSWORD)
    desktop.get_by_role("button", name="Sign in").click()
    expect(desktop.get_by_role("heading", name="Enter your code")).to_be_visible()
    desktop.get_by_role("textbox", name="Code").fill(codes[0])
    desktop.get_by_role("button", name="Sign in").click()
    expect(desktop.get_by_role("heading", name="Upcoming visits")).to_be_visible()
    assert violations(desktop, console) == []
