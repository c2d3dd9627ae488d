"""Reading a delivery status notification (RFC 3464) about a message we sent. Pure: a parsed message in, what
it reports out; no ORM.

    multipart/report; report-type=delivery-status
      text/plain                        what the reporting server says to a person
      message/delivery-status           per-message fields, then one block per recipient
      message/rfc822 | text/rfc822-headers   the message as we sent it, or its headers

The returned message is ours when it carries a Message-ID that the outbox gave one of its rows
(notifications.outbox.new_message_id); the X-Visitplan-Outbox-Id header names the row too, and must agree.
"""

from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import HeaderParser
from email.policy import default

# RFC 3464 2.3.3: of the actions, only "failed" says the message was not delivered and will not be.
FAILED = "failed"


@dataclass(frozen=True)
class RecipientReport:
    recipient: str
    action: str
    status: str
    diagnostic: str

    @property
    def reason(self) -> str:
        """What a coordinator reads on the failed row: the server's own words first, then the status code."""
        parts = [self.diagnostic, f"status {self.status}" if self.status else ""]
        return "; ".join(part for part in parts if part) or f"action {self.action}"


@dataclass(frozen=True)
class DeliveryReport:
    recipients: list[RecipientReport]
    # The returned message's Message-ID and X-Visitplan-Outbox-Id, as found (may be empty).
    message_id: str = ""
    outbox_id: int | None = None
    reporting: str = ""  # Reporting-MTA
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> list[RecipientReport]:
        return [r for r in self.recipients if r.action == FAILED]

    @property
    def reason(self) -> str:
        failed = self.failed
        return " | ".join(f"{r.recipient}: {r.reason}" if r.recipient else r.reason for r in failed)


def delivery_report(message: EmailMessage) -> DeliveryReport | None:
    """The report in `message`, or None when it is not a delivery status notification."""
    report = _report_part(message)
    if report is None:
        return None
    blocks = _status_blocks(report)
    if not blocks:
        return None
    per_message, per_recipient = blocks[0], blocks[1:]
    recipients = [
        RecipientReport(
            recipient=_address_value(block.get("Final-Recipient") or block.get("Original-Recipient") or ""),
            action=str(block.get("Action", "")).strip().lower(),
            status=str(block.get("Status", "")).strip(),
            diagnostic=" ".join(str(block.get("Diagnostic-Code", "")).split()),
        )
        for block in per_recipient
    ]
    returned = _returned_headers(message)
    message_id = ""
    outbox_id = None
    if returned is not None:
        message_id = str(returned.get("Message-ID", "") or "").strip()
        raw_id = str(returned.get("X-Visitplan-Outbox-Id", "") or "").strip()
        outbox_id = int(raw_id) if raw_id.isdigit() else None
    return DeliveryReport(
        recipients=recipients,
        message_id=message_id,
        outbox_id=outbox_id,
        reporting=_address_value(str(per_message.get("Reporting-MTA", ""))),
    )


def _report_part(message: Message) -> Message | None:
    """The message/delivery-status part of a multipart/report of report-type delivery-status, wherever it
    sits (a report may come forwarded inside another multipart)."""
    for part in message.walk():
        if (
            part.get_content_type() == "multipart/report"
            and str(part.get_param("report-type", "")).lower() == "delivery-status"
        ):
            for child in part.get_payload():
                if isinstance(child, Message) and child.get_content_type() == "message/delivery-status":
                    return child
    return None


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    # Some servers send it base64 or as a single text: parse the blocks ourselves.
    data = part.get_payload(decode=True)
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(payload)
    chunks = [chunk for chunk in text.replace("\r\n", "\n").split("\n\n") if chunk.strip()]
    return [HeaderParser(policy=default).parsestr(chunk) for chunk in chunks]


def _returned_headers(message: Message) -> Message | None:
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                return inner[0]
        if kind == "text/rfc822-headers":
            data = part.get_payload(decode=True)
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(part.get_payload())
            return HeaderParser(policy=default).parsestr(text)
    return None


def _address_value(value: str) -> str:
    """'rfc822; expert@example.org' → 'expert@example.org' (also 'dns; mx.example.org' → the name)."""
    kind, separator, rest = str(value).partition(";")
    return " ".join((rest if separator else kind).split())
