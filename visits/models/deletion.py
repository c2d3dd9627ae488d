"""Deletion that keeps the record of published programmes.

A published programme is a record of who met whom. Deleting a person, a delegation member or a visit that took
part in one would rewrite that record, so these `on_delete` handlers refuse with a message that says why, and
cascade as usual for what was only ever a draft. The database backs this up: its foreign keys have no
ON DELETE action, so a raw DELETE of a referenced row fails too.
"""

from typing import Any

from django.db import models
from django.db.models.deletion import CASCADE, ProtectedError


def PROTECT_IF_PUBLISHED(collector: Any, field: models.ForeignKey, sub_objs: Any, using: str) -> None:
    """The model of `field` says which of its rows are published (`published_filter()`) and why those may
    not be deleted (`protected_deletion_message(rows)`)."""
    model: Any = field.model
    pks = [obj.pk for obj in sub_objs]
    published = list(
        model._default_manager.using(using).filter(pk__in=pks).filter(model.published_filter()).distinct()
    )
    if published:
        raise ProtectedError(model.protected_deletion_message(published), set(published))
    CASCADE(collector, field, sub_objs, using)


def explain_protection(error: ProtectedError) -> ProtectedError:
    """Django's collector replaces the message of a ProtectedError raised in on_delete with a generic one;
    rebuild a message a coordinator can act on from the protected rows themselves."""
    messages: list[str] = []
    for row in sorted(error.protected_objects, key=lambda obj: (type(obj).__name__, obj.pk)):
        explain = getattr(type(row), "protected_deletion_message", None)
        message = explain([row]) if explain else str(error.args[0])
        if message not in messages:
            messages.append(message)
    return ProtectedError(" ".join(messages), error.protected_objects)


class ExplainedDeletionMixin(models.Model):
    """A model whose delete() explains, in the domain's words, why the deletion was refused."""

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        try:
            return super().delete(*args, **kwargs)
        except ProtectedError as error:
            raise explain_protection(error) from None
