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


# Both pools the README names: prefork, and threads (the documented default, bench/RESULTS.md).
@pytest.mark.parametrize("pool", ["prefork", "threads"])
def test_a_worker_killed_mid_batch_has_its_batch_sent_again_soon_repeating_at_most_the_unmarked(
    tmp_path, settings, pool
):
    """SIGKILL the whole worker while a batch of 50 is half sent. Its rows stay "sending"; only their
    heartbeat going quiet (OUTBOX_STUCK_SECONDS stays at six minutes) lets the sweep send them again, and what
    arrives twice is at most the sent-but-not-yet-marked (OUTBOX_MARK_SENT_EVERY), never the whole batch."""
    redis = RedisServer(tmp_path).start()
    with SmtpServer(Handler(delay=0.05)) as server:
        deliver_to(server, settings)
        settings.OUTBOX_STUCK_SECONDS = 360
        # Shorter than production's 10 s and 30 s, for a quick drill; the same ratio of timeout to beat.
        settings.OUTBOX_HEARTBEAT_SECONDS = 2.0
        settings.OUTBOX_HEARTBEAT_TIMEOUT_SECONDS = 6.0
        assert settings.OUTBOX_BATCH_SIZE > 2 * settings.OUTBOX_MARK_SENT_EVERY
        use_broker(redis.url)
        visit = two_hundred_invitations()
        env = {
            **database_env(),
            "CELERY_BROKER_URL": redis.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(server.port),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OUTBOX_BATCH_SIZE": str(settings.OUTBOX_BATCH_SIZE),
            "OUTBOX_MARK_SENT_EVERY": str(settings.OUTBOX_MARK_SENT_EVERY),
            "OUTBOX_HEARTBEAT_SECONDS": "2",
        }
        # One task at a time (one process, or one thread), so that one batch is killed.
        first = WorkerProcess(env, tmp_path / "worker-1.log", pool=pool).start()
        second = WorkerProcess(env, tmp_path / "worker-2.log", pool=pool)
        try:
            programme_publish(visit=visit, actor=None)

            def mid_batch() -> bool:
                """Some of a batch sent and not yet marked: what a kill can make arrive twice."""
                if len(server.handler.received) < 30:
                    return False
                sending = OutboxMessage.objects.filter(status="sending").values_list("pk", flat=True)
                return len({str(pk) for pk in sending} & set(server.handler.outbox_ids())) >= 3

            wait_for(mid_batch, 60, "a batch half sent", interval=0.05)
            first.kill()
            in_flight = {
                str(pk) for pk in OutboxMessage.objects.filter(status="sending").values_list("pk", flat=True)
            }
            arrived_before = server.handler.outbox_ids()
            second.start()
            # Within a minute, where without the heartbeat they would wait six.
            sweep_until_sent(200, timeout=60)
        finally:
            first.stop()
            second.stop()
            redis.stop()
        counts = server.handler.outbox_ids()
    twice = {pk for pk, n in counts.items() if n > 1}
    print(f"\nWorker killed with {len(in_flight)} messages claimed; {len(twice)} delivered twice.")
    assert in_flight, "nothing was in flight when the worker was killed"
    assert len(in_flight) <= settings.OUTBOX_BATCH_SIZE  # one worker process: one batch killed
    assert in_flight & set(arrived_before), "the killed batch had sent nothing: the drill proves nothing"
    assert len(counts) == 200
    assert twice <= in_flight, "a message that was not in flight was sent twice"
    assert len(twice) <= settings.OUTBOX_MARK_SENT_EVERY
    assert max(counts.values()) <= 2
    assert OutboxMessage.objects.filter(sent_at__lt=timezone.now() + dt.timedelta(seconds=1)).count() == 200
