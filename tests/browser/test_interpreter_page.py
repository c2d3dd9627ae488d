"""An interpreter answers on a phone, in a real browser: the link from the invitation the SMTP server received
opens their page; declining with a reason is recorded and the session's language is uncovered again."""

import pytest

from responses.models import InterpreterAnswer
from scheduling.checks import session_conflicts
from scheduling.conflicts import ConflictKind
from tests.browser.conftest import PHONE, screenshot
from tests.responses.conftest import links_in, path_of
from visits.models import Session, SessionInterpreter

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_interpreter_declines_from_a_phone(mail, lead, live_server, phone):
    Session.objects.filter(pk=lead.morning.pk).update(language="sv")  # the delegation's is not Swedish
    (invitation,) = [r for r in mail.handler.received if r.rcpt_tos == [lead.interpreter.email]]
    (url,) = [u for u in links_in(invitation.raw) if "/t/" in u]
    phone.goto(live_server.url + path_of(url))
    assert phone.get_by_role("heading", level=1).inner_text().startswith("Can you interpret this session")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "interpreter-answer-page-phone")
    phone.get_by_label("Reason (optional)").fill("Booked elsewhere that morning.")
    phone.get_by_role("button", name="Decline").click()
    phone.wait_for_load_state()
    assert "Your answer is recorded" in phone.content()
    row = SessionInterpreter.objects.get(session=lead.morning, person=lead.interpreter)
    assert row.response == "declined" and row.note == "Booked elsewhere that morning."
    assert InterpreterAnswer.objects.get().channel == "link"
    screenshot(phone, "interpreter-answer-recorded-phone")
    lead.morning.refresh_from_db()
    assert "sv" not in lead.visit.delegation.languages
    assert ConflictKind.LANGUAGE_WITHOUT_INTERPRETER in [c.kind for c in session_conflicts(lead.morning)]
