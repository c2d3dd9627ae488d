"""`manage.py health` against real services, healthy and broken, and /metrics for Prometheus."""

import datetime as dt
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxStatus, PeriodicRun
from scheduling.models import ProgrammeVersion
from tests.factories import OutboxMessageFactory, VisitFactory
from tests.support.broker import RedisServer
from tests.support.smtp import SmtpServer, deliver_to, free_port
from tests.support.workers import BASE_DIR, database_env

pytestmark = pytest.mark.django_db


def health(*checks: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("health", *checks, stdout=out, stderr=err)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def services(tmp_path, settings):
    """A Redis and an SMTP server of the test's own, the settings pointing at them, and a sweep just run."""
    redis = RedisServer(tmp_path).start()
    with SmtpServer() as smtp:
        deliver_to(smtp, settings)
        settings.EMBEDDED_BROKER = False
        settings.CELERY_BROKER_URL = redis.url
        settings.HEALTH_TIMEOUT_SECONDS = 2
        PeriodicRun.objects.create(task="sweep_outbox", last_run_at=timezone.now())
        try:
            yield redis, smtp
        finally:
            redis.stop()


def test_all_well_exits_0_with_a_line_per_check(services):
    OutboxMessageFactory.create(send_at=timezone.now() - dt.timedelta(seconds=30))
    code, out, err = health()
    assert code == 0, err
    assert err == ""
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "ok   database",
        "ok   broker",
        "ok   smtp",
        "ok   queue",
        "ok   beat",
    ]
    assert "oldest due message waited 30 s" in out


def test_a_stopped_broker_fails_naming_it(services):
    redis, _ = services
    redis.stop()
    code, out, err = health()
    assert code == 1
    assert err.startswith("FAIL broker: ConnectionError")
    assert "ok   smtp" in out and "ok   database" in out  # the other checks still ran


def test_an_smtp_port_with_nothing_listening_fails_naming_it(services, settings):
    settings.EMAIL_PORT = free_port()
    code, _, err = health("smtp")
    assert code == 1
    assert err.startswith("FAIL smtp: ConnectionRefusedError")


def test_a_message_waiting_too_long_fails(services, settings):
    settings.HEALTH_MAX_QUEUED_AGE_SECONDS = 600
    OutboxMessageFactory.create(send_at=timezone.now() - dt.timedelta(minutes=11))
    OutboxMessageFactory.create(send_at=timezone.now() + dt.timedelta(days=1))  # not due: not waiting
    code, _, err = health("queue")
    assert code == 1
    assert "FAIL queue: the oldest due message has waited 66" in err
    assert "HEALTH_MAX_QUEUED_AGE_SECONDS=600" in err


def test_a_version_left_without_its_messages_fails_the_queue_check_after_the_same_time(services, settings):
    """A publisher that died between its two transactions leaves its version pending: a moment of that is
    normal, ten minutes is what the queue check is for."""
    settings.HEALTH_MAX_QUEUED_AGE_SECONDS = 600
    version = ProgrammeVersion.objects.create(
        visit=VisitFactory.create(), number=1, snapshot={}, messages_pending=True
    )
    code, out, _ = health("queue")
    assert code == 0 and out.startswith("ok   queue: nothing waiting")
    ProgrammeVersion.objects.filter(pk=version.pk).update(
        published_at=timezone.now() - dt.timedelta(minutes=11)
    )
    code, _, err = health("queue")
    assert code == 1
    assert "FAIL queue: 1 published version(s) have had no messages written for up to 66" in err
    assert "is beat running?" in err


def test_a_sent_or_future_message_is_not_waiting(services):
    OutboxMessageFactory.create(send_at=timezone.now() - dt.timedelta(days=1), status=OutboxStatus.SENT)
    OutboxMessageFactory.create(send_at=timezone.now() + dt.timedelta(days=1))
    code, out, _ = health("queue")
    assert code == 0
    assert out.startswith("ok   queue: nothing waiting")


