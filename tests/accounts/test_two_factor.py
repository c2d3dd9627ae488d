"""Two-factor sign-in: the password step, then a code from the authenticator app or a recovery code; setting
up an app; and, when REQUIRE_TWO_FACTOR is on, no page of the planner, the directory or the admin (nor the
API's browser session) before the code, while API tokens and personal links go on working."""

import datetime as dt
import os
import subprocess
import sys
from binascii import unhexlify
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.admin_site import AdminSite
from accounts.services import recovery_codes_renew
from accounts.views import PENDING_SECONDS, SETUP_KEY
from tests.config.test_content_security_policy import inline_without_nonce, policy_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase for the test"
NOW = dt.datetime(2027, 3, 12, 9, 0, 5, tzinfo=dt.UTC)
VERIFY = "/accounts/two-factor/code/"
SETUP = "/accounts/two-factor/setup/"


@pytest.fixture
def traveller():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def anna():
    user = UserFactory(username="anna", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def app(anna):
    return TOTPDevice.objects.create(user=anna, name="authenticator app", confirmed=True)


@pytest.fixture
def required(settings):
    settings.REQUIRE_TWO_FACTOR = True


def code_now(device_or_key) -> str:
    key = device_or_key.bin_key if isinstance(device_or_key, TOTPDevice) else unhexlify(device_or_key)
    return f"{totp(key):06d}"


def sign_in(client, password=PASSWORD, address="10.0.0.1", next_url=""):
    data = {"username": "anna", "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data, REMOTE_ADDR=address)


def enter(client, code, url=VERIFY, address="10.0.0.1"):
    return client.post(url, {"code": code}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def failures(username="anna") -> int:
    return sum(attempt.failures_since_start for attempt in AccessAttempt.objects.filter(username=username))


# --- The setting ---------------------------------------------------------------------------------------


def setting_under(module: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "REQUIRE_TWO_FACTOR"}}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.REQUIRE_TWO_FACTOR)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_required_in_production_and_not_in_the_embedded_demo_unless_set():
    strong = {"SECRET_KEY": "x" * 20 + "a-strong-production-key-for-this-test-only-0123456789"}
    assert setting_under("config.settings") == "False"
    assert setting_under("config.settings", REQUIRE_TWO_FACTOR="true") == "True"
    assert setting_under("config.production", **strong) == "True"
    assert setting_under("config.production", REQUIRE_TWO_FACTOR="false", **strong) == "False"


def test_off_by_default_in_the_tests_so_that_a_password_alone_signs_in(client, anna):
    assert settings.REQUIRE_TWO_FACTOR is False
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/plan/").status_code == 200


# --- Signing in with a code ------------------------------------------------------------------------------


def test_an_account_with_an_app_signs_in_with_its_code_after_the_password(client, app, traveller):
    response = sign_in(client, next_url="/plan/")
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert not signed_in(client)  # the password alone signs nobody in
    assert client.get("/plan/")["Location"].startswith("/accounts/login/")
    page = client.get(VERIFY)
    assert page.status_code == 200 and "Signing in as anna" in page.content.decode()
    response = enter(client, code_now(app))
    assert response.status_code == 302 and response["Location"] == "/plan/"
    assert signed_in(client) and client.session[DEVICE_ID_SESSION_KEY] == app.persistent_id
    assert client.get("/plan/").status_code == 200


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(client, app, traveller):
    sign_in(client)
    right = code_now(app)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = enter(client, wrong)
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not signed_in(client)
    assert failures() == 1
    traveller.shift(2)  # django-otp makes the next try wait a second after a wrong code
    response = enter(client, code_now(app))
    assert response.status_code == 302 and signed_in(client)
    assert failures() == 0  # a whole sign-in resets the count, as a right password did before


def test_wrong_codes_lock_the_account_out_like_wrong_passwords(client, app, traveller):
    sign_in(client)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = enter(client, "000000" if code_now(app) != "000000" else "111111")
        traveller.shift(10)
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    # Neither the right code nor the right password gets in now, from this address or another.
    assert enter(client, code_now(app)).status_code == 429
    assert not signed_in(client)
    assert sign_in(Client(), address="10.9.9.9").status_code == 429


def test_a_code_is_refused_while_django_otp_makes_it_wait_after_wrong_ones(client, app, traveller):
    sign_in(client)
    enter(client, "123456" if code_now(app) != "123456" else "654321")
    response = enter(client, code_now(app))  # at once: throttled, and said so
    assert response.status_code == 200
    assert "Too many wrong codes in a row" in response.content.decode()
    assert not signed_in(client)


def test_an_app_code_works_once(client, app, traveller):
    sign_in(client)
    code = code_now(app)
    assert enter(client, code).status_code == 302
    client.post("/accounts/logout/")
    other = Client()
    sign_in(other)
    response = enter(other, code)  # the same 30 seconds, the same code: replayed
    assert response.status_code == 200 and not signed_in(other)


def test_a_recovery_code_signs_in_once(client, anna, app, traveller):
    codes = recovery_codes_renew(actor=anna)
    assert len(codes) == 10 and len(set(codes)) == 10
    sign_in(client)
    shown = f"{codes[3][:4]}-{codes[3][4:]}".upper()  # as the page shows it, typed in capitals
    response = enter(client, shown)
    assert response.status_code == 302 and signed_in(client)
    assert StaticToken.objects.filter(device__user=anna).count() == 9
    client.post("/accounts/logout/")
    traveller.shift(60)
    again = Client()
    sign_in(again)
    response = enter(again, codes[3])
    assert response.status_code == 200 and not signed_in(again)
    assert "That code is not right" in response.content.decode()
    # A recovery code that failed does not hold up the app's code (each device keeps its own count).
    assert enter(again, code_now(app)).status_code == 302


def test_the_code_step_waits_only_a_few_minutes_for_its_code(client, app, traveller):
    sign_in(client)
    traveller.shift(PENDING_SECONDS + 1)
    response = client.get(VERIFY)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert enter(client, code_now(app))["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_the_code_step_goes_only_where_this_site_is(client, app, traveller):
    sign_in(client, next_url="https://elsewhere.example/")
    assert enter(client, code_now(app))["Location"] == "/"


def test_the_admin_sign_in_asks_for_the_code_too(client, app, traveller):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "anna", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert not signed_in(client)
    assert enter(client, code_now(app))["Location"] == "/admin/"
    assert isinstance(admin.site, AdminSite)


# --- When two-factor sign-in is required -----------------------------------------------------------------


def test_required_an_account_without_an_app_is_sent_to_set_one_up_from_every_door(client, anna, required):
    assert sign_in(client).status_code == 302 and signed_in(client)
    for url in (
        "/",
        "/plan/",
        "/directory/",
        "/admin/",
        "/admin/visits/visit/",
        "/admin/login/?next=/admin/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SETUP}?next="), (url, response["Location"])


def test_required_a_session_that_has_not_entered_its_code_is_sent_to_the_code_step(
    client, anna, app, required
):
    client.force_login(anna)  # a session from before the requirement
    for url in ("/plan/", "/directory/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{VERIFY}?next={url}"
    response = client.post(f"{VERIFY}?next=/admin/", {"code": code_now(app)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/plan/").status_code == 200


def test_required_the_admin_itself_refuses_an_unverified_session(rf, anna, app, required):
    request = rf.get("/admin/")
    request.user = anna
    anna.otp_device = None
    assert admin.site.has_permission(request) is False
    anna.otp_device = app
    assert admin.site.has_permission(request) is True


def test_required_signing_out_choosing_a_language_and_personal_links_still_work(client, anna, app, required):
    client.force_login(anna)
    assert client.get("/p/no-such-token/").status_code == 404
    assert client.post("/i18n/setlang/", {"language": "sv", "next": "/"}).status_code == 302
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_required_api_tokens_work_and_a_browser_session_needs_its_code(client, anna, app, required):
    token = Token.objects.create(user=anna)
    assert Client().get("/api/v1/visits/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    client.force_login(anna)
    refused = client.get("/api/v1/visits/")
    assert refused.status_code in (401, 403)
    assert "Two-factor sign-in is required" in refused.json()["detail"]
    client.post(VERIFY, {"code": code_now(app)})
    assert client.get("/api/v1/visits/").status_code == 200


def test_without_the_requirement_an_unverified_session_is_let_in(client, anna, app):
    client.force_login(anna)  # as the rest of the test suite signs in
    assert client.get("/plan/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/visits/").status_code == 200


# --- Setting up an app, recovery codes, removing ---------------------------------------------------------


def test_setting_up_an_app_confirms_it_with_a_code_and_shows_the_recovery_codes_once(client, anna, required):
    client.force_login(anna)
    page = client.get(f"{SETUP}?next=/plan/")
    assert page.status_code == 200
    html = page.content.decode()
    key = client.session[SETUP_KEY]
    device = TOTPDevice(user=anna, key=key)
    assert device.config_url.startswith("otpauth://totp/Visitplan%3Aanna?secret=")
    assert device.config_url.replace("&", "&amp;") in html
    assert "<svg" in html
    secret = "".join(html.split('<p class="secret">')[1].split("</p>")[0].split())
    assert secret == device.config_url.split("secret=")[1].split("&")[0]

    wrong = client.post(f"{SETUP}?next=/plan/", {"code": "12345"})
    assert wrong.status_code == 200 and "That code does not match" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=anna).exists()
    assert client.session[SETUP_KEY] == key  # the same secret, already in the app, is kept

    response = client.post(f"{SETUP}?next=/plan/", {"code": code_now(key)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/recovery-codes/?next=/plan/"
    assert TOTPDevice.objects.get(user=anna).confirmed
    codes_page = client.get(response["Location"])
    codes = [line.split("<li>")[1] for line in codes_page.content.decode().split("</li>") if "<li>" in line]
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=anna).count() == 10
    assert 'href="/plan/"' in codes_page.content.decode()
    # Shown once; and the session that set the app up counts as having entered its code.
    assert client.get("/accounts/two-factor/recovery-codes/")["Location"] == "/accounts/two-factor/"
    assert client.get("/plan/").status_code == 200


def test_new_recovery_codes_need_a_current_code_and_replace_the_old(client, anna, app, traveller):
    old = recovery_codes_renew(actor=anna)
    client.force_login(anna)
    refused = client.post("/accounts/two-factor/recovery-codes/new/", {"renew-code": "000001"})
    assert refused.status_code == 200 and "That code is not right" in refused.content.decode()
    assert set(StaticToken.objects.filter(device__user=anna).values_list("token", flat=True)) == set(old)
    traveller.shift(2)
    response = client.post("/accounts/two-factor/recovery-codes/new/", {"renew-code": code_now(app)})
    assert response["Location"] == "/accounts/two-factor/recovery-codes/"
    assert client.get(response["Location"]).status_code == 200
    new = set(StaticToken.objects.filter(device__user=anna).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)


def test_removing_needs_a_current_code_and_then_a_new_app_when_required(
    client, anna, app, traveller, settings
):
    recovery_codes_renew(actor=anna)
    client.force_login(anna)
    refused = client.post("/accounts/two-factor/remove/", {"remove-code": "999999"})
    assert refused.status_code == 200 and TOTPDevice.objects.filter(user=anna).exists()
    traveller.shift(2)
    response = client.post("/accounts/two-factor/remove/", {"remove-code": code_now(app)})
    assert response["Location"] == "/accounts/two-factor/"
    assert not TOTPDevice.objects.filter(user=anna).exists()
    assert not StaticToken.objects.filter(device__user=anna).exists()
    assert "Off: your password alone signs you in." in client.get("/accounts/two-factor/").content.decode()
    settings.REQUIRE_TWO_FACTOR = True
    assert client.get("/plan/")["Location"] == f"{SETUP}?next=/plan/"


def test_an_account_with_an_app_cannot_set_up_another_without_removing_it(client, anna, app):
    client.force_login(anna)
    assert client.get(SETUP)["Location"] == "/accounts/two-factor/"
    assert TOTPDevice.objects.filter(user=anna).count() == 1


# --- The pages ---------------------------------------------------------------------------------------------


def test_the_new_pages_have_a_policy_without_unsafe_inline(anna, app, traveller):
    recovery_codes_renew(actor=anna)
    pending = Client()
    sign_in(pending)
    bertil = UserFactory(username="bertil", is_staff=True)
    setting_up = Client()
    setting_up.force_login(bertil)
    managing = Client()
    managing.force_login(anna)
    managing.post("/accounts/two-factor/recovery-codes/new/", {"renew-code": code_now(app)})
    pages = {
        "code step": (pending, VERIFY),
        "setup": (setting_up, SETUP),
        "recovery codes": (managing, "/accounts/two-factor/recovery-codes/"),
        "manage": (managing, "/accounts/two-factor/"),
        "admin sign-in": (Client(), "/admin/login/"),
    }
    for name, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        policy = policy_of(response)
        assert "'unsafe-inline'" not in policy["script-src"], name
        assert "'unsafe-inline'" not in policy["style-src"], name
        assert inline_without_nonce(response.content.decode()) == [], name


def test_the_code_step_in_swedish(client, app, traveller):
    sign_in(client)
    response = client.get(VERIFY, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Ange din kod" in response.content.decode()
    translation.activate("en")


def test_the_admin_lists_devices_to_the_agency_admin_without_their_secrets(client, anna, app):
    recovery_codes_renew(actor=anna)
    agency_admin = UserFactory(username="eva", is_staff=True, is_superuser=True)
    client.force_login(agency_admin)
    listing = client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200 and "anna" in listing.content.decode()
    change = client.get(f"/admin/otp_totp/totpdevice/{app.pk}/change/")
    assert change.status_code == 200 and app.key not in change.content.decode()
    codes = client.get("/admin/otp_static/staticdevice/")
    assert codes.status_code == 200
    for token in StaticToken.objects.filter(device__user=anna):
        assert (
            token.token
            not in client.get(f"/admin/otp_static/staticdevice/{token.device_id}/change/").content.decode()
        )
    colleague = Client()
    colleague.force_login(UserFactory(username="bertil", is_staff=True))
    assert colleague.get("/admin/otp_totp/totpdevice/").status_code == 403


def test_nobody_signed_in_finds_only_the_way_to_sign_in(client, app):
    for url in (VERIFY, SETUP, "/accounts/two-factor/", "/accounts/two-factor/recovery-codes/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    for url in ("/accounts/two-factor/remove/", "/accounts/two-factor/recovery-codes/new/"):
        response = client.post(url, {"remove-code": "123456", "renew-code": "123456"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    assert client.post(VERIFY, {"code": code_now(app)})["Location"] == "/accounts/login/"
    assert TOTPDevice.objects.filter(user=app.user).count() == 1
    assert failures() == 0
