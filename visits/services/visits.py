"""Writes of visits: create (whoever creates a visit coordinates it), update, delete, coordinators.

`data` holds the visit's own fields as a form or serializer validated them; its status moves through
`visit_change_status`, after the other fields are saved. `actor` is who makes the change (None: the system).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from audit.log import diff
from audit.models import Action
from visits.models import Visit, VisitStatus
from visits.services.base import audit_write, field_values, model_create, model_delete, model_update
from visits.services.status import visit_change_status


@transaction.atomic
def visit_create(*, data: Mapping[str, Any], status: str | None = None, actor: User | None) -> Visit:
    """A new visit, in draft unless `status` says otherwise; its creator coordinates it."""
    visit = model_create(Visit, data={**data, "status": VisitStatus.DRAFT}, actor=actor)
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
    visit = model_update(visit, data=data, actor=actor)
    if status is not None and status != visit.status:
        visit = visit_change_status(visit=visit, status=status, actor=actor)
    return visit


@transaction.atomic
def visit_coordinators_add(*, visit: Visit, users: Iterable[User], actor: User | None) -> None:
    before = field_values(visit, ["coordinators"])
    visit.coordinators.add(*users)
    changes = diff(before, field_values(visit, ["coordinators"]))
    if changes:
        audit_write(visit, action=Action.CHANGE, actor=actor, changes=changes)


@transaction.atomic
def visit_delete(*, visit: Visit, actor: User | None) -> None:
    """Delete a visit with its sessions (a published programme is protected: cancel the visit instead)."""
    model_delete(visit, actor=actor)
