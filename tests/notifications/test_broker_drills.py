"""The broker goes away while a worker acknowledges a task: the worker (a real `celery -A config worker`
process) stays up, reconnects when Redis is back, and delivers what comes next without a person."""

import asyncio
import logging
import os
import threading
from dataclasses import dataclass, field

import pytest
from kombu import Connection, Queue
from kombu.transport import redis as kombu_redis

from config.broker_fixes import ClosedChannelError, guard_closed_redis_channels
from notifications.models import OutboxMessage
from notifications.tasks import sweep_outbox
from scheduling.publishing import programme_publish
from tests.factories import PersonFactory, SessionExpertFactory, SessionFactory, VisitFactory, stockholm
from tests.support.broker import RedisServer
from tests.support.smtp import Handler, SmtpServer, deliver_to
from tests.support.workers import WorkerProcess, database_env, use_broker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class GatedHandler(Handler):
    """Accepts `before_gate` messages, then holds the next DATA until the test opens the gate."""

    before_gate: int = 0
    gate: threading.Event = field(default_factory=threading.Event)
    waiting: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            held = len(self.received) >= self.before_gate and not self.gate.is_set()
        if held:
            self.waiting.set()
            await asyncio.get_running_loop().run_in_executor(None, self.gate.wait)
        return await super().handle_DATA(server, session, envelope)


def invitations(count):
    visit = VisitFactory.create()
    visit.delegation.members.all().delete()
    session = SessionFactory.create(
        visit=visit, starts_at=stockholm(2027, 3, 23, 9), ends_at=stockholm(2027, 3, 23, 10)
    )
    for _ in range(count):
        SessionExpertFactory.create(session=session, person=PersonFactory.create())
    session.venue.capacity = None
    session.venue.save()
    return visit


def sweep_until_sent(total: int, timeout: float = 90) -> None:
    def all_sent() -> bool:
        if OutboxMessage.objects.filter(status="sent").count() == total:
            return True
        sweep_outbox()  # what beat does every minute
        return False

    wait_for(all_sent, timeout, f"{total} messages sent", interval=1.0)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def received_then_closed(redis: RedisServer):
    """A message received, then its connection closed as the worker's consumer closes it on losing the
    broker: what was unacknowledged restored to the queue, the channel closed, the transport let go."""
    connection = Connection(redis.url)
    queue = Queue("drill")
    with connection.Producer() as producer:
        producer.publish({"n": 1}, routing_key="drill", declare=[queue])
    received = []
    consumer = connection.Consumer(queue, callbacks=[lambda body, message: received.append(message)])
    consumer.consume()
    connection.drain_events(timeout=5)
    (message,) = received
    message.channel.qos.restore_unacked_once()
    connection.close()
    return connection, message


def test_acknowledging_through_a_closed_connection_is_a_connection_error_not_a_crash(tmp_path, caplog):
    redis = RedisServer(tmp_path).start()
    try:
        guard_closed_redis_channels()
        connection, message = received_then_closed(redis)
        # Without the guard, kombu fails with an AttributeError, which stops a worker (celery#9250). When this
        # assertion fails, kombu has fixed it: config/broker_fixes.py can go.
        with pytest.raises(AttributeError):
            kombu_redis.Channel._unguarded_connparams(message.channel)
        with pytest.raises(ClosedChannelError):
            message.ack()
        # What the worker calls: a connection error is logged, and the worker carries on.
        message._state = "RECEIVED"
        with caplog.at_level(logging.CRITICAL):
            message.ack_log_error(logging.getLogger("drill"), connection.connection_errors)
        assert "Couldn't ack" in caplog.text
    finally:
        redis.stop()


# Both pools the README names: with threads, the task's thread acknowledges it.
@pytest.mark.parametrize("pool", ["prefork", "threads"])
def test_redis_stopped_while_the_worker_acknowledges_a_task(tmp_path, settings, pool):
    """The batch's last message is held at the SMTP server until the worker has seen Redis go, so the task
    finishes, and its message is acknowledged, through the connection the consumer has just closed: what
    stopped the worker's main process (celery#9250). The worker stays up, the batch is marked sent while the
    broker is still gone, and after Redis is back the same worker delivers the next batch, queued by the
    sweep as beat would: nobody restarts anything."""
    redis = RedisServer(tmp_path).start()
    handler = GatedHandler(before_gate=4)
    with SmtpServer(handler) as server:
        deliver_to(server, settings)
        settings.OUTBOX_BATCH_SIZE = 5
        use_broker(redis.url)
        env = {
            **database_env(),
            "CELERY_BROKER_URL": redis.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(server.port),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OUTBOX_BATCH_SIZE": "5",
        }
        log = tmp_path / "worker.log"
        worker = WorkerProcess(env, log, pool=pool).start()
        assert worker.process is not None
        pid = worker.process.pid
        sent = OutboxMessage.objects.filter(status="sent")
        try:
            programme_publish(visit=invitations(5), actor=None)
            assert handler.waiting.wait(60), "the batch never reached its last message"
            redis.stop()
            wait_for(lambda: b"Connection to broker lost" in log.read_bytes(), 30, "the worker to notice")
            handler.gate.set()  # the task sends its last message, marks the batch and returns: the ack
            wait_for(lambda: sent.count() == 5, 30, "the batch marked sent, the broker still gone")
            wait_for(lambda: b"succeeded" in log.read_bytes(), 30, "the task to be acknowledged")
            redis.start()
            use_broker(redis.url)
            wait_for(lambda: log.read_bytes().count(b"Connected to redis://") >= 2, 60, "a reconnect")
            programme_publish(visit=invitations(5), actor=None)
            sweep_until_sent(10)
            assert worker.process.poll() is None and pid_alive(pid), log.read_text()
            assert b"Unrecoverable error" not in log.read_bytes(), log.read_text()
        finally:
            handler.gate.set()
            worker.stop()
            redis.stop()
        counts = server.handler.outbox_ids()
    assert len(counts) == 10 and max(counts.values()) == 1, counts
