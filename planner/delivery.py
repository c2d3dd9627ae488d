"""How far the messages of a published version have got, read from the outbox (the source of truth).

Only the messages a publish writes count: invitations and updates, cancellations and the programme e-mail.
Reminders to experts are written for later, and would keep the progress from ever finishing.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from notifications.models import MessageKind, OutboxMessage, OutboxStatus
from visits.models import Visit
from visits.timefmt import format_moment

PUBLISH_KINDS = (MessageKind.INVITATION, MessageKind.CANCELLATION, MessageKind.PROGRAMME)
IN_FLIGHT = (OutboxStatus.QUEUED, OutboxStatus.SENDING)
FAILED_SHOWN = 50


@dataclass(frozen=True)
class Delivery:
    version: int
    counts: dict[str, int]  # every status, with 0 for none

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def in_flight(self) -> int:
        return sum(self.counts[status] for status in IN_FLIGHT)

    @property
    def done(self) -> int:
        return self.total - self.in_flight

    @property
    def finished(self) -> bool:
        return self.in_flight == 0

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    def rows(self) -> list[tuple[str, str, int]]:
        return [(status, str(label), self.counts[status]) for status, label in OutboxStatus.choices]

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "counts": self.counts,
            "total": self.total,
            "done": self.done,
            "percent": self.percent,
            "finished": self.finished,
        }


def version_messages(visit: Visit, number: int) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(visit_id=visit.pk, version_number=number, kind__in=PUBLISH_KINDS)


def delivery_of(visit: Visit, number: int) -> Delivery:
    counts = dict.fromkeys(OutboxStatus.values, 0)
    for row in version_messages(visit, number).values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return Delivery(number, counts)


def failed_messages(visit: Visit, number: int) -> list[OutboxMessage]:
    return list(
        version_messages(visit, number)
        .filter(status=OutboxStatus.FAILED)
        .select_related("person")
        .order_by("person__name", "id")[:FAILED_SHOWN]
    )


@dataclass(frozen=True)
class Waiting:
    """Why messages wait: the mail server refused them for now, and they will be tried again."""

    count: int
    last_words: str  # what the server last said
    next_try: str  # when, in the visit's zone


def waiting_for_the_server(visit: Visit, number: int) -> Waiting | None:
    """Messages still queued after a try the server refused (it is down, or said "try later"): how many, the
    server's last words and the next try; None when nothing waits on the server."""
    retrying = version_messages(visit, number).filter(status=OutboxStatus.QUEUED, attempts__gt=0)
    retrying = retrying.exclude(last_error="")
    first = retrying.order_by("send_at", "id").first()
    if first is None:
        return None
    return Waiting(
        count=retrying.count(),
        last_words=first.last_error,
        next_try=format_moment(first.send_at, visit.zone),
    )
