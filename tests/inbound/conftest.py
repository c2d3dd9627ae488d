"""Received mail for real: an LMTP server on loopback, Dovecot, a Celery worker on Redis, an SMTP server."""

import os
import shutil
import smtplib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from inbound.lmtp import LmtpController, lmtp_controller
from tests.notifications.conftest import Programme, programme, publish, smtp  # noqa: F401
from tests.support.broker import RedisServer
from tests.support.imap import DovecotServer
from tests.support.smtp import free_port
from tests.support.workers import use_broker

REPLY_DOMAIN = "replies.example.org"
ORGANIZER = "coordinators@agency.example.org"


@pytest.fixture
def broker_url(tmp_path: Path) -> Iterator[str]:
    """The configured Redis (CI), or a private one; the Celery app points at it, out of eager mode, and the
    queue is emptied before and after, so no task of this test outlives it."""
    configured = os.environ.get("CELERY_BROKER_URL", "")
    server = None
    if configured.startswith("redis://"):
        url = configured
    else:
        server = RedisServer(tmp_path).start()
        url = server.url
    client = redis.Redis.from_url(url)
    client.delete("celery")
    use_broker(url)
    try:
        yield url
    finally:
        client.delete("celery")
        if server is not None:
            server.stop()


@pytest.fixture
def inbound_settings(settings):
    settings.REPLY_DOMAIN = REPLY_DOMAIN
    settings.ORGANIZER_EMAIL = ORGANIZER
    settings.INBOUND_SWEEP_GRACE_SECONDS = 0
    return settings


@pytest.fixture
def lmtp(inbound_settings, broker_url) -> Iterator[LmtpController]:
    controller = lmtp_controller("127.0.0.1", free_port(), REPLY_DOMAIN)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def lmtp_send(controller: LmtpController, raw: bytes, to: str, sender: str = "eva.lind@example.se") -> dict:
    """Deliver one message to one recipient as Postfix would; returns smtplib's refused recipients."""
    client = smtplib.LMTP(controller.hostname, controller.port)
    try:
        return client.sendmail(sender, [to], raw)
    finally:
        client.quit()


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    # Not under pytest's tmp_path: its folders are private to root, and Dovecot's users must reach this one.
    base = Path(tempfile.mkdtemp(prefix="visitplan-dovecot-"))
    server = DovecotServer(base).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
