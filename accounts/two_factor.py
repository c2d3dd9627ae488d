"""Two-factor sign-in (django-otp): the one place that says whether a request still owes its second factor,
and whether a code proves it.

An account's second factor is an authenticator app (a TOTP device) with its recovery codes (a static device
whose tokens each work once). A session is verified once a code of the account's own devices was entered in
it (django_otp.login puts the device in the session; OTPMiddleware reads it back on every request).

When REQUIRE_TWO_FACTOR is on, every signed-in account owes it: coordinators are the only people with
accounts, and every one of them reaches personal data. An account that has set up a device is asked for a
code at every sign-in whether or not it is required (config: the password step, accounts.views).
"""

from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device, verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

AnyUser = User | AnonymousUser
Due = Literal["two_factor:setup", "two_factor:verify"]

# An authenticator app shows six digits; a recovery code is longer and has letters (accounts.services).
TOTP_DIGITS = 6


def is_verified(user: Any) -> bool:
    """Whether the session this user came with was verified by a code (set by OTPMiddleware on
    request.user; a user from elsewhere, such as an API token's, carries none)."""
    return getattr(user, "otp_device", None) is not None


def has_device(user: AnyUser) -> bool:
    """Whether the account has set up its second factor (an app, or recovery codes left from one)."""
    return bool(user.is_authenticated and user_has_device(user, confirmed=True))


def has_authenticator(user: AnyUser) -> bool:
    return bool(user.is_authenticated and TOTPDevice.objects.filter(user=user.pk, confirmed=True).exists())


def two_factor_due(request: HttpRequest) -> Due | None:
    """Where a signed-in person must go before anything else, when REQUIRE_TWO_FACTOR is on: the code step
    if the account has a device, else setting one up. None when nothing is owed (or nobody is signed in)."""
    if not settings.REQUIRE_TWO_FACTOR:
        return None
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return None
    return "two_factor:verify" if has_device(user) else "two_factor:setup"


def normalise_code(code: str) -> str:
    """People type codes with spaces or a hyphen (recovery codes are shown as "abcd-efgh")."""
    return "".join(code.split()).replace("-", "").lower()


@dataclass(frozen=True)
class CodeCheck:
    """What a code proved: the device it belongs to, or why not (a wrong code, or too many wrong ones in a
    row, which django-otp makes wait 1, 2, 4, 8 … seconds)."""

    device: Device | None
    refusal: str = ""


def code_check(*, user: User, code: str) -> CodeCheck:
    """Checks a code against the account's own devices: six digits against its authenticator app, anything
    else against its recovery codes (a recovery code that matches is used up). Only the device the code is
    meant for is tried, so that a recovery code never counts as a wrong app code, nor the reverse."""
    code = normalise_code(code)
    is_app_code = code.isdigit() and len(code) == TOTP_DIGITS
    kind: type[Device] = TOTPDevice if is_app_code else StaticDevice
    devices = [device for device in devices_for_user(user, confirmed=True) if isinstance(device, kind)]
    for device in devices:
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(None, _("Too many wrong codes in a row: wait a minute, then enter a new code."))
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return CodeCheck(verified)
    return CodeCheck(
        None, _("That code is not right: enter the six digits the app shows now, or a recovery code.")
    )


def recovery_codes_left(user: AnyUser) -> int:
    if not user.is_authenticated:
        return 0
    return StaticToken.objects.filter(device__user=user.pk, device__confirmed=True).count()
