"""A coordinator's decisions about answers that need one: a proposed time accepted or refused, another expert
asked after a decline, or an answer simply noted. Each settles the answer (ExpertAnswer.settled_at), once: a
second click finds it settled and says so (AlreadySettled), and changes nothing.

How a decision reaches people. Changes to a programme go out when it is published, as a numbered version
(scheduling.publishing), and a coordinator who accepts an expert's time expects the expert to hear of it
now, not at some later publish. So a decision that changes a session publishes that session's change alone
(scheduling.publishing.session_publish): the expert gets the update of their invitation with a link to
confirm the new time (publishing asks them again: responses.receivers), and everyone else on the session
gets the same update, since their calendars must move too. The programme's other pending edits stay
pending. Where that is not possible, the coordinator is told why and nothing goes out behind their back:
- the session has a fatal conflict at the new time: it is saved there, and goes out with the next publish
  once the conflict is resolved;
- the visit has never been published: the expert who proposed is invited for the new time directly
  (responses.services.invite); an expert newly asked is invited by the first publish, like every other.
"""

import uuid
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.compose import message_language
from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import dispatch_on_commit, new_message_id, outbox_create
from responses.answers import AnswerRefused, answer_move
from responses.models import Door, ExpertAnswer, ProposedTime, Settlement
from responses.services import invite
from scheduling.checks import session_conflicts
from scheduling.conflicts import Conflict
from scheduling.models import ProgrammeVersion
from scheduling.publishing import PublishBlocked, session_publish
from visits.access import visible_people
from visits.models import DelegationMember, Person, Session, SessionExpert
from visits.selectors import session_cancelled
from visits.services import session_expert_add, session_update


class AlreadySettled(Exception):
    """The answer was decided already, or the expert has answered again since: nothing left to decide."""


@dataclass(frozen=True)
class Decided:
    """What a decision did: the session as it now is, its conflicts as the actor reads them, and whether the
    change went out at once (`version`: the version that carried it) or waits (`held`: why)."""

    session: Session
    conflicts: list[Conflict] = field(default_factory=list)
    version: ProgrammeVersion | None = None
    invited_directly: bool = False
    held: list[Conflict] = field(default_factory=list)


def open_answer(expert_id: int, response: str) -> ExpertAnswer:
    """The expert's latest answer, locked, if it is `response` and nobody has settled it yet."""
    expert = (
        SessionExpert.objects.select_for_update(of=("self",))
        .select_related("session__visit", "person")
        .filter(pk=expert_id)
        .first()
    )
    answer = (
        ExpertAnswer.objects.select_for_update(of=("self",))
        .filter(expert_id=expert_id)
        .order_by("-created_at", "-id")
        .first()
    )
    if expert is None or answer is None or expert.response != response or answer.response != response:
        raise AlreadySettled(_("The expert has answered again since: there is nothing left to decide here."))
    if answer.settled_at is not None:
        raise AlreadySettled(
            _("This answer is already settled: %(how)s.") % {"how": answer.get_settled_as_display().lower()}
        )
    answer.expert = expert
    return answer


def _settle(answer: ExpertAnswer, how: Settlement, actor: User | None) -> None:
    answer.settled_at, answer.settled_by, answer.settled_as = timezone.now(), actor, how
    answer.save(update_fields=["settled_at", "settled_by", "settled_as"])


def _reach(session: Session, actor: User | None) -> tuple[ProgrammeVersion | None, list[Conflict]]:
    """Publish the session's change alone; or, with a fatal conflict, hold it and say which."""
    try:
        return session_publish(session=session, actor=actor), []
    except PublishBlocked as blocked:
        return None, blocked.conflicts


@transaction.atomic
def proposal_accept(*, expert_id: int, time_id: int, actor: User | None) -> Decided:
    """Move the session to the time the expert proposed and let them (and the others on it) know."""
    answer = open_answer(expert_id, SessionExpert.Response.PROPOSED)
    expert = answer.expert
    time = ProposedTime.objects.filter(answer=answer, pk=time_id).first()
    if time is None:
        raise AnswerRefused({"time": _("Choose one of the times the expert proposed.")})
    session = Session.objects.select_related("visit", "venue").get(pk=expert.session_id)
    if session_cancelled(session):
        raise AnswerRefused({"time": _("The session is cancelled: there is no time to move.")})
    moved = session_update(
        session=session, data={"starts_at": time.starts_at, "ends_at": time.ends_at}, actor=actor
    )
    _settle(answer, Settlement.ACCEPTED, actor)
    conflicts = session_conflicts(moved, reader=actor)
    if not ProgrammeVersion.objects.filter(visit_id=moved.visit_id).exists():
        answer_move(expert_ids=[expert.pk], to=SessionExpert.Response.INVITED, door=Door.ADMIN, actor=actor)
        expert.session = moved
        invite(expert, key=f"accepted:{answer.pk}:{uuid.uuid4().hex}")
        return Decided(session=moved, conflicts=conflicts, invited_directly=True)
    version, held = _reach(moved, actor)
    return Decided(session=moved, conflicts=conflicts, version=version, held=held)


