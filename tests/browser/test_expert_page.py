"""An expert answers on a phone, in a real browser: the link from the e-mail the SMTP server received
opens the page, the buttons POST with the browser's own CSRF cookie and Origin header, and the answer is
recorded."""

import pytest
from django.conf import settings

from responses.models import ExpertAnswer
from tests.browser.conftest import PHONE, screenshot
from tests.responses.conftest import answer_link, expert_row
from visits.models import SessionExpert

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_expert_confirms_from_a_phone(mail, lead, live_server, phone):
    (invitation,) = [r for r in mail.handler.received if r.rcpt_tos == [lead.expert.email]]
    path = answer_link(invitation.raw)
    phone.goto(live_server.url + path)
    assert phone.get_by_role("heading", level=1).inner_text().startswith("Can you lead this session")
    assert phone.get_by_text("Polishuset").first.is_visible()
    # Nothing is wider than the phone: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    confirm = phone.get_by_role("button", name="Confirm")
    box = confirm.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb-sized button
    screenshot(phone, "expert-answer-page-phone")
    assert expert_row(lead).response == SessionExpert.Response.INVITED  # opening it changed nothing
    confirm.click()
    phone.wait_for_load_state()
    assert "Your answer is recorded" in phone.content()
    assert expert_row(lead).response == SessionExpert.Response.CONFIRMED
    assert ExpertAnswer.objects.get().channel == "link"
    screenshot(phone, "expert-answer-recorded-phone")


def test_an_expert_proposes_other_times_with_the_keyboard(mail, lead, live_server, phone):
    (invitation,) = [r for r in mail.handler.received if r.rcpt_tos == [lead.expert.email]]
    phone.goto(live_server.url + answer_link(invitation.raw))
    phone.get_by_text("Propose another time").click()
    phone.get_by_label("Date").first.fill("2027-03-24")
    phone.get_by_label("From").first.fill("13:00")
    phone.get_by_label("To", exact=True).first.fill("14:00")
    phone.get_by_role("button", name="Propose these times").press("Enter")
    phone.wait_for_load_state()
    assert expert_row(lead).response == SessionExpert.Response.PROPOSED
    assert settings.SITE_URL  # links in e-mails are absolute; the browser followed the path
