"""Recording experts' answers: through their link, or by a coordinator who took it by phone.

Every answer is one transaction: the expert's row (SessionExpert) takes the answer, which is also their
PARTSTAT in every later invitation; a line of history is written (ExpertAnswer); reminders waiting for the
answer are withdrawn; and the coordinators are told: at once for a decline, a proposal or a colleague, in
the next daily digest for a confirmation (responses.tasks).
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.compose import FRESH_LINK_PREFIX, message_language
from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import (
    REQUEST,
    coordinators_of,
    dispatch_on_commit,
    new_message_id,
    notice_row,
    session_message_key,
)
from notifications.reminders import reminder_row, withdraw_waiting
from responses.models import Channel, ExpertAnswer, ProposedTime
from scheduling.models import ChangeRecipient
from visits.models import Person, SessionExpert
from visits.selectors import session_cancelled

ANSWERS = (
    SessionExpert.Response.CONFIRMED,
    SessionExpert.Response.DECLINED,
    SessionExpert.Response.PROPOSED,
    SessionExpert.Response.PASSED,
)
NOTE_MAX = 2000
PROPOSALS_MAX = 5
# A fresh link by e-mail at most this often per expert and session: the button cannot be made to spam.
FRESH_LINK_EVERY = dt.timedelta(minutes=10)


class AnswerRefused(ValidationError):
    """The answer cannot be recorded; `message_dict` names the field and what is accepted."""


@dataclass(frozen=True)
class Proposal:
    starts_at: dt.datetime
    ends_at: dt.datetime


def expert_answer(
    expert_id: int,
    *,
    response: str,
    note: str = "",
    proposals: Sequence[Proposal] = (),
    channel: str = Channel.LINK,
    by: User | None = None,
) -> ExpertAnswer:
    """Record an answer (confirmed, declined or proposed). Raises AnswerRefused with an error per field."""
    if response not in ANSWERS or response == SessionExpert.Response.PASSED:
        raise AnswerRefused({"response": _("Choose confirm, decline or propose another time.")})
    errors: dict[str, str] = {}
    if len(note) > NOTE_MAX:
        errors["note"] = _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX}
    if response == SessionExpert.Response.PROPOSED and (proposals or channel == Channel.LINK):
        # By phone, a coordinator may write the times in the note instead.
        problem = _proposals_problem(proposals)
        if problem:
            errors["proposals"] = problem
    elif proposals:
        errors["proposals"] = _("Times can only be given with a proposal.")
    if errors:
        raise AnswerRefused(errors)
    with transaction.atomic():
        expert = _locked(expert_id)
        answer = _record(expert, response=response, note=note, channel=channel, by=by)
        ProposedTime.objects.bulk_create(
            [ProposedTime(answer=answer, starts_at=p.starts_at, ends_at=p.ends_at) for p in proposals]
        )
        if response != SessionExpert.Response.CONFIRMED:
            tell_coordinators_now(answer)
    return answer


def expert_pass(
    expert_id: int,
    *,
    name: str,
    email: str,
    note: str = "",
    channel: str = Channel.LINK,
    by: User | None = None,
) -> ExpertAnswer:
    """Pass the session to a colleague: they are put on it and invited, and the coordinators are told."""
    name, email = " ".join(name.split()), email.strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 200:
        errors["colleague_name"] = _("Give your colleague's name (at most 200 characters).")
    try:
        validate_email(email)
    except ValidationError:
        errors["colleague_email"] = _("Give your colleague's e-mail address, such as name@example.org.")
    if len(note) > NOTE_MAX:
        errors["note"] = _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX}
    if errors:
        raise AnswerRefused(errors)
    with transaction.atomic():
        expert = _locked(expert_id)
        session = expert.session
        colleague = Person.objects.filter(email__iexact=email).first()
        if colleague is not None and colleague.pk == expert.person_id:
            raise AnswerRefused({"colleague_email": _("That is your own address: give your colleague's.")})
        if colleague is not None and session.session_experts.filter(person=colleague).exists():
            raise AnswerRefused({"colleague_email": _("Your colleague is already on this session.")})
        if colleague is None:
            colleague = Person.objects.create(
                name=name,
                email=email,
                preferred_language=expert.person.preferred_language,
                home_time_zone=expert.person.home_time_zone,
                organisation=expert.person.organisation,
            )
        taken_over = SessionExpert.objects.create(
            session=session, person=colleague, response=SessionExpert.Response.INVITED
        )
        answer = _record(
            expert,
            response=SessionExpert.Response.PASSED,
            note=note,
            channel=channel,
            by=by,
            colleague=colleague,
        )
        invite(taken_over, key=session_message_key(session.pk, colleague.pk, session.sequence, REQUEST))
        tell_coordinators_now(answer)
    return answer


def fresh_link(expert: SessionExpert) -> bool:
    """E-mail the expert a new invitation with a link that works now. False when one went out a moment ago."""
    session = expert.session
    if session_cancelled(session):
        return False
    recent = OutboxMessage.objects.filter(
        person_id=expert.person_id,
        session_id=expert.session_id,
        kind=MessageKind.INVITATION,
        idempotency_key__startswith=FRESH_LINK_PREFIX,
        created_at__gte=timezone.now() - FRESH_LINK_EVERY,
    )
    if recent.exists():
        return False
    invite(
        expert,
        key=f"{FRESH_LINK_PREFIX}session:{session.pk}:person:{expert.person_id}:{uuid.uuid4().hex}",
        remind=False,
    )
    return True


def invite(expert: SessionExpert, *, key: str, remind: bool = True) -> OutboxMessage:
    """An invitation (the calendar invite with a link to answer) to one expert, now, outside a publish."""
    session, person = expert.session, expert.person
    message, _created = OutboxMessage.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "kind": MessageKind.INVITATION,
            "visit_id": session.visit_id,
            "person": person,
            "session": session,
            "session_key": session.pk,
            "sequence": session.sequence,
            "role": ChangeRecipient.Role.EXPERT,
            "version_number": session.visit.versions.order_by("-number")
            .values_list("number", flat=True)
            .first(),
            "to_email": person.email,
            "language": message_language(person.preferred_language),
            "send_at": timezone.now(),
            "message_id": new_message_id(),
        },
    )
    if remind:
        OutboxMessage.objects.bulk_create(
            [reminder_row(message, expert.pk, number=1, since=timezone.now())], ignore_conflicts=True
        )
    dispatch_on_commit([message.pk])
    return message


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
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    ExpertAnswer.objects.filter(pk=answer.pk).update(told_at=timezone.now())
    created = list(OutboxMessage.objects.filter(idempotency_key__in=[r.idempotency_key for r in rows]))
    dispatch_on_commit([m.pk for m in created])
    return created


def record_from_admin(
    sender: object, *, expert: SessionExpert, changed: list[str], by: User | AnonymousUser, **kwargs: object
) -> ExpertAnswer | None:
    """A coordinator changed an expert's answer in the admin (given by phone): record it as an answer.
    Receives visits.signals.expert_row_edited."""
    answers = (
        SessionExpert.Response.CONFIRMED,
        SessionExpert.Response.DECLINED,
        SessionExpert.Response.PROPOSED,
    )
    if "response" not in changed or expert.response not in answers:
        return None
    user = by if isinstance(by, User) else None
    return expert_answer(
        expert.pk, response=expert.response, note=expert.note, channel=Channel.PHONE, by=user
    )


def _locked(expert_id: int) -> SessionExpert:
    expert = (
        SessionExpert.objects.select_for_update(of=("self",))
        .select_related("session__visit", "person__organisation")
        .get(pk=expert_id)
    )
    if session_cancelled(expert.session):
        raise AnswerRefused({"action": _("This session has been cancelled: there is nothing to answer.")})
    return expert


def _record(
    expert: SessionExpert,
    *,
    response: str,
    note: str,
    channel: str,
    by: User | None,
    colleague: Person | None = None,
) -> ExpertAnswer:
    now = timezone.now()
    SessionExpert.objects.filter(pk=expert.pk).update(
        response=response, responded_at=now, note=note, answers=F("answers") + 1
    )
    expert.refresh_from_db(fields=["response", "responded_at", "note", "answers"])
    answer = ExpertAnswer.objects.create(
        expert=expert,
        response=response,
        note=note,
        channel=channel,
        recorded_by=by if by is not None and by.pk else None,
        sequence=expert.session.sequence,
        colleague=colleague,
    )
    withdraw_waiting(expert)
    return answer


def _proposals_problem(proposals: Sequence[Proposal]) -> str:
    if not proposals:
        return _("Give at least one other time that suits you.")
    if len(proposals) > PROPOSALS_MAX:
        return _("Give at most %(max)d other times.") % {"max": PROPOSALS_MAX}
    for proposal in proposals:
        if proposal.starts_at.tzinfo is None or proposal.ends_at.tzinfo is None:
            return _("Each time needs a date, a start and an end.")
        if proposal.ends_at <= proposal.starts_at:
            return _("Each time must end after it starts.")
        if proposal.ends_at - proposal.starts_at > dt.timedelta(hours=12):
            return _("Each time can be at most 12 hours long.")
    return ""
