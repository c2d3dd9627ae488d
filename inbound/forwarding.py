"""Sending a received message on, unchanged, to the coordinators' mailbox (ORGANIZER_EMAIL).

The original goes as a message/rfc822 attachment, byte for byte as it came, under a short note saying where it
was received; the subject is "Fwd: " and the original's; Reply-To is the original's sender, so that answering
the forward answers the person who wrote.
"""

import email.header
import email.utils
import secrets
from email.message import EmailMessage
from email.policy import default

from django.conf import settings
from django.core.mail import EmailMessage as DjangoEmailMessage
from django.core.mail import get_connection

from notifications.wire import envelope_address

CRLF = b"\r\n"


def forward_subject(original: EmailMessage) -> str:
    subject = " ".join(str(original.get("Subject", "") or "").split())
    return subject if subject.lower().startswith("fwd:") else f"Fwd: {subject}".strip()


def note_text(original: EmailMessage, recipients: list[str], mail_from: str) -> str:
    sender = str(original.get("From", "") or mail_from or "?")
    return (
        "Visitplan received this message at "
        + (", ".join(recipients) or "its reply address")
        + f" from {sender}.\n"
        "It is not a calendar reply that Visitplan could read, so it is forwarded to you unchanged "
        "(attached).\n"
    )


def forward_bytes(raw: bytes, *, original: EmailMessage, recipients: list[str], mail_from: str) -> bytes:
    """The forward as the bytes that go over SMTP: the note, then the original unchanged."""
    boundary = f"=_visitplan_fwd_{secrets.token_hex(16)}"
    while boundary.encode() in raw:
        boundary = f"=_visitplan_fwd_{secrets.token_hex(16)}"
    body = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", CRLF)
    if not body.endswith(CRLF):
        body += CRLF
    encoding = "7bit" if body.isascii() else "8bit"
    if any(len(line) > 998 for line in body.split(CRLF)):
        encoding = "binary"
    headers = [
        ("From", settings.DEFAULT_FROM_EMAIL),
        ("To", settings.ORGANIZER_EMAIL),
        ("Subject", forward_subject(original)),
        ("Date", email.utils.formatdate()),
        ("Message-ID", email.utils.make_msgid(domain="visitplan.invalid")),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
    ]
    reply_to = str(original.get("Reply-To", "") or original.get("From", "") or "")
    if reply_to:
        headers.insert(3, ("Reply-To", reply_to))
    head = b"".join(_header(name, value) for name, value in headers)
    note = note_text(original, recipients, mail_from).replace("\n", "\r\n").encode("utf-8")
    mark = b"--" + boundary.encode()
    parts = [
        b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n' + note,
        b"Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n"
        + f"Content-Transfer-Encoding: {encoding}\r\n\r\n".encode()
        + body,
    ]
    return head + CRLF + b"".join(mark + CRLF + part + CRLF for part in parts) + mark + b"--" + CRLF


def _header(name: str, value: str) -> bytes:
    value = " ".join(value.split())
    if not value.isascii():  # a Subject or a name in another script (RFC 2047); ASCII stays as it is
        value = email.header.Header(value, "utf-8", header_name=name, maxlinelen=78).encode()
    return f"{name}: {value}".encode("ascii").replace(b"\n", CRLF) + CRLF


def forward_to_organizer(
    raw: bytes, *, original: EmailMessage, recipients: list[str], mail_from: str
) -> None:
    """Send the forward over Django's mail connection; raises what SMTP raises (inbound.tasks classifies)."""
    connection = get_connection(fail_silently=False)
    connection.open()
    try:
        smtp = getattr(connection, "connection", None)
        if smtp is not None and hasattr(smtp, "sendmail"):
            sender = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
            wire = forward_bytes(raw, original=original, recipients=recipients, mail_from=mail_from)
            smtp.sendmail(envelope_address(sender), [envelope_address(settings.ORGANIZER_EMAIL)], wire)
            return
        # A backend that is not SMTP (the console or the memory backend in development and tests).
        message = DjangoEmailMessage(
            subject=forward_subject(original),
            body=note_text(original, recipients, mail_from),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[settings.ORGANIZER_EMAIL],
            connection=connection,
        )
        message.attach(None, _reparsed(raw), "message/rfc822")
        message.send()
    finally:
        connection.close()


def _reparsed(raw: bytes) -> EmailMessage:
    from email import message_from_bytes

    parsed = message_from_bytes(raw, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed
