"""Titles and descriptions in other languages through the API: objects by language code, a bad code a 400."""

import pytest

from tests.api.test_schema_agreement import openapi
from visits.models import Session

pytestmark = pytest.mark.django_db


def test_a_sessions_translations_go_in_and_come_back(api, programme):
    url = f"/api/v1/sessions/{programme.session.pk}/"
    sent = {
        "title_translations": {"sv": "Polissamarbete", "lv": "Policijas sadarbība"},
        "description_translations": {"lv": "Apraksts"},
    }
    response = api.patch(url, sent, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title_translations"] == sent["title_translations"]
    assert api.get(url).json()["description_translations"] == {"lv": "Apraksts"}
    stored = Session.objects.get(pk=programme.session.pk)
    assert stored.title == "Police cooperation" and stored.title_translations["lv"] == "Policijas sadarbība"


def test_a_visits_title_in_other_languages(api, programme):
    url = f"/api/v1/visits/{programme.visit.pk}/"
    response = api.patch(url, {"title_translations": {"lv": "Rīgas policijas vizīte"}}, format="json")
    assert response.status_code == 200, response.content
    assert api.get(url).json()["title_translations"] == {"lv": "Rīgas policijas vizīte"}


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        ({"xx": "?"}, "“xx” is not a language code"),
        ({"sv": "a" * 301}, "no more than 300 characters"),
        ("Polis", "dictionary"),
        ({"sv": 5}, "text"),
    ],
)
def test_a_bad_translation_is_a_400_naming_the_field(api, programme, sent, said):
    url = f"/api/v1/sessions/{programme.session.pk}/"
    response = api.patch(url, {"title_translations": sent}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["title_translations"]
    assert said in str(errors["title_translations"])
    assert Session.objects.get(pk=programme.session.pk).title_translations == {}


def test_the_schema_says_the_keys_are_language_codes():
    field = openapi()["components"]["schemas"]["Session"]["properties"]["title_translations"]
    assert field["type"] == "object"
    assert "lv" in field["propertyNames"]["enum"] and "sv" in field["propertyNames"]["enum"]
    assert field["additionalProperties"]["maxLength"] == 300
