"""What publishing means for experts' answers, and the reminders that follow an unanswered invitation.

At publish (inside its transaction, after the version's rows are written):
- an expert invited for the first time moves from "not asked" to "invited";
- an expert who had confirmed or proposed another time for a session that has since moved (a new SEQUENCE)
  is asked again: their answer was for the old time;
- every expert invited and not yet answered gets a reminder row with a `send_at` EXPERT_REMINDER_DAYS later.

Each reminder, when it falls due and is still wanted, writes the next one (up to EXPERT_REMINDERS) or, after
the last, the alert to the visit's coordinators (`next_rows`): one row waits per expert, however long the
chain. Reminders and alerts are decided at the time of sending (`still_wanted`): one that has lost its reason
(the expert answered, the session was cancelled or moved again) is withdrawn, not sent, and ends the chain.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from notifications.links import OPEN_RESPONSES
from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import coordinators_of, new_message_id, notice_row, outbox_move, session_message_key
from scheduling.models import ChangeKind, ChangeRecipient, ProgrammeChange
from visits.models import SessionExpert
from visits.selectors import session_cancelled

ASKED_AGAIN_AFTER = (ChangeKind.MOVED, ChangeKind.VENUE_CHANGED)
ANSWERS_FOR_A_TIME = (SessionExpert.Response.CONFIRMED, SessionExpert.Response.PROPOSED)


def experts_after_publish(changes: Iterable[ProgrammeChange], invitations: Iterable[OutboxMessage]) -> None:
    """Answers reset and reminders written for the experts a version's invitations go to."""
    changes = list(changes)
    moved = [c.session_key for c in changes if c.kind in ASKED_AGAIN_AFTER and c.session_id is not None]
    if moved:
        # Not counted as an answer (SessionExpert.answers): links for the old time are outdated anyway.
        SessionExpert.objects.filter(session_id__in=moved, response__in=ANSWERS_FOR_A_TIME).update(
            response=SessionExpert.Response.INVITED, responded_at=None
        )
    to_experts = [
        m
        for m in invitations
        if m.kind == MessageKind.INVITATION
        and m.role == ChangeRecipient.Role.EXPERT
        and m.session_id is not None
    ]
    if not to_experts:
        return
    pairs = {(m.session_id, m.person_id) for m in to_experts}
    experts = {
        (e.session_id, e.person_id): e
        for e in SessionExpert.objects.filter(
            session_id__in={s for s, _ in pairs}, person_id__in={p for _, p in pairs}
        )
    }
    SessionExpert.objects.filter(
        pk__in=[e.pk for key, e in experts.items() if key in pairs],
        response=SessionExpert.Response.NOT_ASKED,
    ).update(response=SessionExpert.Response.INVITED)
    now = timezone.now()
    rows: list[OutboxMessage] = []
    for message in to_experts:
        expert = experts.get((message.session_id or 0, message.person_id or 0))
        if expert is None or expert.response not in OPEN_RESPONSES:
            continue
        rows.append(reminder_row(message, expert.pk, number=1, since=now))
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)


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


def next_rows(reminder: OutboxMessage, *, since: dt.datetime) -> list[OutboxMessage]:
    """What follows a reminder that goes out: the next reminder, or after the last the coordinators' alert
    (one to each coordinator of the visit, or to the organiser's mailbox when it has none)."""
    payload = reminder.payload or {}
    expert_id, number = payload.get("expert"), payload.get("reminder")
    if not isinstance(expert_id, int) or not isinstance(number, int):
        return []
    if number < settings.EXPERT_REMINDERS:
        return [reminder_row(reminder, expert_id, number=number + 1, since=since)]
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
        for recipient in coordinators_of([reminder.visit_id])[reminder.visit_id]
    ]


def _chain(message: OutboxMessage) -> str:
    return session_message_key(message.session_id, message.person_id, message.sequence)


def still_wanted(message: OutboxMessage) -> bool:
    """Whether a reminder or a no-answer alert still has its reason: the expert has yet to answer the
    session at the time the reminder is about, and the session is on. Every other message is wanted."""
    payload = message.payload or {}
    waiting_on_expert = message.kind == MessageKind.REMINDER or payload.get("notice") == "no_answer"
    if not waiting_on_expert:
        return True
    expert_id = payload.get("expert")
    if not isinstance(expert_id, int) or message.session_id is None:
        return False
    expert = (
        SessionExpert.objects.select_related("session__visit")
        .filter(pk=expert_id, session_id=message.session_id)
        .first()
    )
    if expert is None:
        return False
    session = expert.session
    wanted = (
        expert.response in OPEN_RESPONSES
        and session.sequence == message.sequence
        and not session_cancelled(session)
    )
    if wanted and message.kind == MessageKind.REMINDER:
        # The chain goes on: written before this one is sent, and only once (the key is unique).
        OutboxMessage.objects.bulk_create(next_rows(message, since=timezone.now()), ignore_conflicts=True)
    return wanted


def withdraw_waiting(expert: SessionExpert) -> int:
    """Withdraw the queued reminders and alerts about an expert who has answered; returns how many."""
    ids = list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.QUEUED,
            session_id=expert.session_id,
            payload__expert=expert.pk,
        ).values_list("pk", flat=True)
    )
    return len(
        outbox_move(
            message_ids=ids,
            from_status=OutboxMessage.Status.QUEUED,
            to_status=OutboxMessage.Status.WITHDRAWN,
        )
    )
