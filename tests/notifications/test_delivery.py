"""Delivery for real: the outbox, a Celery worker on Redis, and an SMTP server on loopback."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar

from notifications.models import OutboxMessage
from notifications.tasks import deliver_outbox, sweep_outbox
from scheduling.publishing import programme_publish
from tests.factories import (
    DelegationMemberFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from tests.support.broker import RedisServer
from tests.support.smtp import Handler, SmtpServer, deliver_to
from tests.support.workers import wait_for, worker_thread
from visits.models import Session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_url(tmp_path: Path):
    """The configured Redis (CI), or a private one this test starts and stops."""
    configured = os.environ.get("CELERY_BROKER_URL", "")
    if configured.startswith("redis://"):
        yield configured
        return
    server = RedisServer(tmp_path).start()
    try:
        yield server.url
    finally:
        server.stop()


def programme(experts: int = 2, members: int = 3, sessions: int = 2):
    """A visit with sessions, each led by its own experts, attended by the whole delegation."""
    visit = VisitFactory()
    for _ in range(members):
        DelegationMemberFactory(delegation=visit.delegation)
    created = []
    for index in range(sessions):
        session = SessionFactory(
            visit=visit,
            venue=VenueFactory(),
            starts_at=stockholm(2027, 3, 22 + index % 5, 9 + index // 5),
            ends_at=stockholm(2027, 3, 22 + index % 5, 9 + index // 5, 50),
        )
        for _ in range(experts):
            SessionExpertFactory(session=session, person=PersonFactory())
        created.append(session)
    return visit, created


def calendars(server: SmtpServer, to: str | None = None) -> list[Calendar]:
    found = []
    for received in server.handler.received:
        if to is not None and to not in received.rcpt_tos:
            continue
        for part in received.message.walk():
            if part.get_content_type() == "text/calendar" and part.get_filename() is None:
                found.append(Calendar.from_ical(part.get_content()))
    return found


def assert_well_formed(received) -> None:
    """mixed(alternative(plain, html, calendar), .ics file); each calendar parses and defines its zones."""
    message = received.message
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in alternative.get_payload()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    calendar_part = alternative.get_payload()[2]
    assert calendar_part.get_param("method") in {"REQUEST", "CANCEL", "PUBLISH"}
    assert calendar_part.get_content_charset() == "utf-8"
    assert attachment.get_filename() in {"invite.ics", "programme.ics"}
    for ics in (calendar_part.get_content(), attachment.get_content()):
        text = ics.decode() if isinstance(ics, bytes) else ics
        parsed = Calendar.from_ical(text)
        assert parsed["METHOD"] == calendar_part.get_param("method")
        defined = {str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")}
        used = set(re.findall(r"TZID=([^:;]+)", text))
        assert used <= defined, f"undefined time zones {used - defined}"
        for event in parsed.walk("VEVENT"):
            assert event["UID"] and event["DTSTAMP"] and event["DTSTART"]
            assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)


def delivered(count: int, server: SmtpServer, timeout: float = 60) -> None:
    wait_for(lambda: len(server.handler.received) >= count, timeout, f"{count} messages at the SMTP server")


def expected_messages(visit) -> int:
    """Invitations (one per person per session) plus one programme e-mail per participant."""
    sessions = list(visit.sessions.all())
    members = visit.delegation.members.count()
    experts = sum(s.session_experts.count() for s in sessions)
    return experts + members * len(sessions) + members


def test_publishing_delivers_every_invitation_once_through_a_real_worker(broker_url, smtp):
    visit, sessions = programme()
    with worker_thread(broker_url):
        programme_publish(visit=visit, actor=None)
        total = expected_messages(visit)
        delivered(total, smtp)
        wait_for(
            lambda: OutboxMessage.objects.filter(status="sent").count() == total, 30, "all rows marked sent"
        )
    assert len(smtp.handler.received) == total
    assert set(smtp.handler.outbox_ids().values()) == {1}
    for received in smtp.handler.received:
        assert_well_formed(received)
    expert = sessions[0].session_experts.first().person
    [invitation] = calendars(smtp, expert.email)
    assert invitation["METHOD"] == "REQUEST"
    [event] = invitation.walk("VEVENT")
    assert int(event["SEQUENCE"]) == 0
    assert sessions[0].title in str(event["SUMMARY"])


def test_moving_a_session_sends_a_request_with_the_same_uid_and_the_next_sequence(broker_url, smtp):
    visit, sessions = programme(sessions=2)
    with worker_thread(broker_url):
        programme_publish(visit=visit, actor=None)
        first_total = expected_messages(visit)
        delivered(first_total, smtp)
        moved = Session.objects.get(pk=sessions[0].pk)
        moved.starts_at += dt.timedelta(hours=2)
        moved.ends_at += dt.timedelta(hours=2)
        moved.save()
        programme_publish(visit=visit, actor=None)
        people = moved.session_experts.count() + visit.delegation.members.count()
        delivered(first_total + people + visit.delegation.members.count(), smtp)
    expert = moved.session_experts.first().person
    first, second = calendars(smtp, expert.email)
    [before], [after] = first.walk("VEVENT"), second.walk("VEVENT")
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART") - before.decoded("DTSTART") == dt.timedelta(hours=2)
    # The expert of the session that did not move hears nothing new.
    untouched = sessions[1].session_experts.first().person
    assert len(calendars(smtp, untouched.email)) == 1


def test_taking_an_expert_off_sends_a_cancel_to_exactly_that_expert(broker_url, smtp):
    visit, sessions = programme(sessions=1, experts=3)
    with worker_thread(broker_url):
        programme_publish(visit=visit, actor=None)
        total = expected_messages(visit)
        delivered(total, smtp)
        removed = sessions[0].session_experts.order_by("pk").first()
        removed.delete()
        programme_publish(visit=visit, actor=None)
        delivered(total + 1, smtp)
        wait_for(
            lambda: OutboxMessage.objects.filter(status="sent").count() == total + 1, 30, "rows marked sent"
        )
    assert len(smtp.handler.received) == total + 1
    last = smtp.handler.received[-1]
    assert last.rcpt_tos == [removed.person.email]
    [cancel] = calendars(smtp, removed.person.email)[1:]
    assert cancel["METHOD"] == "CANCEL"
    [event] = cancel.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and int(event["SEQUENCE"]) == 1


def test_no_duplicates_when_a_task_is_retried_the_sweep_runs_twice_or_the_visit_is_published_twice(
    broker_url, smtp
):
    visit, _ = programme()
    with worker_thread(broker_url):
        programme_publish(visit=visit, actor=None)
        total = expected_messages(visit)
        delivered(total, smtp)
        ids = list(OutboxMessage.objects.filter(send_at__lte=timezone.now()).values_list("pk", flat=True))
        deliver_outbox.delay(ids)  # a retried task
        deliver_outbox(ids)
        sweep_outbox()
        sweep_outbox()
        assert programme_publish(visit=visit, actor=None) is None
        OutboxMessage.objects.update(updated_at=OutboxMessage.objects.first().created_at)
        sweep_outbox()
        deliver_outbox(ids)
    assert OutboxMessage.objects.filter(kind__in=["invitation", "programme"]).count() == total
    assert len(smtp.handler.received) == total
    assert set(smtp.handler.outbox_ids().values()) == {1}


def test_a_temporary_refusal_is_retried_until_delivered(broker_url, settings):
    with SmtpServer(Handler(script=["451 4.3.0 Mailbox busy, try later"] * 2)) as server:
        deliver_to(server, settings)
        visit, _ = programme(sessions=1, experts=1, members=0)
        with worker_thread(broker_url):
            programme_publish(visit=visit, actor=None)
            wait_for(
                lambda: OutboxMessage.objects.filter(status="sent").count() == 1, 30, "delivery after 451s"
            )
        message = OutboxMessage.objects.get(kind="invitation")
        assert message.attempts == 3
        assert server.handler.attempts == 3 and len(server.handler.received) == 1


def test_a_permanent_refusal_fails_visibly_and_is_not_retried(broker_url, settings):
    with SmtpServer(Handler(always="550 5.1.1 No such user here")) as server:
        deliver_to(server, settings)
        visit, _ = programme(sessions=1, experts=1, members=0)
        with worker_thread(broker_url):
            programme_publish(visit=visit, actor=None)
            wait_for(lambda: OutboxMessage.objects.filter(status="failed").exists(), 30, "the failure")
            sweep_outbox()
        message = OutboxMessage.objects.get(kind="invitation")
        assert message.status == "failed" and message.attempts == 1
        assert "550" in message.last_error and "No such user" in message.last_error
        assert server.handler.attempts == 1
