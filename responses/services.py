"""The answer page's writes and a coordinator's: an expert's answer checked field by field, a session passed
to a colleague, a fresh link, an answer given by phone. Each answer moves through
responses.answers.answer_move, which records it, withdraws the reminders waiting for it and tells the
coordinators.
"""

import datetime as dt
import uuid
from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.compose import FRESH_LINK_PREFIX, message_language
from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import (
    REQUEST,
    dispatch_on_commit,
    new_message_id,
    outbox_create,
    session_message_key,
)
from responses.answers import AnswerRefused, Proposal, answer_move
from responses.models import Door, ExpertAnswer
from responses.reminders import reminder_row
from scheduling.models import ChangeRecipient
from visits.models import SessionExpert
from visits.selectors import person_with_email, session_cancelled
from visits.services import person_create, session_expert_add

NOTE_MAX = 2000
PROPOSALS_MAX = 5
# A fresh link by e-mail at most this often per expert and session: the button cannot be made to spam.
FRESH_LINK_EVERY = dt.timedelta(minutes=10)
# What an expert answers on their page, or tells a coordinator; passing to a colleague is expert_pass.
GIVEN_ANSWERS = (
    SessionExpert.Response.CONFIRMED,
    SessionExpert.Response.DECLINED,
    SessionExpert.Response.PROPOSED,
)


def expert_answer(
    *,
    expert_id: int,
    answer: str,
    note: str = "",
    proposals: Sequence[Proposal] = (),
    door: Door = Door.LINK,
    actor: User | None = None,
) -> ExpertAnswer:
    """Record an answer (confirmed, declined or proposed). Raises AnswerRefused with an error per field."""
    if answer not in GIVEN_ANSWERS:
        raise AnswerRefused({"response": _("Choose confirm, decline or propose another time.")})
    errors: dict[str, str] = {}
    if len(note) > NOTE_MAX:
        errors["note"] = _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX}
    if answer == SessionExpert.Response.PROPOSED and (proposals or door == Door.LINK):
        # By phone, a coordinator may write the times in the note instead.
        problem = _proposals_problem(proposals)
        if problem:
            errors["proposals"] = problem
    elif proposals:
        errors["proposals"] = _("Times can only be given with a proposal.")
    if errors:
        raise AnswerRefused(errors)
    (recorded,) = answer_move(
        expert_ids=[expert_id], to=answer, door=door, actor=actor, note=note, proposals=proposals
    )
    return recorded


def expert_pass(
    *,
    expert_id: int,
    name: str,
    email: str,
    note: str = "",
    door: Door = Door.LINK,
    actor: User | None = None,
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
        expert = (
            SessionExpert.objects.select_for_update(of=("self",))
            .select_related("session__visit", "person__organisation")
            .get(pk=expert_id)
        )
        session = expert.session
        if session_cancelled(session):
            raise AnswerRefused({"action": _("This session has been cancelled: there is nothing to answer.")})
        colleague = person_with_email(email)
        if colleague is not None and colleague.pk == expert.person_id:
            raise AnswerRefused({"colleague_email": _("That is your own address: give your colleague's.")})
        if colleague is not None and session.session_experts.filter(person=colleague).exists():
            raise AnswerRefused({"colleague_email": _("Your colleague is already on this session.")})
        if colleague is None:
            colleague = person_create(
                data={
                    "name": name,
                    "email": email,
                    "preferred_language": expert.person.preferred_language,
                    "home_time_zone": expert.person.home_time_zone,
                    "organisation": expert.person.organisation,
                },
                actor=actor,
            )
        taken_over = session_expert_add(session=session, person=colleague, actor=actor)
        (invited,) = answer_move(
            expert_ids=[taken_over.pk], to=SessionExpert.Response.INVITED, door=Door.COLLEAGUE, actor=actor
        )
        invite(invited.expert, key=session_message_key(session.pk, colleague.pk, session.sequence, REQUEST))
        (passed,) = answer_move(
            expert_ids=[expert.pk],
            to=SessionExpert.Response.PASSED,
            door=door,
            actor=actor,
            note=note,
            colleague=colleague,
        )
    return passed


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
    (message,) = outbox_create(
        [
            OutboxMessage(
                idempotency_key=key,
                kind=MessageKind.INVITATION,
                visit_id=session.visit_id,
                person=person,
                session=session,
                session_key=session.pk,
                sequence=session.sequence,
                role=ChangeRecipient.Role.EXPERT,
                version_number=session.visit.versions.order_by("-number")
                .values_list("number", flat=True)
                .first(),
                to_email=person.email,
                language=message_language(person.preferred_language),
                send_at=timezone.now(),
                message_id=new_message_id(),
            )
        ]
    )
    if remind:
        outbox_create([reminder_row(message, expert.pk, number=1, since=timezone.now())])
    dispatch_on_commit([message.pk])
    return message


def answer_from_admin(*, expert: SessionExpert, to: str, actor: User | AnonymousUser) -> ExpertAnswer | None:
    """A coordinator changed an expert's answer in the admin. Confirmed, declined or proposed is an answer the
    expert gave them (by phone); anything else (asked again, passed on) is the coordinator's own change."""
    user = actor if isinstance(actor, User) else None
    if to in GIVEN_ANSWERS:
        return expert_answer(expert_id=expert.pk, answer=to, note=expert.note, door=Door.PHONE, actor=user)
    moved = answer_move(expert_ids=[expert.pk], to=to, door=Door.ADMIN, actor=user)
    return moved[0] if moved else None


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
