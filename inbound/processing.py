"""Processing a received message, and the one function that moves a received message's status.

In order: the handlers registered by other apps (calendar replies, inbound.handlers); then a delivery report
about one of our outbox messages, which marks that row failed; otherwise the message is forwarded unchanged to
ORGANIZER_EMAIL, so that nothing a person writes is lost.
"""

import logging
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inbound.dsn import DeliveryReport, delivery_report
from inbound.forwarding import forward_to_organizer
from inbound.handlers import received_handlers
from inbound.models import RECEIVED_TRANSITIONS, ReceivedMessage, ReceivedStatus
from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import outbox_move

log = logging.getLogger(__name__)


class InvalidReceivedMove(ValueError):
    pass


def received_move(*, pk: int, from_status: str, to_status: str, **fields: Any) -> bool:
    """Move the row from `from_status` to `to_status`; True if it moved. The status is part of the UPDATE's
    WHERE clause, so of two workers claiming the same row exactly one succeeds."""
    if to_status not in RECEIVED_TRANSITIONS[from_status]:
        raise InvalidReceivedMove(f"A received message cannot go from {from_status} to {to_status}.")
    return bool(
        ReceivedMessage.objects.filter(pk=pk, status=from_status).update(
            status=to_status, updated_at=timezone.now(), **fields
        )
    )


@dataclass(frozen=True)
class Done:
    status: str  # processed or forwarded
    outcome: str


def parse(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)  # policy.default parses to EmailMessage
    return message


def process(row: ReceivedMessage) -> Done:
    """Do what the message calls for; raises on a failure to forward (the task retries or fails the row)."""
    raw = bytes(row.raw)
    message = parse(raw)
    recipients = list(row.recipients)
    for handler in received_handlers():
        outcome = handler(message, recipients)
        if outcome:
            return Done(ReceivedStatus.PROCESSED, str(outcome)[:40])
    report = delivery_report(message)
    if report is not None:
        outcome = bounce(report)
        if outcome is not None:
            return Done(ReceivedStatus.PROCESSED, outcome)
    forward_to_organizer(raw, original=message, recipients=recipients, mail_from=row.mail_from)
    return Done(ReceivedStatus.FORWARDED, "forwarded")


def bounce(report: DeliveryReport) -> str | None:
    """Mark the outbox row the report is about failed, with its reason; None when the report is not about one
    of our messages (it is forwarded then, as anything else is)."""
    if not report.message_id:
        return None
    rows = OutboxMessage.objects.filter(message_id=report.message_id)
    if report.outbox_id is not None:
        rows = rows.filter(pk=report.outbox_id)
    found = rows.values_list("pk", "status").first()
    if found is None:
        return None
    pk, status = found
    if not report.failed:
        return "delivery report"  # "delayed", "delivered", "relayed": nothing to change
    if status not in (OutboxStatus.SENT, OutboxStatus.SENDING):
        return "bounce (already " + str(status) + ")"
    reason = f"Returned: {report.reason}"
    with transaction.atomic():
        moved = outbox_move(
            message_ids=[pk],
            from_status=status,
            to_status=OutboxStatus.FAILED,
            last_error=reason[:2000],
            sending_since=None,
        )
    if moved:
        log.warning("Outgoing message %s bounced: %s", pk, reason.split(":")[0])
    return "bounce"


def claim(pk: int) -> ReceivedMessage | None:
    """Take the row for processing (received → processing), or None when it is not waiting: processed
    already, or claimed by another worker."""
    if not received_move(
        pk=pk,
        from_status=ReceivedStatus.RECEIVED,
        to_status=ReceivedStatus.PROCESSING,
        processing_since=timezone.now(),
        attempts=F("attempts") + 1,
    ):
        return None
    return ReceivedMessage.objects.get(pk=pk)


def finish(row: ReceivedMessage, done: Done) -> None:
    received_move(
        pk=row.pk,
        from_status=ReceivedStatus.PROCESSING,
        to_status=done.status,
        outcome=done.outcome,
        error="",
        processing_since=None,
        processed_at=timezone.now(),
    )


def release(row: ReceivedMessage, error: str) -> bool:
    """Back to received after a temporary failure, to be tried again."""
    return received_move(
        pk=row.pk,
        from_status=ReceivedStatus.PROCESSING,
        to_status=ReceivedStatus.RECEIVED,
        error=error,
        processing_since=None,
    )


def fail(row: ReceivedMessage, error: str) -> None:
    received_move(
        pk=row.pk,
        from_status=ReceivedStatus.PROCESSING,
        to_status=ReceivedStatus.FAILED,
        error=error,
        processing_since=None,
    )
