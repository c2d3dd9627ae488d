"""The one place an expert's answer moves: `answer_move`.

The state is visits.SessionExpert.response, with its allowed moves beside it (visits.models
EXPERT_ANSWER_TRANSITIONS). Every move, of one row or of many at once, is checked against them and written in
one transaction: the row takes its new state; a line of history records it with who made it (`actor`) and
through which door (responses.models.Door), so the latest line is always the row's state; the reminders
waiting for an answer are withdrawn once there is one; and the coordinators are told of an answer (at once
for a decline, a proposal or a colleague, in the daily digest for a confirmation: responses.tasks).

An answer the expert gave (through their link, by phone, through the API) counts in SessionExpert.answers,
which uses up their links (notifications.links). A move made for them (invited at publish or asked again after
the session moved, a colleague's invitation, a coordinator's change in the admin) is recorded but not counted.
"""

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log
from audit.models import Action
from notifications.models import OutboxMessage
from notifications.outbox import coordinators_of, dispatch_on_commit, notice_row, outbox_create
from responses.models import Door, ExpertAnswer, ProposedTime
from responses.reminders import withdraw_waiting
from visits.bulk import bulk_insert
from visits.models import ANSWERS, AWAITING_ANSWER, EXPERT_ANSWER_TRANSITIONS, Person, SessionExpert
from visits.selectors import session_cancelled
from visits.services import InvalidTransition, check_transition

# Doors through which the expert answers: a move through them counts as an answer of theirs. A calendar reply
# is an iMIP REPLY with the expert's PARTSTAT (responses.calendar_replies).
ANSWERING_DOORS = frozenset({Door.LINK, Door.PHONE, Door.API, Door.CALENDAR})
JOINED_UP_TO = 100


class AnswerRefused(ValidationError):
    """The answer cannot be recorded; `message_dict` names the field and what is accepted."""


@dataclass(frozen=True)
class Proposal:
    starts_at: dt.datetime
    ends_at: dt.datetime


