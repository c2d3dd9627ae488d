"""Reminders at the right times, stopping after an answer or a cancellation; the coordinators' alert and
daily digest; answers recorded by phone; and a mail scanner that opens every link and changes nothing."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.tasks import sweep_outbox
from participation.models import ParticipantAnswer, ParticipantNeeds
from responses.models import ExpertAnswer
from responses.tasks import send_confirmation_digests
from tests.factories import SessionExpertFactory, UserFactory
from tests.notifications.conftest import parse_ics
from tests.responses.conftest import answer_link, deliver_due, expert_row, links_in, path_of, rows
from visits.models import Session, SessionExpert

pytestmark = pytest.mark.django_db

COORDINATOR = "karin.coordinator@si.example.org"


def to(smtp, address: str) -> list:
    return [r.message for r in smtp.handler.received if r.rcpt_tos == [address]]


def subjects(smtp, address: str) -> list[str]:
    return [str(m["Subject"]) for m in to(smtp, address)]


def later(days: float, hours: float = 0) -> time_machine.travel:
    return time_machine.travel(timezone.now() + dt.timedelta(days=days, hours=hours), tick=False)


@pytest.fixture
def beat(settings):
    """What beat runs every minute, with the tasks it queues run at once (as in the embedded default)."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True  # restored after the test (tests/conftest.py)
    return sweep_outbox


