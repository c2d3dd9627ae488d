"""Is delivery working? The checks behind `manage.py health` (for monitoring: exit status and one line each)
and the figures behind /metrics (for Prometheus), both read from the services and the outbox table itself."""

import datetime as dt
import smtplib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend
from django.db import connection
from django.db.models import Count, Min, Q
from django.utils import timezone
from kombu import Connection

from notifications.models import OutboxMessage, OutboxStatus, PeriodicRun
from notifications.outbox import due
from scheduling.models import ProgrammeVersion

SWEEP_TASK = "sweep_outbox"  # what notifications.tasks.sweep_outbox records in PeriodicRun


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database(now: dt.datetime) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return str(connection.settings_dict.get("NAME"))


def check_broker(now: dt.datetime) -> str:
    if settings.EMBEDDED_BROKER:
        return "none (tasks run eagerly)"
    url = settings.CELERY_BROKER_URL
    timeout = settings.HEALTH_TIMEOUT_SECONDS
    if url.startswith(("redis://", "rediss://")):
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    else:
        with Connection(url, connect_timeout=timeout) as broker:
            broker.ensure_connection(max_retries=1, timeout=timeout)
    return url.split("@")[-1]


def check_smtp(now: dt.datetime) -> str:
    backend = get_connection(fail_silently=False, timeout=settings.HEALTH_TIMEOUT_SECONDS)
    if not isinstance(backend, EmailBackend):
        return f"none ({settings.EMAIL_BACKEND.rsplit('.', 2)[-2]} backend)"
    backend.open()
    try:
        assert backend.connection is not None
        code, reply = backend.connection.noop()
        if code != 250:
            raise smtplib.SMTPResponseException(code, reply)
    finally:
        backend.close()
    return f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"


def oldest_due_age(now: dt.datetime) -> float | None:
    """Seconds the longest-waiting due message has waited, or None when none is waiting."""
    oldest = due(now).aggregate(oldest=Min("send_at"))["oldest"]
    return None if oldest is None else max(0.0, (now - oldest).total_seconds())


def pending_versions(now: dt.datetime) -> tuple[int, float | None]:
    """Published versions whose messages are not written yet (scheduling.publishing: a second of it is
    normal; longer, the outbox sweep writes them), and seconds since the oldest of them was published."""
    found = ProgrammeVersion.objects.filter(messages_pending=True).aggregate(
        n=Count("pk"), oldest=Min("published_at")
    )
    oldest = found["oldest"]
    return found["n"], None if oldest is None else max(0.0, (now - oldest).total_seconds())


def sweep_age(now: dt.datetime) -> float | None:
    """Seconds since beat's outbox sweep last ran, or None when it never ran."""
    last = PeriodicRun.objects.filter(task=SWEEP_TASK).values_list("last_run_at", flat=True).first()
    return None if last is None else max(0.0, (now - last).total_seconds())


class Unhealthy(Exception):
    pass


def check_queue(now: dt.datetime) -> str:
    pending, pending_age = pending_versions(now)
    if pending_age is not None and pending_age > settings.HEALTH_MAX_QUEUED_AGE_SECONDS:
        raise Unhealthy(
            f"{pending} published version(s) have had no messages written for up to {pending_age:.0f} s; the "
            f"outbox sweep writes them: is beat running? "
            f"(HEALTH_MAX_QUEUED_AGE_SECONDS={settings.HEALTH_MAX_QUEUED_AGE_SECONDS})"
        )
    age = oldest_due_age(now)
    if age is None:
        return "nothing waiting"
    if age > settings.HEALTH_MAX_QUEUED_AGE_SECONDS:
        raise Unhealthy(
            f"the oldest due message has waited {age:.0f} s "
            f"(HEALTH_MAX_QUEUED_AGE_SECONDS={settings.HEALTH_MAX_QUEUED_AGE_SECONDS})"
        )
    return f"oldest due message waited {age:.0f} s"


def check_sweep(now: dt.datetime) -> str:
    age = sweep_age(now)
    if age is None:
        raise Unhealthy("the outbox sweep never ran: is beat running?")
    if age > settings.HEALTH_MAX_SWEEP_AGE_SECONDS:
        raise Unhealthy(
            f"the outbox sweep last ran {age:.0f} s ago: is beat running? "
            f"(HEALTH_MAX_SWEEP_AGE_SECONDS={settings.HEALTH_MAX_SWEEP_AGE_SECONDS})"
        )
    return f"last ran {age:.0f} s ago"


CHECKS: dict[str, Callable[[dt.datetime], str]] = {
    "database": check_database,
    "broker": check_broker,
    "smtp": check_smtp,
    "queue": check_queue,
    "beat": check_sweep,
}


def run_checks(names: list[str] | None = None) -> Iterator[Check]:
    """Each check in turn; one that fails says why in one line, and the next still runs."""
    now = timezone.now()
    database_ok = True
    for name, check in CHECKS.items():
        if names and name not in names:
            continue
        if name in {"queue", "beat"} and not database_ok:
            yield Check(name, False, "not checked: the database is unreachable")
            continue
        started = time.monotonic()
        try:
            detail = check(now)
        except Unhealthy as problem:
            yield Check(name, False, str(problem))
        except Exception as error:  # any failure to reach a service is the answer, not a crash
            if name == "database":
                database_ok = False
            reason = " ".join(str(error).split())[:200] or "no reason given"
            yield Check(name, False, f"{type(error).__name__}: {reason}")
        else:
            yield Check(name, True, f"{detail} ({(time.monotonic() - started) * 1000:.0f} ms)")


@dataclass(frozen=True)
class OutboxFigures:
    by_status: dict[str, int]
    queue_depth: int  # due and queued
    oldest_due_age: float | None
    sent_last_minute: int
    failed_last_minute: int
    sweep_age: float | None
    versions_pending: int  # published versions whose messages are not written yet


def outbox_figures(now: dt.datetime | None = None) -> OutboxFigures:
    """What /metrics shows: five queries, whatever the size of the tables."""
    now = now or timezone.now()
    counts = dict(
        OutboxMessage.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    waiting = due(now).aggregate(n=Count("pk"), oldest=Min("send_at"))
    minute_ago = now - dt.timedelta(minutes=1)
    recent = OutboxMessage.objects.aggregate(
        sent=Count("pk", filter=Q(status=OutboxStatus.SENT, sent_at__gte=minute_ago)),
        failed=Count("pk", filter=Q(status=OutboxStatus.FAILED, updated_at__gte=minute_ago)),
    )
    oldest = waiting["oldest"]
    return OutboxFigures(
        by_status={status: counts.get(status, 0) for status in OutboxStatus.values},
        queue_depth=waiting["n"],
        oldest_due_age=None if oldest is None else max(0.0, (now - oldest).total_seconds()),
        sent_last_minute=recent["sent"],
        failed_last_minute=recent["failed"],
        sweep_age=sweep_age(now),
        versions_pending=pending_versions(now)[0],
    )
