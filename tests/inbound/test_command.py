"""`manage.py receive_mail` as production runs it: a process of its own, stopped by SIGTERM."""

import os
import signal
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest

from inbound.models import ReceivedMessage
from tests.inbound.conftest import REPLY_DOMAIN
from tests.inbound.samples import REPLY_ADDRESS, human_note
from tests.support.smtp import free_port
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
