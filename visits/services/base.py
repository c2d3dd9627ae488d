"""What every write service shares: setting a model's fields from validated data, many-to-many fields too.

`data` is what a form's or a serializer's validation produced, by field name; the services decide what else
a write does (who coordinates, which status moves, which people are set).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models

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


def model_create(model: type[M], *, data: Mapping[str, Any]) -> M:
    """A new row from validated data; its many-to-many fields set after it is saved."""
    fields, many = _split(model, data)
    instance = model(**fields)
    instance.save()
    for name, value in many.items():
        getattr(instance, name).set(value)
    return instance


def model_update(instance: M, *, data: Mapping[str, Any]) -> M:
    """The row with these fields changed and saved (a session's save refuses a stale copy: StaleEdit)."""
    fields, many = _split(type(instance), data)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()
    for name, value in many.items():
        getattr(instance, name).set(value)
    return instance
