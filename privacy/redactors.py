"""The redactors privacy itself registers: what the apps below it hold about a person, overwritten.

Each takes the person's id and their personal values (privacy.registry) and returns the rows it changed.
What reports count stays: the person's row with its organisation (and so its country and sector), the
memberships, the participants' answers, the sessions and their rosters. What identifies the person goes:
their name, e-mail address, phone and title, what they and the coordinators said they need, the addresses
their messages went to, and any mention of them in the free text of the visits they took part in.
"""

import json
from collections.abc import Sequence
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from audit.log import redact_person
from audit.models import AuditEntry
from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import outbox_move
from participation.models import ParticipantNeeds
from privacy.registry import register_redactor
from privacy.scrub import placeholder_email, placeholder_name, scrub_json, scrub_text
from responses.models import ExpertAnswer
from scheduling.models import (
    AvailabilityException,
    ConflictAcknowledgement,
    ProgrammeChange,
    ProgrammeVersion,
)
from visits.models import Delegation, Person, Session, SessionExpert, Visit
from visits.selectors import visits_taking_part


def scrub_rows(rows: QuerySet[Any], fields: Sequence[str], values: Sequence[str]) -> int:
    """Scrub the values out of these text and JSON fields of the rows; return how many rows changed.

    Written with bulk_update, which calls no save(): a session's optimistic lock and `updated_at` are for
    edits a coordinator makes, and this is not one."""
    model = rows.model
    json_fields = {name for name in fields if isinstance(model._meta.get_field(name), models.JSONField)}
    changed = []
    for row in rows.only("pk", *fields):
        touched = False
        for name in fields:
            before = getattr(row, name)
            if before is None:
                continue
            after = scrub_json(before, values) if name in json_fields else scrub_text(before, values)
            if after != before:
                setattr(row, name, after)
                touched = True
        if touched:
            changed.append(row)
    if changed:
        model._base_manager.bulk_update(changed, list(fields), batch_size=500)
    return len(changed)


def _person(person_id: int, values: Sequence[str]) -> int:
    return Person.objects.filter(pk=person_id).update(
        name=placeholder_name(person_id), email=placeholder_email(person_id), phone="", title=""
    )


def _needs_rows(person_id: int) -> QuerySet[ParticipantNeeds]:
    return ParticipantNeeds.objects.filter(Q(person_id=person_id) | Q(member__person_id=person_id))


def _needs(person_id: int, values: Sequence[str]) -> int:
    """What the person said they need, and the coordinators' notes on their memberships: gone."""
    deleted, _by_model = _needs_rows(person_id).delete()
    return deleted


def _outbox(person_id: int, values: Sequence[str]) -> int:
    """Their messages keep their kind, status and times (the delivery figures of past visits), not the
    address. One still queued is withdrawn: it would go to nobody now."""
    mine = OutboxMessage.objects.filter(person_id=person_id)
    queued = list(mine.filter(status=OutboxStatus.QUEUED).values_list("pk", flat=True))
    if queued:
        outbox_move(message_ids=queued, from_status=OutboxStatus.QUEUED, to_status=OutboxStatus.WITHDRAWN)
    readdressed = mine.update(to_email=placeholder_email(person_id))
    # Messages of their visits (notices to coordinators among them) may name them in what is kept to compose
    # them again, or in a server's reply ("550 <eva@...>: no such user").
    theirs = OutboxMessage.objects.filter(Q(person_id=person_id) | Q(visit__in=_visits(person_id)))
    return readdressed + scrub_rows(theirs, ["payload", "snapshot", "last_error", "message_id"], values)


def _visits(person_id: int) -> QuerySet[Visit]:
    return visits_taking_part(Person(pk=person_id)).values("pk")  # type: ignore[return-value]


