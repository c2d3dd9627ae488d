"""The session form's people in a real browser: the chosen members appear when attendance is "chosen", and the
live check counts an interpreter as the coordinator books them."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import coordinator_named, pick, screenshot, sign_in
from tests.factories import (
    DelegationMemberFactory,
    PersonFactory,
    SessionFactory,
    SessionInterpreterFactory,
    VisitFactory,
    stockholm,
)
from visits.models import ChosenMember, SessionInterpreter

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def visit():
    """Maria's visit, whose delegation has two members; an interpreter already booked elsewhere at 09:30."""
    coordinator = coordinator_named("maria")
    visit = VisitFactory.create(title="Riga police visit", delegation__languages=["lv"])
    visit.coordinators.add(coordinator)
    DelegationMemberFactory.create(delegation=visit.delegation, person__name="Ana Rusu")
    DelegationMemberFactory.create(delegation=visit.delegation, person__name="Ion Popa")
    elsewhere = SessionFactory.create(
        title="Elsewhere", starts_at=stockholm(2027, 3, 22, 9, 30), ends_at=stockholm(2027, 3, 22, 11)
    )
    SessionInterpreterFactory.create(session=elsewhere, person__name="Anna Berg")
    PersonFactory.create(name="Oleg Ivanov")
    return visit


def test_a_coordinator_books_an_interpreter_and_chooses_who_attends(visit, live_server, desktop: Page):
    page = desktop
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/plan/visits/{visit.pk}/sessions/new/")
    page.get_by_label("Title").fill("Meeting the prosecutors")
    page.get_by_label(re.compile("^Starts")).fill("2027-03-22T09:00")
    page.get_by_label(re.compile("^Ends")).fill("2027-03-22T10:30")
    pick(page, "Language:", "Swedish", typed="swed")
    pick(page, "Interpretation into:", "Latvian", typed="latv")

    members = page.get_by_role("combobox", name="Chosen members:")
    expect(members).to_be_hidden()  # the whole delegation attends
    page.get_by_label(re.compile("^Attendance")).select_option(value="chosen")
    expect(members).to_be_visible()
    pick(page, "Chosen members:", "Ana Rusu (Member)", typed="rusu")

    conflicts = page.locator("#conflicts")
    interpreter = page.get_by_role("combobox", name="Interpreter:").first
    pick(page, interpreter, "Anna Berg", typed="anna")
    # The session she interprets at is of a visit the coordinator does not coordinate: free/busy.
    expect(conflicts).to_contain_text("Anna Berg is busy then (another visit)", timeout=10_000)
    pick(page, interpreter, "Oleg Ivanov", typed="oleg")
    expect(conflicts).not_to_contain_text("busy then", timeout=10_000)
    screenshot(page, "session-form-people")

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Meeting the prosecutors").first).to_be_visible()
    booking = SessionInterpreter.objects.get(session__visit=visit)
    assert (booking.person.name, booking.languages) == ("Oleg Ivanov", ["sv", "lv"])
    attendees = ChosenMember.objects.filter(session__visit=visit)
    assert [attendee.member.person.name for attendee in attendees] == ["Ana Rusu"]
