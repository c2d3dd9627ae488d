"""The LMTP server over a real socket (smtplib.LMTP), storing rows in the test database."""

import smtplib

import pytest
from django.db import connection

from inbound.models import ReceivedMessage
from tests.inbound.conftest import REPLY_DOMAIN, lmtp_send
from tests.inbound.samples import REPLY_ADDRESS, human_note, with_trace

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_message_to_a_reply_address_is_stored_and_answered_250(lmtp):
    raw = human_note()
    assert lmtp_send(lmtp, raw, REPLY_ADDRESS) == {}
    (row,) = ReceivedMessage.objects.all()
    assert row.channel == "lmtp"
    assert row.status == "received"
    assert row.mail_from == "eva.lind@example.se"
    assert row.recipients == [REPLY_ADDRESS]
    assert row.message_id.endswith("@example.se>")
    assert bytes(row.raw).replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")


def test_a_recipient_outside_the_reply_domain_is_refused(lmtp):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        lmtp_send(lmtp, human_note(), "someone@elsewhere.example.org")
    ((code, text),) = refused.value.recipients.values()
    assert code == 550 and b"not a reply address" in text
    assert not ReceivedMessage.objects.exists()
    # The domain is compared whole, not as a suffix.
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        lmtp_send(lmtp, human_note(), f"reply+x@evil{REPLY_DOMAIN}")


def test_the_same_message_received_twice_is_one_row(lmtp):
    raw = human_note()
    assert lmtp_send(lmtp, raw, REPLY_ADDRESS) == {}
    # Redelivered after a lost reply, and once more through another relay: trace headers differ, still one.
    assert lmtp_send(lmtp, raw, REPLY_ADDRESS) == {}
    assert lmtp_send(lmtp, with_trace(raw, "relay2.example.se"), REPLY_ADDRESS) == {}
    assert ReceivedMessage.objects.count() == 1
    # A different message is a row of its own.
    assert lmtp_send(lmtp, human_note(text="Another question."), REPLY_ADDRESS) == {}
    assert ReceivedMessage.objects.count() == 2


def test_while_the_database_cannot_store_the_server_answers_451_and_stores_the_retry(lmtp):
    raw = human_note(text="A note with a NUL in its Message-ID.").replace(
        b"@example.se>", b"\x00@example.se>", 1
    )
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE inbound_receivedmessage RENAME TO inbound_receivedmessage_away")
    try:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            lmtp_send(lmtp, raw, REPLY_ADDRESS)
        assert refused.value.smtp_code == 451  # Postfix keeps the message and delivers it again later
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE inbound_receivedmessage_away RENAME TO inbound_receivedmessage")
    assert lmtp_send(lmtp, raw, REPLY_ADDRESS) == {}
    assert ReceivedMessage.objects.get().message_id.endswith("@example.se>")


def test_lhlo_is_the_greeting_and_helo_is_refused(lmtp):
    client = smtplib.SMTP(lmtp.hostname, lmtp.port)
    try:
        code, _ = client.docmd("HELO", "client.example.org")
        assert code == 500
        code, _ = client.docmd("LHLO", "client.example.org")
        assert code == 250
    finally:
        client.close()


def test_several_recipients_get_one_answer_each(lmtp):
    """RFC 2033: after DATA, one reply per accepted recipient (smtplib reads only one, so read them here)."""
    import socket

    second = "reply+b3RoZXI@replies.example.org"
    with socket.create_connection((lmtp.hostname, lmtp.port), timeout=10) as sock:
        reader = sock.makefile("rb")

        def command(line: bytes) -> bytes:
            sock.sendall(line + b"\r\n")
            reply = reader.readline()
            while reply[3:4] == b"-":
                reply = reader.readline()
            return reply

        reader.readline()  # greeting
        assert command(b"LHLO client.example.org").startswith(b"250")
        assert command(b"MAIL FROM:<eva.lind@example.se>").startswith(b"250")
        assert command(f"RCPT TO:<{REPLY_ADDRESS}>".encode()).startswith(b"250")
        assert command(f"RCPT TO:<{second}>".encode()).startswith(b"250")
        assert command(b"RCPT TO:<x@elsewhere.example.org>").startswith(b"550")
        assert command(b"DATA").startswith(b"354")
        sock.sendall(human_note().replace(b"\r\n.", b"\r\n..") + b".\r\n")
        replies = [reader.readline(), reader.readline()]
        command(b"QUIT")
    assert [reply[:3] for reply in replies] == [b"250", b"250"]
    assert REPLY_ADDRESS.encode() in replies[0] and second.encode() in replies[1]
    (row,) = ReceivedMessage.objects.all()
    assert row.recipients == [REPLY_ADDRESS, second]
