"""What booklets holds about a person, for their export and their erasure: when they arrive and leave, and
their hotel (ParticipantStay). Erasure deletes the rows: the caterers' and hotels' exports need them only
while the visit is planned, and nothing counted later reads them."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from booklets.models import ParticipantStay
from privacy.registry import register_exporter, register_redactor


def export(person_id: int) -> list[dict[str, Any]]:
    stays = ParticipantStay.objects.filter(person_id=person_id).select_related("visit").order_by("pk")
    return [
        {
            "visit": stay.visit_id,
            "visit_title": stay.visit.title,
            "arrives_at": stay.arrives_at,
            "departs_at": stay.departs_at,
            "hotel": stay.hotel,
        }
        for stay in stays
    ]


def redact(person_id: int, values: Sequence[str]) -> int:
    deleted, _by_model = ParticipantStay.objects.filter(person_id=person_id).delete()
    return deleted


def count(person_id: int) -> int:
    return ParticipantStay.objects.filter(person_id=person_id).count()


def register() -> None:
    register_redactor("stays", _("Arrival, departure and hotel (deleted)"), redact, count=count)
    register_exporter("stays", export)
