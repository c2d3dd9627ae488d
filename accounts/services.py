"""The writes of an account's second factor, each by the account's own user (the `actor`): adding an
authenticator app, renewing the recovery codes, removing both. An agency admin removes a coordinator's lost
device in the admin (accounts.admin)."""

import time
from binascii import unhexlify

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.two_factor import TOTP_DIGITS, normalise_code

RECOVERY_CODES = 10
# The app's codes change every this many seconds; one step either side is accepted, for a slow thumb or clock.
TOTP_STEP = 30
TOTP_TOLERANCE = 1


class TwoFactorRefused(Exception):
    """A change to the second factor that is refused; the message says why, in words the person can act on."""


def authenticator_key_new() -> str:
    """A new secret for an authenticator app (20 random bytes, hex), kept in the session until confirmed."""
    return str(random_hex(20))


def authenticator_add(*, actor: User, key: str, code: str) -> TOTPDevice:
    """Adds the app that shows `code` for `key` as the actor's authenticator. The code proves the app was set
    up; it is used up by this, as a sign-in code would be."""
    code = normalise_code(code)
    totp = TOTP(unhexlify(key.encode()), step=TOTP_STEP, digits=TOTP_DIGITS)
    totp.time = time.time()
    if not (code.isdigit() and totp.verify(int(code), tolerance=TOTP_TOLERANCE)):
        raise TwoFactorRefused(
            _("That code does not match: check the phone's clock, then enter the code the app shows now.")
        )
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise TwoFactorRefused(_("This account has an authenticator app already: remove it first."))
        return TOTPDevice.objects.create(
            user=actor,
            name="authenticator app",
            key=key,
            step=TOTP_STEP,
            digits=TOTP_DIGITS,
            tolerance=TOTP_TOLERANCE,
            drift=totp.drift,
            last_t=totp.t(),
            confirmed=True,
        )


def recovery_codes_renew(*, actor: User) -> list[str]:
    """Ten new recovery codes for the actor, each good for one sign-in; the old ones stop working. Returned
    once, to be shown once: they are kept only for checking."""
    codes = [StaticToken.random_token() for _code in range(RECOVERY_CODES)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=actor).delete()
        device = StaticDevice.objects.create(user=actor, name="recovery codes", confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_remove(*, actor: User) -> None:
    """Removes the actor's authenticator app and recovery codes: signing in takes the password alone again
    (and, when two-factor sign-in is required, setting up a new app at once)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        StaticDevice.objects.filter(user=actor).delete()