class TestReminders:
    def test_reminders_go_out_every_three_days_twice_then_the_coordinators_are_alerted(
        self, lead, smtp, beat
    ):
        expert = lead.expert.email
        beat()
        assert len(subjects(smtp, expert)) == 1  # the invitation
        with later(2, 23):
            beat()
            assert len(subjects(smtp, expert)) == 1
        with later(3, 1):
            beat()
            assert subjects(smtp, expert)[1].startswith("Reminder, please answer: How the police work")
        with later(5, 23):
            beat()
            assert len(subjects(smtp, expert)) == 2
        with later(6, 1):
            beat()
            assert len(subjects(smtp, expert)) == 3
            assert not to(smtp, COORDINATOR)
        with later(9, 1):
            beat()
            assert len(subjects(smtp, expert)) == 3  # at most two reminders
            (alert,) = to(smtp, COORDINATOR)
            assert alert["Subject"] == "No answer from Eva Lind – How the police work"
            assert "nor the 2 reminders" in alert.get_body(("plain",)).get_content()
        # A reminder is the invitation again (same UID and SEQUENCE) with a working link.
        reminder = [r for r in smtp.handler.received if r.rcpt_tos == [expert]][1]
        assert answer_link(reminder.raw).startswith("/a/")
        ics = next(p for p in reminder.message.walk() if p.get_content_type() == "text/calendar")
        event = parse_ics(ics.get_content()).walk("VEVENT")[0]
        assert int(event["SEQUENCE"]) == lead.morning.sequence

    def test_the_number_and_spacing_of_reminders_are_settings(self, programme, smtp, settings):
        settings.EXPERT_REMINDER_DAYS, settings.EXPERT_REMINDERS = 1, 3
        from tests.responses.conftest import publish

        publish(programme.visit)
        published = timezone.now()
        for day in range(1, 6):
            with time_machine.travel(published + dt.timedelta(days=day, minutes=1), tick=False):
                deliver_due()
        reminders = rows(kind="reminder", person=programme.expert)
        assert [r.payload["reminder"] for r in reminders] == [1, 2, 3]
        assert [r.status for r in reminders] == ["sent"] * 3
        assert [(r.sent_at - published).days for r in reminders] == [1, 2, 3]
        (alert,) = rows(kind="notice", payload__notice="no_answer")
        assert alert.status == "sent" and (alert.sent_at - published).days == 4

    def test_no_reminder_after_the_expert_answered(self, lead, smtp, client):
        deliver_due()
        link = answer_link(next(r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]).raw)
        with later(1):
            client.post(link, {"action": "confirm"})
        with later(30):
            deliver_due()
        assert len(subjects(smtp, lead.expert.email)) == 1
        assert {r.status for r in rows(kind="reminder")} == {"withdrawn"}
        assert not rows(kind="notice", payload__notice="no_answer", status="sent")

    def test_no_reminder_after_the_session_was_cancelled(self, lead, smtp):
        deliver_due()
        # Cancelled, not yet published: the reminder is withdrawn when it falls due, not sent.
        Session.objects.filter(pk=lead.morning.pk).update(status=Session.Status.CANCELLED)
        with later(30):
            deliver_due()
        assert len(subjects(smtp, lead.expert.email)) == 1
        assert {r.status for r in rows(kind="reminder")} == {"withdrawn"}
        assert not to(smtp, COORDINATOR)

    def test_an_answer_by_phone_recorded_in_the_admin_stops_the_reminders(self, lead, smtp, client):
        coordinator = lead.visit.coordinators.get()
        coordinator.is_superuser = True
        coordinator.save()
        client.force_login(coordinator)
        expert = expert_row(lead)
        url = reverse("admin:visits_sessionexpert_change", args=[expert.pk])
        response = client.post(
            url,
            {
                "session": lead.morning.pk,
                "person": lead.expert.pk,
                "response": "confirmed",
                "responded_at_0": "",
                "responded_at_1": "",
                "note": "Said yes on the phone.",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        answer = ExpertAnswer.objects.get()
        assert answer.channel == "phone" and answer.recorded_by == coordinator
        assert expert_row(lead).answers == 1
        with later(30):
            deliver_due()
        assert len(subjects(smtp, lead.expert.email)) == 1


class TestDigest:
    def confirm(self, lead, smtp, client):
        deliver_due()
        link = answer_link(next(r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]).raw)
        client.post(link, {"action": "confirm"})

    def test_confirmations_wait_for_the_daily_digest(self, lead, smtp, client, settings):
        settings.CONFIRMATION_DIGEST_HOUR = 7
        self.confirm(lead, smtp, client)
        assert not to(smtp, COORDINATOR)
        zone = timezone.get_current_timezone()
        early = dt.datetime(2026, 12, 1, 6, 30, tzinfo=zone)
        assert send_confirmation_digests(now=early) == 0
        on_time = dt.datetime(2026, 12, 1, 7, 5, tzinfo=zone)
        assert send_confirmation_digests(now=on_time) == 1
        assert send_confirmation_digests(now=on_time + dt.timedelta(hours=1)) == 0  # once a day
        with time_machine.travel(on_time + dt.timedelta(minutes=1), tick=False):
            deliver_due()
        (digest,) = to(smtp, COORDINATOR)
        assert digest["Subject"] == "Confirmed by experts: 1 sessions"
        text = digest.get_body(("plain",)).get_content()
        assert "Eva Lind: Confirmed" in text and "How the police work" in text
        assert ExpertAnswer.objects.get().told_at is not None


def test_a_mail_scanner_opening_every_link_in_every_message_changes_nothing(lead, smtp, client):
    """Outlook Safe Links and Gmail open every link in a message, with a GET. Nothing may count as an
    answer: not the expert's link, not the participant's programme page, not a feed."""
    deliver_due()
    with later(9, 1):
        deliver_due()  # reminders and the coordinators' alert too
    received = smtp.handler.received
    assert len(received) >= 8

    def state() -> tuple:
        return (
            list(SessionExpert.objects.order_by("pk").values_list("response", "answers", "note")),
            ExpertAnswer.objects.count(),
            list(OutboxMessage.objects.order_by("pk").values_list("pk", "status")),
            ParticipantAnswer.objects.count(),
            ParticipantNeeds.objects.count(),
        )

    before = state()
    opened = 0
    for message in received:
        for url in links_in(message.raw):
            if not url.startswith("http://127.0.0.1:8000") and "example" in url:
                continue
            path = path_of(url.replace("webcal://", "http://"))
            response = client.get(path)
            assert response.status_code in (200, 302), (path, response.status_code)
            opened += 1
    assert opened >= len(received)
    assert any("/a/" in u for m in received for u in links_in(m.raw))
    assert any("/p/" in u for m in received for u in links_in(m.raw))
    assert state() == before


def test_a_coordinator_who_had_todays_digest_gets_a_later_confirmation_tomorrow_not_never(db, settings):
    """Karin coordinates two visits, Bertil one of them. Karin's digest of the day has gone out when a
    confirmation arrives on their shared visit: Bertil gets it today, Karin tomorrow, and nobody twice."""
    settings.CONFIRMATION_DIGEST_HOUR = 7
    karin = UserFactory(username="karin", email="karin@si.example.org", is_staff=True)
    bertil = UserFactory(username="bertil", email="bertil@si.example.org", is_staff=True)
    own, shared = SessionExpertFactory(), SessionExpertFactory()
    own.session.visit.coordinators.add(karin)
    shared.session.visit.coordinators.add(karin, bertil)
    zone = timezone.get_current_timezone()

    def confirmation(expert, at):
        with time_machine.travel(at, tick=False):
            return ExpertAnswer.objects.create(
                expert=expert, response="confirmed", channel="link", sequence=expert.session.sequence
            )

    def digests_to(user):
        return [
            m.payload["answers"]
            for m in OutboxMessage.objects.filter(kind="notice", user=user).order_by("pk")
        ]

    first = confirmation(own, dt.datetime(2026, 12, 1, 6, 0, tzinfo=zone))
    assert send_confirmation_digests(now=dt.datetime(2026, 12, 1, 7, 5, tzinfo=zone)) == 1
    later_one = confirmation(shared, dt.datetime(2026, 12, 1, 8, 0, tzinfo=zone))
    assert send_confirmation_digests(now=dt.datetime(2026, 12, 1, 8, 5, tzinfo=zone)) == 1
    assert digests_to(bertil) == [[later_one.pk]]
    assert digests_to(karin) == [[first.pk]]
    later_one.refresh_from_db()
    assert later_one.told_at is None  # Karin has not had it yet
    assert send_confirmation_digests(now=dt.datetime(2026, 12, 2, 7, 5, tzinfo=zone)) == 1
    assert digests_to(karin) == [[first.pk], [later_one.pk]]
    assert digests_to(bertil) == [[later_one.pk]]
    later_one.refresh_from_db()
    assert later_one.told_at is not None
    assert send_confirmation_digests(now=dt.datetime(2026, 12, 3, 7, 5, tzinfo=zone)) == 0
