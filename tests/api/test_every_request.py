"""No request is a 500: OPTIONS on every path of the schema, and bodies a parser cannot take apart."""

import json

import pytest
from django.test import Client

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def schema_paths(programme) -> list[str]:
    """Every path of the schema, with {id} filled by an id of Anna's, another coordinator's, and no row's."""
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = []
    for template in json.loads(response.content)["paths"]:
        if "{id}" not in template:
            paths.append(template)
            continue
        for identifier in (programme.session.pk, programme.visit.pk, 999_999):
            paths.append(template.replace("{id}", str(identifier)))
    return paths


# Not in the test's transaction: a PUT's lock outside one is what made OPTIONS a 500.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["anna", "bertil", "nobody"])
def test_options_on_every_path_of_the_schema_is_never_a_500(who, programme, anna, bertil):
    client = client_for({"anna": anna, "bertil": bertil, "nobody": None}[who])
    paths = schema_paths(programme)
    assert len(paths) >= 60
    answers = {path: client.options(path).status_code for path in paths}
    assert {status for status in answers.values()} <= {200, 401, 404}, {
        path: status for path, status in answers.items() if status not in {200, 401, 404}
    }
    if who == "anna":
        assert answers[f"/api/v1/sessions/{programme.session.pk}/"] == 200
    if who == "nobody":
        assert set(answers.values()) == {401}


@pytest.mark.django_db(transaction=True)
def test_options_on_a_session_describes_what_a_change_accepts(api, programme):
    response = api.options(f"/api/v1/sessions/{programme.session.pk}/")
    assert response.status_code == 200
    assert "PUT" in response.json()["actions"]


def test_a_body_nested_thousands_deep_is_a_400_that_says_why(api):
    deep = "[" * 5000 + "]" * 5000
    for body in (deep, '{"notes": ' + deep + "}", '{"a":' * 5000 + "1" + "}" * 5000):
        response = api.generic("POST", "/api/v1/people/", body, content_type="application/json")
        assert response.status_code == 400
        assert "nested" in response.json()["detail"]


def test_a_time_filter_with_an_offset_the_database_refuses_is_read_in_utc(api, programme):
    response = api.get("/api/v1/sessions/", {"after": "0141-01-21T00:56:18+20:38"})
    assert response.status_code == 200
    assert api.get("/api/v1/sessions/", {"before": "0001-01-01T00:00:00+10:00"}).status_code == 400
