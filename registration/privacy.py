"""What registration holds about a person, for their export and their erasure: their registrations (the
organisation and role they typed, the sector, the status and its times) and the e-mails about them.

Erasure empties what they typed and the addresses of those e-mails (notices, which carry no person); the
sector and the status stay, as the report counts them. Their needs are participation's (ParticipantNeeds),
erased with the person's other needs."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.models import OutboxMessage
from privacy.registry import register_exporter, register_redactor
from privacy.scrub import placeholder_email
from registration.models import Registration


def export(person_id: int) -> list[dict[str, Any]]:
    rows = Registration.objects.filter(person_id=person_id).select_related("visit").order_by("pk")
    return [
        {
            "seminar": r.visit_id,
            "seminar_title": r.visit.title,
            "email": r.email,
            "organisation": r.organisation,
            "role": r.role,
            "sector": r.sector,
            "status": r.status,
            "registered_at": r.created_at,
            "consented_at": r.consented_at,
            "offered_at": r.offered_at,
            "confirmed_at": r.confirmed_at,
            "cancelled_at": r.cancelled_at,
            "checked_in_at": r.checked_in_at,
        }
        for r in rows
    ]


def _messages(person_id: int) -> Any:
    ids = list(Registration.objects.filter(person_id=person_id).values_list("pk", flat=True))
    if not ids:
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.filter(Q(payload__notice="registration") & Q(payload__registration__in=ids))


def redact(person_id: int, values: Sequence[str]) -> int:
    erased = placeholder_email(person_id)
    changed = _messages(person_id).exclude(to_email=erased).update(to_email=erased)
    changed += (
        Registration.objects.filter(person_id=person_id)
        .exclude(organisation="", role="", email=erased)
        .update(organisation="", role="", email=erased)
    )
    return changed


def count(person_id: int) -> int:
    return Registration.objects.filter(person_id=person_id).count() + _messages(person_id).count()


def register() -> None:
    register_redactor(
        "registrations",
        _("Registrations for seminars (what they typed; e-mails' addresses)"),
        redact,
        count=count,
    )
    register_exporter("registrations", export)
