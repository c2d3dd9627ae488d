"""Fault drills: a broker outage during publishing, and a worker killed mid-batch. Nothing lost, nothing twice
(save, for a killed worker, the messages that were in flight)."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.tasks import sweep_outbox
from scheduling.publishing import programme_publish
from tests.factories import PersonFactory, SessionExpertFactory, SessionFactory, VisitFactory, stockholm
from tests.support.broker import RedisServer
from tests.support.smtp import Handler, SmtpServer, deliver_to
from tests.support.workers import WorkerProcess, database_env, use_broker, wait_for, worker_thread

pytestmark = pytest.mark.django_db(transaction=True)


def two_hundred_invitations():
    """One session led by 200 experts: 200 invitations (no delegation members, so no programme e-mails)."""
    visit = VisitFactory()
    visit.delegation.members.all().delete()
    session = SessionFactory(
        visit=visit, starts_at=stockholm(2027, 3, 23, 9), ends_at=stockholm(2027, 3, 23, 10)
    )
    for _ in range(200):
        SessionExpertFactory(session=session, person=PersonFactory())
    session.venue.capacity = None
    session.venue.save()
    return visit


def assert_each_delivered_once(counts, total: int) -> None:
    assert len(counts) == total, f"{total - len(counts)} messages never arrived"
    assert max(counts.values()) == 1, "a message was delivered twice"


def sweep_until_sent(total: int, timeout: float) -> None:
    def all_sent() -> bool:
        if OutboxMessage.objects.filter(status="sent").count() == total:
            return True
        sweep_outbox()  # what beat does every minute
        return False

    wait_for(all_sent, timeout, f"{total} messages sent", interval=1.0)


def test_redis_stopped_while_200_invitations_are_published_then_started_again(tmp_path, settings):
    redis = RedisServer(tmp_path).start()
    with SmtpServer(Handler(delay=0.01)) as server:
        deliver_to(server, settings)
        visit = two_hundred_invitations()
        try:
            with worker_thread(redis.url):
                redis.stop()
                # Publishing commits; queueing the delivery tasks fails; the rows are the record.
                programme_publish(visit=visit, actor=None)
                due = OutboxMessage.objects.filter(send_at__lte=timezone.now())
                assert due.filter(status="queued").count() == 200
                redis.start()
                use_broker(redis.url)
                sweep_until_sent(200, timeout=120)
        finally:
            redis.stop()
        counts = server.handler.outbox_ids()
    assert_each_delivered_once(counts, 200)


def test_redis_stopped_mid_delivery_loses_nothing(tmp_path, settings):
    redis = RedisServer(tmp_path).start()
    with SmtpServer(Handler(delay=0.02)) as server:
        deliver_to(server, settings)
        settings.OUTBOX_STUCK_SECONDS = 10
        visit = two_hundred_invitations()
        try:
            with worker_thread(redis.url):
                programme_publish(visit=visit, actor=None)
                wait_for(lambda: len(server.handler.received) >= 20, 60, "the first deliveries")
                redis.stop()  # queued tasks in Redis are lost with it (no persistence)
                redis.start()
                use_broker(redis.url)
                sweep_until_sent(200, timeout=180)
        finally:
            redis.stop()
        counts = server.handler.outbox_ids()
    assert_each_delivered_once(counts, 200)


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_what_was_in_flight(tmp_path, settings):
    redis = RedisServer(tmp_path).start()
    with SmtpServer(Handler(delay=0.05)) as server:
        deliver_to(server, settings)
        settings.OUTBOX_STUCK_SECONDS = 10  # longer than a batch takes, as in production (time limit + 60 s)
        use_broker(redis.url)
        visit = two_hundred_invitations()
        env = {
            **database_env(),
            "CELERY_BROKER_URL": redis.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(server.port),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OUTBOX_BATCH_SIZE": str(settings.OUTBOX_BATCH_SIZE),
        }
        first = WorkerProcess(env, tmp_path / "worker-1.log").start()
        second = WorkerProcess(env, tmp_path / "worker-2.log")
        try:
            programme_publish(visit=visit, actor=None)
            wait_for(lambda: len(server.handler.received) >= 30, 60, "the first deliveries")
            first.kill()
            in_flight = OutboxMessage.objects.filter(status="sending").count()
            second.start()
            sweep_until_sent(200, timeout=180)
        finally:
            first.stop()
            second.stop()
            redis.stop()
        counts = server.handler.outbox_ids()
    twice = sum(1 for n in counts.values() if n > 1)
    print(f"\nWorker killed with {in_flight} messages claimed; {twice} delivered twice.")
    assert len(counts) == 200
    assert twice <= settings.OUTBOX_BATCH_SIZE
    assert twice <= in_flight
    assert OutboxMessage.objects.filter(sent_at__lt=timezone.now() + dt.timedelta(seconds=1)).count() == 200
