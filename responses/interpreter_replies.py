"""An interpreter's answer from their calendar program: the iTIP REPLY sent to the reply address their
invitation names as ORGANIZER (notifications.reply_address, an interpreter's token), handed here by
responses.calendar_replies.handle once the message is read and the token checked.

The same rules as an expert's reply: the ATTENDEE must be the interpreter the invitation went to, or the
colleague they passed the session to; a reply for an older SEQUENCE than the last invitation that attendee
was sent, or no newer (DTSTAMP) than their last processed reply, is stale and changes nothing. The answer goes
through its one owner, responses.interpreters, by the door "calendar reply":
- ACCEPTED confirms; DECLINED declines, COMMENT the reason (the session's language is uncovered again);
- TENTATIVE: an interpreter has no such answer either, so they stay invited, their link keeps working, a line
  "Calendar reply" with the answer Tentative is recorded, told to the coordinators, and becomes the PARTSTAT
  of later invitations (`tentative_partstats`);
- DELEGATED with DELEGATED-TO passes the session to that colleague, who is booked for the same languages and
  gets an invitation of their own (with their own reply address).

A COUNTER (Propose new time) is no refusal, and an interpreter's booking has no proposals of its own: the
coordinators decide the session's time with the experts. So it is not recorded here: `handle_reply` returns
None and inbound forwards the message unchanged to the coordinators' mailbox (ORGANIZER_EMAIL), where the
proposed time can be read as the interpreter's calendar program sent it.
"""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import OuterRef, Subquery
from icalendar import Event

from notifications import calendar
from responses import itip
from responses.answers import AnswerRefused
from responses.interpreters import interpreter_answer, interpreter_pass
from responses.itip import Attendee, attendees_of, delegate_name, read_reply, record
from responses.models import CalendarReply, Door, InterpreterAnswer, ReplyOutcome
from responses.services import NOTE_MAX
from scheduling.models import ChangeRecipient
from visits.models import SessionInterpreter

# What an interpreter's PARTSTAT answers (TENTATIVE and DELEGATED are handled on their own).
ANSWER_OF_PARTSTAT = {
    calendar.ACCEPTED: SessionInterpreter.Response.CONFIRMED,
    calendar.DECLINED: SessionInterpreter.Response.DECLINED,
}


def handle_reply(method: str, event: Event | None, *, interpreter_row: int, session_id: int) -> str | None:
    """Process an interpreter's REPLY (its VEVENT for the token's session, if any); returns its outcome, or
    None for a COUNTER, which inbound forwards to the coordinators."""
    if method == calendar.COUNTER:
        return None
    with transaction.atomic():
        return _handle(method, event, interpreter_row=interpreter_row, session_id=session_id)


def _handle(method: str, event: Event | None, *, interpreter_row: int, session_id: int) -> str:
    reply = CalendarReply(interpreter_row=interpreter_row, method=method)
    read_reply(reply, event)
    booked = (
        SessionInterpreter.objects.select_for_update(of=("self",))
        .select_related("person", "session")
        .filter(pk=interpreter_row, session_id=session_id)
        .first()
    )
    if event is None:
        return record(reply, ReplyOutcome.UNKNOWN_EVENT)
    if booked is None:
        return record(reply, ReplyOutcome.GONE)
    listed = attendees_of(event)
    found = _attendee_row(booked, listed)
    if found is None:
        reply.attendee = listed[0].email[:254] if listed else ""
        reply.interpreter = booked
        return record(reply, ReplyOutcome.UNKNOWN_ATTENDEE)
    target, attendee = found
    reply.interpreter, reply.attendee, reply.partstat = target, attendee.email[:254], attendee.partstat
    if _stale(target, reply):
        return record(reply, ReplyOutcome.STALE)
    try:
        outcome, answer = _answer(event, target, attendee, reply.comment)
    except AnswerRefused as refused:
        reply.comment = (reply.comment + "\n" + "; ".join(refused.messages)).strip()[:NOTE_MAX]
        return record(reply, ReplyOutcome.REFUSED)
    reply.interpreter_answer = answer
    return record(reply, outcome)


