"""The one place an interpreter's answer moves: `interpreter_answer`.

Interpreters are booked the way experts are asked. The state is visits.SessionInterpreter.response (invited,
confirmed, declined, passed), with its allowed moves beside it (INTERPRETER_ANSWER_TRANSITIONS). A move is
checked, written in one transaction with a line of history (responses.models.InterpreterAnswer: who, when,
through which door) and an audit entry, and the coordinators are told of a decline or a colleague at once.
An answer through one of ANSWERING_DOORS (their link, by phone, the API, a calendar reply) counts in
SessionInterpreter.answers, which uses up their links (notifications.links.interpreter_links).

It is its own owner beside responses.answers.answer_move rather than a generalisation of it: an expert's
answer has proposals, reminders, a digest and decisions that an interpreter's has not, and the two tables
differ. What they share (doors, transitions checked by visits.services.check_transition, the audit log, the
coordinators' notices) is reused, not copied.

A calendar reply (responses.interpreter_replies) calls `interpreter_answer(interpreter_id=..., to=...,
door=Door.CALENDAR, note=...)`, with `to` "invited" for a TENTATIVE (recorded, not counted, told), and
`interpreter_pass(...)` for DELEGATED.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log
from audit.models import Action
from notifications.compose import message_language
from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import (
    REQUEST,
    coordinators_of,
    dispatch_on_commit,
    new_message_id,
    notice_row,
    outbox_create,
    session_message_key,
)
from responses.answers import ANSWERING_DOORS, AnswerRefused
from responses.decisions import AlreadySettled
from responses.models import Door, InterpreterAnswer
from scheduling.models import ChangeRecipient
from visits.models import (
    INTERPRETER_ANSWER_TRANSITIONS,
    INTERPRETER_ANSWERS,
    Person,
    SessionInterpreter,
)
from visits.selectors import person_with_email, session_cancelled
from visits.services import InvalidTransition, check_transition, person_create, session_interpreter_add

NOTE_MAX = 2000
# What an interpreter answers on their page or tells a coordinator; passing on is interpreter_pass.
GIVEN_ANSWERS = (SessionInterpreter.Response.CONFIRMED, SessionInterpreter.Response.DECLINED)


@transaction.atomic
def interpreter_answer(
    *,
    interpreter_id: int,
    to: str,
    door: Door | str,
    actor: User | None = None,
    note: str = "",
    colleague: Person | None = None,
) -> InterpreterAnswer | None:
    """Move the interpreter's answer to `to` and record the move; returns the line of history written (None
    when a move made for them finds the row already there). Raises AnswerRefused for a move the
    transitions do not allow, a note too long, or an answer to a cancelled session."""
    # A calendar's TENTATIVE is no answer (there is none such), as for experts: the interpreter stays
    # invited, their link keeps working, and the line is recorded (not counted) and told to the coordinators.
    tentative = door == Door.CALENDAR and to == SessionInterpreter.Response.INVITED
    answering = door in ANSWERING_DOORS and not tentative
    if answering and to not in INTERPRETER_ANSWERS:
        raise AnswerRefused({"response": _("Choose confirm, decline or pass to a colleague.")})
    if len(note) > NOTE_MAX:
        raise AnswerRefused({"note": _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX}})
    row = (
        SessionInterpreter.objects.select_for_update(of=("self",))
        .select_related("session__visit", "person")
        .get(pk=interpreter_id)
    )
    if not answering and not tentative and row.response == to:
        return None
    if (answering or tentative) and session_cancelled(row.session):
        raise AnswerRefused({"action": _("This session has been cancelled: there is nothing to answer.")})
    try:
        check_transition(
            transitions=INTERPRETER_ANSWER_TRANSITIONS,
            current=row.response,
            target=to,
            labels=dict(SessionInterpreter.Response.choices),
        )
    except InvalidTransition as refused:
        raise AnswerRefused({"response": refused.messages}) from refused
    before = {"response": row.response, "note": row.note}
    row.response = to
    row.responded_at = None if to == SessionInterpreter.Response.INVITED else timezone.now()
    if answering:
        row.answers += 1
        row.note = note
    row.save(update_fields=["response", "responded_at", "answers", "note"])
    log.record_many(
        [
            log.entry(
                action=Action.CHANGE,
                actor=_actor(row, door=door, actor=actor),
                obj=row,
                object_repr=f"{row.person} – {row.session.title}",
                changes={
                    **log.diff(before, {"response": to, "note": row.note}),
                    "door": [None, str(door)],
                },
                visit_id=row.session.visit_id,
                person_id=row.person_id,
            )
        ]
    )
    answer = InterpreterAnswer.history.create(
        interpreter=row,
        response=to,
        note=note,
        channel=door,
        is_answer=answering,
        recorded_by=actor if actor is not None and actor.pk else None,
        sequence=row.session.sequence,
        colleague=colleague,
    )
    if (answering and to != SessionInterpreter.Response.CONFIRMED) or tentative:
        tell_coordinators_now(answer)
    return answer


def _actor(row: SessionInterpreter, *, door: Door | str, actor: User | None) -> log.Who:
    """Who moved the answer, for the audit log: the interpreter through their link or calendar, a user, or
    the system."""
    if door in (Door.LINK, Door.CALENDAR) and actor is None:
        return log.by_link(row.person)
    return actor


def interpreter_pass(
    *,
    interpreter_id: int,
    name: str,
    email: str,
    note: str = "",
    door: Door | str = Door.LINK,
    actor: User | None = None,
) -> InterpreterAnswer:
    """Pass the session to a colleague: booked as interpreter with the same languages and invited; the
    coordinators are told."""
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
        row = (
            SessionInterpreter.objects.select_for_update(of=("self",))
            .select_related("session__visit", "person")
            .get(pk=interpreter_id)
        )
        session = row.session
        if session_cancelled(session):
            raise AnswerRefused({"action": _("This session has been cancelled: there is nothing to answer.")})
        colleague = person_with_email(email)
        if colleague is not None and colleague.pk == row.person_id:
            raise AnswerRefused({"colleague_email": _("That is your own address: give your colleague's.")})
        if colleague is not None and session.session_interpreters.filter(person=colleague).exists():
            raise AnswerRefused({"colleague_email": _("Your colleague is already on this session.")})
        if colleague is None:
            colleague = person_create(
                data={
                    "name": name,
                    "email": email,
                    "preferred_language": row.person.preferred_language,
                    "home_time_zone": row.person.home_time_zone,
                },
                actor=actor,
            )
        booked = session_interpreter_add(
            session=session,
            person=colleague,
            languages=list(row.languages),
            actor=_actor(row, door=door, actor=actor),
        )
        if session.visit.first_published_at is not None:
            invite_interpreter(
                booked, key=session_message_key(session.pk, colleague.pk, session.sequence, REQUEST)
            )
        passed = interpreter_answer(
            interpreter_id=row.pk,
            to=SessionInterpreter.Response.PASSED,
            door=door,
            actor=actor,
            note=note,
            colleague=colleague,
        )
    assert passed is not None
    return passed


def invite_interpreter(row: SessionInterpreter, *, key: str) -> OutboxMessage:
    """An invitation (the calendar invite with a link to answer) to one interpreter, now."""
    session, person = row.session, row.person
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
                role=ChangeRecipient.Role.INTERPRETER,
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
    dispatch_on_commit([message.pk])
    return message


def tell_coordinators_now(answer: InterpreterAnswer) -> list[OutboxMessage]:
    """A notice to each of the visit's coordinators (or the organiser's mailbox) about one answer."""
    session = answer.interpreter.session
    visit_id = session.visit_id
    rows = [
        notice_row(
            recipient,
            key=f"notice:interpreter_answer:{answer.pk}",
            visit_id=visit_id,
            session_id=session.pk,
            session_key=session.pk,
            sequence=answer.sequence,
            send_at=timezone.now(),
            payload={"notice": "interpreter_answer", "answer": answer.pk},
        )
        for recipient in coordinators_of([visit_id])[visit_id]
    ]
    created = outbox_create(rows)
    InterpreterAnswer.history.filter(pk=answer.pk).update(told_at=timezone.now())
    dispatch_on_commit([m.pk for m in created])
    return created


def interpreter_answer_note(*, interpreter_id: int, actor: User | None) -> InterpreterAnswer:
    """The coordinator has seen an interpreter's decline or colleague, and nothing more is needed: the
    answer leaves "needs you". Raises AlreadySettled when there is nothing (left) to note."""
    answer = (
        InterpreterAnswer.objects.select_for_update()
        .filter(
            interpreter_id=interpreter_id,
            interpreter__response__in=[
                SessionInterpreter.Response.DECLINED,
                SessionInterpreter.Response.PASSED,
            ],
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if answer is None or answer.settled_at is not None or answer.response != answer.interpreter.response:
        raise AlreadySettled(
            _("The interpreter has answered again since: there is nothing left to decide here.")
        )
    answer.settled_at, answer.settled_by = timezone.now(), actor
    answer.save(update_fields=["settled_at", "settled_by"])
    return answer
