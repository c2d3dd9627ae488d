"""Fetching replies from a mailbox over IMAP, for agencies that can give a mailbox but not an LMTP route.

INBOUND_IMAP_URL names it: imaps://user:password@host:993/INBOX (or imap://, with STARTTLS when the server
offers it). Each unseen message is stored as a row (inbound.receiving) and only then flagged \\Seen, so a
message is never marked read before it is safe in the database; one fetched twice is still one row.

Python's imaplib, for now: imapclient (on PyPI) would replace the IDLE code below.
"""

import contextlib
import email.utils
import imaplib
import logging
import re
import select
import ssl
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import close_old_connections
from django.db import connection as database

from inbound.models import Channel
from inbound.receiving import received_store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mailbox:
    secure: bool
    host: str
    port: int
    user: str
    password: str
    folder: str


def mailbox_of(url: str) -> Mailbox:
    """Read INBOUND_IMAP_URL; a clear error naming the part that is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ValueError(f"INBOUND_IMAP_URL must start with imaps:// or imap://, not {parts.scheme!r}")
    if not parts.hostname or not parts.username:
        raise ValueError("INBOUND_IMAP_URL needs a user and a host: imaps://user:password@host/INBOX")
    secure = parts.scheme == "imaps"
    return Mailbox(
        secure=secure,
        host=parts.hostname,
        port=parts.port or (993 if secure else 143),
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def connect(box: Mailbox, timeout: float = 30) -> imaplib.IMAP4:
    connection: imaplib.IMAP4
    if box.secure:
        connection = imaplib.IMAP4_SSL(box.host, box.port, timeout=timeout)
    else:
        connection = imaplib.IMAP4(box.host, box.port, timeout=timeout)
        if "STARTTLS" in connection.capabilities:
            connection.starttls(ssl.create_default_context())
    connection.login(box.user, box.password)
    status, _ = connection.select(_quoted(box.folder))
    if status != "OK":
        raise imaplib.IMAP4.error(f"cannot open the folder {box.folder!r}")
    return connection


def fetch_new(url: str) -> int:
    """Connect, store every unseen message, disconnect; return how many new rows were stored."""
    connection = connect(mailbox_of(url))
    try:
        return fetch_unseen(connection)
    finally:
        with contextlib.suppress(Exception):
            connection.logout()


def fetch_unseen(connection: imaplib.IMAP4) -> int:
    status, data = connection.uid("SEARCH", "UNSEEN")
    if status != "OK":
        raise imaplib.IMAP4.error(f"SEARCH failed: {data!r}")
    uids = [uid.decode("ascii") for uid in (data[0] or b"").split() if uid]
    stored = 0
    for uid in uids:
        raw = _fetch(connection, uid)
        if raw is None:
            continue
        close_old_connections()
        _, created = received_store(
            raw=raw, channel=Channel.IMAP, mail_from=sender_of(raw), recipients=recipients_of(raw)
        )
        stored += created
        # The row is committed: now, and only now, the message is marked read.
        connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)")
    return stored


def _fetch(connection: imaplib.IMAP4, uid: str) -> bytes | None:
    status, data = connection.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid!r} failed: {data!r}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    return None  # expunged meanwhile


_ADDRESS_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


def recipients_of(raw: bytes) -> list[str]:
    """The reply addresses a message fetched from a mailbox was sent to (no envelope here): those at
    REPLY_DOMAIN among its delivery and address headers, or all of them when no REPLY_DOMAIN is set."""
    message = message_from_bytes(raw, policy=default)
    found: list[str] = []
    for name in _ADDRESS_HEADERS:
        values = [str(v) for v in message.get_all(name, [])]
        for _, address in email.utils.getaddresses(values):
            if address and address.lower() not in (a.lower() for a in found):
                found.append(address)
    domain = settings.REPLY_DOMAIN.lower().rstrip(".")
    if domain:
        ours = [a for a in found if a.rpartition("@")[2].lower().rstrip(".") == domain]
        return ours or found
    return found


def sender_of(raw: bytes) -> str:
    message = message_from_bytes(raw, policy=default)
    for name in ("Return-Path", "Sender", "From"):
        _, address = email.utils.parseaddr(str(message.get(name, "") or ""))
        if address:
            return address
    return ""


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- The loop of `receive_mail --imap` ----------------------------------------------------------------------


def idle_wait(connection: imaplib.IMAP4, seconds: float, stop: threading.Event) -> None:
    """RFC 2177 IDLE until the server reports a change, `seconds` pass or `stop` is set. imaplib (before
    Python 3.14) has no IDLE, so the command is spoken here."""
    tag = connection._new_tag()
    connection.send(tag + b" IDLE\r\n")
    first = connection.readline()
    if not first.startswith(b"+"):
        raise imaplib.IMAP4.error(f"IDLE refused: {first!r}")
    deadline = time.monotonic() + seconds
    sock = connection.socket()
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        pending = isinstance(sock, ssl.SSLSocket) and sock.pending()
        readable, _, _ = select.select([sock], [], [], 0 if pending else min(left, 1.0))
        if readable or pending:
            line = connection.readline()
            if re.match(rb"\* \d+ (EXISTS|RECENT)", line) or not line:
                break
    connection.send(b"DONE\r\n")
    while True:
        line = connection.readline()
        if not line or line.startswith(tag):
            return


def run(url: str, stop: threading.Event, poll_seconds: float) -> None:
    """Fetch, then wait (IDLE where offered, else `poll_seconds`), until `stop` is set; reconnect after an
    error, waiting longer each time up to five minutes."""
    try:
        box = mailbox_of(url)
        failures = 0
        while not stop.is_set():
            try:
                connection = connect(box)
            except Exception as error:
                failures += 1
                log.warning("IMAP: cannot connect to %s (%s); trying again.", box.host, error)
                stop.wait(min(300, 2**failures))
                continue
            try:
                idle = "IDLE" in connection.capabilities
                while not stop.is_set():
                    stored = fetch_unseen(connection)
                    failures = 0
                    if stored:
                        log.info("IMAP: stored %d new messages.", stored)
                    if idle:
                        idle_wait(connection, poll_seconds, stop)
                    else:
                        stop.wait(poll_seconds)
                        connection.noop()
            except Exception as error:
                failures += 1
                log.warning("IMAP: %s: %s; reconnecting.", type(error).__name__, error)
                stop.wait(min(300, 2**failures))
            finally:
                with contextlib.suppress(Exception):
                    connection.logout()
    finally:
        database.close()  # this thread's own connection
