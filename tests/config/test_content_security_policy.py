"""Every page carries a Content-Security-Policy that allows no inline script or style without the request's
nonce; the API's documentation pages relax styles only."""

import re

import pytest
from django.test import Client

from tests.factories import OutboxMessageFactory, PersonalTokenFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def inline_without_nonce(html: str) -> list[str]:
    tags = re.findall(r"<(?:script|style)\b[^>]*>", html)
    attributes = re.findall(r"<[^>]+\s(?:style|on[a-z]+)=\"[^\"]*\"", html)
    return [tag for tag in tags if "nonce=" not in tag and "src=" not in tag] + attributes


@pytest.fixture
def coordinator():
    return UserFactory(username="maria", is_staff=True, is_superuser=True)


def pages(coordinator):
    session = SessionFactory()
    session.visit.coordinators.add(coordinator)
    signed_in = Client()
    signed_in.force_login(coordinator)
    token = PersonalTokenFactory().token
    return {
        "sign-in": (Client(), "/accounts/login/"),
        "home": (signed_in, "/"),
        "planner dashboard": (signed_in, "/plan/"),
        "board": (signed_in, f"/plan/visits/{session.visit.pk}/"),
        "session form": (signed_in, f"/plan/sessions/{session.pk}/edit/"),
        "new session": (signed_in, f"/plan/visits/{session.visit.pk}/sessions/new/"),
        "publish": (signed_in, f"/plan/visits/{session.visit.pk}/publish/"),
        "print": (signed_in, f"/plan/visits/{session.visit.pk}/print/"),
        "directory": (signed_in, "/directory/"),
        "admin": (signed_in, "/admin/"),
        "admin change form": (signed_in, f"/admin/visits/session/{session.pk}/change/"),
        "programme page": (Client(), f"/p/{token}/"),
        "token page not found": (Client(), "/p/no-such-token/"),
        "expert's link": (Client(), "/a/1-2-3/"),
        "API": (signed_in, "/api/v1/visits/"),
    }


def test_every_kind_of_page_has_a_policy_without_unsafe_inline(coordinator):
    for name, (client, url) in pages(coordinator).items():
        response = client.get(url)
        assert response.status_code == (404 if "not found" in name else 200), (
            name,
            url,
            response.status_code,
        )
        policy = policy_of(response)
        assert policy["default-src"] == ["'self'"], name
        assert "'unsafe-inline'" not in policy.get("script-src", []), name
        assert "'unsafe-inline'" not in policy.get("style-src", []), name
        if response["Content-Type"].startswith("text/html"):
            assert inline_without_nonce(response.content.decode()) == [], name


def test_an_inline_style_carries_the_nonce_of_the_header(client):
    response = client.get("/accounts/login/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in response.content.decode()
    assert nonce != re.search(
        r"'nonce-([^']+)'", client.get("/accounts/login/")["Content-Security-Policy"]
    ).group(1)


def test_the_api_docs_run_no_inline_script(client):
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        policy = policy_of(response)
        assert "'unsafe-inline'" not in policy["script-src"]
        assert "'unsafe-inline'" in policy["style-src"]
        assert [
            tag for tag in re.findall(r"<script\b[^>]*>", response.content.decode()) if "src=" not in tag
        ] == []
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_outbox_preview_lets_the_e_mail_keep_its_styles_and_nothing_else(coordinator):
    message = OutboxMessageFactory()
    message.session.visit.coordinators.add(coordinator)
    client = Client()
    client.force_login(coordinator)
    response = client.get(f"/admin/notifications/outboxmessage/{message.pk}/preview/")
    assert response.status_code == 200
    policy = policy_of(response)
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "sandbox" in response.content.decode()
