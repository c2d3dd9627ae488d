"""Interpreters are booked the way experts are asked: their invitation carries a signed link to a page where
they confirm, decline with a reason or pass the session to a colleague, through the real views and SMTP."""

import datetime as dt
import re
from email import message_from_bytes, policy

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEntry
from notifications.links import expert_links, interpreter_links
from notifications.models import OutboxMessage
from responses.answers import AnswerRefused
from responses.interpreters import interpreter_answer
from responses.models import Door, InterpreterAnswer
from tests.responses.conftest import deliver_due, edit, links_in, path_of, publish, rows
from visits.models import Person, Session, SessionInterpreter

pytestmark = pytest.mark.django_db

COORDINATOR = "karin.coordinator@si.example.org"


def interpreter_link(raw: bytes) -> str:
    (found,) = [u for u in links_in(raw) if "/t/" in u]
    return path_of(found)


def booked(lead) -> SessionInterpreter:
    return SessionInterpreter.objects.get(session=lead.morning, person=lead.interpreter)


def partstat(raw: bytes) -> str:
    for part in message_from_bytes(raw, policy=policy.default).walk():
        if part.get_content_type() == "text/calendar":
            content = part.get_content()
            text = content.decode() if isinstance(content, bytes) else content
            text = text.replace("\r\n ", "")
            (found,) = re.findall(r"PARTSTAT=([A-Z-]+)", text)
            return found
    raise AssertionError("no calendar")


@pytest.fixture
def link(lead, smtp) -> str:
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.interpreter.email]]
    assert partstat(invitation.raw) == "NEEDS-ACTION"
    assert "whether you can interpret it" in invitation.message.get_body(("plain",)).get_content()
    return interpreter_link(invitation.raw)


def state() -> tuple:
    return (
        list(SessionInterpreter.objects.order_by("pk").values_list("response", "answers", "note")),
        InterpreterAnswer.history.count(),
        OutboxMessage.objects.count(),
    )


def test_the_invitation_carries_the_link_and_opening_it_changes_nothing(lead, link, client):
    before = state()
    response = client.get(link)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Can you interpret this session, Ivars Kalniņš?" in page and "How the police work" in page
    assert 'value="confirm"' in page and 'value="decline"' in page and 'value="pass"' in page
    assert 'value="propose"' not in page
    assert response["Cache-Control"].startswith("private")
    assert client.head(link).status_code == 200
    assert state() == before


def test_confirming_records_the_answer_with_its_door_and_uses_the_link_up(lead, link, client, smtp):
    response = client.post(link, {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == link
    row = booked(lead)
    assert row.response == "confirmed" and row.answers == 1 and row.responded_at is not None
    answer = InterpreterAnswer.objects.get()
    assert answer.channel == Door.LINK and answer.sequence == lead.morning.sequence
    entry = AuditEntry.objects.filter(object_id=str(row.pk), changes__door__isnull=False).get()
    assert entry.changes["response"] == ["invited", "confirmed"] and entry.changes["door"][1] == "link"
    assert not rows(kind="notice", payload__notice="interpreter_answer")  # a confirmation needs nobody
    again = client.get(link).content.decode()
    assert "Your answer is recorded" in again
    assert client.post(link, {"action": "decline"}).status_code == 200
    assert booked(lead).response == "confirmed"
    # Later invitations say the answer: PARTSTAT ACCEPTED, and no link to answer again.
    edit(lead.morning, title="How the police work today")
    publish(lead.visit)
    smtp.handler.received.clear()
    deliver_due()
    (update,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.interpreter.email]]
    assert partstat(update.raw) == "ACCEPTED"
    assert not [u for u in links_in(update.raw) if "/t/" in u]


def test_declining_with_a_reason_tells_the_coordinators_and_uncovers_the_language(lead, link, client, smtp):
    client.post(link, {"action": "decline", "note": "Ill that week."})
    row = booked(lead)
    assert row.response == "declined" and row.note == "Ill that week."
    (notice,) = rows(kind="notice", payload__notice="interpreter_answer")
    assert notice.to_email == COORDINATOR
    deliver_due()
    (mail,) = [r for r in smtp.handler.received if r.rcpt_tos == [COORDINATOR]]
    assert "Ivars Kalniņš" in mail.message["Subject"] and "Declined" in mail.message["Subject"]
    text = mail.message.get_body(("plain",)).get_content()
    assert "An interpreter has answered" in text and "Ill that week." in text


def test_passing_to_a_colleague_books_them_for_the_same_languages_and_invites_them(lead, link, client, smtp):
    languages = list(booked(lead).languages)
    response = client.post(
        link, {"action": "pass", "colleague_name": "Līga Ozola", "colleague_email": "liga@tulks.example.lv"}
    )
    assert response.status_code == 302
    assert booked(lead).response == "passed"
    colleague = Person.objects.get(email="liga@tulks.example.lv")
    theirs = SessionInterpreter.objects.get(session=lead.morning, person=colleague)
    assert theirs.response == "invited" and list(theirs.languages) == languages
    assert InterpreterAnswer.objects.get().colleague == colleague
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [colleague.email]]
    page = client.get(interpreter_link(invitation.raw)).content.decode()
    assert "Līga Ozola" in page
    notice = [r for r in smtp.handler.received if r.rcpt_tos == [COORDINATOR]]
    assert len(notice) == 1 and "Līga Ozola" in notice[0].message.get_body(("plain",)).get_content()


