"""The agency's questions and settings are kept by agency admins in the admin; not by coordinators."""

import pytest
from django.test import Client

from evaluations.models import Question
from tests.factories import UserFactory
from visits.roles import agency_admins_group, coordinators_group

pytestmark = pytest.mark.django_db


def signed_in(agency: bool) -> Client:
    user = UserFactory.create(username="agency" if agency else "anna", is_staff=True)
    user.groups.add(agency_admins_group() if agency else coordinators_group())
    client = Client()
    client.force_login(user)
    return client


def form(**changes: str) -> dict[str, str]:
    return {
        "text_en": "Would you recommend the visit to a colleague?",
        "text_sv": "Skulle du rekommendera besöket till en kollega?",
        "translations": '{"lv": "Vai jūs ieteiktu šo vizīti kolēģim?"}',
        "kind": "rating",
        "order": "60",
        "active": "on",
        **changes,
    }


def test_an_agency_admin_adds_a_question_with_its_translations():
    client = signed_in(agency=True)
    assert client.get("/admin/evaluations/question/").status_code == 200
    assert client.post("/admin/evaluations/question/add/", form()).status_code == 302
    added = Question.objects.get(order=60)
    assert added.text_in("lv") == "Vai jūs ieteiktu šo vizīti kolēģim?"
    assert added.text_in("sv-SE") == "Skulle du rekommendera besöket till en kollega?"
    assert added.text_in("ru") == added.text_en


def test_translations_that_are_not_a_mapping_of_texts_are_refused_saying_how():
    response = signed_in(agency=True).post("/admin/evaluations/question/add/", form(translations='["lv"]'))
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["translations"]
    assert error.startswith('Give the translations as {"language code": "text"}')
    assert not Question.objects.filter(order=60).exists()


def test_a_coordinator_does_not_keep_the_agencys_questions():
    client = signed_in(agency=False)
    assert client.get("/admin/evaluations/question/").status_code == 403
    assert client.get("/admin/evaluations/evaluationsettings/").status_code == 403
    assert client.post("/admin/evaluations/question/add/", form()).status_code == 403
    assert not Question.objects.filter(order=60).exists()


def test_the_demo_has_an_evaluated_visit_once_however_often_it_is_loaded():
    from django.core.management import call_command

    from evaluations.models import SurveyResponse
    from evaluations.results import survey_results
    from visits.models import Visit

    coordinator = UserFactory.create(username="coordinator", is_staff=True)
    call_command("seed_demo_evaluation", "--coordinator", "coordinator")
    call_command("seed_demo_evaluation", "--coordinator", "coordinator")
    visit = Visit.objects.get(title__startswith="Social services against trafficking")
    results = survey_results(visit.pk)
    assert (results.asked, results.answered) == (4, 3)
    assert SurveyResponse.objects.filter(survey__visit=visit).count() == 3
    assert all(r.count == 3 for r in results.ratings)
    assert list(visit.coordinators.all()) == [coordinator]
    client = Client()
    client.force_login(coordinator)
    page = client.get(f"/plan/visits/{visit.pk}/evaluation/").content.decode()
    assert "3 of 4 participants answered (75 %)" in page
