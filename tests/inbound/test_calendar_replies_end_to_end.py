"""A calendar reply from end to end, nothing stood in for: the programme is published and a real Celery worker
(start_worker, on Redis) delivers the invitations to an SMTP server; the reply the person's Outlook would send
to the invitation's ORGANIZER arrives over a real socket at the LMTP server (smtplib.LMTP); the worker
processes the received row, and the answer has changed, with its door. For an expert and for an interpreter;
an interpreter's COUNTER is forwarded to the coordinators' mailbox instead."""

from email import message_from_bytes, policy

import pytest

from inbound.models import ReceivedMessage
from responses.models import CalendarReply, Door, ExpertAnswer, InterpreterAnswer
from tests.factories import stockholm
from tests.inbound.conftest import ORGANIZER, REPLY_DOMAIN, lmtp_send
from tests.notifications.conftest import publish
from tests.responses.test_calendar_replies import invitation_event, sample
from tests.support.smtp import SmtpServer
from tests.support.workers import wait_for, worker_thread
from visits.models import Person, SessionExpert, SessionInterpreter

pytestmark = pytest.mark.django_db(transaction=True)


def wire(message) -> bytes:
    """As a mail server hands a message on: CRLF line ends."""
    return message.as_bytes(policy=policy.SMTP)


def invitation_to(server: SmtpServer, person: Person) -> dict[str, str]:
    """The ORGANIZER and UID of the invitation the worker delivered to this person."""
    (received,) = [r for r in server.handler.received if r.rcpt_tos == [person.email]]
    event = invitation_event(received.raw)
    return {"to": str(event["ORGANIZER"])[len("mailto:") :], "uid": str(event["UID"])}


def to_organizer(server: SmtpServer) -> list:
    return [
        message_from_bytes(r.raw, policy=policy.default)
        for r in server.handler.received
        if ORGANIZER in r.rcpt_tos
    ]


def delivered(server: SmtpServer, email: str) -> bool:
    return any(r.rcpt_tos == [email] for r in server.handler.received)


def outcome_of(count: int) -> list[tuple[str, str]]:
    return list(ReceivedMessage.objects.order_by("pk").values_list("status", "outcome")[:count])


def received(count: int) -> bool:
    return ReceivedMessage.objects.exclude(status="received").count() >= count


def test_an_experts_outlook_accept_over_lmtp_is_their_answer_with_its_door(programme, lmtp, smtp, broker_url):
    with worker_thread(broker_url):
        publish(programme.visit)
        wait_for(lambda: delivered(smtp, programme.expert.email), 60, "the expert's invitation")
        sent = invitation_to(smtp, programme.expert)
        assert sent["to"].startswith("reply+") and sent["to"].endswith(f"@{REPLY_DOMAIN}")
        reply = sample("outlook_accept.eml", to=sent["to"], uid=sent["uid"], attendee=programme.expert.email)
        assert lmtp_send(lmtp, wire(reply), sent["to"], sender=programme.expert.email) == {}
        wait_for(lambda: received(1), 60, "the reply to be processed")
    assert outcome_of(1) == [("processed", "answered")]
    expert = SessionExpert.objects.get(session=programme.morning, person=programme.expert)
    assert expert.response == SessionExpert.Response.CONFIRMED and expert.answers == 1
    answer = ExpertAnswer.objects.get(expert=expert)
    assert answer.channel == Door.CALENDAR and answer.get_channel_display() == "Calendar reply"
    assert CalendarReply.objects.get().answer == answer
    assert not [r for r in smtp.handler.received if ORGANIZER in r.rcpt_tos]  # nothing forwarded


def test_an_interpreters_counter_is_forwarded_and_their_decline_is_their_answer(
    programme, lmtp, smtp, broker_url
):
    interpreter = programme.interpreter
    with worker_thread(broker_url):
        publish(programme.visit)
        wait_for(lambda: delivered(smtp, interpreter.email), 60, "the interpreter's invitation")
        sent = invitation_to(smtp, interpreter)
        counter = sample(
            "outlook_counter.eml",
            to=sent["to"],
            uid=sent["uid"],
            attendee=interpreter.email,
            START=stockholm(2027, 3, 24, 10).strftime("%Y%m%dT%H%M%S"),
            END=stockholm(2027, 3, 24, 11, 30).strftime("%Y%m%dT%H%M%S"),
        )
        assert lmtp_send(lmtp, wire(counter), sent["to"], sender=interpreter.email) == {}
        wait_for(lambda: received(1), 60, "the counter to be forwarded")
        decline = sample("gmail_decline.eml", to=sent["to"], uid=sent["uid"], attendee=interpreter.email)
        assert lmtp_send(lmtp, wire(decline), sent["to"], sender=interpreter.email) == {}
        wait_for(lambda: received(2), 60, "the decline to be processed")
        # The coordinators are told at once, by the same worker (the visit has none: the organiser's mailbox).
        wait_for(lambda: len(to_organizer(smtp)) >= 2, 60, "the forward and the notice")
    assert outcome_of(2) == [("forwarded", "forwarded"), ("processed", "answered")]
    booked = SessionInterpreter.objects.get(session=programme.morning, person=interpreter)
    assert booked.response == SessionInterpreter.Response.DECLINED and booked.answers == 1
    assert booked.note == "Jag är på konferens i Malmö den veckan."
    (answer,) = InterpreterAnswer.history.filter(interpreter=booked)
    assert answer.channel == Door.CALENDAR and answer.is_answer
    assert CalendarReply.objects.get().interpreter_answer == answer
    subjects = sorted(str(m["Subject"]) for m in to_organizer(smtp))
    assert subjects[0].startswith("Fwd: ") and "How the police work" in subjects[0]
    assert subjects[1].startswith(f"Interpreter {interpreter.name}: Declined")
