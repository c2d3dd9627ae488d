"""Fetching replies from a mailbox over IMAP, for agencies that can give a mailbox but not an LMTP route.

INBOUND_IMAP_URL names it: imaps://user:password@host:993/INBOX (or imap://, with STARTTLS when the server
offers it). Each unseen message is stored as a row (inbound.receiving) and only then flagged \\Seen and
moved to INBOUND_IMAP_DONE_FOLDER, so a message is never marked read before it is safe in the database,
and the inbox keeps only what people may still want to read. One fetched twice is still one row.
IMAPClient speaks IMAP.
"""

import contextlib
import email.utils
import logging
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
from imapclient import IMAPClient

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


def connect(box: Mailbox, timeout: float = 30) -> IMAPClient:
    client = IMAPClient(box.host, port=box.port, ssl=box.secure, timeout=timeout)
    if not box.secure and client.has_capability("STARTTLS"):
        client.starttls(ssl.create_default_context())
    client.login(box.user, box.password)
    client.select_folder(box.folder)
    return client


def fetch_new(url: str) -> int:
    """Connect, store every unseen message, disconnect; return how many new rows were stored."""
    client = connect(mailbox_of(url))
    try:
        return fetch_unseen(client)
    finally:
        with contextlib.suppress(Exception):
            client.logout()


def fetch_unseen(client: IMAPClient) -> int:
    stored = 0
    for uid in client.search("UNSEEN"):
        # BODY.PEEK[], not RFC822: fetching must not set \Seen before the row is committed.
        raw = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]")
        if raw is None:
            continue  # expunged meanwhile
        close_old_connections()
        _, created = received_store(
            raw=bytes(raw), channel=Channel.IMAP, mail_from=sender_of(raw), recipients=recipients_of(raw)
        )
        stored += created
        # The row is committed: now, and only now, the message is marked read and put away.
        client.add_flags([uid], [b"\\Seen"], silent=True)
        put_away(client, uid)
    return stored


def put_away(client: IMAPClient, uid: int, *, can_move: bool | None = None) -> None:
    """Move a stored message to INBOUND_IMAP_DONE_FOLDER (created if missing): MOVE where the server offers
    it, else COPY, \\Deleted and EXPUNGE. A message that cannot be moved stays, read, in the inbox."""
    folder = settings.INBOUND_IMAP_DONE_FOLDER
    if not folder:
        return
    try:
        name = done_folder(client, folder)
        if can_move is None:
            can_move = client.has_capability("MOVE")
        if can_move:
            client.move([uid], name)
            return
        client.copy([uid], name)
        client.delete_messages([uid], silent=True)
        if client.has_capability("UIDPLUS"):
            client.uid_expunge([uid])  # only this one, not what a person flagged \\Deleted
        else:
            client.expunge()
    except IMAPClient.Error as error:
        log.warning("IMAP: cannot move message %s to %r (%s); it stays, read.", uid, folder, error)


def done_folder(client: IMAPClient, folder: str) -> str:
    """The folder's name in the server's own hierarchy delimiter ("Visitplan/Processed" is
    "Visitplan.Processed" on a Maildir++ Dovecot), created if missing."""
    listed = client.list_folders("", "INBOX")
    delimiter = listed[0][1] if listed and listed[0][1] else b"/"
    separator = delimiter.decode() if isinstance(delimiter, bytes) else str(delimiter)
    name = separator.join(part for part in folder.split("/") if part)
    if not client.folder_exists(name):
        with contextlib.suppress(IMAPClient.Error):  # created meanwhile by another fetcher
            client.create_folder(name)
    return name


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


# --- The loop of `receive_mail --imap` ----------------------------------------------------------------------


def idle_wait(client: IMAPClient, seconds: float, stop: threading.Event) -> None:
    """RFC 2177 IDLE until the server reports a new message, `seconds` pass or `stop` is set."""
    client.idle()
    try:
        deadline = time.monotonic() + seconds
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            responses = client.idle_check(timeout=min(left, 1.0))
            if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                return
    finally:
        client.idle_done()


def run(url: str, stop: threading.Event, poll_seconds: float) -> None:
    """Fetch, then wait (IDLE where offered, else `poll_seconds`), until `stop` is set; reconnect after an
    error, waiting longer each time up to five minutes."""
    try:
        box = mailbox_of(url)
        failures = 0
        while not stop.is_set():
            try:
                client = connect(box)
            except Exception as error:
                failures += 1
                log.warning("IMAP: cannot connect to %s (%s); trying again.", box.host, error)
                stop.wait(min(300, 2**failures))
                continue
            try:
                idle = client.has_capability("IDLE")
                while not stop.is_set():
                    stored = fetch_unseen(client)
                    failures = 0
                    if stored:
                        log.info("IMAP: stored %d new messages.", stored)
                    if idle:
                        idle_wait(client, poll_seconds, stop)
                    else:
                        stop.wait(poll_seconds)
                        client.noop()
            except Exception as error:
                failures += 1
                log.warning("IMAP: %s: %s; reconnecting.", type(error).__name__, error)
                stop.wait(min(300, 2**failures))
            finally:
                with contextlib.suppress(Exception):
                    client.logout()
    finally:
        database.close()  # this thread's own connection
