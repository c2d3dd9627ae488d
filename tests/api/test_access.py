"""Who may do what: the coordinator of a visit, another coordinator (404: it does not exist for them), nobody
(401), and a signed-in person who is not a coordinator (403). Tokens come from the admin or `api_token`."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from notifications.models import OutboxMessage
from tests.api.conftest import client_for
from tests.factories import OutboxMessageFactory, UserFactory

pytestmark = pytest.mark.django_db


def scoped_requests(programme):
    """(method, url, body, status for the visit's coordinator) for every operation on a scoped row."""
    visit, session = programme.visit, programme.session
    member = programme.members[0]
    message = OutboxMessageFactory(session=session, status=OutboxMessage.Status.FAILED)
    return [
        ("get", f"/api/v1/visits/{visit.pk}/", None, 200),
        ("patch", f"/api/v1/visits/{visit.pk}/", {"title": "Riga police, spring"}, 200),
        ("put", f"/api/v1/visits/{visit.pk}/", None, 200),
        ("get", f"/api/v1/visits/{visit.pk}/conflicts/", None, 200),
        ("get", f"/api/v1/visits/{visit.pk}/preview/", None, 200),
        ("get", f"/api/v1/visits/{visit.pk}/outbox/", None, 200),
        ("get", f"/api/v1/sessions/{session.pk}/", None, 200),
        ("patch", f"/api/v1/sessions/{session.pk}/", {"title": "Police cooperation in the Baltics"}, 200),
        ("post", f"/api/v1/sessions/{session.pk}/cancel/", None, 200),
        ("get", f"/api/v1/delegations/{visit.delegation_id}/", None, 200),
        ("patch", f"/api/v1/delegations/{visit.delegation_id}/", {"notes": "Arrive by ferry."}, 200),
        ("get", f"/api/v1/delegation-members/{member.pk}/", None, 200),
        ("patch", f"/api/v1/delegation-members/{member.pk}/", {"dietary_needs": "vegetarian"}, 200),
        ("get", f"/api/v1/outbox/{message.pk}/", None, 200),
        ("post", f"/api/v1/outbox/{message.pk}/send-again/", None, 200),
        ("delete", f"/api/v1/delegation-members/{member.pk}/", None, 204),
        ("delete", f"/api/v1/sessions/{session.pk}/", None, 204),
        ("post", f"/api/v1/visits/{visit.pk}/publish/", None, 200),  # nothing left to publish
        ("delete", f"/api/v1/visits/{visit.pk}/", None, 204),
    ]


def send(client, method, url, body):
    if method == "put":  # a PUT sends the whole row back, as read
        body = {k: v for k, v in client.get(url).json().items() if k not in {"id", "status"}}
    return getattr(client, method)(url, body, format="json")


def test_the_coordinator_of_the_visit_may_do_everything_to_it(api, programme):
    for method, url, body, expected in scoped_requests(programme):
        response = send(api, method, url, body)
        assert response.status_code == expected, (method, url, response.content)


def test_another_coordinator_finds_nothing_there(api, other, programme):
    for method, url, body, _expected in scoped_requests(programme):
        response = getattr(other, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.content)
        assert response.json()["detail"]
    assert api.get(f"/api/v1/visits/{programme.visit.pk}/").status_code == 200  # nothing was changed


@pytest.mark.parametrize(
    "url",
    ["/api/v1/visits/", "/api/v1/sessions/", "/api/v1/people/", "/api/v1/organisations/", "/api/v1/outbox/"],
)
def test_nobody_is_told_to_authenticate(anonymous, url):
    response = anonymous.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"]


def test_nobody_cannot_reach_a_visit(anonymous, programme):
    for method, url, body, _expected in scoped_requests(programme):
        assert getattr(anonymous, method)(url, body, format="json").status_code == 401, (method, url)


def test_a_person_who_is_not_a_coordinator_is_refused(db):
    response = client_for(UserFactory(username="guest")).get("/api/v1/people/")
    assert response.status_code == 403


def test_another_coordinator_sees_only_their_own_visits_and_sessions(other, programme):
    assert [v["title"] for v in other.get("/api/v1/visits/").json()["results"]] == ["Bertil's visit"]
    assert other.get("/api/v1/sessions/").json()["count"] == 0
    assert other.get("/api/v1/delegation-members/").json()["count"] == 0


def test_directories_are_shared_between_coordinators(other, programme):
    venues = other.get("/api/v1/venues/").json()["results"]
    assert "Polishuset" in [venue["name"] for venue in venues]


def test_another_coordinator_cannot_add_a_session_to_a_visit_they_do_not_coordinate(other, programme):
    response = other.post(
        "/api/v1/sessions/",
        {
            "visit": programme.visit.pk,
            "title": "Intruder",
            "starts_at": "2027-03-23T12:00:00+01:00",
            "ends_at": "2027-03-23T13:00:00+01:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "visit" in response.json()["errors"]


def test_the_browser_session_of_a_signed_in_coordinator_works_too(client, anna, programme):
    client.force_login(anna)
    assert client.get(f"/api/v1/visits/{programme.visit.pk}/").status_code == 200


def test_api_token_creates_a_token_once_and_prints_it(anna, capsys):
    call_command("api_token", "anna")
    first = capsys.readouterr().out.strip()
    call_command("api_token", "anna")
    assert capsys.readouterr().out.strip() == first == Token.objects.get(user=anna).key
    call_command("api_token", "anna", "--renew")
    assert capsys.readouterr().out.strip() != first


def test_api_token_refuses_unknown_users_and_non_coordinators(db):
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("api_token", "nobody")
    UserFactory(username="guest")
    with pytest.raises(CommandError, match="not an active staff user"):
        call_command("api_token", "guest")


def test_the_schema_and_its_documentation_are_served_without_signing_in(anonymous):
    schema = anonymous.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/visits/{id}/publish/" in schema.content
    docs = anonymous.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"drf_spectacular_sidecar/swagger-ui-dist" in docs.content  # served from here: works offline
    assert anonymous.get("/api/v1/redoc/").status_code == 200


def test_an_address_that_is_not_in_the_api_is_a_json_404(api):
    response = api.delete("/api/v1/visits/not-a-number/")
    assert response.status_code == 404
    assert response.json()["detail"]
