"""The dashboard's figures for many visits at once, each in one query whatever the number of sessions.

Conflicts are counted from those kept per visit (scheduling.kept): only the visits whose conflicts may have
changed since they were last checked are checked again, all of them in one pass.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet
from django.utils import timezone

from notifications.models import OutboxMessage
from scheduling.kept import open_conflict_counts
from visits.access import AnyUser
from visits.models import AWAITING_ANSWER, Session, SessionExpert, Visit, VisitStatus

__all__ = ["VisitFigures", "dashboard_figures", "open_conflict_counts", "upcoming_visits"]


@dataclass(frozen=True)
class VisitFigures:
    visit: Visit
    days_until: int  # days until the first day in the visit's zone; 0 or less once it has begun
    sessions: int
    unanswered: int  # experts asked, or still to be asked, who have not answered
    conflicts: int  # fatal conflicts and warnings nobody has acknowledged
    failed: int  # messages about the visit that could not be delivered
    status_label: str  # the visit's status in the reader's language


def upcoming_visits(visits: QuerySet[Visit], today: dt.date | None = None) -> QuerySet[Visit]:
    """Visits not over yet, soonest first. A visit one day over may still be under way somewhere east."""
    today = today or timezone.localdate()
    return (
        visits.filter(ends_on__gte=today - dt.timedelta(days=1))
        .exclude(status=VisitStatus.COMPLETED)
        .select_related("delegation")
        .order_by("starts_on", "title")
    )


def _by_visit(rows: Iterable[Mapping[str, Any]]) -> dict[int, int]:
    return {row["visit"]: row["n"] for row in rows}


def dashboard_figures(visits: QuerySet[Visit], *, reader: AnyUser) -> list[VisitFigures]:
    listed = list(visits)
    ids = [visit.pk for visit in listed]
    sessions = _by_visit(
        Session.objects.filter(visit_id__in=ids).active().values("visit").annotate(n=Count("id")).order_by()
    )
    unanswered = _by_visit(
        SessionExpert.objects.filter(session__visit_id__in=ids, response__in=AWAITING_ANSWER)
        .exclude(session__status=Session.Status.CANCELLED)
        .values(visit=F("session__visit_id"))
        .annotate(n=Count("id"))
        .order_by()
    )
    failed = _by_visit(
        OutboxMessage.objects.filter(visit_id__in=ids, status=OutboxMessage.Status.FAILED)
        .values("visit")
        .annotate(n=Count("id"))
        .order_by()
    )
    conflicts = open_conflict_counts(ids, reader=reader)
    now = timezone.now()
    # Once per status, not per row: a model's get_FOO_display translates every choice each time it is asked.
    labels = {value: str(label) for value, label in VisitStatus.choices}
    return [
        VisitFigures(
            visit=visit,
            days_until=(visit.starts_on - now.astimezone(visit.zone).date()).days,
            sessions=sessions.get(visit.pk, 0),
            unanswered=unanswered.get(visit.pk, 0),
            conflicts=conflicts.get(visit.pk, 0),
            failed=failed.get(visit.pk, 0),
            status_label=labels.get(visit.status, visit.status),
        )
        for visit in listed
    ]
