"""Processing received rows with a real Celery worker: forwarding a person's note, reading a delivery report,
the handlers other apps register, and the sweep for rows received while no worker ran."""

import email
import email.policy
import threading

import pytest
from django.db import connection

from inbound.handlers import register_received_handler, unregister_received_handler
from inbound.models import ReceivedMessage
from inbound.receiving import received_store
from inbound.tasks import process_received, sweep_received
from notifications.models import OutboxMessage
from notifications.tasks import deliver_outbox
from tests.inbound.conftest import ORGANIZER, lmtp_send
from tests.inbound.samples import REPLY_ADDRESS, delivery_report, human_note
from tests.support.smtp import SmtpServer, free_port
from tests.support.workers import use_broker, wait_for, worker_thread

pytestmark = pytest.mark.django_db(transaction=True)


def forwards(server: SmtpServer) -> list:
    return [r for r in server.handler.received if ORGANIZER in r.rcpt_tos]


def settled(count: int, status: str) -> bool:
    return ReceivedMessage.objects.filter(status=status).count() >= count


def normalised(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").rstrip(b"\n")


def test_a_persons_note_is_forwarded_unchanged_to_the_coordinators_mailbox(lmtp, smtp, broker_url):
    raw = human_note()
    with worker_thread(broker_url):
        assert lmtp_send(lmtp, raw, REPLY_ADDRESS) == {}
        wait_for(lambda: settled(1, "forwarded"), 30, "the note to be forwarded")
    (forward,) = forwards(smtp)
    message = forward.message
    assert message["Subject"] == "Fwd: Re: How the police work"
    assert message["To"] == ORGANIZER
    assert message["Reply-To"] == "Eva Lind <eva.lind@example.se>"
    note, attached = message.iter_parts()
    assert REPLY_ADDRESS in note.get_content() and "eva.lind@example.se" in note.get_content()
    assert attached.get_content_type() == "message/rfc822"
    # Byte for byte what was received (line ends aside), as the attachment's body.
    body = forward.raw.split(b"Content-Type: message/rfc822", 1)[1].split(b"\r\n\r\n", 1)[1]
    assert normalised(raw) in normalised(body)
    assert attached.get_content()["Subject"] == "Re: How the police work"
    row = ReceivedMessage.objects.get()
    assert (row.status, row.outcome, row.attempts) == ("forwarded", "forwarded", 1)
    assert row.processed_at is not None


def test_a_delivery_report_marks_our_outbox_row_failed_with_its_reason(programme, lmtp, smtp, broker_url):
    from tests.notifications.conftest import publish

    publish(programme.visit)
    invitation = OutboxMessage.objects.get(person=programme.expert, kind="invitation")
    deliver_outbox([invitation.pk])
    invitation.refresh_from_db()
    assert invitation.status == "sent"
    (sent,) = [r for r in smtp.handler.received if programme.expert.email in r.rcpt_tos]
    headers = sent.raw.split(b"\r\n\r\n", 1)[0] + b"\r\n"
    report = delivery_report(headers, recipient=programme.expert.email)
    with worker_thread(broker_url):
        assert lmtp_send(lmtp, report, REPLY_ADDRESS, sender="") == {}
        wait_for(lambda: settled(1, "processed"), 30, "the report to be read")
    invitation.refresh_from_db()
    assert invitation.status == "failed"
    assert "550 5.1.1" in invitation.last_error and "User unknown" in invitation.last_error
    assert "5.1.1" in invitation.last_error and programme.expert.email in invitation.last_error
    row = ReceivedMessage.objects.get()
    assert row.outcome == "bounce"
    assert not forwards(smtp)  # a report about our own message is not the coordinators' to read


def test_a_delay_report_changes_nothing_and_a_report_about_another_message_is_forwarded(
    programme, lmtp, smtp, broker_url
):
    from tests.notifications.conftest import publish

    publish(programme.visit)
    invitation = OutboxMessage.objects.get(person=programme.expert, kind="invitation")
    deliver_outbox([invitation.pk])
    (sent,) = [r for r in smtp.handler.received if programme.expert.email in r.rcpt_tos]
    headers = sent.raw.split(b"\r\n\r\n", 1)[0] + b"\r\n"
    delayed = delivery_report(headers, recipient=programme.expert.email, action="delayed")
    stranger = delivery_report(
        b"Message-ID: <not-ours@elsewhere.example.org>\r\nSubject: hello\r\n", recipient="x@example.se"
    )
    with worker_thread(broker_url):
        assert lmtp_send(lmtp, delayed, REPLY_ADDRESS, sender="") == {}
        assert lmtp_send(lmtp, stranger, REPLY_ADDRESS, sender="") == {}
        wait_for(lambda: settled(1, "processed") and settled(1, "forwarded"), 30, "both reports")
    invitation.refresh_from_db()
    assert invitation.status == "sent"
    assert ReceivedMessage.objects.get(status="processed").outcome == "delivery report"
    (forward,) = forwards(smtp)
    assert forward.message["Subject"] == "Fwd: Undelivered Mail Returned to Sender"


def test_a_registered_handler_reads_the_message_first(lmtp, smtp, broker_url):
    seen: list[list[str]] = []

    def calendar_replies(message: email.message.EmailMessage, recipients: list[str]) -> str | None:
        seen.append(recipients)
        return "answered" if "Accepted" in str(message["Subject"]) else None

    register_received_handler(calendar_replies)
    try:
        with worker_thread(broker_url):
            assert lmtp_send(lmtp, human_note(subject="Accepted: How the police work"), REPLY_ADDRESS) == {}
            assert lmtp_send(lmtp, human_note(), REPLY_ADDRESS) == {}
            wait_for(lambda: settled(1, "processed") and settled(1, "forwarded"), 30, "both messages")
    finally:
        unregister_received_handler(calendar_replies)
    assert ReceivedMessage.objects.get(status="processed").outcome == "answered"
    assert seen == [[REPLY_ADDRESS], [REPLY_ADDRESS]]
    assert [f.message["Subject"] for f in forwards(smtp)] == ["Fwd: Re: How the police work"]


def test_mail_received_while_the_broker_and_worker_are_down_is_processed_by_the_sweep(lmtp, smtp, broker_url):
    # No broker at all: the LMTP server still stores and answers 250; the task could not be queued.
    use_broker(f"redis://127.0.0.1:{free_port()}/0")
    assert lmtp_send(lmtp, human_note(), REPLY_ADDRESS) == {}
    assert lmtp_send(lmtp, human_note(text="A second note."), REPLY_ADDRESS) == {}
    assert ReceivedMessage.objects.filter(status="received").count() == 2
    # The broker and a worker come back; beat's sweep queues what is waiting.
    with worker_thread(broker_url):
        assert sweep_received() == 2
        wait_for(lambda: settled(2, "forwarded"), 30, "the sweep's rows to be forwarded")
        assert sweep_received() == 0
    assert len(forwards(smtp)) == 2


def test_a_row_is_processed_once_however_often_and_however_concurrently_it_is_queued(
    inbound_settings, smtp, broker_url
):
    use_broker(f"redis://127.0.0.1:{free_port()}/0")  # store without queueing: the tasks run here
    row, created = received_store(raw=human_note(), channel="lmtp", recipients=[REPLY_ADDRESS])
    assert created
    outcomes: list[str] = []

    def work() -> None:
        try:
            outcomes.append(process_received(row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["", "", "", "forwarded"]
    assert process_received(row.pk) == ""
    assert len(forwards(smtp)) == 1


def test_a_temporary_refusal_to_forward_is_retried(inbound_settings, settings, broker_url):
    from tests.support.smtp import Handler, deliver_to

    with SmtpServer(Handler(script=["451 4.3.0 Try later"])) as server:
        deliver_to(server, settings)
        with worker_thread(broker_url):
            row, _ = received_store(raw=human_note(), channel="lmtp", recipients=[REPLY_ADDRESS])
            wait_for(lambda: settled(1, "forwarded"), 30, "the retried forward")
    row.refresh_from_db()
    assert row.attempts == 2 and row.error == ""
    assert server.handler.attempts == 2 and len(server.handler.received) == 1
    parsed = email.message_from_bytes(server.handler.received[0].raw, policy=email.policy.default)
    assert parsed["Subject"].startswith("Fwd:")