def test_passing_to_yourself_or_without_an_address_is_refused(lead, link, client):
    mine = client.post(
        link, {"action": "pass", "colleague_name": "Me", "colleague_email": lead.interpreter.email}
    )
    assert mine.status_code == 400 and "your own address" in mine.content.decode()
    assert client.post(link, {"action": "pass", "colleague_email": "nope"}).status_code == 400
    assert client.post(link, {"action": "propose"}).status_code == 400
    assert booked(lead).response == "invited"


def test_the_page_is_in_the_interpreters_language(lead, smtp, client):
    Person.objects.filter(pk=lead.interpreter.pk).update(preferred_language="sv")
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.interpreter.email]]
    response = client.get(interpreter_link(invitation.raw))
    assert response["Content-Language"] == "sv"
    page = response.content.decode()
    assert "Kan du tolka den här programpunkten" in page and "Bekräfta" in page


class TestRefusedLinks:
    def test_an_altered_link_tells_nothing(self, lead, link, client):
        altered = link[:-3] + ("0" if link[-3] != "0" else "1") + link[-2:]
        page = client.get(altered).content.decode()
        assert "This link does not work" in page and "How the police work" not in page
        assert client.post(altered, {"action": "confirm"}).status_code == 200
        assert booked(lead).response == "invited"

    def test_an_experts_token_does_not_open_an_interpreters_row_nor_the_reverse(self, lead, link, client):
        row = booked(lead)
        forged = expert_links.make_token(row)  # an expert's key on the interpreter's row id
        assert interpreter_links.check_token(forged).status == "invalid"
        token = link.strip("/").split("/")[-1]
        assert expert_links.check_token(token).status == "invalid"
        assert client.get(f"/a/{token}/").content.decode().count("How the police work") == 0

    def test_an_expired_link_offers_a_fresh_one_that_works(self, lead, link, client, smtp, settings):
        settings.EXPERT_LINK_DAYS = 21
        with time_machine.travel(timezone.now() + dt.timedelta(days=22), tick=False):
            page = client.get(link).content.decode()
            assert "This link has expired" in page and f'action="{link}fresh/"' in page
            assert client.post(link, {"action": "confirm"}).status_code == 200
            assert booked(lead).response == "invited"
            response = client.post(link + "fresh/")
            assert response.status_code == 200
            client.post(link + "fresh/")  # twice: one e-mail
            (row,) = rows(kind="invitation", idempotency_key__startswith="fresh:")
            smtp.handler.received.clear()
            deliver_due()
            (fresh,) = [r for r in smtp.handler.received if r.message["X-Visitplan-Outbox-Id"] == str(row.pk)]
            client.post(interpreter_link(fresh.raw), {"action": "confirm"})
        assert booked(lead).response == "confirmed"

    def test_a_used_link_says_so(self, lead, link, client):
        client.post(link, {"action": "decline"})
        page = client.get(link).content.decode()
        assert "This link has been used" in page
        client.post(link, {"action": "confirm"})
        assert booked(lead).response == "declined"

    def test_a_link_for_an_old_time_cannot_confirm_the_new_one(self, lead, link, client):
        edit(
            lead.morning,
            starts_at=lead.morning.starts_at + dt.timedelta(days=1),
            ends_at=lead.morning.ends_at + dt.timedelta(days=1),
        )
        publish(lead.visit)
        assert "The session has changed" in client.get(link).content.decode()
        assert client.post(link, {"action": "confirm"}).status_code == 200
        assert booked(lead).response == "invited"

    def test_a_cancelled_session_has_nothing_to_answer(self, lead, link, client):
        Session.objects.filter(pk=lead.morning.pk).update(status=Session.Status.CANCELLED)
        page = client.get(link).content.decode()
        assert "nothing to answer" in page and 'value="confirm"' not in page
        assert client.post(link, {"action": "confirm"}).status_code == 400
        assert booked(lead).response == "invited"


def test_a_confirmation_for_a_session_that_moved_is_asked_again(lead, link, client):
    client.post(link, {"action": "confirm"})
    edit(
        lead.morning,
        starts_at=lead.morning.starts_at + dt.timedelta(days=1),
        ends_at=lead.morning.ends_at + dt.timedelta(days=1),
    )
    publish(lead.visit)
    assert booked(lead).response == "invited"
    moves = list(InterpreterAnswer.history.order_by("pk").values_list("response", "channel", "is_answer"))
    assert moves == [("confirmed", "link", True), ("invited", "reminder", False)]


def test_a_calendar_reply_handler_needs_one_call(lead):
    """What a reply handler does with a PARTSTAT: one call with its door, recorded and counted."""
    row = booked(lead)
    answer = interpreter_answer(interpreter_id=row.pk, to="declined", door=Door.PHONE, note="By phone")
    assert answer is not None and answer.is_answer and booked(lead).answers == 1
    with pytest.raises(AnswerRefused, match="cancelled"):
        Session.objects.filter(pk=lead.morning.pk).update(status=Session.Status.CANCELLED)
        interpreter_answer(interpreter_id=row.pk, to="confirmed", door=Door.PHONE)
