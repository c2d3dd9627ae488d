"""What every write service shares: setting a model's fields from validated data, many-to-many fields too,
and the audit log's entry for it (who, through which door, what changed before and after: audit.log).

`data` is what a form's or a serializer's validation produced, by field name; the services decide what else
a write does (who coordinates, which status moves, which people are set).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models

from audit import log
from audit.log import Who
from audit.models import Action

M = TypeVar("M", bound=models.Model)


class Refused(Exception):
    """A write the domain refuses; the message says why, in words a coordinator can act on."""


@dataclass(frozen=True)
class Writes:
    """The write services of a model, for a front end that writes it generically (the API's viewsets, the
    admin's pages): `noun` is the keyword its update and delete take the row by."""

    noun: str
    create: Callable[..., Any]
    update: Callable[..., Any]
    destroy: Callable[..., None]


def _split(model: type[models.Model], data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    many = {field.name for field in model._meta.many_to_many}
    return (
        {name: value for name, value in data.items() if name not in many},
        {name: value for name, value in data.items() if name in many},
    )


def audit_scope(instance: models.Model) -> dict[str, int | None]:
    """Whose histories an entry about `instance` belongs to: its visit's, its delegation's, its person's."""
    from visits.models import Delegation, Person, Visit

    if isinstance(instance, Visit):
        return {"visit_id": instance.pk, "delegation_id": instance.delegation_id}
    if isinstance(instance, Delegation):
        return {"delegation_id": instance.pk}
    if isinstance(instance, Person):
        return {"person_id": instance.pk}
    visit_id = getattr(instance, "visit_id", None)
    if visit_id is None and getattr(instance, "session_id", None) is not None:
        visit_id = instance.session.visit_id  # type: ignore[attr-defined]
    return {
        "visit_id": visit_id,
        "delegation_id": getattr(instance, "delegation_id", None),
        "person_id": getattr(instance, "person_id", None),
    }


def field_values(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The values of these fields as the audit log compares them: a related row itself, and the rows of a
    many-to-many field as a set of names."""
    values: dict[str, Any] = {}
    for name in names:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = {str(row) for row in getattr(instance, name).all()} if instance.pk else set()
        else:
            values[name] = getattr(instance, name)
    return values


def audit_write(
    instance: models.Model, *, action: Action, actor: Who, changes: dict[str, list[Any]] | None = None
) -> None:
    """The audit entry of a write of `instance` (deleted rows: called before the delete, with their id)."""
    log.record(action=action, actor=actor, obj=instance, changes=changes, **audit_scope(instance))


def model_create(model: type[M], *, data: Mapping[str, Any], actor: Who) -> M:
    """A new row from validated data; its many-to-many fields set after it is saved."""
    fields, many = _split(model, data)
    instance = model(**fields)
    instance.save()
    for name, value in many.items():
        getattr(instance, name).set(value)
    audit_write(
        instance, action=Action.CREATE, actor=actor, changes=log.diff({}, field_values(instance, data))
    )
    return instance


def model_update(instance: M, *, data: Mapping[str, Any], actor: Who) -> M:
    """The row with these fields changed and saved (a session's save refuses a stale copy: StaleEdit).

    What it was before is read from the database: a form has set the new values on `instance` already."""
    stored = type(instance)._base_manager.filter(pk=instance.pk).first()
    before = field_values(stored, data) if stored is not None else {}
    fields, many = _split(type(instance), data)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()
    for name, value in many.items():
        getattr(instance, name).set(value)
    changes = log.diff(before, field_values(instance, data))
    if changes:
        audit_write(instance, action=Action.CHANGE, actor=actor, changes=changes)
    return instance


def model_delete(instance: models.Model, *, actor: Who) -> None:
    """Delete the row (and what cascades with it), and log it."""
    audit_write(instance, action=Action.DELETE, actor=actor)
    instance.delete()
