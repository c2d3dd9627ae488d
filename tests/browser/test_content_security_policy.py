"""In Chromium, under the site's Content-Security-Policy, the sign-in page, the planner board, the session
form, the admin and the API's documentation load and run with no violation reported."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import coordinator_named, sign_in
from tests.factories import SessionExpertFactory, SessionFactory, VenueFactory, VisitFactory, stockholm

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN = """() => {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
  });
}"""


def violations(page: Page, console: list[str]) -> list[str]:
    reported = page.evaluate("() => window.__violations || []")
    return [*reported, *[line for line in console if "Content Security Policy" in line]]


@pytest.fixture
def session():
    visit = VisitFactory.create(title="Riga police visit")
    visit.coordinators.add(coordinator_named("maria", is_superuser=True))
    session = SessionFactory.create(
        visit=visit,
        venue=VenueFactory.create(name="Polishuset"),
        title="Police cooperation",
        starts_at=stockholm(2027, 3, 23, 9),
        ends_at=stockholm(2027, 3, 23, 10),
    )
    SessionExpertFactory.create(session=session)
    return session


def test_pages_load_with_no_policy_violation(session, live_server, desktop: Page):
    console: list[str] = []
    desktop.on("console", lambda message: console.append(message.text))
    desktop.add_init_script(f"({LISTEN})()")
    base = live_server.url

    desktop.goto(base + "/accounts/login/")
    expect(desktop.get_by_role("heading", name="Sign in")).to_be_visible()
    assert violations(desktop, console) == []

    sign_in(desktop, base)
    desktop.goto(f"{base}/plan/visits/{session.visit.pk}/")
    block = desktop.locator(f"#session-{session.pk}")
    expect(block).to_be_visible()
    # Placed by the nonce'd stylesheet: an hour from 09:00 is as tall as an hour, not collapsed.
    box = block.bounding_box()
    assert box is not None and box["height"] > 40
    assert violations(desktop, console) == []

    desktop.goto(f"{base}/plan/sessions/{session.pk}/edit/")
    expect(desktop.locator("form").first).to_be_visible()
    assert violations(desktop, console) == []

    # The language switch is a script with the nonce: choosing Svenska submits the form.
    desktop.select_option("#language-switch", "sv")
    expect(desktop.locator("html")).to_have_attribute("lang", "sv")
    desktop.select_option("#language-switch", "en")
    expect(desktop.locator("html")).to_have_attribute("lang", "en")
    assert violations(desktop, console) == []

    desktop.goto(f"{base}/admin/visits/session/{session.pk}/change/")
    expect(desktop.locator("#content")).to_be_visible()
    assert violations(desktop, console) == []


def test_the_api_docs_run_with_no_policy_violation(live_server, desktop: Page):
    console: list[str] = []
    desktop.on("console", lambda message: console.append(message.text))
    desktop.add_init_script(f"({LISTEN})()")

    desktop.goto(live_server.url + "/api/v1/docs/")
    expect(desktop.get_by_text("Visitplan API").first).to_be_visible(timeout=20_000)
    expect(desktop.locator(".opblock").first).to_be_visible()
    assert violations(desktop, console) == []

    desktop.goto(live_server.url + "/api/v1/redoc/")
    expect(desktop.get_by_role("heading", name="Visitplan API").first).to_be_visible(timeout=20_000)
    assert violations(desktop, console) == []
