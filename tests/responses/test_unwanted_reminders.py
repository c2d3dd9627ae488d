"""Whether a delivery batch's reminders are still wanted is decided once for the batch, not per message."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.hooks import unwanted
from notifications.models import MessageKind, OutboxMessage
from responses.reminders import reminder_row
from tests.factories import SessionExpertFactory
from visits.models import Session, SessionExpert

pytestmark = pytest.mark.django_db


def reminders(count: int) -> list[OutboxMessage]:
    rows = []
    for index in range(count):
        expert = SessionExpertFactory.create(response=SessionExpert.Response.INVITED)
        invitation = OutboxMessage(
            idempotency_key=f"invitation:{index}",
            kind=MessageKind.INVITATION,
            visit_id=expert.session.visit_id,
            person=expert.person,
            session=expert.session,
            session_key=expert.session_id,
            sequence=expert.session.sequence,
            to_email=expert.person.email,
            language="en",
            send_at=timezone.now(),
        )
        rows.append(reminder_row(invitation, expert.pk, number=1, since=timezone.now()))
    return OutboxMessage.objects.bulk_create(rows)


def queries_for(messages: list[OutboxMessage]) -> int:
    with CaptureQueriesContext(connection) as captured:
        unwanted(messages)
    return len(captured)


def test_a_batch_of_reminders_takes_the_same_queries_for_2_as_for_10():
    assert queries_for(reminders(2)) == queries_for(reminders(10))


def test_a_reminder_whose_expert_answered_or_whose_session_was_cancelled_is_unwanted():
    answered, cancelled, waiting = reminders(3)
    SessionExpert.objects.filter(pk=answered.payload["expert"]).update(
        response=SessionExpert.Response.DECLINED
    )
    Session.objects.filter(pk=cancelled.session_id).update(status=Session.Status.CANCELLED)
    assert unwanted([answered, cancelled, waiting]) == {answered.pk, cancelled.pk}
    # The one still wanted has its next reminder written, once.
    assert OutboxMessage.objects.filter(kind=MessageKind.REMINDER, payload__reminder=2).count() == 1