@pytest.mark.parametrize(
    ("last_run", "reason"),
    [(None, "the outbox sweep never ran"), (dt.timedelta(minutes=5), "the outbox sweep last ran 300 s ago")],
)
def test_beat_not_sweeping_fails(services, settings, last_run, reason):
    settings.HEALTH_MAX_SWEEP_AGE_SECONDS = 120
    PeriodicRun.objects.all().delete()
    if last_run is not None:
        PeriodicRun.objects.create(task="sweep_outbox", last_run_at=timezone.now() - last_run)
    code, _, err = health("beat")
    assert code == 1
    assert err.startswith(f"FAIL beat: {reason}")


def test_an_unknown_check_is_named():
    with pytest.raises(Exception, match="No check named disk; there are database, broker, smtp, queue, beat"):
        call_command("health", "disk")


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_for_a_monitor(tmp_path):
    """As a monitor runs it: a process of its own, its exit status and output."""
    redis = RedisServer(tmp_path).start()
    with SmtpServer() as smtp:
        PeriodicRun.objects.create(task="sweep_outbox", last_run_at=timezone.now())
        env = {
            **os.environ,
            **database_env(),
            "CELERY_BROKER_URL": redis.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        }
        command = [sys.executable, "manage.py", "health"]
        try:
            well = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
            redis.stop()
            broken = subprocess.run(
                command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
            )
        finally:
            redis.stop()
    assert well.returncode == 0, well.stderr
    assert well.stdout.count("\nok") == 4
    assert broken.returncode == 1
    assert "FAIL broker: ConnectionError" in broken.stderr


# --- /metrics ---


def scrape(client, token: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.get(reverse("metrics"), **headers)


def test_metrics_without_a_token_setting_are_not_there(client, settings):
    settings.METRICS_TOKEN = ""
    assert scrape(client, "").status_code == 404
    assert scrape(client, None).status_code == 404


def test_metrics_with_a_wrong_or_missing_token_are_not_there(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert scrape(client, None).status_code == 404
    assert scrape(client, "s3cret").status_code == 404
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Basic s3cret-token").status_code == 404


def test_metrics_show_the_outbox_in_five_queries(client, settings, django_assert_num_queries):
    settings.METRICS_TOKEN = "s3cret-token"
    now = timezone.now()
    OutboxMessageFactory.create(send_at=now - dt.timedelta(seconds=90))
    OutboxMessageFactory.create(send_at=now - dt.timedelta(seconds=10))
    OutboxMessageFactory.create(send_at=now + dt.timedelta(hours=1))  # queued, not due
    OutboxMessageFactory.create(status=OutboxStatus.SENT, sent_at=now - dt.timedelta(seconds=20))
    OutboxMessageFactory.create(status=OutboxStatus.SENT, sent_at=now - dt.timedelta(minutes=5))
    OutboxMessageFactory.create(status=OutboxStatus.FAILED)
    PeriodicRun.objects.create(task="sweep_outbox", last_run_at=now - dt.timedelta(seconds=40))
    with django_assert_num_queries(5):
        response = scrape(client, "s3cret-token")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    values = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in response.content.decode().splitlines()
        if line and not line.startswith("#")
    }
    assert values['visitplan_outbox_messages{status="queued"}'] == 3
    assert values['visitplan_outbox_messages{status="sent"}'] == 2
    assert values['visitplan_outbox_messages{status="failed"}'] == 1
    assert values['visitplan_outbox_messages{status="sending"}'] == 0
    assert values["visitplan_outbox_queue_depth"] == 2
    assert 90 <= values["visitplan_outbox_oldest_due_age_seconds"] < 120
    assert values["visitplan_outbox_sent_last_minute"] == 1
    assert values["visitplan_outbox_failed_last_minute"] == 1
    assert 40 <= values["visitplan_outbox_sweep_age_seconds"] < 70
    assert values["visitplan_versions_pending"] == 0
