"""The link in an "ask for more" e-mail, modelled on Django's PasswordResetTokenGenerator: an HMAC over the
request's state, so that the link dies when it has done its job (the answer moves the request back to triage,
which changes its status and the time it changed); it expires after INTAKE_LINK_DAYS. Nothing is stored.
Signed and checked as every link of the project is (config.signing: a link sent before the key was rotated
still opens while the old key is among SECRET_KEY_FALLBACKS)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.http import base36_to_int, int_to_base36

from config import signing
from intake.models import RequestStatus, VisitRequest

SALT = "intake.tokens.more"


def _now() -> dt.datetime:
    """A seam for tests."""
    return timezone.now()


def _state(request: VisitRequest, stamp: int) -> str:
    changed = int(request.status_changed_at.timestamp())
    return f"{request.pk}:{request.status}:{changed}:{stamp}"


def make_token(request: VisitRequest) -> str:
    stamp = int(_now().timestamp())
    return f"{int_to_base36(stamp)}-{signing.digest(SALT, _state(request, stamp))}"


def check_token(request: VisitRequest, token: str) -> bool:
    """Whether the token is this request's, for its present state, and not expired."""
    stamp_b36, _, digest = token.partition("-")
    try:
        stamp = base36_to_int(stamp_b36)
    except ValueError:
        return False
    if not signing.digest_matches(SALT, _state(request, stamp), digest):
        return False
    age = _now().timestamp() - stamp
    return 0 <= age <= settings.INTAKE_LINK_DAYS * 86400 and request.status == RequestStatus.MORE_ASKED
