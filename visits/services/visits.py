"""Writes of visits: create (whoever creates a visit coordinates it), update, delete, coordinators.

`data` holds the visit's own fields as a form or serializer validated them; its status moves through
`visit_change_status`, after the other fields are saved. `actor` is who makes the change (None: the system).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from visits.models import Visit, VisitStatus
from visits.services.base import model_create, model_update
from visits.services.status import visit_change_status


@transaction.atomic
def visit_create(*, data: Mapping[str, Any], status: str | None = None, actor: User | None) -> Visit:
    """A new visit, in draft unless `status` says otherwise; its creator coordinates it."""
    visit = model_create(Visit, data={**data, "status": VisitStatus.DRAFT})
    if actor is not None:
        visit.coordinators.add(actor)
    if status is not None and status != visit.status:
        visit = visit_change_status(visit=visit, status=status, actor=actor)
    return visit


@transaction.atomic
def visit_update(
    *, visit: Visit, data: Mapping[str, Any], status: str | None = None, actor: User | None
) -> Visit:
    """The visit changed; with `status`, moved there after its other fields are saved (a fresh copy then)."""
    visit = model_update(visit, data=data)
    if status is not None and status != visit.status:
        visit = visit_change_status(visit=visit, status=status, actor=actor)
    return visit


@transaction.atomic
def visit_coordinators_add(*, visit: Visit, users: Iterable[User], actor: User | None) -> None:
    visit.coordinators.add(*users)


@transaction.atomic
def visit_delete(*, visit: Visit, actor: User | None) -> None:
    """Delete a visit with its sessions (a published programme is protected: cancel the visit instead)."""
    visit.delete()
