"""The outbox's rules: one row per session, person, sequence and method; statuses move only as allowed;
SMTP replies are classified; retries back off; the embedded default (eager Celery) loses nothing."""

import random
import smtplib

import pytest
from django.db import IntegrityError, transaction

from notifications.delivery import backoff, classify
from notifications.models import OutboxMessage
from notifications.outbox import InvalidOutboxMove, Planned, outbox_move, plan_for_changes
from scheduling.models import ChangeRecipient, ProgrammeChange
from scheduling.publishing import programme_publish
from tests.factories import DelegationMemberFactory, SessionExpertFactory, SessionFactory


def change(session_key: int, sequence: int, *recipients: tuple[int, str, str]):
    row = ProgrammeChange(session_key=session_key, sequence=sequence, session_title="S", kind="moved")
    return row, [ChangeRecipient(person_id=p, role=role, action=action) for p, role, action in recipients]


class TestPlanning:
    def test_one_message_per_session_and_person_and_an_update_wins_over_a_cancellation(self):
        planned = plan_for_changes(
            [
                change(1, 2, (10, "expert", "request"), (11, "participant", "request")),
                change(1, 2, (10, "participant", "cancel")),  # a role change: still on the session
                change(2, 1, (11, "participant", "cancel")),
            ]
        )
        assert [(p.session_key, p.person_id, p.method) for p in planned] == [
            (1, 10, "REQUEST"),
            (1, 11, "REQUEST"),
            (2, 11, "CANCEL"),
        ]

    def test_the_idempotency_key_names_session_person_sequence_and_method(self):
        planned = Planned("invitation", 7, "expert", 3, 2, "REQUEST")
        assert planned.key == "session:3:person:7:seq:2:REQUEST"


class TestClassification:
    def test_4xx_replies_and_lost_connections_are_temporary(self):
        assert classify(smtplib.SMTPDataError(451, b"Try later")).temporary
        assert classify(smtplib.SMTPRecipientsRefused({"a@x.org": (452, b"Full")})).temporary
        assert classify(smtplib.SMTPServerDisconnected("gone")).temporary
        assert classify(ConnectionRefusedError(111, "refused")).temporary
        assert classify(TimeoutError("timed out")).temporary

    def test_5xx_replies_are_permanent_and_keep_the_servers_words(self):
        outcome = classify(smtplib.SMTPRecipientsRefused({"a@x.org": (550, b"5.1.1 No such user")}))
        assert not outcome.temporary and "550 5.1.1 No such user" in outcome.error
        assert not classify(smtplib.SMTPDataError(554, b"Rejected")).temporary

    def test_backoff_grows_exponentially_with_jitter_and_a_cap(self):
        rng = random.Random(1)
        delays = [backoff(n, base=30, cap=900, rng=rng).total_seconds() for n in range(1, 9)]
        assert 15 <= delays[0] <= 30 and 30 <= delays[1] <= 60 and 60 <= delays[2] <= 120
        assert all(d <= 900 for d in delays) and delays[-1] >= 450


@pytest.mark.django_db
class TestRows:
    def published(self):
        member = DelegationMemberFactory()
        session = SessionFactory(visit__delegation=member.delegation)
        SessionExpertFactory(session=session)
        programme_publish(visit=session.visit, actor=None)
        return session

    def test_publishing_writes_the_rows_in_the_same_transaction(self):
        session = self.published()
        kinds = sorted(OutboxMessage.objects.values_list("kind", flat=True))
        # The expert's and the member's invitations, and the member's programme e-mail; for the expert, who
        # has yet to answer, the first reminder, due later.
        assert kinds == ["invitation", "invitation", "programme", "reminder"]
        assert {m.sequence for m in OutboxMessage.objects.filter(kind="invitation")} == {session.sequence}

    def test_a_failed_publication_leaves_no_rows(self):
        session = SessionFactory()
        SessionExpertFactory(session=session)
        with pytest.raises(RuntimeError), transaction.atomic():
            programme_publish(visit=session.visit, actor=None)
            raise RuntimeError("the publication is rolled back")
        assert not OutboxMessage.objects.exists()

    def test_the_database_keeps_the_idempotency_key_unique(self):
        self.published()
        row = OutboxMessage.objects.first()
        row.pk = None
        with pytest.raises(IntegrityError), transaction.atomic():
            row.save()

    def test_statuses_move_only_as_declared(self):
        self.published()
        row = OutboxMessage.objects.first()
        with pytest.raises(InvalidOutboxMove):
            outbox_move(message_ids=[row.pk], from_status="queued", to_status="sent")
        assert outbox_move(message_ids=[row.pk], from_status="queued", to_status="sending") == [row.pk]
        # A second claim of the same row finds nothing to move.
        assert outbox_move(message_ids=[row.pk], from_status="queued", to_status="sending") == []


@pytest.mark.django_db(transaction=True)
def test_the_embedded_default_sends_at_commit_and_the_outbox_records_it(settings, mailoutbox):
    """Eager Celery, no broker: the same rows, sent right after the publication commits."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True  # as with no CELERY_BROKER_URL; restored after the test
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    member = DelegationMemberFactory()
    session = SessionFactory(visit__delegation=member.delegation)
    programme_publish(visit=session.visit, actor=None)
    assert sorted(OutboxMessage.objects.values_list("status", flat=True)) == ["sent", "sent"]
    assert len(mailoutbox) == 2
    assert all(m.sent_at is not None for m in OutboxMessage.objects.all())
