"""Storing a received message: the one write every way in (LMTP, IMAP) makes before it says "accepted".

The row is committed before the task that processes it is queued, and a broker that is down loses nothing:
the sweep (inbound.tasks.sweep_received) queues rows that are still waiting.
"""

import logging
from collections.abc import Sequence
from email import message_from_bytes
from email.policy import default

from django.db import IntegrityError, transaction

from inbound.digest import message_digest
from inbound.models import ReceivedMessage, ReceivedStatus

log = logging.getLogger(__name__)


def received_store(
    *, raw: bytes, channel: str, mail_from: str = "", recipients: Sequence[str] = ()
) -> tuple[ReceivedMessage, bool]:
    """Store a message as received, or find the row of the same message received before; return it and
    whether it is new. Committed when this returns."""
    digest = message_digest(raw)
    message_id = _message_id(raw)
    wanted = [r for r in dict.fromkeys(recipients) if r]
    try:
        with transaction.atomic():
            row = ReceivedMessage.objects.create(
                channel=channel,
                mail_from=mail_from[:320],
                recipients=wanted,
                message_id=message_id[:998],
                digest=digest,
                raw=raw,
            )
        created = True
    except IntegrityError:
        row = ReceivedMessage.objects.get(digest=digest)
        created = False
        extra = [r for r in wanted if r not in row.recipients]
        if extra and row.status == ReceivedStatus.RECEIVED:
            # The same message to a second reply address, delivered separately: one row, both addresses.
            with transaction.atomic():
                locked = ReceivedMessage.objects.select_for_update().get(pk=row.pk)
                locked.recipients = [*locked.recipients, *[r for r in extra if r not in locked.recipients]]
                locked.save(update_fields=["recipients", "updated_at"])
            row = locked
    if created:
        queue_processing(row.pk)
    return row, created


def queue_processing(pk: int) -> None:
    """Queue the task for a stored row; a broker that is down only delays it until the sweep."""
    from inbound.tasks import process_received

    try:
        process_received.delay(pk)
    except Exception as error:
        log.warning(
            "Could not queue received message %s (%s: %s); the sweep will process it.",
            pk,
            type(error).__name__,
            error,
        )


def _message_id(raw: bytes) -> str:
    try:
        headers = message_from_bytes(raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0], policy=default)
        value = str(headers.get("Message-ID", "") or "")
        # Only printable characters: a NUL (which PostgreSQL's text refuses) must not refuse the message.
        return " ".join("".join(c for c in value if c.isprintable()).split())
    except Exception:  # a header that does not parse is no reason to refuse the message
        return ""
