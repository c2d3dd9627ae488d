"""What publishing means for experts' answers (called by notifications once a version's rows are written,
through notifications.hooks, in the transaction that writes them):

- an expert invited for the first time moves from "not asked" to "invited";
- an expert who had confirmed or proposed another time for a session that has since moved (a new SEQUENCE)
  is asked again: their answer was for the old time; so is an interpreter who had confirmed;
- every expert invited and not yet answered gets their first reminder, EXPERT_REMINDER_DAYS later.

Both moves go through responses.answers.answer_move, by the door "reminder", on behalf of whoever published
the version: recorded, not counted as answers (links for the old time are outdated anyway).
"""

from collections.abc import Sequence

from django.utils import timezone

from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import outbox_create
from responses.answers import answer_move
from responses.interpreters import interpreter_answer
from responses.models import Door
from responses.reminders import reminder_row
from scheduling.models import ChangeKind, ChangeRecipient, ProgrammeChange, ProgrammeVersion
from visits.models import AWAITING_ANSWER, SessionExpert, SessionInterpreter

ASKED_AGAIN_AFTER = (ChangeKind.MOVED, ChangeKind.VENUE_CHANGED)
ANSWERS_FOR_A_TIME = (SessionExpert.Response.CONFIRMED, SessionExpert.Response.PROPOSED)


def experts_after_publish(
    version: ProgrammeVersion, changes: Sequence[ProgrammeChange], invitations: Sequence[OutboxMessage]
) -> None:
    """Answers asked again, experts invited and reminders written for a version's invitations."""
    publisher = version.published_by
    moved = [c.session_key for c in changes if c.kind in ASKED_AGAIN_AFTER and c.session_id is not None]
    if moved:
        asked_again = SessionExpert.objects.filter(session_id__in=moved, response__in=ANSWERS_FOR_A_TIME)
        answer_move(
            expert_ids=list(asked_again.values_list("pk", flat=True)),
            to=SessionExpert.Response.INVITED,
            door=Door.REMINDER,
            actor=publisher,
        )
        # An interpreter's confirmation was for the old time too (declines and colleagues stand).
        for booked in SessionInterpreter.objects.filter(
            session_id__in=moved, response=SessionInterpreter.Response.CONFIRMED
        ).values_list("pk", flat=True):
            interpreter_answer(
                interpreter_id=booked,
                to=SessionInterpreter.Response.INVITED,
                door=Door.REMINDER,
                actor=publisher,
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
    invited = answer_move(
        expert_ids=[
            e.pk
            for key, e in experts.items()
            if key in pairs and e.response == SessionExpert.Response.NOT_ASKED
        ],
        to=SessionExpert.Response.INVITED,
        door=Door.REMINDER,
        actor=publisher,
    )
    for answer in invited:
        experts[(answer.expert.session_id, answer.expert.person_id)] = answer.expert
    now = timezone.now()
    rows: list[OutboxMessage] = []
    for message in to_experts:
        expert = experts.get((message.session_id or 0, message.person_id or 0))
        if expert is None or expert.response not in AWAITING_ANSWER:
            continue
        rows.append(reminder_row(message, expert.pk, number=1, since=now))
    outbox_create(rows, actor=publisher)
