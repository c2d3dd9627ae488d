"""Asking for a study visit in a real browser, signed out: from the sign-in page to the public form, in
Swedish; a missing answer is shown beside its field; the request is saved and its acknowledgement arrives by
e-mail in Swedish; the honeypot is out of sight and the page's style breaks no content-security rule. Then a
coordinator finds it in the planner's inbox and accepts it."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from playwright.sync_api import Page, expect

from intake.models import RequestStatus, VisitRequest
from tests.browser.conftest import coordinator_named, screenshot, sign_in
from tests.factories import ThemeFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN = """() => {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
  });
}"""


def test_an_embassy_asks_for_a_study_visit_and_a_coordinator_accepts_it(live_server, desktop: Page, mail):
    caches["throttle"].clear()
    ThemeFactory.create(slug="trafficking", name_en="Trafficking", name_sv="Människohandel")
    page = desktop
    page.add_init_script(f"({LISTEN})()")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Ask for a study visit in Sweden").click()
    expect(page.get_by_role("heading", name="Ask for a study visit in Sweden")).to_be_visible()
    page.select_option("#language-switch", "sv")
    expect(page.get_by_role("heading", name="Be om ett studiebesök i Sverige")).to_be_visible()

    first = timezone.localdate() + dt.timedelta(days=120)
    page.fill("#id_organisation", "Fictional Embassy of Latvia")
    page.select_option("#id_country", "LV")
    page.get_by_label("Rättsväsendet").check()
    page.get_by_label("Människohandel").check()
    page.fill("#id_starts_on", first.isoformat())
    page.fill("#id_ends_on", (first + dt.timedelta(days=2)).isoformat())
    page.fill("#id_group_size", "7")
    page.select_option("#id_languages", ["lv", "en"])
    page.fill("#id_contact_name", "Ilze Testa")
    page.fill("#id_contact_email", "ilze.testa@example.org")
    # The honeypot is out of sight and out of the keyboard's way.
    box = page.locator("#id_website").bounding_box()
    assert box is not None and box["x"] < 0
    assert page.locator("#id_website").get_attribute("tabindex") == "-1"
    # Without consent: the page says which field, and nothing is saved.
    page.get_by_role("button", name="Skicka förfrågan").click()
    expect(page.locator("#id_consent_errors")).to_contain_text("Jag samtycker")
    assert not VisitRequest.objects.exists()
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Skicka förfrågan").click()
    expect(page.get_by_role("heading", name="Tack")).to_be_visible()
    screenshot(page, "request-visit-thanks")
    assert page.evaluate("() => window.__violations") == []

    visit_request = VisitRequest.objects.get()
    assert (visit_request.language, visit_request.group_size) == ("sv", 7)
    assert sorted(visit_request.languages) == ["en", "lv"]  # in the order the list offers them
    # The requester's acknowledgement, and the notice to the coordinators' mailbox.
    to_requester = [r for r in mail.handler.received if r.message["To"] == visit_request.contact_email]
    to_mailbox = [r for r in mail.handler.received if r.message["To"] == settings.ORGANIZER_EMAIL]
    assert len(to_requester) == 1 and len(to_mailbox) == 1
    assert "Vi har tagit emot" in to_requester[0].message["Subject"]
    assert "Fictional Embassy of Latvia" in to_mailbox[0].message["Subject"]

    coordinator_named("maria")
    page.context.clear_cookies()
    sign_in(page, live_server.url)
    page.get_by_role("link", name="Visit requests").click()
    page.get_by_role("link", name="Fictional Embassy of Latvia").click()
    page.get_by_label("Decision").select_option("accept")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name=re.compile("Fictional Embassy of Latvia"))).to_be_visible()
    visit_request.refresh_from_db()
    assert visit_request.status == RequestStatus.ACCEPTED
    assert Visit.objects.get().starts_on == first
    assert len(mail.handler.received) == 3
