"""A participant answers the survey on a phone, in a real browser: the link from the e-mail opens the form,
a missing answer is refused naming its question, and the answers are recorded once."""

import pytest
from django.utils import timezone

from evaluations.models import SurveyAnswer, SurveyRecipient, SurveyResponse
from evaluations.services import surveys_send
from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_content_security_policy import LISTEN, violations
from tests.evaluations.conftest import default_questions, ended, survey_path  # noqa: F401
from tests.responses.conftest import deliver_due

pytestmark = pytest.mark.django_db(transaction=True)

USEFUL = "How useful was the programme for your work?"
TAKE_HOME = "What will you take home and use in your own work?"


def test_a_participant_answers_the_survey_from_a_phone(mail, ended, live_server, phone):  # noqa: F811
    surveys_send(today=ended.visit.ends_on + timezone.timedelta(days=1), now=timezone.now())
    deliver_due()
    (received,) = [r for r in mail.handler.received if r.rcpt_tos == [ended.ilze.email]]
    console: list[str] = []
    phone.on("console", lambda message: console.append(message.text))
    phone.add_init_script(LISTEN)
    phone.goto(live_server.url + survey_path(received.raw))
    assert phone.get_by_role("heading", level=1).inner_text() == f"How was {ended.visit.title}?"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not SurveyResponse.objects.exists()  # opening it changed nothing
    # Sent without the required rating: refused, naming the question.
    phone.get_by_label(TAKE_HOME).fill("The joint interviews with the police.")
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_load_state()
    assert f"“{USEFUL}”" in phone.get_by_role("alert").first.inner_text()
    assert not SurveyResponse.objects.exists()
    # The text typed is still there; choose a rating and send.
    assert phone.get_by_label(TAKE_HOME).input_value() == "The joint interviews with the police."
    rating = phone.locator("fieldset", has_text=USEFUL).get_by_label("4")
    box = rating.locator("xpath=..").bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb-sized choice
    rating.check()
    screenshot(phone, "survey-phone")
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_load_state()
    assert "Thank you" in phone.content()
    assert violations(phone, console) == []  # the page runs under the site's Content-Security-Policy
    (response,) = SurveyResponse.objects.all()
    assert response.recipient is None  # anonymous
    assert {(a.rating, a.text) for a in SurveyAnswer.objects.all()} == {
        (None, "The joint interviews with the police."),
        (4, ""),
    }
    assert SurveyRecipient.objects.get(person=ended.ilze).answered_on is not None
    # The link again: the thanks, not the form (anonymous answers cannot be changed).
    phone.goto(live_server.url + survey_path(received.raw))
    assert phone.get_by_role("button", name="Send my answers").count() == 0
    assert "Your answers about" in phone.content()
