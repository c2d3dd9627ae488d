"""Status moves of visits and sessions: the one place each status changes, along the allowed transitions."""

from collections.abc import Mapping

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.log import diff
from audit.models import Action
from visits.models import (
    SESSION_TRANSITIONS,
    VISIT_TRANSITIONS,
    Session,
    Visit,
    VisitStatus,
)
from visits.services.base import audit_write


class InvalidTransition(ValidationError):
    """A status change that the allowed transitions do not permit."""


def check_transition(
    *, transitions: dict[str, set[str]], current: str, target: str, labels: Mapping[str, object]
) -> None:
    if target == current:
        return
    if target not in transitions.get(current, set()):
        allowed = ", ".join(sorted(str(labels[s]) for s in transitions.get(current, set()))) or gettext(
            "none"
        )
        raise InvalidTransition(
            {
                "status": gettext(
                    "A %(current)s item cannot become %(target)s. Allowed from here: %(allowed)s."
                )
                % {"current": labels[current], "target": labels[target], "allowed": allowed}
            }
        )


@transaction.atomic
def visit_change_status(*, visit: Visit, status: str, actor: User | None = None) -> Visit:
    """Move a visit to another status; `actor` is who moves it (None: the system, as publishing does).

    Cancelling keeps every session: the programme stays on record."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    check_transition(
        transitions=VISIT_TRANSITIONS, current=visit.status, target=status, labels=dict(VisitStatus.choices)
    )
    if status != visit.status:
        changes = diff({"status": visit.status}, {"status": status})
        audit_write(visit, action=Action.CHANGE, actor=actor, changes=changes)
    visit.status = status
    fields = ["status", "updated_at"]
    if status == VisitStatus.PUBLISHED and visit.first_published_at is None:
        visit.first_published_at = timezone.now()
        fields.append("first_published_at")
    visit.save(update_fields=fields)
    return visit


@transaction.atomic
def session_change_status(*, session: Session, status: str, actor: User | None = None) -> Session:
    """Move a session to another status; `actor` is who moves it (None: the system)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    check_transition(
        transitions=SESSION_TRANSITIONS,
        current=session.status,
        target=status,
        labels=dict(Session.Status.choices),
    )
    if status != session.status:
        changes = diff({"status": session.status}, {"status": status})
        audit_write(session, action=Action.CHANGE, actor=actor, changes=changes)
    session.status = status
    session.save(update_fields=["status", "updated_at"])
    return session
