"""Messages as they reach the reply address: a person's note, and a delivery report about our message.
Made up from the RFCs' examples; no real person's data."""

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

REPLY_ADDRESS = "reply+c2lnbmVkLXRva2Vu@replies.example.org"


def human_note(subject: str = "Re: How the police work", text: str = "Can I bring a colleague?") -> bytes:
    message = EmailMessage()
    message["From"] = "Eva Lind <eva.lind@example.se>"
    message["To"] = f"Visitplan coordinators <{REPLY_ADDRESS}>"
    message["Subject"] = subject
    message["Date"] = formatdate()
    message["Message-ID"] = make_msgid(domain="example.se")
    message.set_content(text + "\n\nBästa hälsningar,\nEva\n")
    return message.as_bytes(policy=SMTP)


def with_trace(raw: bytes, hop: str) -> bytes:
    """The same message as a relay passes it on: a Received and a Delivered-To line on top."""
    return (
        f"Return-Path: <eva.lind@example.se>\r\nDelivered-To: {REPLY_ADDRESS}\r\n"
        f"Received: from {hop} by mx.replies.example.org; {formatdate()}\r\n"
    ).encode() + raw


def delivery_report(returned_headers: bytes, *, recipient: str, action: str = "failed") -> bytes:
    """A DSN (RFC 3464) as Postfix writes one, returning the headers of the message that failed."""
    boundary = "report-boundary-1"
    status, diagnostic = (
        ("5.1.1", "smtp; 550 5.1.1 <{0}>: Recipient address rejected: User unknown")
        if action == "failed"
        else ("4.4.1", "smtp; 451 4.4.1 Connection timed out")
    )
    return (
        (
            "From: MAILER-DAEMON@mx.agency.example.org (Mail Delivery System)\r\n"
            f"To: {REPLY_ADDRESS}\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            f"Date: {formatdate()}\r\n"
            f"Message-ID: {make_msgid(domain='mx.agency.example.org')}\r\n"
            "MIME-Version: 1.0\r\n"
            f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
            "\r\n"
            f"--{boundary}\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            "I'm sorry to have to inform you that your message could not be delivered.\r\n\r\n"
            f"--{boundary}\r\n"
            "Content-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.agency.example.org\r\n"
            "Arrival-Date: Mon, 7 Dec 2026 06:00:00 +0000\r\n\r\n"
            f"Final-Recipient: rfc822; {recipient}\r\n"
            f"Original-Recipient: rfc822;{recipient}\r\n"
            f"Action: {action}\r\n"
            f"Status: {status}\r\n"
            "Remote-MTA: dns; mx.example.se\r\n"
            f"Diagnostic-Code: {diagnostic.format(recipient)}\r\n\r\n"
            f"--{boundary}\r\n"
            "Content-Type: text/rfc822-headers\r\n\r\n"
        ).encode()
        + returned_headers.rstrip(b"\r\n")
        + f"\r\n\r\n--{boundary}--\r\n".encode()
    )
