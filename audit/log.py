"""Writing the audit log, and the one path that changes an entry: redacting a person's values.

The services call `record` (or `entry` and `record_many` for many rows at once) with their actor; the door
comes from audit.doors. Values are stored as JSON a person can read later: times in UTC ISO 8601 (the history
pages show them in the visit's zone), a related row by its name, a set of rows as a sorted list of names.
"""

import datetime as dt
import decimal
import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from audit.doors import current_door
from audit.models import Action, ActorKind, AuditEntry
from visits.bulk import bulk_insert

REDACTED = "[erased]"
Changes = dict[str, list[Any]]


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a user, an expert's or a participant's link (the person), a calendar reply, or
    the system."""

    kind: ActorKind
    user: User | None = None
    person_id: int | None = None
    label: str = ""


SYSTEM = Actor(ActorKind.SYSTEM)


def by_user(user: User) -> Actor:
    return Actor(ActorKind.USER, user=user, label=user.get_full_name() or user.get_username())


def by_link(person: models.Model, *, kind: ActorKind = ActorKind.EXPERT_LINK) -> Actor:
    """A person acting through their personal link (an expert's answer page, a participant's page)."""
    return Actor(kind, person_id=person.pk, label=str(person))


Who = User | Actor | None


def actor_of(who: Who) -> Actor:
    """A service's `actor` as the log keeps it: a user, or None for the system."""
    if isinstance(who, Actor):
        return who
    if who is None or who.pk is None:
        return SYSTEM
    return by_user(who)


def as_json(value: Any) -> Any:
    """A field's value as the log stores it."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, enum.Enum):
        return as_json(value.value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((as_json(item) for item in value), key=str)
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return str(value)  # a related row by its name; a zone, a country


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """{field: [before, after]} for the fields of `after` whose value changed."""
    changes: Changes = {}
    for name, value in after.items():
        old, new = as_json(before.get(name)), as_json(value)
        if old != new:
            changes[name] = [old, new]
    return changes


def entry(
    *,
    action: Action | str,
    actor: Who,
    changes: Changes | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: int | None = None,
    object_repr: str = "",
    visit_id: int | None = None,
    delegation_id: int | None = None,
    person_id: int | None = None,
) -> AuditEntry:
    """An unsaved entry: about `obj` (or the row named by object_type, object_id and object_repr)."""
    who = actor_of(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = object_repr or str(obj)
    return AuditEntry(
        actor_kind=who.kind,
        actor_user=who.user,
        actor_person_id=who.person_id,
        actor_label=who.label[:300],
        door=current_door(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        changes=changes or {},
        visit_id=visit_id,
        delegation_id=delegation_id,
        person_id=person_id,
    )


def record(**fields: Any) -> AuditEntry:
    """Write one entry (the arguments of `entry`)."""
    written = entry(**fields)
    written.save()
    return written


def record_many(entries: Iterable[AuditEntry], *, ids: bool = True) -> list[AuditEntry]:
    """Write many entries in one INSERT (a COPY for thousands: visits.bulk). `ids=False`: the entries'
    ids are not wanted back, so they go by COPY however few (a delivery batch's moves)."""
    return bulk_insert(AuditEntry, list(entries), ids=ids)


def _redact(value: Any, needles: list[str]) -> Any:
    if isinstance(value, str):
        lowered = value.casefold()
        for needle in needles:
            start = lowered.find(needle.casefold())
            while start != -1:
                value = value[:start] + REDACTED + value[start + len(needle) :]
                lowered = value.casefold()
                start = lowered.find(needle.casefold(), start + len(REDACTED))
        return value
    if isinstance(value, list):
        return [_redact(item, needles) for item in value]
    if isinstance(value, dict):
        return {key: _redact(item, needles) for key, item in value.items()}
    return value


@transaction.atomic
def redact_person(person_id: int, values: Iterable[str]) -> int:
    """Replace the person's personal values (their name, e-mail, phone: `values`) wherever the log holds them,
    in what changed, the object's name and the actor's name; returns how many entries were redacted. The
    erasure of a person's data calls it; it is the one path that changes an entry.

    On PostgreSQL the table's trigger refuses every UPDATE unless the transaction has set
    `visitplan.audit_redact` to 'on' (SET LOCAL: it ends with the transaction), and then allows only these
    columns to change and only to a redacted entry. The facts stay: when, which door, what kind of change, and
    whose history it is part of.
    """
    needles = sorted({value.strip() for value in values if value and value.strip()}, key=len, reverse=True)
    wanted = Q(person_id=person_id) | Q(actor_person_id=person_id)
    for needle in needles:
        escaped = as_json_text(needle)
        wanted |= (
            Q(object_repr__icontains=needle)
            | Q(actor_label__icontains=needle)
            | Q(changes_text__icontains=needle)
            | Q(changes_text__icontains=escaped)
        )
    rows = list(AuditEntry.objects.annotate(changes_text=Cast("changes", TextField())).filter(wanted))
    changed = []
    for row in rows:
        changes, name, actor = (
            _redact(row.changes, needles),
            _redact(row.object_repr, needles),
            _redact(row.actor_label, needles),
        )
        if row.actor_person_id == person_id:
            actor = REDACTED
        if (changes, name, actor) != (row.changes, row.object_repr, row.actor_label) or not row.redacted:
            row.changes, row.object_repr, row.actor_label, row.redacted = changes, name, actor, True
            changed.append(row)
    if not changed:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL visitplan.audit_redact = 'on'")
    try:
        for row in changed:
            # The base manager: the default one refuses every update, and this is the one allowed.
            AuditEntry._base_manager.filter(pk=row.pk).update(
                changes=row.changes, object_repr=row.object_repr, actor_label=row.actor_label, redacted=True
            )
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL visitplan.audit_redact = 'off'")
    return len(changed)


def as_json_text(value: str) -> str:
    """How `value` may look inside stored JSON text (SQLite keeps non-ASCII letters escaped)."""
    return json.dumps(value)[1:-1]
