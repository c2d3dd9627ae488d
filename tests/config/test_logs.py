"""No token of a personal link (/a/, /p/, /feeds/) in any log line, at any level, whatever the request: found,
not found, refused, failed, or logged by the development server."""

import io
import logging

import pytest
from django.test import Client

from config.log_filters import MaskTokens, mask_tokens
from notifications import views as notification_views
from notifications.links import expert_links
from tests.factories import PersonalTokenFactory, SessionExpertFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """What the console handler of config.settings.LOGGING writes, at DEBUG on every logger."""
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, MaskTokens) for f in h.filters)
    )
    written = io.StringIO()
    saved_stream = handler.setStream(written)
    loggers = [logging.getLogger(), logging.getLogger("django"), logging.getLogger("django.server")]
    saved_levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    yield written
    for logger, level in zip(loggers, saved_levels, strict=True):
        logger.setLevel(level)
    handler.setStream(saved_stream)


@pytest.fixture
def records(caplog):
    """Every record, as the handlers after the console's see it (pytest's own among them)."""
    django = logging.getLogger("django")
    django.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    yield caplog
    django.removeHandler(caplog.handler)


def assert_no_secret(secrets, console, records):
    text = console.getvalue()
    assert text, "nothing was logged: the test would prove nothing"
    for secret in secrets:
        assert secret not in text
        for record in records.records:
            assert secret not in record.getMessage()
            assert secret not in (record.exc_text or "")


def test_no_token_in_the_log_of_any_kind_of_personal_link(client, console, records):
    person_token = PersonalTokenFactory()
    visit_token = PersonalTokenFactory(purpose="visit_feed", person=None, visit=VisitFactory())
    expert_token = expert_links.make_token(SessionExpertFactory())
    unknown = "unknown-token-Zq9"
    answers = {
        f"/a/{expert_token}/fresh/": client.get(f"/a/{expert_token}/fresh/").status_code,  # 405
        f"/a/{expert_token}/": client.get(f"/a/{expert_token}/").status_code,
        f"/a/{unknown}/": client.get(f"/a/{unknown}/").status_code,
        f"/a/{unknown}/nothing-here/": client.get(f"/a/{unknown}/nothing-here/").status_code,  # 404
        f"/p/{person_token.token}/": client.get(f"/p/{person_token.token}/").status_code,
        f"/p/{unknown}/": client.get(f"/p/{unknown}/").status_code,
        f"/p/{unknown}/needs/": client.get(f"/p/{unknown}/needs/").status_code,  # 405
        f"/p/{unknown}/elsewhere/": client.get(f"/p/{unknown}/elsewhere/").status_code,  # 404
        f"/p/{person_token.token}/programme.ics": client.get(
            f"/p/{person_token.token}/programme.ics"
        ).status_code,
        f"/feeds/{person_token.token}.ics": client.get(f"/feeds/{person_token.token}.ics").status_code,
        f"/feeds/{unknown}.ics": client.get(f"/feeds/{unknown}.ics").status_code,
        f"/feeds/visit/{visit_token.token}.ics": client.post(
            f"/feeds/visit/{visit_token.token}.ics"
        ).status_code,  # 405
        f"/feeds/visit/{unknown}.ics": client.get(f"/feeds/visit/{unknown}.ics").status_code,
    }
    assert {405, 404, 200} <= set(answers.values()), answers
    # The development server's request lines.
    for path, status in answers.items():
        logging.getLogger("django.server").info('"%s" %s %s', f"GET {path} HTTP/1.1", status, 10)
    assert_no_secret([person_token.token, visit_token.token, expert_token, unknown], console, records)
    assert "/a/[token]/fresh/" in console.getvalue()


def test_no_token_in_the_log_of_a_failing_token_page(console, records, monkeypatch):
    person_token = PersonalTokenFactory()

    def broken(key):
        raise RuntimeError(f"failed while looking up /p/{key}/")

    monkeypatch.setattr(notification_views, "find_person_token", broken)
    response = Client(raise_request_exception=False).get(f"/p/{person_token.token}/")
    assert response.status_code == 500
    assert "Internal Server Error: /p/[token]/" in console.getvalue()
    assert "RuntimeError" in console.getvalue()
    assert_no_secret([person_token.token], console, records)


def test_the_mask_leaves_other_paths_alone():
    assert mask_tokens("Not Found: /api/v1/people/7/") == "Not Found: /api/v1/people/7/"
    assert mask_tokens("Not Found: /admin/notifications/personaltoken/") == (
        "Not Found: /admin/notifications/personaltoken/"
    )
    assert mask_tokens('"GET /feeds/visit/Ab_c-9.ics?x=1 HTTP/1.1" 200') == (
        '"GET /feeds/visit/[token].ics?x=1 HTTP/1.1" 200'
    )
    assert mask_tokens("https://visitplan.example.org/p/Ab_c/needs/") == (
        "https://visitplan.example.org/p/[token]/needs/"
    )
