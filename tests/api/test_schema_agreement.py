"""The server accepts what the schema says, and refuses what it does not: a value of another JSON type, a page
or an id below 1, a filter given empty or twice, each a 400 that names what was wrong."""

import json

import pytest
from django.test import Client

from visits.models import Delegation, Person, Venue

pytestmark = pytest.mark.django_db


def openapi() -> dict:
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    return json.loads(response.content)


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        ("/api/v1/delegations/", "notes", 0),
        ("/api/v1/people/", "title", 0),
        ("/api/v1/venues/", "capacity", "12"),
        ("/api/v1/venues/", "accessibility_notes", ["step-free"]),
        ("/api/v1/people/", "preferred_language", 1),
    ],
)
def test_a_value_of_another_json_type_is_a_400_naming_the_field_and_nothing_is_stored(api, url, field, value):
    body = {
        "/api/v1/delegations/": {"name": "Riga police"},
        "/api/v1/people/": {"name": "Eva Norrman", "email": "eva@example.org"},
        "/api/v1/venues/": {"name": "Polishuset", "city": "Stockholm", "address": "Polhemsgatan 30"},
    }[url]
    counts = (Delegation.objects.count(), Person.objects.count(), Venue.objects.count())
    response = api.post(url, {**body, field: value}, format="json")
    assert response.status_code == 400
    [message] = response.json()["errors"][field]
    assert message.startswith("Give ")
    assert (Delegation.objects.count(), Person.objects.count(), Venue.objects.count()) == counts


def test_a_boolean_is_true_or_false_and_an_id_a_number(api, programme):
    url = f"/api/v1/sessions/{programme.session.pk}/"
    for field, value in [("outside_visit_dates", 1), ("outside_visit_dates", "true"), ("venue", str(1))]:
        response = api.patch(url, {field: value}, format="json")
        assert response.status_code == 400, (field, value)
        assert list(response.json()["errors"]) == [field]
    assert api.patch(url, {"outside_visit_dates": True}, format="json").status_code == 200
    # An object is not a list of ids (DRF would read it as the list of its keys).
    response = api.post("/api/v1/delegations/", {"name": "Riga", "organisations": {}}, format="json")
    assert response.json()["errors"] == {"organisations": ["Give a list here, not an object."]}
    assert api.patch(url, {"version": "2"}, format="json").json()["errors"] == {
        "version": ["Give a whole number here, not text."]
    }


def test_a_text_field_still_takes_text(api):
    response = api.post("/api/v1/delegations/", {"name": "Riga police", "notes": "0"}, format="json")
    assert response.status_code == 201
    assert response.json()["notes"] == "0"


@pytest.mark.parametrize(
    "query", ["page=0", "page=x", "page=", "page_size=0", "page_size=201", "page_size=1&page_size=2"]
)
def test_a_page_or_page_size_out_of_range_is_a_400_naming_it(api, programme, query):
    response = api.get(f"/api/v1/sessions/?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [query.split("=")[0]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date_to=", "date_to"),
        ("delegation=", "delegation"),
        ("kind=", "kind"),
        ("delegation=1&delegation=2", "delegation"),
    ],
)
def test_a_filter_given_empty_or_twice_is_a_400_naming_it(api, programme, query, field):
    response = api.get(f"/api/v1/visits/?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_an_empty_text_search_and_a_repeated_status_are_allowed(api, programme):
    assert api.get("/api/v1/people/?q=").status_code == 200
    assert api.get("/api/v1/visits/?status=draft&status=planned").status_code == 200


def test_the_schema_says_ids_and_pages_start_at_1_and_pages_hold_at_most_200():
    paths = openapi()["paths"]
    detail = {p["name"]: p["schema"] for p in paths["/api/v1/people/{id}/"]["get"]["parameters"]}
    assert detail["id"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    listing = {p["name"]: p["schema"] for p in paths["/api/v1/sessions/"]["get"]["parameters"]}
    assert listing["page"]["minimum"] == 1
    assert (listing["page_size"]["minimum"], listing["page_size"]["maximum"]) == (1, 200)
    assert (listing["visit"]["minimum"], listing["expert"]["minimum"]) == (1, 1)


def test_a_check_with_an_interpreter_without_a_person_is_a_400(api, programme):
    response = api.post(
        "/api/v1/sessions/check/",
        {"session": programme.session.pk, "interpreters": [{"languages": ["sv", "ru"]}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["interpreters"]


def test_the_schema_says_text_sent_cannot_hold_nul_which_the_server_refuses(api):
    schema = openapi()
    assert schema["components"]["schemas"]["PersonRequest"]["properties"]["name"]["pattern"] == r"^[^\x00]*$"
    response = api.post("/api/v1/people/", {"name": "Eva\x00", "email": "eva@example.org"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]
