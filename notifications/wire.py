"""Our messages as the bytes that go over SMTP, written directly.

Django's `EmailMessage.message().as_bytes()` builds a tree of `email.mime` objects and runs the standard
library's generator over it, folding and encoding some thirty headers one character class at a time: in a
batch of invitations that was the worker's largest single cost (bench/RESULTS.md). Our messages all have one
shape, so this module writes that shape itself:

    multipart/mixed
      multipart/alternative
        text/plain; charset="utf-8"
        text/html; charset="utf-8"
        text/calendar; method=...; charset="utf-8"
      application/ics (attachment)

Bodies are 8bit UTF-8, as Django sends them, or quoted-printable when a line is longer than SMTP allows;
attachments are base64. Only headers with non-ASCII text or long lines go through `email.header`. Every
delivered message is parsed back in the tests, and `tests/notifications/test_wire.py` holds this writer to
what Django's own serialisation means for the same message.
"""

import base64
import email.utils
import functools
import quopri
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address

CRLF = b"\r\n"
# RFC 5322: a line must not be longer than 998 octets, and should not be longer than 78.
MAX_LINE = 998
FOLD_AT = 78


class WireError(ValueError):
    """The message has a shape this writer does not know; send it through Django instead."""


def envelope_address(address: str) -> str:
    """The address for SMTP's MAIL FROM and RCPT TO (IDNA for a non-ASCII domain, as Django does)."""
    if address.isascii() and "<" not in address:
        return address
    return sanitize_address(address, settings.DEFAULT_CHARSET)


def envelope_of(message: EmailMultiAlternatives) -> tuple[str, list[str]]:
    """MAIL FROM and RCPT TO for a message: the sender and every To, Cc and Bcc address, bare."""
    return _mailbox(message.from_email)[1], [_mailbox(a)[1] for a in message.recipients()]


@functools.lru_cache(maxsize=1024)  # the sender and Reply-To are the same in every message
def _mailbox(address: str) -> tuple[str, str]:
    """An address as a header writes it (RFC 2047 for a non-ASCII name) and as the envelope carries it."""
    name, addr = email.utils.parseaddr(address)
    if not addr:
        raise WireError(f"not an address: {address!r}")
    bare = envelope_address(addr)
    return email.utils.formataddr((name, bare), charset="utf-8"), bare


def wire_bytes(message: EmailMultiAlternatives) -> bytes:
    """The whole message, headers and body, with CRLF line ends, ready for `smtplib.SMTP.sendmail`."""
    alternatives = list(message.alternatives)
    if message.content_subtype != "plain" or message.cc or message.bcc:
        raise WireError("only plain-text messages with To recipients are written here")
    outer, inner = _boundary(), _boundary()
    bodies: list[bytes] = []

    headers = [
        ("Subject", _text_header("Subject", message.subject)),
        ("From", _address_header([message.from_email])),
        ("To", _address_header(message.to)),
    ]
    if message.reply_to:
        headers.append(("Reply-To", _address_header(message.reply_to)))
    extra = {name.lower(): (name, value) for name, value in message.extra_headers.items()}
    if "date" not in extra:
        headers.append(("Date", email.utils.formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
    headers.extend((name, _text_header(name, str(value))) for name, value in extra.values())
    headers.append(("MIME-Version", "1.0"))
    headers.append(("Content-Type", f'multipart/mixed; boundary="{outer}"'))

    parts = [_text_part("text/plain", str(message.body))]
    for alternative in alternatives:
        content, mimetype = alternative[0], alternative[1]
        if not isinstance(content, str):
            raise WireError("alternatives must be text")
        parts.append(_text_part(mimetype, content))
    alternative_part = _multipart("alternative", inner, parts)
    attachments = [alternative_part]
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            raise WireError("attachments must be (filename, content, mimetype)")
        filename, content, mimetype = attachment
        data = content.encode() if isinstance(content, str) else content
        attachments.append(_attachment_part(str(filename), data, str(mimetype)))
    bodies.append(_header_block(headers))
    bodies.append(CRLF)
    bodies.append(_multipart_body(outer, attachments))
    wire = b"".join(bodies)
    for boundary, count in ((outer, len(attachments)), (inner, len(parts))):
        if wire.count(b"--" + boundary.encode()) != count + 1:
            raise WireError("a boundary occurs in the content")  # so unlikely that we never retry
    return wire


# --- Headers ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)  # a batch's messages share their subject per session, role and language
def _text_header(name: str, value: str) -> str:
    """A header value: as it is when short and ASCII, folded at spaces when long, RFC 2047 when not ASCII."""
    if "\n" in value or "\r" in value:
        raise WireError("header values are one line")  # Django refuses them too (BadHeaderError)
    if value.isascii() and len(name) + 2 + len(value) <= FOLD_AT:
        return value
    charset = "us-ascii" if value.isascii() else "utf-8"
    return email.header.Header(value, charset, header_name=name, maxlinelen=FOLD_AT).encode()


def _address_header(addresses: Iterable[str]) -> str:
    return ",\n ".join(_mailbox(address)[0] for address in addresses)


def _header_block(headers: list[tuple[str, str]]) -> bytes:
    lines = []
    for name, value in headers:
        line = f"{name}: {value}"
        if not line.isascii():
            raise WireError(f"the {name} header is not ASCII after encoding")
        lines.append(line.encode("ascii").replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n") + CRLF)
    return b"".join(lines)


# --- Parts --------------------------------------------------------------------------------------------------


def _boundary() -> str:
    # '=_' cannot begin a line of base64, nor stand there in quoted-printable (where '=' escapes).
    return f"=_visitplan_{secrets.token_hex(16)}"


def _lines(text: str) -> bytes:
    """Text as UTF-8 with CRLF line ends."""
    return text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8").replace(b"\n", CRLF)


def _text_part(mimetype: str, text: str) -> bytes:
    main, _, params = mimetype.partition(";")
    params = params.strip()
    content_type = f'{main.strip()}; {params + "; " if params else ""}charset="utf-8"'
    body = _lines(text)
    if any(len(line) > MAX_LINE for line in body.split(CRLF)):
        encoding = "quoted-printable"
        body = quopri.encodestring(body.replace(CRLF, b"\n")).replace(b"\n", CRLF)
    else:
        encoding = "8bit"
    return (
        _header_block([("Content-Type", content_type), ("Content-Transfer-Encoding", encoding)]) + CRLF + body
    )


def _attachment_part(filename: str, data: bytes, mimetype: str) -> bytes:
    quoted = email.utils.quote(filename)
    if not filename.isascii():
        raise WireError("attachment names are ASCII")
    body = base64.encodebytes(data).replace(b"\n", CRLF)
    return (
        _header_block(
            [
                ("Content-Type", mimetype),
                ("Content-Transfer-Encoding", "base64"),
                ("Content-Disposition", f'attachment; filename="{quoted}"'),
            ]
        )
        + CRLF
        + body
    )


def _multipart(subtype: str, boundary: str, parts: list[bytes]) -> bytes:
    return (
        _header_block([("Content-Type", f'multipart/{subtype}; boundary="{boundary}"')])
        + CRLF
        + _multipart_body(boundary, parts)
    )


def _multipart_body(boundary: str, parts: list[bytes]) -> bytes:
    mark = b"--" + boundary.encode("ascii")
    # The CRLF before a delimiter belongs to it (RFC 2046 5.1.1), so each part keeps its own last one.
    return b"".join(mark + CRLF + part + CRLF for part in parts) + mark + b"--" + CRLF
