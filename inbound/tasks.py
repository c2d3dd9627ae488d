"""Celery tasks for received mail: processing a row, the sweep for rows left waiting, erasing old raw
messages, and polling an IMAP mailbox from beat."""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from inbound import processing
from inbound.models import ReceivedMessage, ReceivedStatus
from notifications.delivery import backoff, classify

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def process_received(pk: int) -> str:
    """Process one received message; returns its outcome, or "" when there was nothing to do.

    Idempotent: a row that is not waiting (processed, or claimed by another worker) is skipped. A row whose
    worker dies mid-task is put back by the sweep after INBOUND_STUCK_SECONDS."""
    row = processing.claim(pk)
    if row is None:
        return ""
    try:
        done = processing.process(row)
    except Exception as error:
        outcome = classify(error)
        if outcome.temporary and row.attempts < settings.INBOUND_MAX_ATTEMPTS:
            delay = backoff(
                row.attempts, base=settings.OUTBOX_RETRY_BASE_SECONDS, cap=settings.OUTBOX_RETRY_MAX_SECONDS
            )
            if processing.release(row, outcome.error) and not settings.CELERY_TASK_ALWAYS_EAGER:
                try:
                    process_received.apply_async(args=(pk,), countdown=delay.total_seconds())
                except Exception:
                    log.warning("Could not queue a retry; the sweep will process received message %s.", pk)
            return ""
        log.exception("Received message %s could not be processed.", pk)
        processing.fail(row, outcome.error)
        return ""
    processing.finish(row, done)
    return done.outcome


@shared_task(ignore_result=True)
def sweep_received() -> int:
    """Queue rows still waiting a while after they were received (the broker or the worker was down), and
    put back rows whose worker died mid-task. Runs from beat; safe to run twice at once."""
    now = timezone.now()
    stuck = ReceivedMessage.objects.filter(
        status=ReceivedStatus.PROCESSING,
        processing_since__lt=now - dt.timedelta(seconds=settings.INBOUND_STUCK_SECONDS),
    ).values_list("pk", flat=True)
    for pk in list(stuck):
        processing.release(ReceivedMessage(pk=pk), "The worker stopped while processing it.")
    grace = dt.timedelta(seconds=settings.INBOUND_SWEEP_GRACE_SECONDS)
    candidates = (
        ReceivedMessage.objects.filter(status=ReceivedStatus.RECEIVED)
        .filter(Q(updated_at__lt=now - grace))
        .order_by("pk")
        .values_list("pk", "attempts", "updated_at")[:2000]
    )
    # A row put back after a failed try waits out its backoff first: with a broker its retry is queued for
    # then; without one (embedded) this sweep is its retry, and must not use up its tries in minutes.
    waiting = [
        pk for pk, attempts, updated_at in candidates if updated_at < now - max(grace, _retry_after(attempts))
    ]
    waiting = waiting[:500]
    for pk in waiting:
        process_received.delay(pk)
    return len(waiting)


def _retry_after(attempts: int) -> dt.timedelta:
    if not attempts:
        return dt.timedelta(0)
    ceiling = min(settings.OUTBOX_RETRY_MAX_SECONDS, settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return dt.timedelta(seconds=ceiling)


@shared_task(ignore_result=True)
def erase_old_raw() -> int:
    """Empty the raw message of rows received more than INBOUND_KEEP_DAYS ago and done with; their status,
    outcome and Message-ID stay."""
    cutoff = timezone.now() - dt.timedelta(days=settings.INBOUND_KEEP_DAYS)
    return (
        ReceivedMessage.objects.filter(received_at__lt=cutoff, raw_erased_at__isnull=True)
        .exclude(status__in=[ReceivedStatus.RECEIVED, ReceivedStatus.PROCESSING])
        .update(raw=b"", raw_erased_at=timezone.now(), updated_at=timezone.now())
    )


@shared_task(ignore_result=True)
def poll_imap() -> int:
    """Fetch new messages from INBOUND_IMAP_URL once (beat); nothing to do when it is not set."""
    if not settings.INBOUND_IMAP_URL:
        return 0
    from inbound.imap import fetch_new

    return fetch_new(settings.INBOUND_IMAP_URL)