@transaction.atomic
def proposal_refuse(*, expert_id: int, actor: User | None) -> OutboxMessage:
    """Keep the session's time: the expert is asked again for it, by an e-mail in their language that says
    the time stays, with a link to answer (and, for a proposal from their calendar program, a
    METHOD:DECLINECOUNTER calendar)."""
    answer = open_answer(expert_id, SessionExpert.Response.PROPOSED)
    expert = answer.expert
    if session_cancelled(expert.session):
        raise AnswerRefused({"action": _("The session is cancelled: there is nothing to answer.")})
    _settle(answer, Settlement.REFUSED, actor)
    answer_move(expert_ids=[expert.pk], to=SessionExpert.Response.INVITED, door=Door.ADMIN, actor=actor)
    session, person = expert.session, expert.person
    (message,) = outbox_create(
        [
            OutboxMessage(
                idempotency_key=f"proposal_refused:{answer.pk}",
                # A notice (composed by responses.notices) names no person, by the outbox's rule: it
                # goes to the expert's address, and names the expert in its payload.
                kind=MessageKind.NOTICE,
                visit_id=session.visit_id,
                session=session,
                session_key=session.pk,
                sequence=session.sequence,
                to_email=person.email,
                language=message_language(person.preferred_language),
                send_at=timezone.now(),
                message_id=new_message_id(),
                payload={
                    "notice": "proposal_refused",
                    "expert": expert.pk,
                    "answer": answer.pk,
                    # A proposal that came as an iTIP COUNTER is refused in the expert's calendar too:
                    # the e-mail carries a DECLINECOUNTER (responses.notices).
                    "declinecounter": answer.channel == Door.CALENDAR,
                },
            )
        ],
        actor=actor,
    )
    dispatch_on_commit([message.pk])
    return message


@transaction.atomic
def answer_note(*, expert_id: int, actor: User | None) -> ExpertAnswer:
    """The coordinator has seen a decline or a colleague's taking over, and nothing more is needed."""
    response = SessionExpert.objects.filter(pk=expert_id).values_list("response", flat=True).first()
    if response not in (SessionExpert.Response.DECLINED, SessionExpert.Response.PASSED):
        raise AlreadySettled(_("The expert has answered again since: there is nothing left to decide here."))
    answer = open_answer(expert_id, response)
    _settle(answer, Settlement.NOTED, actor)
    return answer


def may_be_asked(actor: User | None, session: Session) -> "Q":
    """Who may be asked to lead the session instead: experts the actor may see (no delegation's members),
    not on the session already."""
    condition = ~Q(pk__in=DelegationMember.objects.values("person")) & ~Q(
        pk__in=SessionExpert.objects.filter(session=session).values("person")
    )
    if actor is not None:
        condition &= visible_people(actor)
    return condition


@transaction.atomic
def replacement_ask(*, expert_id: int, person_id: int, actor: User | None) -> Decided:
    """Ask another expert to lead the session of one who declined: put on it and invited at once (the
    session's change published alone), and the decline settled."""
    answer = open_answer(expert_id, SessionExpert.Response.DECLINED)
    session = Session.objects.select_related("visit", "venue").get(pk=answer.expert.session_id)
    if session_cancelled(session):
        raise AnswerRefused({"person": _("The session is cancelled: there is nobody to ask.")})
    person = Person.objects.filter(may_be_asked(actor, session), pk=person_id).first()
    if person is None:
        raise AnswerRefused({"person": _("Choose an expert from the list who is not on this session yet.")})
    session_expert_add(session=session, person=person, actor=actor)
    _settle(answer, Settlement.REPLACED, actor)
    conflicts = session_conflicts(session, reader=actor)
    version, held = _reach(session, actor)
    return Decided(session=session, conflicts=conflicts, version=version, held=held)
