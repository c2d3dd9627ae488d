"""What received mail keeps: raw messages for INBOUND_KEEP_DAYS, less once a person is erased; the admin."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from inbound.models import ReceivedMessage
from inbound.privacy import redact
from inbound.tasks import erase_old_raw
from privacy.registry import redactors
from tests.factories import UserFactory
from tests.inbound.samples import REPLY_ADDRESS, human_note

pytestmark = pytest.mark.django_db


def row(text: str = "Hello", status: str = "forwarded", days_old: int = 0, **fields) -> ReceivedMessage:
    received = ReceivedMessage.objects.create(
        channel="lmtp",
        digest=f"{text}-{status}-{days_old}",
        raw=human_note(text=text),
        status=status,
        recipients=[REPLY_ADDRESS],
        **fields,
    )
    ReceivedMessage.objects.filter(pk=received.pk).update(
        received_at=timezone.now() - dt.timedelta(days=days_old)
    )
    return received


def test_raw_messages_are_emptied_after_the_days_they_are_kept(settings):
    settings.INBOUND_KEEP_DAYS = 30
    old, recent, waiting = row("old", days_old=31), row("recent", days_old=29), row("w", "received", 31)
    assert erase_old_raw() == 1
    for received in (old, recent, waiting):
        received.refresh_from_db()
    assert bytes(old.raw) == b"" and old.raw_erased_at is not None and old.status == "forwarded"
    assert bytes(recent.raw) != b"" and bytes(waiting.raw) != b""  # one still to be processed is kept
    assert erase_old_raw() == 0
    assert "erase-old-received" in settings.CELERY_BEAT_SCHEDULE
    assert "sweep-received" in settings.CELERY_BEAT_SCHEDULE


def test_erasing_a_person_empties_the_mail_they_sent_or_that_names_them():
    assert "received_mail" in {r.key for r in redactors()}
    sent = row("from Eva", mail_from="Eva.Lind@example.se")
    naming = row("mentions")  # human_note's From is Eva
    other = ReceivedMessage.objects.create(channel="imap", digest="other", raw=b"Subject: x\r\n\r\nhi\r\n")
    assert redact(1, ["Eva Lind", "eva.lind@example.se"]) == 2
    for received in (sent, naming, other):
        received.refresh_from_db()
    assert bytes(sent.raw) == b"" and sent.mail_from == "" and sent.recipients == []
    assert bytes(naming.raw) == b""
    assert bytes(other.raw) != b""


def test_only_superusers_see_received_mail_and_may_process_a_failed_message_again(client, broker_url):
    failed = row("failed", status="failed", error="550 no")
    done = row("done")
    staff = UserFactory(username="staffer", is_staff=True)
    client.force_login(staff)
    changelist = reverse("admin:inbound_receivedmessage_changelist")
    assert client.get(changelist).status_code == 403
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get(changelist).status_code == 200
    page = client.get(reverse("admin:inbound_receivedmessage_change", args=[failed.pk]))
    assert page.status_code == 200 and b"550 no" in page.content
    response = client.post(
        changelist, {"action": "process_again", "_selected_action": [failed.pk, done.pk]}, follow=True
    )
    assert b"1 message queued again." in response.content
    failed.refresh_from_db()
    done.refresh_from_db()
    assert (failed.status, done.status) == ("received", "forwarded")
