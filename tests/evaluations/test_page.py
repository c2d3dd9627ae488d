"""The survey link: opening it changes nothing; posting records one response per person, anonymous or
named as the agency set it; bad input is a 400 naming the question; an expired or unknown link says so."""

import datetime as dt

import pytest
from django.test import Client

from evaluations.forms import field_name
from evaluations.models import EvaluationSettings, Question, SurveyAnswer, SurveyRecipient, SurveyResponse
from evaluations.services import surveys_send
from tests.evaluations.conftest import DAY_AFTER, later, recipient_of

pytestmark = pytest.mark.django_db

USEFUL = "How useful was the programme for your work?"
TAKE_HOME = "What will you take home and use in your own work?"


def question(text: str) -> Question:
    return Question.objects.get(text_en=text)


def url(recipient: SurveyRecipient) -> str:
    return f"/s/{recipient.token}/"


def good_answers(rating: str = "4", text: str = "The referral routines.") -> dict[str, str]:
    return {field_name(question(USEFUL)): rating, field_name(question(TAKE_HOME)): text}


@pytest.fixture
def sent(ended):
    with later(DAY_AFTER):
        surveys_send(today=DAY_AFTER.date())
    return ended


@pytest.fixture
def named(ended):
    EvaluationSettings.objects.update(anonymous=False)
    with later(DAY_AFTER):
        surveys_send(today=DAY_AFTER.date())
    return ended


def post(client: Client, recipient: SurveyRecipient, data: dict[str, str], when=DAY_AFTER):
    with later(when + dt.timedelta(hours=2)):
        return client.post(url(recipient), data)


def test_opening_the_link_shows_the_questions_and_changes_nothing(sent):
    recipient = recipient_of(sent.ilze)
    client = Client()
    with later(DAY_AFTER + dt.timedelta(hours=1)):
        for _ in range(3):  # a mail scanner, a preview, the person
            response = client.get(url(recipient))
            assert response.status_code == 200
    assert USEFUL in response.content.decode()
    assert response["Cache-Control"].startswith("private") or "private" in response["Cache-Control"]
    recipient.refresh_from_db()
    assert recipient.answered_on is None
    assert not SurveyResponse.objects.exists()


def test_the_page_is_in_the_persons_language_with_the_agencys_translations(sent):
    question(USEFUL).__class__.objects.filter(text_en=USEFUL).update(
        translations={"ru": "Насколько полезной была программа для вашей работы?"}
    )
    with later(DAY_AFTER):
        oleg = Client().get(url(recipient_of(sent.oleg))).content.decode()
        sara = Client().get(url(recipient_of(sent.sara))).content.decode()
    assert "Насколько полезной была программа" in oleg
    assert TAKE_HOME in oleg  # not translated into Russian: English
    assert "Hur användbart var programmet för ditt arbete?" in sara
    assert "Skicka mina svar" in sara


def test_an_anonymous_answer_is_kept_without_the_person_and_cannot_be_given_twice(sent):
    recipient = recipient_of(sent.ilze)
    client = Client()
    response = post(client, recipient, good_answers())
    assert response.status_code == 302
    (saved,) = SurveyResponse.objects.all()
    assert saved.recipient is None
    assert saved.survey.visit == sent.visit
    assert {(a.question.text_en, a.rating, a.text) for a in saved.answers.all()} == {
        (USEFUL, 4, ""),
        (TAKE_HOME, None, "The referral routines."),
    }
    recipient.refresh_from_db()
    assert recipient.answered_on == DAY_AFTER.date()
    # Twice: refused, saying why; nothing changes.
    again = post(client, recipient, good_answers(rating="1"))
    assert again.status_code == 409
    assert "cannot be changed" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert SurveyAnswer.objects.get(question=question(USEFUL)).rating == 4
    with later(DAY_AFTER):
        assert "Your answers about" in client.get(url(recipient)).content.decode()
    # The history names no one for an anonymous response.
    from audit.models import AuditEntry

    entry = AuditEntry.objects.get(object_type="evaluations.surveyresponse")
    assert entry.person_id is None and entry.actor_person_id is None
    assert sent.ilze.name not in entry.actor_label


def test_a_named_answer_can_be_changed_with_the_same_link(named):
    recipient = recipient_of(named.sara)
    client = Client()
    assert post(client, recipient, good_answers(rating="2")).status_code == 302
    with later(DAY_AFTER + dt.timedelta(hours=3)):
        page = client.get(url(recipient)).content.decode()
    assert "du kan ändra dina svar" in page.lower() or "ändra" in page
    assert post(client, recipient, good_answers(rating="5", text="")).status_code == 302
    (saved,) = SurveyResponse.objects.all()
    assert saved.recipient == recipient
    assert [(a.question.text_en, a.rating) for a in saved.answers.all()] == [(USEFUL, 5)]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        (USEFUL, "7", "is not an answer here: choose a number from 1 to 5"),
        (USEFUL, "four", "is not an answer here: choose a number from 1 to 5"),
        (USEFUL, "", "Choose a number from 1 (poor) to 5 (very good)."),
        (TAKE_HOME, "x" * 2001, "at most 2000 characters"),
        (TAKE_HOME, "nul \x00 here", "Null characters are not allowed."),
    ],
)
def test_bad_input_is_refused_naming_the_question(sent, field, value, says):
    recipient = recipient_of(sent.ilze)
    data = {**good_answers(), field_name(question(field)): value}
    response = post(Client(), recipient, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"“{field}”" in body
    assert says in body.replace("&#x27;", "'")
    assert not SurveyResponse.objects.exists()
    recipient.refresh_from_db()
    assert recipient.answered_on is None


def test_a_question_not_in_the_survey_and_unknown_fields_are_ignored(sent):
    extra = Question.objects.create(text_en="Added later", text_sv="Tillagd senare", kind="rating")
    data = {**good_answers(), field_name(extra): "3", "q999999": "5", "nonsense": "x"}
    assert post(Client(), recipient_of(sent.ilze), data).status_code == 302
    assert not SurveyAnswer.objects.filter(question=extra).exists()


def test_an_expired_link_says_so_and_saves_nothing(sent, settings):
    recipient = recipient_of(sent.ilze)
    after = DAY_AFTER + dt.timedelta(days=settings.SURVEY_LINK_DAYS, hours=1)
    with later(after):
        page = Client().get(url(recipient))
    assert page.status_code == 410
    assert "This survey link has expired" in page.content.decode()
    assert post(Client(), recipient, good_answers(), when=after).status_code == 410
    assert not SurveyResponse.objects.exists()


def test_an_unknown_link_is_not_found(sent):
    assert Client().get("/s/" + "a" * 43 + "/").status_code == 404
    assert Client().post("/s/" + "a" * 43 + "/", good_answers()).status_code == 404


def test_the_token_of_a_survey_link_is_masked_in_the_logs():
    import logging

    from config.log_filters import MaskTokens

    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Not Found: %s", ("/s/SeCrEt_42/",), None
    )
    MaskTokens().filter(record)
    assert "SeCrEt_42" not in record.getMessage()
