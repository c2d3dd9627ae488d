"""Signed links in a registrant's e-mails: to cancel, and to take up an offered place.

A token is `<registration id in base 36>-<hmac>`, nothing personal. The HMAC covers the registration, its
person and seminar, and (for an offer) when the place was offered, so a link made for one offer does not
take up a later one. Whether a link still works is read from the row: a cancel link until the seminar's last
day is over (in its zone), an offer link until the offer expires. Opening a link (GET) changes nothing.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int, int_to_base36

from config import signing
from notifications.tokens import absolute
from registration.models import HOLDING, Registration, RegistrationStatus


class LinkState(StrEnum):
    VALID = "valid"
    USED = "used"  # genuine, but the registration is past what the link does
    EXPIRED = "expired"  # genuine, but too late
    INVALID = "invalid"  # altered or unknown


@dataclass(frozen=True)
class Checked:
    state: LinkState
    registration: Registration | None = None


class RegistrationLinks:
    def __init__(self, purpose: str) -> None:
        self.key_salt = f"visitplan.registration.links.{purpose}"
        self.purpose = purpose

    def make_token(self, registration: Registration) -> str:
        return self._token(registration, settings.SECRET_KEY)

    def _token(self, registration: Registration, secret: str) -> str:
        offered = (
            registration.offered_at.isoformat() if self.purpose == "offer" and registration.offered_at else ""
        )
        value = f"{registration.pk}:{registration.person_id}:{registration.visit_id}:{offered}"
        return f"{int_to_base36(registration.pk)}-{signing.digest(self.key_salt, value, secret=secret)}"

    def find(self, token: str) -> Registration | None:
        """The registration the token was made for, or None: altered, unknown or not one of ours."""
        ident, _, _digest = token.partition("-")
        try:
            pk = base36_to_int(ident)
        except ValueError:
            return None
        if pk > 2**62:
            return None
        registration = Registration.objects.select_related("visit", "person").filter(pk=pk).first()
        if registration is None:
            return None
        if not any(constant_time_compare(self._token(registration, s), token) for s in signing.secrets()):
            return None
        return registration


cancel_links = RegistrationLinks("cancel")
offer_links = RegistrationLinks("offer")


def seminar_over(registration: Registration, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= registration.visit.window_ends_at


def check_cancel(token: str, now: dt.datetime | None = None) -> Checked:
    registration = cancel_links.find(token)
    if registration is None:
        return Checked(LinkState.INVALID)
    if seminar_over(registration, now):
        return Checked(LinkState.EXPIRED, registration)
    if registration.status not in {*HOLDING, RegistrationStatus.WAITING}:
        return Checked(LinkState.USED, registration)
    return Checked(LinkState.VALID, registration)


def check_offer(token: str, now: dt.datetime | None = None) -> Checked:
    registration = offer_links.find(token)
    if registration is None:
        return Checked(LinkState.INVALID)
    if registration.status == RegistrationStatus.EXPIRED or (
        registration.status == RegistrationStatus.OFFERED
        and registration.offer_expires_at is not None
        and (now or timezone.now()) >= registration.offer_expires_at
    ):
        return Checked(LinkState.EXPIRED, registration)
    if registration.status != RegistrationStatus.OFFERED or seminar_over(registration, now):
        return Checked(LinkState.USED, registration)
    return Checked(LinkState.VALID, registration)


def cancel_url(registration: Registration) -> str:
    return absolute(reverse("registration_public:cancel", args=[cancel_links.make_token(registration)]))


def offer_url(registration: Registration) -> str:
    return absolute(reverse("registration_public:offer", args=[offer_links.make_token(registration)]))


def offer_deadline_text(registration: Registration) -> str:
    """When the offer lapses, in the seminar's zone, named."""
    if registration.offer_expires_at is None:
        return ""
    visit = registration.visit
    moment = timezone.localtime(registration.offer_expires_at, visit.zone)
    return f"{moment:%Y-%m-%d %H:%M} ({visit.time_zone})"
