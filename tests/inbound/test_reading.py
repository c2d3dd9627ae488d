"""The pure parts: what makes two copies one message, and what a delivery report says."""

from email import message_from_bytes
from email.policy import default

from inbound.digest import message_digest
from inbound.dsn import delivery_report
from tests.inbound.samples import delivery_report as report_bytes
from tests.inbound.samples import human_note, with_trace


def test_trace_headers_and_line_ends_do_not_change_the_digest_but_content_does():
    raw = human_note()
    assert message_digest(raw) == message_digest(with_trace(raw, "relay.example.se"))
    assert message_digest(raw) == message_digest(raw.replace(b"\r\n", b"\n") + b"\n")
    folded = b"Received: from a\r\n\tby b; Mon, 7 Dec 2026 06:00:00 +0000\r\n" + raw
    assert message_digest(raw) == message_digest(folded)
    assert message_digest(raw) != message_digest(raw.replace(b"colleague", b"colleagues"))
    assert message_digest(raw) != message_digest(raw.replace(b"Subject: Re:", b"Subject: Fwd:"))


def parsed(raw: bytes):
    return message_from_bytes(raw, policy=default)


def test_a_failure_report_names_the_recipient_the_reason_and_our_message():
    headers = b"Message-ID: <outbox.abc@visitplan.example.org>\r\nX-Visitplan-Outbox-Id: 42\r\n"
    report = delivery_report(parsed(report_bytes(headers, recipient="eva@example.se")))
    assert report is not None
    assert report.message_id == "<outbox.abc@visitplan.example.org>" and report.outbox_id == 42
    (failed,) = report.failed
    assert failed.recipient == "eva@example.se" and failed.status == "5.1.1"
    assert report.reason == (
        "eva@example.se: smtp; 550 5.1.1 <eva@example.se>: Recipient address rejected: User unknown; "
        "status 5.1.1"
    )
    assert report.reporting == "mx.agency.example.org"


def test_a_delay_report_is_a_report_without_failures_and_a_note_is_no_report():
    delayed = delivery_report(
        parsed(report_bytes(b"Message-ID: <x@y>\r\n", recipient="a@b", action="delayed"))
    )
    assert delayed is not None and delayed.failed == [] and delayed.recipients[0].action == "delayed"
    assert delivery_report(parsed(human_note())) is None


def test_a_report_returning_the_whole_message_is_read_too():
    original = human_note()
    whole = report_bytes(b"", recipient="eva@example.se").replace(
        b"Content-Type: text/rfc822-headers\r\n\r\n\r\n", b"Content-Type: message/rfc822\r\n\r\n" + original
    )
    report = delivery_report(parsed(whole))
    assert report is not None
    assert report.message_id == str(parsed(original)["Message-ID"])
