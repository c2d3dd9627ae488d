"""An expert's answer from their calendar program: the iTIP REPLY or COUNTER (RFC 5546) that Outlook, Gmail or
Apple Calendar send to an invitation's ORGANIZER when the expert presses Accept, Decline, Tentative, Delegate
or Propose new time.

Each invitation to an expert names their reply address as ORGANIZER (notifications.reply_address), whose
signed token names the expert's row and the session. `handle` takes a received message (inbound calls it:
ResponsesConfig.ready registers it) and:
- finds the calendar in it, whatever the program's shape, and the token among the recipients or the To /
  Delivered-To headers, and checks it (responses.itip reads both);
- hands a reply to an interpreter's address to responses.interpreter_replies, which applies the same rules
  to the interpreter's answer;
- matches the VEVENT by the UID of the token's session, and the ATTENDEE (MAILTO: in any case, CN quoted or
  not) to the expert the invitation went to, or the colleague they passed it to. ORGANIZER is not read
  (Outlook and Exchange leave it out), nor is SEQUENCE required (Gmail leaves it out sometimes);
- recognises a stale reply: one for an older SEQUENCE than the last invitation that attendee was sent (their
  own outbox rows, not the session's SEQUENCE, which rises when someone else is taken off), or with a DTSTAMP
  no later than their last processed reply (a late copy of an earlier click, or the same reply again);
- records the answer through its one owner (responses.services, responses.answers) with the door "calendar
  reply": ACCEPTED confirms, DECLINED declines (COMMENT is the reason), DELEGATED passes the session to the
  DELEGATED-TO colleague, who is invited; a COUNTER proposes its DTSTART-DTEND. TENTATIVE has no answer of
  its own in Visitplan: the expert stays invited (their links keep working, reminders keep coming) and a
  line "Calendar reply" with the answer Tentative is recorded and told to the coordinators now.

Every reply handled is a CalendarReply row with its outcome. A message that is not a calendar reply, or whose
token is not ours (altered or forged), gives None: the inbound side forwards it to the coordinators' mailbox,
so nothing a person wrote is lost.
"""

import datetime as dt
import email.message
from collections.abc import Sequence

from django.db import transaction
from django.db.models import OuterRef, Subquery
from icalendar import Event

from notifications import calendar
from notifications.reply_address import INTERPRETER, read_reply_token
from notifications.sessions import session_uid
from responses import interpreter_replies, itip
from responses.answers import AnswerRefused, Proposal, answer_move
from responses.itip import (
    REPLY_METHODS,
    Attendee,
    attendees_of,
    calendars_in,
    delegate_name,
    moment,
    read_reply,
    record,
    token_in,
    uid_events,
)
from responses.models import CalendarReply, Door, ExpertAnswer, ReplyOutcome
from responses.services import NOTE_MAX, expert_answer, expert_pass
from scheduling.models import ChangeRecipient
from visits.models import SessionExpert

PROCESSED = ReplyOutcome.processed()


# --- Handling it --------------------------------------------------------------------------------------------


def handle(message: email.message.EmailMessage, recipients: list[str]) -> str | None:
    """Process an iTIP REPLY or COUNTER sent to a reply address; returns its outcome (a ReplyOutcome value),
    or None when the message is no calendar reply or its token is not ours (the caller forwards it). A reply
    to an interpreter's address goes to responses.interpreter_replies. Registered with inbound in
    ResponsesConfig.ready()."""
    replies = [(c, m) for c, m in calendars_in(message) if m in REPLY_METHODS]
    if not replies:
        return None
    token = token_in(message, recipients)
    named = read_reply_token(token) if token else None
    if named is None:
        return None
    component, method = replies[0]
    events = uid_events(component, session_uid(named.session))
    event = events[0] if events else None
    if named.role == INTERPRETER:
        return interpreter_replies.handle_reply(
            method, event, interpreter_row=named.row, session_id=named.session
        )
    with transaction.atomic():
        return _handle(method, event, expert_row=named.row, session_id=named.session)


def _handle(method: str, event: Event | None, *, expert_row: int, session_id: int) -> str:
    reply = CalendarReply(expert_row=expert_row, method=method)
    read_reply(reply, event)
    expert = (
        SessionExpert.objects.select_for_update(of=("self",))
        .select_related("person", "session")
        .filter(pk=expert_row, session_id=session_id)
        .first()
    )
    if event is None:
        return record(reply, ReplyOutcome.UNKNOWN_EVENT)
    if expert is None:
        return record(reply, ReplyOutcome.GONE)
    found = _attendee_row(expert, attendees_of(event))
    if found is None:
        listed = attendees_of(event)
        reply.attendee = listed[0].email[:254] if listed else ""
        reply.expert = expert
        return record(reply, ReplyOutcome.UNKNOWN_ATTENDEE)
    target, attendee = found
    reply.expert, reply.attendee, reply.partstat = target, attendee.email[:254], attendee.partstat
    if _stale(target, reply):
        return record(reply, ReplyOutcome.STALE)
    try:
        outcome, answer = _answer(method, event, target, attendee, reply.comment)
    except AnswerRefused as refused:
        reply.comment = (reply.comment + "\n" + "; ".join(refused.messages)).strip()[:NOTE_MAX]
        return record(reply, ReplyOutcome.REFUSED)
    reply.answer = answer
    return record(reply, outcome)


