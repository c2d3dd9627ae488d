"""What intake holds about a person, for their export and their erasure: the requests they made as the
contact of an organisation that became a delegation (VisitRequest.contact). Requests never accepted have no
person: their personal data goes after the retention period (intake.tasks)."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from intake.models import VisitRequest
from intake.services import request_erase
from privacy.registry import register_exporter, register_redactor


def export(person_id: int) -> list[dict[str, Any]]:
    rows = (
        VisitRequest.objects.filter(contact_id=person_id).prefetch_related("themes", "notes").order_by("pk")
    )
    return [
        {
            "received": row.created_at,
            "status": row.status,
            "organisation": row.organisation,
            "country": row.country.code,
            "target_group": row.target_group,
            "themes": sorted(theme.slug for theme in row.themes.all()),
            "themes_note": row.themes_note,
            "starts_on": row.starts_on,
            "ends_on": row.ends_on,
            "dates_note": row.dates_note,
            "group_size": row.group_size,
            "languages": list(row.languages),
            "contact_name": row.contact_name,
            "contact_title": row.contact_title,
            "contact_email": row.contact_email,
            "contact_phone": row.contact_phone,
            "message": row.message,
            "consented_at": row.consented_at,
            "retention_days": row.retention_days,
            "exchange": [
                {"from": note.author, "step": note.step, "text": note.text, "at": note.created_at}
                for note in row.notes.all()
            ],
        }
        for row in rows
    ]


def redact(person_id: int, values: Sequence[str]) -> int:
    erased = 0
    for row in VisitRequest.objects.filter(contact_id=person_id, erased_at__isnull=True):
        request_erase(visit_request=row, actor=None)
        erased += 1
    return erased


def count(person_id: int) -> int:
    return VisitRequest.objects.filter(contact_id=person_id, erased_at__isnull=True).count()


def register() -> None:
    register_redactor(
        "visit_requests", _("Requests for a visit they made (personal data erased)"), redact, count=count
    )
    register_exporter("visit_requests", export)
