"""The reminders that follow an unanswered invitation, and the coordinators' alert after the last one.

Publishing writes the first reminder for every expert invited who has yet to answer (responses.receivers), due
EXPERT_REMINDER_DAYS later. Each reminder, when it falls due and is still wanted, writes the next one (up to
EXPERT_REMINDERS) or, after the last, the alert to the visit's coordinators (`next_rows`): one row waits per
expert, however long the chain. Reminders and alerts are decided at the time of sending, a delivery batch at
a time (`unwanted_reminders`, which notifications' delivery asks through notifications.hooks): one that has
lost its reason (the expert answered, the session was cancelled or moved again) is withdrawn, not sent, and
ends the chain. An answer withdraws the reminders waiting for it at once (`withdraw_waiting`).
"""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import (
    Recipient,
    coordinators_of,
    new_message_id,
    notice_row,
    outbox_create,
    outbox_move,
    session_message_key,
)
from scheduling.models import ChangeRecipient
from visits.models import AWAITING_ANSWER, Session, SessionExpert
from visits.selectors import session_cancelled


def reminder_row(
    invitation: OutboxMessage, expert_id: int, *, number: int, since: dt.datetime
) -> OutboxMessage:
    """Reminder `number` about an invitation (or the reminder before it), due EXPERT_REMINDER_DAYS later."""
    return OutboxMessage(
        idempotency_key=f"reminder:{_chain(invitation)}:{number}",
        kind=MessageKind.REMINDER,
        visit_id=invitation.visit_id,
        person_id=invitation.person_id,
        session_id=invitation.session_id,
        session_key=invitation.session_key,
        sequence=invitation.sequence,
        role=ChangeRecipient.Role.EXPERT,
        version_number=invitation.version_number,
        to_email=invitation.to_email,
        language=invitation.language,
        send_at=since + dt.timedelta(days=settings.EXPERT_REMINDER_DAYS),
        message_id=new_message_id(),
        payload={"expert": expert_id, "reminder": number},
    )


def next_rows(
    reminder: OutboxMessage, *, since: dt.datetime, coordinators: dict[int, list[Recipient]] | None = None
) -> list[OutboxMessage]:
    """What follows a reminder that goes out: the next reminder, or after the last the coordinators' alert
    (one to each coordinator of the visit, or to the organiser's mailbox when it has none). `coordinators`:
    coordinators_of the batch's visits, read once for the batch."""
    payload = reminder.payload or {}
    expert_id, number = payload.get("expert"), payload.get("reminder")
    if not isinstance(expert_id, int) or not isinstance(number, int):
        return []
    if number < settings.EXPERT_REMINDERS:
        return [reminder_row(reminder, expert_id, number=number + 1, since=since)]
    if reminder.visit_id is None:  # a reminder is of a session, so of a visit
        return []
    return [
        notice_row(
            recipient,
            key=f"alert:{_chain(reminder)}",
            visit_id=reminder.visit_id,
            session_id=reminder.session_id,
            session_key=reminder.session_key,
            sequence=reminder.sequence,
            send_at=since + dt.timedelta(days=settings.EXPERT_REMINDER_DAYS),
            payload={"notice": "no_answer", "expert": expert_id, "reminders": number},
        )
        for recipient in (coordinators or coordinators_of([reminder.visit_id]))[reminder.visit_id]
    ]


def _chain(message: OutboxMessage) -> str:
    return session_message_key(message.session_id, message.person_id, message.sequence)


def unwanted_reminders(messages: Sequence[OutboxMessage]) -> set[int]:
    """Of a delivery batch, the reminders and no-answer alerts that have lost their reason: the expert has
    answered the session at the time the reminder is about, or the session is off. Every other message is
    wanted. The chain of each reminder still wanted goes on: its next row is written before it is sent, and
    only once (the key is unique). One query for the batch, and one write."""
    waiting = [
        m
        for m in messages
        if m.kind == MessageKind.REMINDER or (m.payload or {}).get("notice") == "no_answer"
    ]
    if not waiting:
        return set()
    expert_ids = {e for m in waiting if isinstance(e := (m.payload or {}).get("expert"), int)}
    experts = {
        e.pk: e
        for e in SessionExpert.objects.select_related("session__visit").filter(
            pk__in=expert_ids, session_id__in={m.session_id for m in waiting if m.session_id is not None}
        )
    }
    unwanted: set[int] = set()
    wanted: list[OutboxMessage] = []
    for message in waiting:
        expert = experts.get((message.payload or {}).get("expert"))  # type: ignore[arg-type]
        if expert is None or expert.session_id != message.session_id or not _awaited(expert, message):
            unwanted.add(message.pk)
        elif message.kind == MessageKind.REMINDER:
            wanted.append(message)
    # The last reminders of a chain are followed by an alert to the coordinators: read once for the batch.
    last = {
        m.visit_id
        for m in wanted
        if m.visit_id is not None and (m.payload or {}).get("reminder", 0) >= settings.EXPERT_REMINDERS
    }
    coordinators = coordinators_of(last) if last else {}
    now = timezone.now()
    outbox_create([row for m in wanted for row in next_rows(m, since=now, coordinators=coordinators)])
    return unwanted


def _awaited(expert: SessionExpert, message: OutboxMessage) -> bool:
    session: Session = expert.session
    return (
        expert.response in AWAITING_ANSWER
        and session.sequence == message.sequence
        and not session_cancelled(session)
    )


def withdraw_waiting(experts: Sequence[SessionExpert]) -> int:
    """Withdraw the queued reminders and alerts about experts who have answered; returns how many."""
    ids: list[int] = []
    for expert in experts:
        ids += OutboxMessage.objects.filter(
            status=OutboxMessage.Status.QUEUED,
            session_id=expert.session_id,
            payload__expert=expert.pk,
        ).values_list("pk", flat=True)
    return len(
        outbox_move(
            message_ids=ids,
            from_status=OutboxMessage.Status.QUEUED,
            to_status=OutboxMessage.Status.WITHDRAWN,
        )
    )
