"""The coordinators' results of a visit's survey, and the report's figures over many visits: counts,
averages, distributions and comments, in a number of queries that does not grow with the answers or visits."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.figures import evaluation_figures
from evaluations.models import EvaluationSettings, Question, SurveyRecipient
from evaluations.services import survey_response_save, surveys_send
from tests.evaluations.conftest import DAY_AFTER, later, recipient_of
from tests.factories import DelegationMemberFactory, SessionFactory, UserFactory, VisitFactory
from visits.models import Visit, VisitStatus

pytestmark = pytest.mark.django_db

USEFUL = "How useful was the programme for your work?"
MATCH = "How well did the meetings and site visits match what you wanted to learn?"
TAKE_HOME = "What will you take home and use in your own work?"


def q(text: str) -> int:
    return Question.objects.get(text_en=text).pk


def answer(recipient: SurveyRecipient, useful: int, match: int | None = None, text: str = "") -> None:
    with later(DAY_AFTER + dt.timedelta(hours=1)):
        survey_response_save(
            recipient=recipient, answers={q(USEFUL): useful, q(MATCH): match, q(TAKE_HOME): text}
        )


def results_url(visit: Visit) -> str:
    return reverse("evaluations:results", args=[visit.pk])


def test_the_results_show_rate_averages_distribution_and_comments(ended):
    surveys_send(today=DAY_AFTER.date(), now=DAY_AFTER)
    answer(recipient_of(ended.ilze), 5, 4, "The referral routines of the social services.")
    answer(recipient_of(ended.sara), 3, None, "")
    client = Client()
    client.force_login(ended.coordinator)
    response = client.get(results_url(ended.visit))
    assert response.status_code == 200
    results = response.context["results"]
    assert (results.asked, results.answered, results.rate) == (3, 2, 67)
    useful = next(r for r in results.ratings if r.question.text_en == USEFUL)
    assert (useful.count, useful.average, useful.distribution) == (2, 4.0, {1: 0, 2: 0, 3: 1, 4: 0, 5: 1})
    match = next(r for r in results.ratings if r.question.text_en == MATCH)
    assert (match.count, match.average) == (1, 4.0)
    (take_home, _differently) = results.texts
    assert take_home.answers == [("The referral routines of the social services.", "")]  # anonymous: no name
    body = response.content.decode()
    assert "2 of 3 participants answered (67 %)" in body
    assert "2 answers, average 4.0 of 5." in body
    assert "The referral routines of the social services." in body
    assert ended.ilze.name not in body


def test_a_named_survey_shows_who_wrote_each_comment(ended):
    EvaluationSettings.objects.update(anonymous=False)
    surveys_send(today=DAY_AFTER.date(), now=DAY_AFTER)
    answer(recipient_of(ended.sara), 4, 4, "Mer tid för frågor.")
    client = Client()
    client.force_login(ended.coordinator)
    body = client.get(results_url(ended.visit)).content.decode()
    assert "Mer tid för frågor." in body and "Sara Lind" in body


def test_before_the_survey_the_page_says_none_was_sent(ended):
    client = Client()
    client.force_login(ended.coordinator)
    response = client.get(results_url(ended.visit))
    assert response.status_code == 200
    assert "No survey has been sent for this visit yet." in response.content.decode()


def test_another_coordinator_finds_no_such_page(ended):
    client = Client()
    client.force_login(UserFactory.create(username="bertil", is_staff=True))
    assert client.get(results_url(ended.visit)).status_code == 404


def _more_answers(ended, n: int) -> None:
    for i in range(n):
        member = DelegationMemberFactory.create(delegation=ended.visit.delegation)
        recipient = SurveyRecipient.objects.create(
            survey=ended.visit.survey, person=member.person, expires_at=DAY_AFTER + dt.timedelta(days=30)
        )
        answer(recipient, 1 + i % 5, None, f"Comment {i}")


def test_the_results_page_takes_the_same_queries_for_many_answers(ended, django_assert_num_queries):
    surveys_send(today=DAY_AFTER.date(), now=DAY_AFTER)
    client = Client()
    client.force_login(ended.coordinator)
    _more_answers(ended, 1)
    client.get(results_url(ended.visit))  # warm the session and the language of the account
    with CaptureQueriesContext(connection) as few:
        assert client.get(results_url(ended.visit)).status_code == 200
    _more_answers(ended, 12)
    with CaptureQueriesContext(connection) as many:
        assert client.get(results_url(ended.visit)).status_code == 200
    # The session, the user, the account's language, the visit, the survey with its counts, its questions, the
    # ratings grouped, the comments, and the agency-admin check: the same for 2 answers or 14.
    assert len(many) == len(few) == 9, [query["sql"] for query in many]


def _ended_visit_with_answers(ratings: list[int]) -> Visit:
    visit = VisitFactory.create(status=VisitStatus.COMPLETED)
    SessionFactory.create(visit=visit)
    for _rating in ratings:
        DelegationMemberFactory.create(delegation=visit.delegation)
    surveys_send(today=DAY_AFTER.date(), now=DAY_AFTER)
    for recipient, rating in zip(SurveyRecipient.objects.filter(survey__visit=visit), ratings, strict=True):
        answer(recipient, rating, rating)
    return visit


def test_the_figures_for_the_report_in_one_query_however_many_visits():
    one = _ended_visit_with_answers([5, 4])
    with CaptureQueriesContext(connection) as single:
        figures = evaluation_figures([one.pk])
    assert [(f.text_en, f.count, f.average) for f in figures] == [(USEFUL, 2, 4.5), (MATCH, 2, 4.5)]
    more = [_ended_visit_with_answers([r, 1]) for r in (1, 2, 3)]
    ids = [one.pk, *(v.pk for v in more)]
    with CaptureQueriesContext(connection) as several:
        figures = evaluation_figures(ids)
    assert [(f.question_id, f.count, f.average) for f in figures] == [
        (q(USEFUL), 8, (5 + 4 + 1 + 1 + 2 + 1 + 3 + 1) / 8),
        (q(MATCH), 8, (5 + 4 + 1 + 1 + 2 + 1 + 3 + 1) / 8),
    ]
    with CaptureQueriesContext(connection) as as_queryset:
        assert evaluation_figures(Visit.objects.filter(pk__in=ids)) == figures
        assert evaluation_figures(Visit.objects.filter(pk__in=ids).values_list("pk", flat=True)) == figures
    assert len(single) == len(several) == 1
    assert len(as_queryset) == 2
    assert evaluation_figures([]) == []
    assert figures[0].text("sv") == "Hur användbart var programmet för ditt arbete?"


def test_the_visits_history_tells_of_the_survey_and_its_answers_naming_no_one(ended):
    surveys_send(today=DAY_AFTER.date(), now=DAY_AFTER)
    answer(recipient_of(ended.ilze), 5, 4, "Good.")
    client = Client()
    client.force_login(ended.coordinator)
    response = client.get(reverse("planner:history", args=[ended.visit.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Survey of Police cooperation in Stockholm" in body
    assert "Evaluation of Police cooperation in Stockholm" in body
    assert "an anonymous participant" in body