def _attendee_row(
    booked: SessionInterpreter, attendees: list[Attendee]
) -> tuple[SessionInterpreter, Attendee] | None:
    """The booking an ATTENDEE answers for: the interpreter the invitation went to, or a colleague they passed
    the session to (who may answer the invitation they were forwarded). The invited interpreter first."""
    by_email = {a.email: a for a in attendees if a.email}
    own = by_email.get(booked.person.email.strip().lower())
    if own is not None:
        return booked, own
    colleague_ids = InterpreterAnswer.history.filter(
        interpreter=booked, response=SessionInterpreter.Response.PASSED, colleague__isnull=False
    ).values("colleague")
    for row in (
        SessionInterpreter.objects.select_for_update(of=("self",))
        .select_related("person", "session")
        .filter(session_id=booked.session_id, person_id__in=colleague_ids)
    ):
        attendee = by_email.get(row.person.email.strip().lower())
        if attendee is not None:
            return row, attendee
    return None


def _stale(target: SessionInterpreter, reply: CalendarReply) -> bool:
    """For an older invitation than the last this interpreter was sent, or no newer than their last processed
    reply (RFC 5546 2.1.5), as for an expert (responses.calendar_replies)."""
    if reply.sequence is not None:
        sent = itip.last_sent_sequence(
            session_id=target.session_id, person_id=target.person_id, role=ChangeRecipient.Role.INTERPRETER
        )
        if sent is not None and reply.sequence < sent:
            return True
    if reply.dtstamp is not None:
        last = (
            CalendarReply.objects.filter(
                interpreter=target, outcome__in=ReplyOutcome.processed(), dtstamp__isnull=False
            )
            .order_by("-dtstamp")
            .values_list("dtstamp", flat=True)
            .first()
        )
        if last is not None and reply.dtstamp <= last:
            return True
    return False


def _answer(
    event: Event, target: SessionInterpreter, attendee: Attendee, comment: str
) -> tuple[ReplyOutcome, InterpreterAnswer]:
    door = Door.CALENDAR
    if attendee.partstat in ANSWER_OF_PARTSTAT:
        to, outcome = ANSWER_OF_PARTSTAT[attendee.partstat], ReplyOutcome.ANSWERED
    elif attendee.partstat == calendar.TENTATIVE_ANSWER:
        to, outcome = SessionInterpreter.Response.INVITED, ReplyOutcome.TENTATIVE
    elif attendee.partstat == calendar.DELEGATED and attendee.delegated_to:
        passed = interpreter_pass(
            interpreter_id=target.pk,
            name=delegate_name(event, attendee.delegated_to),
            email=attendee.delegated_to,
            note=comment,
            door=door,
        )
        return ReplyOutcome.DELEGATED, passed
    else:
        raise AnswerRefused({"partstat": f"PARTSTAT {attendee.partstat} is no answer"})
    answer = interpreter_answer(interpreter_id=target.pk, to=to, door=door, note=comment)
    assert answer is not None  # an answer, or a TENTATIVE, is always recorded
    return outcome, answer


def tentative_partstats(interpreters: Sequence[SessionInterpreter]) -> dict[int, str]:
    """PARTSTAT TENTATIVE for the interpreters whose latest line of history is a calendar's TENTATIVE, so
    that later invitations show it (registered with notifications.hooks). One query."""
    if not interpreters:
        return {}
    latest = InterpreterAnswer.history.filter(interpreter=OuterRef("pk")).order_by("-created_at", "-id")
    rows = (
        SessionInterpreter.objects.filter(
            pk__in=[i.pk for i in interpreters], response=SessionInterpreter.Response.INVITED
        )
        .annotate(
            last_door=Subquery(latest.values("channel")[:1]),
            last_answer=Subquery(latest.values("response")[:1]),
        )
        .filter(last_door=Door.CALENDAR, last_answer=SessionInterpreter.Response.INVITED)
        .values_list("pk", flat=True)
    )
    return dict.fromkeys(rows, calendar.TENTATIVE_ANSWER)
