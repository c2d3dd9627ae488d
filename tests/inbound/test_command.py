"""`manage.py receive_mail` as production runs it: a process of its own, stopped by SIGTERM."""

import datetime as dt
import os
import signal
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from inbound.models import ReceivedMessage
from inbound.receiving import received_store
from inbound.tasks import sweep_received
from tests.inbound.conftest import ORGANIZER, REPLY_DOMAIN
from tests.inbound.samples import REPLY_ADDRESS, human_note
from tests.support.smtp import Handler, SmtpServer, free_port
from tests.support.workers import BASE_DIR, database_env, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def command(*args: str, log: Path, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "receive_mail", *args],
        cwd=BASE_DIR,
        env={**os.environ, **database_env(), **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_receive_mail_serves_lmtp_until_sigterm(tmp_path, broker_url):
    port = free_port()
    log = tmp_path / "receive_mail.log"
    process = command("--lmtp", f"127.0.0.1:{port}", log=log, REPLY_DOMAIN=REPLY_DOMAIN)
    try:
        wait_for(lambda: b"LMTP: receiving" in log.read_bytes(), 30, "the LMTP server to listen")
        client = smtplib.LMTP("127.0.0.1", port)
        assert client.sendmail("eva.lind@example.se", [REPLY_ADDRESS], human_note()) == {}
        client.quit()
        assert ReceivedMessage.objects.get().recipients == [REPLY_ADDRESS]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=20) == 0, log.read_text()


def test_receive_mail_says_what_is_missing(tmp_path):
    log = tmp_path / "receive_mail.log"
    assert command("--lmtp", "127.0.0.1:1", log=log, REPLY_DOMAIN="").wait(timeout=60) != 0
    assert "Set REPLY_DOMAIN" in log.read_text()
    assert command("--imap", log=log, INBOUND_IMAP_URL="").wait(timeout=60) != 0
    assert "Set INBOUND_IMAP_URL" in log.read_text()


def test_without_a_broker_a_forward_that_failed_for_a_while_is_swept_and_sent(tmp_path, inbound_settings):
    """Embedded (no broker: Celery eager, no beat): the forward is tried at once, the SMTP server says "try
    later", and the row stays received; receive_mail's own sweep tries it again and it goes out."""
    port = free_port()
    log = tmp_path / "receive_mail.log"
    with SmtpServer(Handler(script=["451 4.3.0 Try later"])) as server:
        process = command(
            "--lmtp",
            f"127.0.0.1:{port}",
            "--sweep-every",
            "1",
            log=log,
            CELERY_BROKER_URL="",
            REPLY_DOMAIN=REPLY_DOMAIN,
            ORGANIZER_EMAIL=ORGANIZER,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(server.port),
            INBOUND_SWEEP_GRACE_SECONDS="0",
            OUTBOX_RETRY_BASE_SECONDS="1",
            OUTBOX_RETRY_MAX_SECONDS="2",
        )
        try:
            wait_for(lambda: b"LMTP: receiving" in log.read_bytes(), 30, "the LMTP server to listen")
            client = smtplib.LMTP("127.0.0.1", port)
            assert client.sendmail("eva.lind@example.se", [REPLY_ADDRESS], human_note()) == {}
            client.quit()
            # Tried while it was received (eager), refused for now: waiting for the sweep.
            row = ReceivedMessage.objects.get()
            assert (row.status, row.attempts) == ("received", 1) and "451" in row.error
            wait_for(
                lambda: ReceivedMessage.objects.filter(status="forwarded").exists(), 30, "the swept forward"
            )
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            assert process.wait(timeout=20) == 0, log.read_text()
    assert ReceivedMessage.objects.get().attempts == 2
    assert server.handler.attempts == 2 and [r.rcpt_tos for r in server.handler.received] == [[ORGANIZER]]


def test_the_sweep_leaves_a_row_to_wait_out_its_backoff(inbound_settings, broker_url):
    """The sweep is the retry when there is no broker: a row put back after a failed try is not taken again
    before its backoff, so its tries are not used up in minutes."""
    inbound_settings.OUTBOX_RETRY_BASE_SECONDS = 600
    inbound_settings.OUTBOX_RETRY_MAX_SECONDS = 600
    received_store(raw=human_note(), channel="lmtp", recipients=[REPLY_ADDRESS])
    retried, _ = received_store(raw=human_note(text="Again."), channel="lmtp", recipients=[REPLY_ADDRESS])
    ReceivedMessage.objects.filter(pk=retried.pk).update(attempts=1)  # tried once, just now
    assert sweep_received() == 1  # only the one never tried
    ReceivedMessage.objects.filter(pk=retried.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=11))
    assert sweep_received() == 2
