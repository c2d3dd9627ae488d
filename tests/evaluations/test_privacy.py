"""A participant's surveys are in their export, and erasing them stops their links and cuts their named
answers from them; the ratings (what the results and the report count) stay, anonymous or not."""

import datetime as dt

import pytest
from django.test import Client

from evaluations.figures import evaluation_figures
from evaluations.models import EvaluationSettings, Question, SurveyAnswer, SurveyResponse
from evaluations.services import survey_response_save, surveys_send
from privacy.registry import redactors
from privacy.services import person_erase, person_export
from tests.evaluations.conftest import DAY_AFTER, later, recipient_of

pytestmark = pytest.mark.django_db

USEFUL = "How useful was the programme for your work?"
TAKE_HOME = "What will you take home and use in your own work?"
AFTER = DAY_AFTER + dt.timedelta(days=3)


def q(text: str) -> int:
    return Question.objects.get(text_en=text).pk


def answer(person, rating: int, text: str) -> None:
    with later(DAY_AFTER + dt.timedelta(hours=1)):
        survey_response_save(recipient=recipient_of(person), answers={q(USEFUL): rating, q(TAKE_HOME): text})


def figures(ended) -> list[tuple[int, int, float | None]]:
    return [(f.question_id, f.count, f.average) for f in evaluation_figures([ended.visit.pk])]


def test_a_named_answer_is_exported_then_cut_from_the_person_on_erasure(ended):
    EvaluationSettings.objects.update(anonymous=False)
    surveys_send(today=DAY_AFTER.date(), now=DAY_AFTER)
    answer(ended.ilze, 4, "Ilze Ozola (ilze@police.example.lv) would like the slides.")
    answer(ended.sara, 2, "Mer tid.")
    (exported,) = person_export(ended.ilze)["evaluations"]
    assert exported["visit_title"] == ended.visit.title
    assert exported["answered_on"] == DAY_AFTER.date()
    assert {(a["question"], a["rating"]) for a in exported["answers"]} == {(USEFUL, 4), (TAKE_HOME, None)}
    token = recipient_of(ended.ilze).token
    before = figures(ended)
    assert "evaluations" in {r.key for r in redactors()}

    with later(AFTER):
        erasure = person_erase(person=ended.ilze, actor=ended.coordinator)
    assert erasure.rows["evaluations"] >= 2
    assert figures(ended) == before  # the ratings stay
    assert SurveyResponse.objects.count() == 2
    assert SurveyResponse.objects.filter(recipient__person=ended.ilze).count() == 0
    text = SurveyAnswer.objects.get(question_id=q(TAKE_HOME), text__contains="slides").text
    assert "Ilze Ozola" not in text and "ilze@police.example.lv" not in text
    assert SurveyAnswer.objects.get(text="Mer tid.")  # Sara's, untouched
    # Her old link is gone: as if it never existed.
    with later(AFTER):
        assert Client().get(f"/s/{token}/").status_code == 404
    assert person_export(ended.ilze)["evaluations"][0]["answers"] == []


def test_an_anonymous_answer_is_not_exported_and_keeps_its_figures(ended):
    surveys_send(today=DAY_AFTER.date(), now=DAY_AFTER)
    answer(ended.oleg, 5, "Thank you.")
    (exported,) = person_export(ended.oleg)["evaluations"]
    assert exported["anonymous"] is True
    assert exported["answers"] == "anonymous: not linked to the person"
    before = figures(ended)
    with later(AFTER):
        person_erase(person=ended.oleg, actor=ended.coordinator)
    assert figures(ended) == before == [(q(USEFUL), 1, 5.0)]
    assert SurveyAnswer.objects.filter(text="Thank you.").exists()


def test_an_erased_person_is_not_asked(ended):
    with later(DAY_AFTER - dt.timedelta(days=0, hours=1)):
        person_erase(person=ended.sara, actor=ended.coordinator)
    written = surveys_send(today=DAY_AFTER.date(), now=DAY_AFTER)
    assert {m.person_id for m in written} == {ended.ilze.pk, ended.oleg.pk}
