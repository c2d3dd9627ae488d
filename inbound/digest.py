"""What makes two received copies the same message. Pure: bytes in, a hex digest out.

A message that reaches us twice (redelivered over LMTP after a lost reply, or both over LMTP and from an IMAP
mailbox) differs only in the trace headers that each hop and each delivery adds on top. The digest is over the
message without them, with line ends made CRLF, so those copies are one row.
"""

import hashlib
import re

# Header fields that relays and the final delivery add (RFC 5321 4.4, RFC 5322 3.6.7, and common practice).
TRACE_FIELDS = frozenset(
    {
        "received",
        "return-path",
        "delivered-to",
        "x-original-to",
        "envelope-to",
        "x-envelope-from",
        "x-envelope-to",
        "authentication-results",
        "arc-seal",
        "arc-message-signature",
        "arc-authentication-results",
        "received-spf",
        "x-spam-status",
        "x-spam-score",
        "x-spam-level",
        "x-spam-flag",
        "x-virus-scanned",
        "x-uid",
        "status",
        "x-keywords",
        "x-status",
    }
)
_LINE_END = re.compile(rb"\r\n|\r|\n")
_FIELD_NAME = re.compile(rb"^([!-9;-~]+)[ \t]*:")


def message_digest(raw: bytes) -> str:
    lines = _LINE_END.split(raw)
    kept: list[bytes] = []
    skipping = False
    for index, line in enumerate(lines):
        if line == b"":  # the end of the header block: the body is kept whole
            kept.extend(lines[index:])
            break
        if line[:1] in (b" ", b"\t"):  # a folded continuation belongs to the field above it
            if not skipping:
                kept.append(line)
            continue
        name = _FIELD_NAME.match(line)
        skipping = bool(name and name.group(1).decode("ascii").lower() in TRACE_FIELDS)
        if not skipping:
            kept.append(line)
    # Trailing line ends differ between stores (mbox, maildir, LMTP's dot-stuffing): not part of the message.
    return hashlib.sha256(b"\r\n".join(kept).rstrip(b"\r\n")).hexdigest()
