"""Celery tasks that deliver the outbox: batches over one SMTP connection, retries, and the sweep."""

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F, Q
from django.utils import timezone

from notifications.delivery import backoff, classify
from notifications.heartbeat import hold, keeps_beating, stale_claims
from notifications.hooks import unwanted
from notifications.models import OutboxMessage, OutboxStatus, PeriodicRun
from notifications.outbox import due, outbox_move
from notifications.pipelining import ConnectionLost, Envelope, Pipeline
from notifications.wire import WireError, envelope_of, wire_bytes
from scheduling.publishing import write_all_pending_messages

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
@keeps_beating
def deliver_outbox(message_ids: Sequence[int]) -> int:
    """Send the queued, due messages among `message_ids` over one SMTP connection; return how many were sent.

    The batch's rows are claimed (queued → sending) in one statement before they are sent, so a retried or
    duplicated task skips rows already in flight or finished. A row whose worker dies mid-send is requeued by
    the sweep. Sent rows are marked every OUTBOX_MARK_SENT_EVERY messages, one statement each: a worker killed
    mid-batch sends at most that many again.
    """
    now = timezone.now()
    claimed = outbox_move(
        message_ids=list(message_ids),
        from_status=OutboxStatus.QUEUED,
        to_status=OutboxStatus.SENDING,
        due_by=now,
        sending_since=now,
        heartbeat_at=now,  # the first beat, in the claim's statement
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return 0
    hold(claimed, beat_first=False)  # the claimed rows beat until this returns: notifications.heartbeat
    from notifications.compose import compose_message, preload

    messages = list(
        OutboxMessage.objects.filter(pk__in=claimed).select_related("person", "visit", "user").order_by("pk")
    )
    # A reminder whose expert has answered, or whose session was cancelled or moved: withdrawn, not sent.
    withdrawn = unwanted(messages)
    if withdrawn:
        outbox_move(
            message_ids=sorted(withdrawn),
            from_status=OutboxStatus.SENDING,
            to_status=OutboxStatus.WITHDRAWN,
            sending_since=None,
        )
        messages = [m for m in messages if m.pk not in withdrawn]
    preloaded = preload(messages)
    # DTSTAMP, the time of sending: one for the batch, which goes out within seconds, so that the calendar
    # lines a session's recipients share are written once.
    stamp = timezone.now()
    batch = Batch({message.pk: message for message in messages})

    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        sender = Sender(connection)
    except Exception as error:  # refused or timed out: nothing was sent, try all again later
        retry_later(messages, error)
        return 0
    try:
        for message in messages:
            try:
                email = compose_message(message, now=stamp, preloaded=preloaded)
            except Exception as error:
                batch.settle([(message.pk, error)])
                continue
            # Lets a mail log, a bounce or a test tie a delivered copy back to its row.
            email.extra_headers["X-Visitplan-Outbox-Id"] = str(message.pk)
            batch.settle(sender.send(message.pk, email))
        batch.settle(sender.flush())
    except ConnectionLost as lost:
        batch.settle(lost.settled)
        # What was in flight, and the rest of the batch, cannot go out on this connection.
        batch.mark_sent()
        retry_later(batch.unsettled(), lost.error)
    finally:
        batch.mark_sent()
        with contextlib.suppress(Exception):  # closing a broken connection may fail too; sends are recorded
            connection.close()
    return batch.sent


@dataclass
class Batch:
    """The messages of one delivery task, and what became of each."""

    messages: dict[int, OutboxMessage]
    accepted: list[int] = field(default_factory=list)  # sent, not yet marked
    settled: set[int] = field(default_factory=set)
    sent: int = 0

    def settle(self, outcomes: Iterable[tuple[int, BaseException | None]]) -> None:
        """Record what the server said of each message: accepted, to try again later, or failed for good."""
        for key, error in outcomes:
            self.settled.add(key)
            if error is None:
                self.accepted.append(key)
                if len(self.accepted) >= settings.OUTBOX_MARK_SENT_EVERY:
                    self.mark_sent()
                continue
            outcome = classify(error)
            if outcome.temporary:
                retry_later([self.messages[key]], error)
            else:
                fail(self.messages[key], outcome.error)

    def mark_sent(self) -> None:
        """One UPDATE for the sent rows not yet marked (each mark is a commit)."""
        if self.accepted:
            self.sent += len(
                outbox_move(
                    message_ids=self.accepted,
                    from_status=OutboxStatus.SENDING,
                    to_status=OutboxStatus.SENT,
                    sent_at=timezone.now(),
                    last_error="",
                )
            )
            self.accepted = []

    def unsettled(self) -> list[OutboxMessage]:
        return [message for key, message in self.messages.items() if key not in self.settled]


class Sender:
    """Sends over an open connection: on SMTP as bytes written by notifications.wire, pipelined where the
    server offers it (notifications.pipelining); through Django otherwise (a test's or console backend)."""

    def __init__(self, connection: BaseEmailBackend) -> None:
        self.connection = connection
        smtp = getattr(connection, "connection", None)
        self.pipeline = Pipeline(smtp) if isinstance(smtp, smtplib.SMTP) else None

    def send(self, key: int, email: EmailMultiAlternatives) -> list[tuple[int, BaseException | None]]:
        if self.pipeline is not None:
            try:
                wire = wire_bytes(email)
            except WireError:
                pass  # a shape notifications.wire does not write: Django writes it, below
            else:
                sender, recipients = envelope_of(email)
                return self.pipeline.send(Envelope(key, sender, recipients, wire))
        outcomes = self.flush()
        try:
            self.connection.send_messages([email])
        except Exception as error:
            if classify(error).temporary and is_connection_lost(error):
                raise ConnectionLost(error, outcomes, [key]) from error
            return [*outcomes, (key, error)]
        return [*outcomes, (key, None)]

    def flush(self) -> list[tuple[int, BaseException | None]]:
        return self.pipeline.flush() if self.pipeline is not None else []


def is_connection_lost(error: BaseException) -> bool:
    return not isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def retry_later(messages: Sequence[OutboxMessage], error: BaseException) -> None:
    """Back to queued with a later send_at, or failed once the attempts are used up. Messages with the same
    count of attempts move together (one UPDATE, one task to send them again)."""
    outcome = classify(error)
    by_attempts: dict[int, list[int]] = {}
    for message in messages:
        attempts = message.attempts  # loaded after the claim, which counted this attempt
        if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            fail(message, f"{outcome.error} (gave up after {attempts} attempts)")
            continue
        by_attempts.setdefault(attempts, []).append(message.pk)
    for attempts, keys in by_attempts.items():
        delay = backoff(
            attempts, base=settings.OUTBOX_RETRY_BASE_SECONDS, cap=settings.OUTBOX_RETRY_MAX_SECONDS
        )
        moved = outbox_move(
            message_ids=keys,
            from_status=OutboxStatus.SENDING,
            to_status=OutboxStatus.QUEUED,
            send_at=timezone.now() + delay,
            last_error=outcome.error,
            sending_since=None,
        )
        if moved and not settings.CELERY_TASK_ALWAYS_EAGER:
            # A short countdown, well inside the broker's visibility timeout; the sweep is the backstop.
            try:
                deliver_outbox.apply_async(args=(moved,), countdown=delay.total_seconds())
            except Exception:
                log.warning("Could not queue a retry; the outbox sweep will send messages %s.", moved)


def fail(message: OutboxMessage, error: str) -> None:
    outbox_move(
        message_ids=[message.pk],
        from_status=OutboxStatus.SENDING,
        to_status=OutboxStatus.FAILED,
        last_error=error,
        sending_since=None,
    )
    log.warning("Outgoing message %s failed for good: %s", message.pk, error.split(":")[0])


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Write the messages of published versions that have none yet (their publisher died between its two
    transactions), requeue messages stuck in sending (their worker died: its heartbeat went quiet), and send
    queued ones that are due but were never dispatched (the broker was down at publish time). Runs from
    beat; safe to run twice at once. Records that it ran, for `manage.py health` and the metrics."""
    now = timezone.now()
    PeriodicRun.objects.update_or_create(task="sweep_outbox", defaults={"last_run_at": now})
    # A version whose publisher died after storing it has no messages yet: they are written (and
    # dispatched on commit) first.
    write_all_pending_messages()
    stuck = list(OutboxMessage.objects.filter(stale_claims(now)).values_list("pk", flat=True))
    if stuck:
        outbox_move(
            message_ids=stuck, from_status=OutboxStatus.SENDING, to_status=OutboxStatus.QUEUED, send_at=now
        )
    # Leave alone what was queued a moment ago: its own task is on the way.
    waiting = list(
        due(now)
        .filter(
            Q(updated_at__lt=now - dt.timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS))
            | Q(pk__in=stuck)
        )
        .order_by("send_at", "pk")
        .values_list("pk", flat=True)[: settings.OUTBOX_SWEEP_LIMIT]
    )
    size = settings.OUTBOX_BATCH_SIZE
    for start in range(0, len(waiting), size):
        deliver_outbox.delay(waiting[start : start + size])
    return len(waiting)
