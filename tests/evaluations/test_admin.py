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
