"""A real SMTP server on loopback (aiosmtpd) whose replies a test can script."""

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class Handler:
    """Replies to DATA from `script` in turn (e.g. ["451 4.3.0 Try later"] * 2), then with 250 for ever.

    It offers PIPELINING in its EHLO reply, as Postfix and most servers do (aiosmtpd reads pipelined commands
    but does not say so itself); `pipelining=False` makes a server that does not."""

    script: list[str] = field(default_factory=list)
    always: str | None = None  # e.g. "550 5.1.1 No such user": every DATA gets this
    delay: float = 0.0  # seconds per message, to keep a batch in flight
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    pipelining: bool = True
    # RCPT TO replies by address, e.g. {"nobody@example.org": "550 5.1.1 No such user"}
    refuse: dict[str, str] = field(default_factory=dict)
    drop_at: int | None = None  # the connection is cut, without a reply, at this DATA (counting from 1)
    connections: int = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:
        session.host_name = hostname
        with self.lock:
            self.connections += 1
        if self.pipelining:
            return [*responses[:-1], "250-PIPELINING", responses[-1]]
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.attempts += 1
            if self.attempts == self.drop_at:
                server.transport.close()
                return "421 4.4.2 Gone"  # never seen: the connection is closed first
            if self.always:
                return self.always
            if self.script:
                return self.script.pop(0)
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 2.0.0 Accepted"

    def outbox_ids(self) -> Counter[str]:
        """How many times each outbox row arrived (by the X-Visitplan-Outbox-Id header)."""
        with self.lock:
            return Counter(r.message["X-Visitplan-Outbox-Id"] for r in self.received)


class SmtpServer:
    def __init__(self, handler: Handler | None = None) -> None:
        self.handler = handler or Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def deliver_to(server: SmtpServer, settings: object, **overrides: object) -> None:
    """Point Django's SMTP backend at the test's server, out of Celery's eager mode, with quick retries."""
    values = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": server.port,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 5,
        "CELERY_TASK_ALWAYS_EAGER": False,
        "OUTBOX_RETRY_BASE_SECONDS": 0.2,
        "OUTBOX_RETRY_MAX_SECONDS": 1.0,
        "OUTBOX_SWEEP_GRACE_SECONDS": 0,
        **overrides,
    }
    for name, value in values.items():
        setattr(settings, name, value)
