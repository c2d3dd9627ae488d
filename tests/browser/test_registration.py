"""Registering for a seminar abroad in a real browser, on a phone: the public form with the browser's own CSRF
cookie, its errors by field, a double click that registers once; the confirmation's cancel link opened and
pressed; and the check-in list ticked on the day."""

import re

import pytest
from playwright.sync_api import Page, expect

from registration.models import Registration
from tests.browser.conftest import PHONE, coordinator_named, screenshot, sign_in
from tests.registration.conftest import Seminar
from tests.registration.conftest import seminar as seminar  # a fixture, shared

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https?://[^\s\"'<>\\]+")


def fill_form(page: Page, *, name: str = "Daina Kalnina-Test") -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail").fill("daina.kalnina@ngo.example.org")
    page.get_by_label("Organisation").fill("Centre for Safe Migration")
    page.get_by_label("Your role or title").fill("Social worker")
    page.get_by_label("Sector").select_option("ngos")
    page.get_by_label("Vegetarian").check()
    page.get_by_label("Interpreting into").select_option("lt")
    page.get_by_label(re.compile("I agree that the organisers keep")).check()


def test_registering_on_a_phone_with_a_mistake_then_a_double_click(
    mail,
    seminar: Seminar,
    live_server,
    phone,
):
    phone.goto(live_server.url + seminar.url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Seminar in Vilnius")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The trap for robots is not for people: out of sight and out of the tab order.
    assert (
        not phone.locator("#id_website").is_visible() or phone.locator("#id_website").bounding_box()["x"] < 0
    )
    fill_form(phone, name=" ")
    phone.get_by_label("E-mail").fill("not an address")
    phone.get_by_role("button", name="Register").click()
    phone.wait_for_load_state()
    expect(phone.locator("#field-name .errorlist")).to_be_visible()
    expect(phone.locator("#field-email .errorlist")).to_contain_text("valid email")
    assert not Registration.objects.exists()
    screenshot(phone, "registration-errors-phone")
    phone.get_by_label("Your name").fill("Daina Kalnina-Test")
    phone.get_by_label("E-mail").fill("daina.kalnina@ngo.example.org")
    phone.get_by_role("button", name="Register").dblclick()
    phone.wait_for_load_state()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert Registration.objects.count() == 1
    registration = Registration.objects.get()
    assert registration.status == "confirmed" and registration.person.name == "Daina Kalnina-Test"
    # The confirmation came over SMTP; its cancel link, opened, asks first.
    (confirmation,) = [r for r in mail.handler.received if r.rcpt_tos == ["daina.kalnina@ngo.example.org"]]
    text = confirmation.message.get_body(("plain",)).get_content()
    cancel = next(link for link in LINK.findall(text) if "/registration/cancel/" in link)
    phone.goto(live_server.url + "/" + cancel.split("://", 1)[1].split("/", 1)[1])
    expect(phone.get_by_role("heading", level=1)).to_have_text("Cancel your registration")
    assert Registration.objects.get().status == "confirmed"
    phone.get_by_role("button", name="Yes, cancel my registration").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your registration is cancelled")
    assert Registration.objects.get().status == "cancelled"


def test_checking_in_on_a_phone(mail, seminar: Seminar, live_server, phone, client):
    client.post(
        seminar.url,
        {
            "name": "Arvis Liepa-Test",
            "email": "arvis.liepa@police.example.org",
            "organisation": "State Police",
            "sector": "justice",
            "consent": "on",
        },
        REMOTE_ADDR="192.0.2.55",
    )
    coordinator = coordinator_named("ilona")
    seminar.visit.coordinators.add(coordinator)
    sign_in(phone, live_server.url, "ilona")
    phone.goto(live_server.url + f"/plan/visits/{seminar.visit.pk}/registration/check-in/")
    expect(phone.get_by_text("0 of 1 present.")).to_be_visible()
    assert phone.locator("img[src^='data:image/svg+xml']").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tick = phone.get_by_role("button", name="Tick")
    box = tick.bounding_box()
    assert box is not None and box["height"] >= 44
    tick.click()
    expect(phone.get_by_text("1 of 1 present.")).to_be_visible()
    assert Registration.objects.get().checked_in_at is not None
    screenshot(phone, "registration-check-in-phone")
