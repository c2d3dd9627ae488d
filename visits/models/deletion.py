"""Deletion that keeps the record of published programmes.

A published programme is a record of who met whom. Deleting a person, a delegation member or a visit that took
part in one would rewrite that record, so these `on_delete` handlers refuse with a message that says why, and
cascade as usual for what was only ever a draft. The database backs this up: its foreign keys have no ON DELETE
action, so a raw DELETE of a referenced row fails too.
"""

from typing import Any, Protocol

from django.db import models
from django.db.models.deletion import CASCADE, ProtectedError


class PublishedAware(Protocol):
    @classmethod
    def published_filter(cls) -> models.Q: ...

    @classmethod
    def protected_deletion_message(cls, field: models.Field, rows: list[Any]) -> str: ...


def PROTECT_IF_PUBLISHED(  # noqa: N802 - named like Django's own CASCADE and PROTECT
    collector: Any, field: models.ForeignKey, sub_objs: Any, using: str
) -> None:
    model: Any = field.model
    pks = [obj.pk for obj in sub_objs]
    published = list(model._default_manager.using(using).filter(pk__in=pks).filter(model.published_filter()).distinct())
    if published:
        raise ProtectedError(model.protected_deletion_message(field, published), set(published))
    CASCADE(collector, field, sub_objs, using)
