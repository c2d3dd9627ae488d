"""Finding things in a real browser: the coordinator types part of an expert's name, without its accent, into
the session form's experts' picker and chooses her (delegates are not offered); then finds the session and the
expert again from the header's search."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import coordinator_named, pick, screenshot, sign_in
from tests.factories import DelegationMemberFactory, OrganisationFactory, PersonFactory, VisitFactory
from visits.models import SessionExpert
from visits.roles import coordinators_group

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN = """() => {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
  });
}"""


@pytest.fixture
def visit():
    maria = coordinator_named("maria")
    maria.groups.add(coordinators_group())
    visit = VisitFactory.create(title="Riga police visit", delegation__name="Latvian State Police")
    visit.coordinators.add(maria)
    visit.delegation.coordinators.add(maria)
    police = OrganisationFactory.create(name="Polismyndigheten")
    PersonFactory.create(name="Eva Östlund", organisation=police)
    PersonFactory.create(name="Erik Öberg", organisation=police)
    DelegationMemberFactory.create(delegation=visit.delegation, person__name="Ana Östlund-Rusu")
    return visit


def test_a_coordinator_picks_an_expert_by_typing_and_finds_things_from_the_header(
    visit, live_server, desktop
):
    page: Page = desktop
    page.add_init_script(f"({LISTEN})()")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/plan/visits/{visit.pk}/sessions/new/")
    page.get_by_label("Title").fill("Meeting the police")
    page.get_by_label(re.compile("^Starts")).fill("2027-03-23T09:00")
    page.get_by_label(re.compile("^Ends")).fill("2027-03-23T10:30")

    experts = page.get_by_role("combobox", name=re.compile("^Experts"))
    experts.click()
    with page.expect_response(re.compile(r"/people\.json\?kind=experts&q=ostl")) as asked:
        experts.press_sequentially("ostl")
    assert asked.value.ok
    offered = page.locator(".ts-dropdown").get_by_role("option")
    # The expert without her accent; the delegate of the same name is no expert and not offered.
    expect(offered).to_have_text(["Eva Östlund (Polismyndigheten)"])
    screenshot(page, "finding-expert-picker")
    offered.first.click()
    page.keyboard.press("Escape")
    expect(page.locator(".ts-wrapper.multi .item")).to_have_text([re.compile("^Eva Östlund")])

    pick(page, "Language:", "Swedish", typed="swed")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“Meeting the police” is saved")).to_be_visible()
    expert = SessionExpert.objects.get(session__visit=visit)
    assert expert.person.name == "Eva Östlund"
    assert expert.session.language == "sv"

    search = page.get_by_role("banner").get_by_role("searchbox")
    search.fill("ÖSTLUND")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Search results for “ÖSTLUND”")).to_be_visible()
    people = page.get_by_role("region", name="People")
    expect(people.get_by_role("link")).to_have_text(["Ana Östlund-Rusu", "Eva Östlund"])
    screenshot(page, "finding-header-search")

    page.get_by_role("searchbox", name="Search visits, sessions, people and organisations").first.fill(
        "police"
    )
    page.keyboard.press("Enter")
    page.get_by_role("region", name="Sessions").get_by_role("link", name="Meeting the police").click()
    expect(page.get_by_role("heading", name="Edit “Meeting the police”")).to_be_visible()
    assert page.evaluate("() => window.__violations") == []

    # In Swedish: the picker says when nothing matches, and the search page speaks Swedish.
    page.select_option("#language-switch", "sv")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    experts = page.get_by_role("combobox", name=re.compile("^Experter"))
    experts.click()
    experts.press_sequentially("rusu")  # a delegate: no expert
    expect(page.locator(".ts-dropdown:visible .no-results")).to_have_text("Inga träffar.")
    screenshot(page, "finding-expert-picker-sv")
    page.keyboard.press("Escape")
    search = page.get_by_role("banner").get_by_role("searchbox")
    search.fill("ostlund")
    search.press("Enter")
    expect(page.get_by_role("heading", name="Sökresultat för ”ostlund”")).to_be_visible()
    expect(page.get_by_role("region", name="Personer").get_by_role("link")).to_have_count(2)
    screenshot(page, "finding-header-search-sv")
    assert page.evaluate("() => window.__violations") == []
