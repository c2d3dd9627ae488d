"""The link in an "ask for more" e-mail, modelled on Django's PasswordResetTokenGenerator: an HMAC over the
request's state, so that the link dies when it has done its job (the answer moves the request back to triage,
which changes its status and the time it changed); it expires after INTAKE_LINK_DAYS. Nothing is stored."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

from intake.models import RequestStatus, VisitRequest

SALT = "intake.tokens.more"


def _now() -> dt.datetime:
    """A seam for tests."""
    return timezone.now()


def _hash(request: VisitRequest, stamp: int) -> str:
    changed = int(request.status_changed_at.timestamp())
    state = f"{request.pk}:{request.status}:{changed}:{stamp}"
    return salted_hmac(SALT, state, algorithm="sha256").hexdigest()[::2]


def make_token(request: VisitRequest) -> str:
    stamp = int(_now().timestamp())
    return f"{int_to_base36(stamp)}-{_hash(request, stamp)}"


def check_token(request: VisitRequest, token: str) -> bool:
    """Whether the token is this request's, for its present state, and not expired."""
    stamp_b36, _, digest = token.partition("-")
    try:
        stamp = base36_to_int(stamp_b36)
    except ValueError:
        return False
    if not constant_time_compare(_hash(request, stamp), digest):
        return False
    age = _now().timestamp() - stamp
    return 0 <= age <= settings.INTAKE_LINK_DAYS * 86400 and request.status == RequestStatus.MORE_ASKED
