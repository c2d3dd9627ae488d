"""A coordinator reads a grouped conflict list and fixes it with one press: a delegation of twelve in two
sessions at once is one line on the board, in the session's live panel and on the publish page, and its
"Move …" button moves the later session after the earlier one and the journey."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import coordinator_named, screenshot, sign_in
from tests.factories import DelegationMemberFactory, SessionFactory, VenueFactory, VisitFactory, stockholm
from visits.models import Session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clash():
    coordinator = coordinator_named("maria")
    visit = VisitFactory.create(title="Moldovan prosecutors' visit")
    visit.coordinators.add(coordinator)
    for _ in range(12):
        DelegationMemberFactory.create(delegation=visit.delegation)
    briefing = SessionFactory.create(
        visit=visit,
        title="Briefing at the Police",
        starts_at=stockholm(2027, 3, 23, 9),
        ends_at=stockholm(2027, 3, 23, 11, 30),
        venue=VenueFactory.create(name="Police HQ", city="Stockholm"),
    )
    shelter = SessionFactory.create(
        visit=visit,
        title="Shelter visit",
        starts_at=stockholm(2027, 3, 23, 10),
        ends_at=stockholm(2027, 3, 23, 11),
        venue=VenueFactory.create(name="Shelter", city="Stockholm"),
    )
    return visit, briefing, shelter


def test_a_grouped_conflict_list_and_its_fix_button(clash, live_server, desktop: Page):
    visit, briefing, shelter = clash
    sign_in(desktop, live_server.url)
    desktop.goto(f"{live_server.url}/plan/visits/{visit.pk}/")
    lines = desktop.locator("section.conflicts .conflict-list > li")
    expect(lines).to_have_count(1)  # not twelve, and not once per session it touches
    line = lines.first
    expect(line).to_contain_text("The whole delegation (12) is in two sessions at once")
    expect(line.locator(".badge-fatal")).to_be_visible()
    button = line.get_by_role("button", name="Move “Shelter visit” to 11:50, after the journey")
    expect(button).to_be_visible()
    line.scroll_into_view_if_needed()
    screenshot(desktop, "conflict-list-grouped")

    # The live panel of the session form says it once too.
    desktop.goto(f"{live_server.url}/plan/sessions/{briefing.pk}/edit/")
    expect(desktop.locator("#conflicts .conflict-list > li")).to_have_count(1)
    expect(desktop.locator("#conflicts")).to_contain_text("The whole delegation (12)")

    desktop.goto(f"{live_server.url}/plan/visits/{visit.pk}/")
    desktop.get_by_role("button", name=re.compile("Move “Shelter visit”")).click()
    expect(desktop).to_have_url(re.compile(rf"/plan/sessions/{shelter.pk}/edit/$"))
    expect(desktop.get_by_text("“Shelter visit” is saved.")).to_be_visible()
    expect(desktop.locator("#conflicts")).to_contain_text("No conflicts.")
    screenshot(desktop, "conflict-list-fixed")
    shelter = Session.objects.get(pk=shelter.pk)
    assert (shelter.starts_at, shelter.ends_at) == (
        stockholm(2027, 3, 23, 11, 50),
        stockholm(2027, 3, 23, 12, 50),
    )

    desktop.goto(f"{live_server.url}/plan/visits/{visit.pk}/")
    expect(desktop.locator("section.conflicts")).to_have_count(0)
