"""Celery tasks that deliver the outbox: batches over one SMTP connection, retries, and the sweep."""

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Sequence

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
from notifications.wire import WireError, envelope_of, wire_bytes

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
@keeps_beating
def deliver_outbox(message_ids: Sequence[int]) -> int:
    """Send the queued, due messages among `message_ids` over one SMTP connection; return how many were sent.

    Each row is claimed (queued → sending) before it is sent, so a retried or duplicated task skips rows
    already in flight or finished. A row whose worker dies mid-send is requeued by the sweep.
    """
    now = timezone.now()
    due_ids = list(due(now).filter(pk__in=list(message_ids)).values_list("pk", flat=True))
    claimed = outbox_move(
        message_ids=due_ids,
        from_status=OutboxStatus.QUEUED,
        to_status=OutboxStatus.SENDING,
        sending_since=now,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return 0
    hold(claimed)  # the claimed rows beat until this returns: notifications.heartbeat
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
    accepted: list[int] = []  # sent, not yet marked: marked in small groups, each mark being a commit
    sent = 0

    def mark_sent() -> None:
        nonlocal sent
        if accepted:
            sent += len(
                outbox_move(
                    message_ids=accepted,
                    from_status=OutboxStatus.SENDING,
                    to_status=OutboxStatus.SENT,
                    sent_at=timezone.now(),
                    last_error="",
                )
            )
            accepted.clear()

    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # refused or timed out: nothing was sent, try all again later
        retry_later(messages, error)
        return 0
    try:
        for index, message in enumerate(messages):
            try:
                email = compose_message(message, now=stamp, preloaded=preloaded)
                # Lets a mail log, a bounce or a test tie a delivered copy back to its row.
                email.extra_headers["X-Visitplan-Outbox-Id"] = str(message.pk)
                send_one(connection, email)
            except Exception as error:
                outcome = classify(error)
                if outcome.temporary and is_connection_lost(error):
                    mark_sent()
                    retry_later(messages[index:], error)  # the rest of the batch cannot go out on this one
                    return sent
                if outcome.temporary:
                    retry_later([message], error)
                else:
                    fail(message, outcome.error)
                continue
            accepted.append(message.pk)
            if len(accepted) >= settings.OUTBOX_MARK_SENT_EVERY:
                mark_sent()
    finally:
        mark_sent()
        with contextlib.suppress(Exception):  # closing a broken connection may fail too; sends are recorded
            connection.close()
    return sent


def send_one(connection: BaseEmailBackend, email: EmailMultiAlternatives) -> None:
    """Send over the open connection: on SMTP as bytes written by notifications.wire, else through Django."""
    smtp = getattr(connection, "connection", None)
    if isinstance(smtp, smtplib.SMTP):
        try:
            wire = wire_bytes(email)
        except WireError:
            connection.send_messages([email])
            return
        sender, recipients = envelope_of(email)
        smtp.sendmail(sender, recipients, wire)
    else:
        connection.send_messages([email])


def is_connection_lost(error: BaseException) -> bool:
    return not isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def retry_later(messages: Sequence[OutboxMessage], error: BaseException) -> None:
    """Back to queued with a later send_at, or failed once the attempts are used up."""
    outcome = classify(error)
    for message in messages:
        attempts = message.attempts  # loaded after the claim, which counted this attempt
        if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            fail(message, f"{outcome.error} (gave up after {attempts} attempts)")
            continue
        delay = backoff(
            attempts, base=settings.OUTBOX_RETRY_BASE_SECONDS, cap=settings.OUTBOX_RETRY_MAX_SECONDS
        )
        moved = outbox_move(
            message_ids=[message.pk],
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
                log.warning("Could not queue a retry; the outbox sweep will send message %s.", message.pk)


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
    """Requeue messages stuck in sending (their worker died: its heartbeat went quiet), and send queued ones
    that are due but were never dispatched (the broker was down at publish time). Runs from beat; safe to run
    twice at once. Records that it ran, for `manage.py health` and the metrics."""
    now = timezone.now()
    PeriodicRun.objects.update_or_create(task="sweep_outbox", defaults={"last_run_at": now})
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
