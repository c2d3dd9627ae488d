"""Sign-in is throttled (django-axes): after AXES_FAILURE_LIMIT failures for a username or from an address,
signing in is refused for a while with a page that says so; others are not locked, API tokens still work."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase for the test"


def sign_in(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


@pytest.fixture
def anna():
    user = UserFactory(username="anna", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_nth_wrong_password_locks_and_then_the_right_one_is_refused(client, anna):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(client, "anna", "wrong").status_code == 200  # the form again, with its error
    locked = sign_in(client, "anna", "wrong")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    right = sign_in(client, "anna", PASSWORD)
    assert right.status_code == 429
    assert f"Try again in {settings.AXES_COOLOFF_MINUTES} minutes" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_username_is_locked_from_every_address(client, anna):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "anna", "wrong", address=f"10.0.1.{attempt}")
    assert sign_in(Client(), "anna", PASSWORD, address="10.9.9.9").status_code == 429


def test_an_address_is_locked_for_every_username(client, anna):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{attempt}", "wrong", address="10.0.0.66")
    assert sign_in(Client(), "anna", PASSWORD, address="10.0.0.66").status_code == 429


def test_another_user_from_another_address_is_not_locked(client, anna):
    bertil = UserFactory(username="bertil", is_staff=True)
    bertil.set_password(PASSWORD)
    bertil.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "anna", "wrong")
    other = Client()
    response = sign_in(other, "bertil", PASSWORD, address="10.0.0.2")
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(bertil.pk)


def test_the_page_says_so_in_swedish(client, anna):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "anna", "wrong", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 429
    assert "Inloggningen är pausad" in response.content.decode()
    translation.activate("en")


def test_the_api_token_still_works_while_the_user_is_locked(client, anna):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "anna", "wrong", address="127.0.0.1")
    assert sign_in(Client(), "anna", PASSWORD, address="127.0.0.1").status_code == 429
    token = Token.objects.create(user=anna)
    response = Client().get("/api/v1/visits/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_the_admin_sign_in_is_throttled_too(client, anna):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "anna", "password": "wrong"}, REMOTE_ADDR="10.0.0.1"
        )
    assert response.status_code == 429


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings, anna):
    settings.PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "guess", "wrong", address="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.1.1.1")
    # Another client behind the same proxy, and one that claims the locked address further left: not locked.
    assert (
        sign_in(Client(), "anna", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.1.2").status_code
        == 302
    )
    assert (
        sign_in(Client(), "anna", "wrong", address="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.1.1").status_code
        == 429
    )