def _attendee_row(expert: SessionExpert, attendees: list[Attendee]) -> tuple[SessionExpert, Attendee] | None:
    """The row an ATTENDEE answers for: the expert the invitation went to, or a colleague they passed the
    session to (who may answer the invitation they were forwarded). The invited expert first."""
    by_email = {a.email: a for a in attendees if a.email}
    own = by_email.get(expert.person.email.strip().lower())
    if own is not None:
        return expert, own
    colleague_ids = ExpertAnswer.history.filter(
        expert=expert, response=SessionExpert.Response.PASSED, colleague__isnull=False
    ).values("colleague")
    for row in (
        SessionExpert.objects.select_for_update(of=("self",))
        .select_related("person", "session")
        .filter(session_id=expert.session_id, person_id__in=colleague_ids)
    ):
        attendee = by_email.get(row.person.email.strip().lower())
        if attendee is not None:
            return row, attendee
    return None


def last_sent_sequence(expert: SessionExpert) -> int | None:
    """The SEQUENCE of the last invitation (or reminder of it) sent to this expert for this session."""
    return itip.last_sent_sequence(
        session_id=expert.session_id, person_id=expert.person_id, role=ChangeRecipient.Role.EXPERT
    )


def _stale(target: SessionExpert, reply: CalendarReply) -> bool:
    """For an older invitation than the last this attendee was sent, or no newer than their last processed
    reply (the DTSTAMP of a REPLY is when they answered: RFC 5546 2.1.5)."""
    if reply.sequence is not None:
        sent = last_sent_sequence(target)
        if sent is not None and reply.sequence < sent:
            return True
    if reply.dtstamp is not None:
        last = (
            CalendarReply.objects.filter(expert=target, outcome__in=PROCESSED, dtstamp__isnull=False)
            .order_by("-dtstamp")
            .values_list("dtstamp", flat=True)
            .first()
        )
        if last is not None and reply.dtstamp <= last:
            return True
    return False


def _answer(
    method: str, event: Event, target: SessionExpert, attendee: Attendee, comment: str
) -> tuple[ReplyOutcome, ExpertAnswer]:
    door = Door.CALENDAR
    if method == calendar.COUNTER:
        start, end = moment(event, "DTSTART"), moment(event, "DTEND")
        if start is not None and end is None:
            duration = getattr(event.get("DURATION"), "dt", None)
            session = target.session
            length = session.ends_at - session.starts_at
            end = start + (duration if isinstance(duration, dt.timedelta) else length)
        if start is None or end is None:
            raise AnswerRefused({"proposals": "COUNTER without DTSTART/DTEND"})
        proposal = Proposal(start, end)
        answer = expert_answer(
            expert_id=target.pk, answer="proposed", note=comment, proposals=[proposal], door=door
        )
        return ReplyOutcome.COUNTER, answer
    if attendee.partstat == calendar.ACCEPTED:
        return ReplyOutcome.ANSWERED, expert_answer(
            expert_id=target.pk, answer="confirmed", note=comment, door=door
        )
    if attendee.partstat == calendar.DECLINED:
        return ReplyOutcome.ANSWERED, expert_answer(
            expert_id=target.pk, answer="declined", note=comment, door=door
        )
    if attendee.partstat == calendar.TENTATIVE_ANSWER:
        (line,) = answer_move(
            expert_ids=[target.pk],
            to=SessionExpert.Response.INVITED,
            door=door,
            actor=None,
            note=comment or None,
        )
        return ReplyOutcome.TENTATIVE, line
    if attendee.partstat == calendar.DELEGATED and attendee.delegated_to:
        return ReplyOutcome.DELEGATED, expert_pass(
            expert_id=target.pk,
            name=delegate_name(event, attendee.delegated_to),
            email=attendee.delegated_to,
            note=comment,
            door=door,
        )
    raise AnswerRefused({"partstat": f"PARTSTAT {attendee.partstat} is no answer"})


def tentative_partstats(experts: Sequence[SessionExpert]) -> dict[int, str]:
    """PARTSTAT TENTATIVE for the experts whose latest line of history is a calendar's TENTATIVE, so that
    later invitations show it (registered with notifications.hooks). One query."""
    if not experts:
        return {}
    latest = ExpertAnswer.history.filter(expert=OuterRef("pk")).order_by("-created_at", "-id")
    rows = (
        SessionExpert.objects.filter(pk__in=[e.pk for e in experts], response=SessionExpert.Response.INVITED)
        .annotate(
            last_door=Subquery(latest.values("channel")[:1]),
            last_answer=Subquery(latest.values("response")[:1]),
        )
        .filter(last_door=Door.CALENDAR, last_answer=SessionExpert.Response.INVITED)
        .values_list("pk", flat=True)
    )
    return dict.fromkeys(rows, calendar.TENTATIVE_ANSWER)
