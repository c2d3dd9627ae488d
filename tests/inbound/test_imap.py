"""Fetching from a real IMAP server (Dovecot, which the test starts): rows first, then \\Seen and put away in
the done folder; IDLE."""

import threading
import time

import pytest
from django.db import connection

from inbound.imap import connect, fetch_new, mailbox_of, put_away, recipients_of, run
from inbound.models import ReceivedMessage
from tests.inbound.conftest import ORGANIZER, lmtp_send
from tests.inbound.samples import REPLY_ADDRESS, human_note, with_trace
from tests.support.workers import wait_for, worker_thread

pytestmark = pytest.mark.django_db(transaction=True)

DONE = "Visitplan/Processed"  # the default INBOUND_IMAP_DONE_FOLDER


def test_unseen_messages_are_stored_then_marked_seen_and_fetched_once(inbound_settings, broker_url, dovecot):
    dovecot.append(with_trace(human_note(), "mx.example.se"))
    dovecot.append(with_trace(human_note(text="A second question."), "mx.example.se"))
    assert dovecot.unseen() == 2
    assert fetch_new(dovecot.url) == 2
    # Out of the inbox, into the done folder (created: it did not exist), read.
    assert dovecot.count("INBOX") == 0
    assert dovecot.count(DONE) == 2 and dovecot.count(DONE, "UNSEEN") == 0
    rows = list(ReceivedMessage.objects.order_by("pk"))
    assert [(r.channel, r.status) for r in rows] == [("imap", "received")] * 2
    assert rows[0].recipients == [REPLY_ADDRESS]
    assert rows[0].mail_from == "eva.lind@example.se"
    # Nothing new: nothing stored again.
    assert fetch_new(dovecot.url) == 0
    assert ReceivedMessage.objects.count() == 2


def test_a_message_received_over_lmtp_and_then_from_the_mailbox_is_one_row(
    lmtp, inbound_settings, broker_url, dovecot
):
    raw = human_note()
    assert lmtp_send(lmtp, raw, REPLY_ADDRESS) == {}
    dovecot.append(with_trace(raw, "mx.example.se"))
    assert fetch_new(dovecot.url) == 0  # the same message: no second row ...
    # ... and still marked read and put away, being safe in the database
    assert dovecot.count("INBOX") == 0 and dovecot.count(DONE, "SEEN") == 1
    assert ReceivedMessage.objects.get().channel == "lmtp"


def test_the_loop_waits_with_idle_and_a_worker_forwards_what_arrives(
    inbound_settings, smtp, broker_url, dovecot
):
    stop = threading.Event()

    def loop() -> None:
        run(dovecot.url, stop, poll_seconds=30)

    thread = threading.Thread(target=loop, daemon=True)
    with worker_thread(broker_url):
        thread.start()
        try:
            # Two logins: the fixture's own check that Dovecot is up, then the loop's.
            wait_for(lambda: dovecot.log().count("Login: user=<replies>") >= 2, 10, "the loop to log in")
            time.sleep(1)  # the loop has searched (nothing) and waits in IDLE
            # Arrives while the loop waits in IDLE (poll_seconds is far longer than this test waits).
            dovecot.append(human_note())
            wait_for(lambda: ReceivedMessage.objects.filter(status="forwarded").exists(), 20, "the forward")
        finally:
            stop.set()
            thread.join(timeout=20)
            connection.close()
    assert not thread.is_alive()
    assert [r.rcpt_tos for r in smtp.handler.received] == [[ORGANIZER]]
    assert dovecot.count("INBOX") == 0 and dovecot.count(DONE, "SEEN") == 1


def test_without_move_a_message_is_copied_deleted_and_expunged_into_an_existing_done_folder(
    inbound_settings, broker_url, dovecot
):
    inbound_settings.INBOUND_IMAP_DONE_FOLDER = "Done"
    dovecot.append(human_note(text="A note to keep."))
    dovecot.append(human_note(text="Another."))
    client = connect(mailbox_of(dovecot.url))
    try:
        client.create_folder("Done")
        client.add_flags(client.search("ALL"), [b"\\Deleted"])
        client.remove_flags(client.search("ALL")[-1:], [b"\\Deleted"])
        _first, second = client.search("ALL")
        # The first one a person flagged \Deleted stays for them to expunge: only the stored one goes.
        put_away(client, second, can_move=False)
    finally:
        client.logout()
    assert dovecot.count("INBOX") == 1 and dovecot.count("INBOX", "DELETED") == 1
    assert dovecot.count("Done") == 1 and dovecot.count("Done", "UNDELETED") == 1


def test_with_no_done_folder_a_fetched_message_stays_in_the_inbox_read(inbound_settings, broker_url, dovecot):
    inbound_settings.INBOUND_IMAP_DONE_FOLDER = ""
    dovecot.append(human_note())
    assert fetch_new(dovecot.url) == 1
    assert dovecot.count("INBOX") == 1 and dovecot.unseen() == 0


def test_the_mailbox_url_is_read_with_clear_errors():
    box = mailbox_of("imaps://replies%40agency:p%40ss@mail.example.org/Replies")
    assert (box.secure, box.host, box.port, box.user, box.password, box.folder) == (
        True,
        "mail.example.org",
        993,
        "replies@agency",
        "p@ss",
        "Replies",
    )
    assert mailbox_of("imap://u:p@h").port == 143 and mailbox_of("imap://u:p@h").folder == "INBOX"
    with pytest.raises(ValueError, match="imaps://"):
        mailbox_of("pop3://u:p@h")
    with pytest.raises(ValueError, match="user and a host"):
        mailbox_of("imaps://mail.example.org")


def test_recipients_of_a_fetched_message_are_its_reply_addresses(settings):
    settings.REPLY_DOMAIN = "replies.example.org"
    raw = with_trace(human_note(), "mx").replace(b"\r\nTo: ", b"\r\nCc: boss@example.se\r\nTo: ", 1)
    assert recipients_of(raw) == [REPLY_ADDRESS]
    settings.REPLY_DOMAIN = ""
    assert set(recipients_of(raw)) == {REPLY_ADDRESS, "boss@example.se"}