@transaction.atomic
def answer_move(
    *,
    expert_ids: Collection[int],
    to: str,
    door: Door,
    actor: User | None,
    note: str | None = None,
    proposals: Sequence[Proposal] = (),
    colleague: Person | None = None,
) -> list[ExpertAnswer]:
    """Move the experts' answers to `to` and record each move; returns the lines of history written, each with
    its `expert` as it now is. Raises AnswerRefused for a move the transitions do not allow, and for an answer
    to a cancelled session.

    An answer (through one of ANSWERING_DOORS) is recorded even when it repeats the current one, and sets the
    row's note (`note`, or none) and the time it was given. A move made for the expert skips the rows
    already in `to`, and keeps their note unless one is given. `proposals` and `colleague` are for one
    expert's answer.
    """
    # A calendar's TENTATIVE is no answer (there is none such): the expert stays invited, their links keep
    # working, and the line is recorded even when they were invited already, so the coordinators see it.
    tentative = door == Door.CALENDAR and to == SessionExpert.Response.INVITED
    answering = door in ANSWERING_DOORS and not tentative
    if answering and to not in ANSWERS:
        raise ValueError(f"An answer through {door} must be one of {sorted(ANSWERS)}, not {to!r}")
    if (proposals or colleague) and len(expert_ids) != 1:
        raise ValueError("Proposed times and a colleague belong to one expert's answer")
    rows = (
        SessionExpert.objects.select_for_update(of=("self",)).filter(pk__in=list(expert_ids)).order_by("pk")
    )
    # One expert's answer: joined, one query. A publish moving 10,000 experts of 40 sessions: prefetched, so
    # that each session and the visit are made once, not once per row.
    related = ("session__visit", "person__organisation")
    joined = len(expert_ids) <= JOINED_UP_TO
    experts = list(rows.select_related(*related) if joined else rows.prefetch_related(*related))
    if not answering and not tentative:
        experts = [e for e in experts if e.response != to]
    for expert in experts:
        _check(expert, to=to, answering=answering)
    if not experts:
        return []
    before = {expert.pk: {"response": expert.response, "note": expert.note} for expert in experts}
    now = timezone.now()
    changed: dict[str, object] = {"response": to, "responded_at": None if to in AWAITING_ANSWER else now}
    if answering:
        changed["answers"] = F("answers") + 1
    if answering or note is not None:
        changed["note"] = note or ""
    # Every row moves alike, so one UPDATE: bulk_update's CASE per row took minutes for a publish that
    # invites 10,000 experts (bench/RESULTS.md, publishing).
    SessionExpert.objects.filter(pk__in=[expert.pk for expert in experts]).update(**changed)
    for expert in experts:
        expert.response = to
        expert.responded_at = changed["responded_at"]  # type: ignore[assignment]
        if answering:
            expert.answers += 1
        if answering or note is not None:
            expert.note = note or ""
    log.record_many(
        log.entry(
            action=Action.CHANGE,
            actor=_answering_actor(expert, door=door, actor=actor),
            obj=expert,
            object_repr=f"{expert.person} – {expert.session.title}",
            changes=log.diff(before[expert.pk], {"response": to, "note": expert.note}),
            visit_id=expert.session.visit_id,
            person_id=expert.person_id,
        )
        for expert in experts
    )
    answers = bulk_insert(
        ExpertAnswer,
        [
            ExpertAnswer(
                expert=expert,
                response=to,
                note=note or "",
                channel=door,
                is_answer=answering,
                recorded_by=actor if actor is not None and actor.pk else None,
                sequence=expert.session.sequence,
                colleague=colleague,
            )
            for expert in experts
        ],
    )
    ProposedTime.objects.bulk_create(
        ProposedTime(answer=answers[0], starts_at=p.starts_at, ends_at=p.ends_at) for p in proposals
    )
    if to not in AWAITING_ANSWER:
        withdraw_waiting(experts)
    if (answering and to != SessionExpert.Response.CONFIRMED) or tentative:
        for answer in answers:
            tell_coordinators_now(answer)
    return answers


def _answering_actor(expert: SessionExpert, *, door: Door, actor: User | None) -> log.Who:
    """Who moved the answer, for the audit log: the expert through their link, a user (by phone, in the API
    or the admin), or the system (an invitation, a reminder, a colleague's invitation)."""
    if door in (Door.LINK, Door.CALENDAR) and actor is None:
        return log.by_link(expert.person)
    return actor


def _check(expert: SessionExpert, *, to: str, answering: bool) -> None:
    if answering and session_cancelled(expert.session):
        raise AnswerRefused({"action": _("This session has been cancelled: there is nothing to answer.")})
    try:
        check_transition(
            transitions=EXPERT_ANSWER_TRANSITIONS,
            current=expert.response,
            target=to,
            labels=dict(SessionExpert.Response.choices),
        )
    except InvalidTransition as refused:
        raise AnswerRefused({"response": refused.messages}) from refused


def tell_coordinators_now(answer: ExpertAnswer) -> list[OutboxMessage]:
    """A notice to each of the visit's coordinators (or the organiser's mailbox) about one answer."""
    visit_id = answer.expert.session.visit_id
    rows = [
        notice_row(
            recipient,
            key=f"notice:answer:{answer.pk}",
            visit_id=visit_id,
            session_id=answer.expert.session_id,
            session_key=answer.expert.session_id,
            sequence=answer.sequence,
            send_at=timezone.now(),
            payload={"notice": "answer", "answer": answer.pk},
        )
        for recipient in coordinators_of([visit_id])[visit_id]
    ]
    created = outbox_create(rows)
    ExpertAnswer.history.filter(pk=answer.pk).update(told_at=timezone.now())
    dispatch_on_commit([m.pk for m in created])
    return created
