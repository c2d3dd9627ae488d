"""A heartbeat on the outbox rows a worker holds in "sending", so that the sweep can tell a dead worker's rows
from a slow one's and send them again within a minute instead of after OUTBOX_STUCK_SECONDS.

While a batch is being sent, a thread of the worker writes `heartbeat_at` on the batch's rows that are still
in "sending" every OUTBOX_HEARTBEAT_SECONDS. A worker that is SIGKILLed, or loses its machine, stops
beating; the sweep (`stale_claims`) puts back rows whose beat is older than
OUTBOX_HEARTBEAT_TIMEOUT_SECONDS. A row claimed by a worker that never beat for it (a worker of an older
release during a deploy, or one killed between its claim and its first beat, a few milliseconds) falls back
to the old rule: OUTBOX_STUCK_SECONDS after the claim.

The beat is bookkeeping, not a move of status: it writes directly, with no audit entry, and never waits for
a row another transaction holds (SKIP LOCKED; a row skipped once is beaten the next time).
"""

import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


def beat(message_ids: Sequence[int]) -> int:
    """Mark the rows among `message_ids` that are still in sending as alive now; return how many."""
    rows = OutboxMessage.objects.filter(pk__in=list(message_ids), status=OutboxStatus.SENDING)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            rows = OutboxMessage.objects.filter(
                pk__in=list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True))
            )
        return rows.update(heartbeat_at=timezone.now())


def _beat_until(message_ids: list[int], stop: threading.Event, interval: float) -> None:
    try:
        while not stop.wait(interval):
            try:
                beat(message_ids)
            except Exception:  # a database hiccup costs one beat; three in a row let the sweep take the rows
                log.warning("Outbox heartbeat failed for %d messages.", len(message_ids), exc_info=True)
    finally:
        connection.close()  # this thread's own connection


@contextmanager
def heartbeat(
    message_ids: Sequence[int], *, interval: float | None = None, beat_first: bool = True
) -> Iterator[None]:
    """Keep the claimed rows among `message_ids` beating while the block runs (the delivery of a batch).
    `beat_first=False` when the claim itself wrote the first beat (deliver_outbox: one statement less)."""
    ids = list(message_ids)
    if not ids:
        yield
        return
    every = settings.OUTBOX_HEARTBEAT_SECONDS if interval is None else interval
    if beat_first:
        beat(ids)  # before the first message goes out, so that the sweep judges these rows by their beat
    stop = threading.Event()
    thread = threading.Thread(
        target=_beat_until, args=(ids, stop, every), name="outbox-heartbeat", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        # Not for long: a beat in progress is a single UPDATE that skips locked rows.
        thread.join(timeout=5)


P = ParamSpec("P")
R = TypeVar("R")
_held = threading.local()


def keeps_beating(task: Callable[P, R]) -> Callable[P, R]:
    """Let the task hold a heartbeat (`hold`) from its claim until it returns, however it returns."""

    @functools.wraps(task)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with ExitStack() as stack:
            outer, _held.stack = getattr(_held, "stack", None), stack
            try:
                return task(*args, **kwargs)
            finally:
                _held.stack = outer

    return run


def hold(message_ids: Sequence[int], *, beat_first: bool = True) -> None:
    """Beat for these claimed rows until the enclosing `keeps_beating` function returns."""
    stack: ExitStack | None = getattr(_held, "stack", None)
    if stack is None:
        raise RuntimeError("notifications.heartbeat.hold() is for a function decorated with keeps_beating.")
    stack.enter_context(heartbeat(message_ids, beat_first=beat_first))


def stale_claims(now: dt.datetime) -> Q:
    """Rows in sending whose worker is gone: its beat went quiet, or it never beat and the claim is old."""
    quiet = now - dt.timedelta(seconds=settings.OUTBOX_HEARTBEAT_TIMEOUT_SECONDS)
    old_claim = now - dt.timedelta(seconds=settings.OUTBOX_STUCK_SECONDS)
    beating = Q(heartbeat_at__isnull=False, heartbeat_at__gte=F("sending_since"))
    return Q(status=OutboxStatus.SENDING) & (
        (beating & Q(heartbeat_at__lt=quiet)) | (~beating & Q(sending_since__lt=old_claim))
    )
