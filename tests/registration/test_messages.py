"""The registrant's e-mails go through the outbox after commit, over real SMTP: the confirmation carries
the real calendar invitation of the seminar's sessions (UID and SEQUENCE of the published programme) and the
link to their personal page, which shows the seminar; the cancellation's calendar cancels the same events."""

import datetime as dt
import re

import pytest
from django.test import Client

from notifications.models import OutboxMessage
from notifications.sessions import session_uid
from notifications.tasks import deliver_outbox
from registration.models import Registration
from tests.factories import SessionFactory
from tests.notifications.conftest import parse_ics, publish
from tests.registration.conftest import form_data, register, registration_of

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"'<>\\]+")


def sent(smtp, to: str):
    ids = list(OutboxMessage.objects.filter(status="queued").values_list("pk", flat=True))
    if ids:
        deliver_outbox(ids)
    return [r.message for r in smtp.handler.received if to in r.rcpt_tos]


def calendar_part(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def test_the_confirmation_carries_the_invitation_and_the_personal_page(
    client, seminar, smtp, django_capture_on_commit_callbacks
):
    publish(seminar.visit)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert register(client, seminar).status_code == 302
    assert callbacks  # the delivery and the personal token wait for the commit
    (message,) = sent(smtp, "registrant1@ngo.example.org")
    assert message["Subject"] == "Your place at Seminar in Vilnius is confirmed"
    part = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    calendar = parse_ics(part.get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    seminar.session.refresh_from_db()
    assert str(event["UID"]) == session_uid(seminar.session.pk)
    assert int(event["SEQUENCE"]) == seminar.session.sequence
    assert event.decoded("DTSTART") == seminar.session.starts_at
    assert event["DTSTART"].to_ical() == b"20270414T070000Z"
    assert str(event["SUMMARY"]).startswith("Cooperation against trafficking")
    attendee = event["ATTENDEE"]
    assert str(attendee).lower() == "mailto:registrant1@ngo.example.org"
    text = message.get_body(("plain",)).get_content()
    links = LINK.findall(text)
    programme = next(link for link in links if "/p/" in link)
    cancel = next(link for link in links if "/registration/cancel/" in link)
    path = programme.split("://", 1)[1].split("/", 1)[1]
    page = Client().get("/" + path).content.decode()
    assert "Cooperation against trafficking" in page
    # The cancel link, opened, changes nothing; pressed, it cancels, and the calendar's event with it.
    cancel_path = "/" + cancel.split("://", 1)[1].split("/", 1)[1]
    assert Client().get(cancel_path).status_code == 200
    assert registration_of(1).status == "confirmed"
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(cancel_path).status_code == 302
    assert registration_of(1).status == Registration.Status.CANCELLED
    messages = sent(smtp, "registrant1@ngo.example.org")
    assert messages[-1]["Subject"] == "Your registration for Seminar in Vilnius is cancelled"
    cancelled = parse_ics(calendar_part(messages[-1]).get_content())
    assert str(cancelled["METHOD"]) == "CANCEL"
    (gone,) = cancelled.walk("VEVENT")
    assert str(gone["UID"]) == session_uid(seminar.session.pk)
    assert str(gone["STATUS"]) == "CANCELLED"


def test_before_the_programme_is_published_the_confirmation_has_no_calendar_and_says_so(
    client, seminar, smtp
):
    register(client, seminar)
    (message,) = sent(smtp, "registrant1@ngo.example.org")
    assert not [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert (
        "The invitations for your calendar follow when the programme is published."
        in message.get_body(("plain",)).get_content()
    )


def test_the_waiting_lists_message_and_the_offer_say_what_to_do(client, seminar, smtp):
    for n in (1, 2, 3):
        register(client, seminar, n=n)
    (waiting,) = sent(smtp, "registrant3@ngo.example.org")
    assert waiting["Subject"] == "You are on the waiting list for Seminar in Vilnius"
    text = waiting.get_body(("plain",)).get_content()
    cancel = next(link for link in LINK.findall(text) if "/registration/cancel/" in link)
    assert "/registration/cancel/" in cancel
    first_cancel = next(
        link
        for link in LINK.findall(
            sent(smtp, "registrant1@ngo.example.org")[0].get_body(("plain",)).get_content()
        )
        if "/registration/cancel/" in link
    )
    Client().post("/" + first_cancel.split("://", 1)[1].split("/", 1)[1])
    offers = sent(smtp, "registrant3@ngo.example.org")
    assert offers[-1]["Subject"] == "A place is free for you at Seminar in Vilnius"
    body = offers[-1].get_body(("plain",)).get_content()
    assert "Take it up by 2027-03-02 11:00 (Europe/Vilnius)" in body
    assert any("/registration/offer/" in link for link in LINK.findall(body))


def test_a_swedish_registrant_is_written_to_in_swedish(client, seminar, smtp):
    client.post(seminar.url, form_data(), HTTP_ACCEPT_LANGUAGE="sv", REMOTE_ADDR="192.0.2.1")
    (message,) = sent(smtp, "registrant1@ngo.example.org")
    assert message["Subject"] == "Din plats på Seminar in Vilnius är bekräftad"


def test_with_two_sessions_each_comes_as_its_own_invitation_and_its_own_cancellation(
    client, seminar, smtp, django_capture_on_commit_callbacks
):
    """An iTIP REQUEST holds one UID (RFC 5546; calendar programs given several import the first only): the
    confirmation names both sessions and carries no calendar, and each session's invitation follows alone;
    cancelling sends one CANCEL per session the same way."""
    afternoon = SessionFactory.create(
        visit=seminar.visit,
        venue=None,
        kind=seminar.session.kind,
        title="Supporting victims",
        starts_at=seminar.session.starts_at + dt.timedelta(hours=3),
        ends_at=seminar.session.ends_at + dt.timedelta(hours=3),
    )
    publish(seminar.visit)
    with django_capture_on_commit_callbacks(execute=True):
        assert register(client, seminar).status_code == 302
    messages = sent(smtp, "registrant1@ngo.example.org")
    assert len(messages) == 3
    confirmation, *invitations = messages
    assert confirmation["Subject"] == "Your place at Seminar in Vilnius is confirmed"
    assert not [p for p in confirmation.walk() if p.get_content_type() == "text/calendar"]
    text = confirmation.get_body(("plain",)).get_content()
    assert "Cooperation against trafficking" in text and "Supporting victims" in text
    uids = set()
    for invitation in invitations:
        calendar = parse_ics(calendar_part(invitation).get_content())
        assert str(calendar["METHOD"]) == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        uids.add(str(event["UID"]))
        assert str(event["SUMMARY"]).split(" (")[0] in invitation["Subject"]
    assert uids == {session_uid(seminar.session.pk), session_uid(afternoon.pk)}

    cancel = next(link for link in LINK.findall(text) if "/registration/cancel/" in link)
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post("/" + cancel.split("://", 1)[1].split("/", 1)[1]).status_code == 302
    cancelled, *cancellations = sent(smtp, "registrant1@ngo.example.org")[3:]
    assert cancelled["Subject"] == "Your registration for Seminar in Vilnius is cancelled"
    assert not [p for p in cancelled.walk() if p.get_content_type() == "text/calendar"]
    gone = set()
    for cancellation in cancellations:
        calendar = parse_ics(calendar_part(cancellation).get_content())
        assert str(calendar["METHOD"]) == "CANCEL"
        (event,) = calendar.walk("VEVENT")
        assert str(event["STATUS"]) == "CANCELLED"
        gone.add(str(event["UID"]))
    assert gone == uids