def _programmes(person_id: int, values: Sequence[str]) -> int:
    """Mentions of the person in the free text of the visits they took part in: the programmes stay, with a
    placeholder where the person was named."""
    visits = _visits(person_id)
    delegations = Delegation.objects.filter(Q(visits__in=visits) | Q(members__person_id=person_id)).distinct()
    return sum(
        [
            scrub_rows(
                Visit.objects.filter(pk__in=visits), ["title", "title_translations", "audience"], values
            ),
            scrub_rows(delegations, ["notes"], values),
            scrub_rows(
                Session.objects.filter(visit__in=visits),
                ["title", "title_translations", "description", "description_translations"],
                values,
            ),
            scrub_rows(SessionExpert.objects.filter(session__visit__in=visits), ["note"], values),
            scrub_rows(ExpertAnswer.history.filter(expert__session__visit__in=visits), ["note"], values),
            scrub_rows(ProgrammeVersion.objects.filter(visit__in=visits), ["snapshot"], values),
            scrub_rows(
                ProgrammeChange.objects.filter(version__visit__in=visits),
                ["session_title", "before", "after"],
                values,
            ),
            scrub_rows(ConflictAcknowledgement.objects.filter(visit__in=visits), ["key", "message"], values),
            # Other participants' needs may name them ("shares a room with ...").
            scrub_rows(
                ParticipantNeeds.objects.filter(Q(visit__in=visits) | Q(member__delegation__in=delegations)),
                ["dietary_note", "accessibility_note", "interpreting_note"],
                values,
            ),
        ]
    )


def _availability(person_id: int, values: Sequence[str]) -> int:
    """An expert's dated exceptions keep their dates (the conflict rules read them), not their notes."""
    return AvailabilityException.objects.filter(person_id=person_id).exclude(note="").update(note="")


def _admin_log(person_id: int, values: Sequence[str]) -> int:
    """The admin's own history of changes names the objects it changed ("Eva Norrman (Member, ...)")."""
    person_type = ContentType.objects.get_for_model(Person)
    renamed = LogEntry.objects.filter(content_type=person_type, object_id=str(person_id)).update(
        object_repr=placeholder_name(person_id)
    )
    found = Q(pk__in=[])
    # The change message is JSON written with ensure_ascii: "Kalniņa" is "Kalni\\u0146a" there.
    for form in {form for value in values for form in (value, json.dumps(value)[1:-1])}:
        found |= Q(object_repr__icontains=form) | Q(change_message__icontains=form)
    candidates = LogEntry.objects.filter(found).values("pk")
    return renamed + scrub_rows(
        LogEntry.objects.filter(pk__in=candidates), ["object_repr", "change_message"], values
    )


def register_builtin() -> None:
    register_redactor(
        "person",
        _("Name, e-mail address, phone and title (replaced by a placeholder)"),
        _person,
        count=lambda person_id: 1,
    )
    register_redactor(
        "needs",
        _("Needs and notes on what they need"),
        _needs,
        count=lambda person_id: _needs_rows(person_id).count(),
    )
    register_redactor(
        "outbox",
        _("Addresses of the messages sent to them (queued messages are withdrawn)"),
        _outbox,
        count=lambda person_id: OutboxMessage.objects.filter(person_id=person_id).count(),
    )
    register_redactor(
        "programmes", _("Mentions of them in the programmes and notes of their visits"), _programmes
    )
    register_redactor(
        "availability",
        _("Notes on their availability"),
        _availability,
        count=lambda person_id: (
            AvailabilityException.objects.filter(person_id=person_id).exclude(note="").count()
        ),
    )
    register_redactor("admin_log", _("Mentions of them in the admin's history of changes"), _admin_log)
    # The audit log keeps what happened; its entries lose the person's values (audit's one way to change
    # an entry, which its PostgreSQL trigger lets through).
    register_redactor(
        "audit",
        _("Their name and addresses in the history of changes (what happened stays)"),
        redact_person,
        count=lambda person_id: AuditEntry.objects.filter(
            Q(person_id=person_id) | Q(actor_person_id=person_id)
        ).count(),
    )
