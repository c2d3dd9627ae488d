"""The LMTP server the mail server delivers the reply domain to (aiosmtpd's LMTP, RFC 2033).

Only addresses at REPLY_DOMAIN are accepted. A message is stored as a row (inbound.receiving) before the
server answers: 250 for each recipient once the row is committed, 451 when the database could not take it,
so that the mail server keeps the message and delivers it again.
"""

import asyncio
import logging
from collections.abc import Sequence

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import Envelope, Session
from django.db import connection

from inbound.models import Channel
from inbound.receiving import received_store

log = logging.getLogger(__name__)

# RFC 5321 4.5.3.1.7 is 64 KiB lines; a message with a calendar is a few dozen KiB. Larger is not a reply.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024


def at_domain(address: str, domain: str) -> bool:
    local, at, host = address.rpartition("@")
    return bool(at and local and domain and host.lower().rstrip(".") == domain.lower().rstrip("."))


def store(raw: bytes, mail_from: str, recipients: Sequence[str]) -> None:
    """The blocking part, in an executor thread. Each thread has its own database connection, closed after
    each message: a connection per delivery costs little, and none is left to a thread the pool retires."""
    try:
        received_store(raw=raw, channel=Channel.LMTP, mail_from=mail_from, recipients=recipients)
    finally:
        connection.close()


class ReplyHandler:
    def __init__(self, domain: str) -> None:
        self.domain = domain

    async def handle_RCPT(
        self, server: LMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if not at_domain(address, self.domain):
            return f"550 5.1.1 <{address}>: not a reply address of this server"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: LMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        recipients = list(envelope.rcpt_tos)
        try:
            await asyncio.get_running_loop().run_in_executor(
                None, store, raw, str(envelope.mail_from or ""), recipients
            )
        except Exception as error:
            log.exception("Could not store a received message")
            code, text = "451 4.3.0", f"could not store the message ({type(error).__name__}); try again later"
        else:
            code, text = "250 2.0.0", "stored"
        # LMTP answers DATA once per accepted recipient (RFC 2033 4.2).
        return "\r\n".join(f"{code} <{r}> {text}" for r in recipients) or f"{code} {text}"


class LmtpController(Controller):
    """aiosmtpd's threaded controller serving LMTP instead of SMTP."""

    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


def lmtp_controller(host: str, port: int, domain: str) -> LmtpController:
    return LmtpController(
        ReplyHandler(domain),
        hostname=host,
        port=port,
        data_size_limit=MAX_MESSAGE_BYTES,
        # Postfix speaks LHLO and sends 8-bit bodies; SMTPUTF8 addresses are accepted too.
        enable_SMTPUTF8=True,
        decode_data=False,
    )
