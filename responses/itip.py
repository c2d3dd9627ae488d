"""Reading an iTIP REPLY or COUNTER (RFC 5546) out of a received message, whatever the calendar program's
shape: what responses.calendar_replies (experts) and responses.interpreter_replies (interpreters) share.

- the calendar in it: a text/calendar part of a multipart/alternative (Outlook), an attached invite.ics as
  application/ics or text/calendar (Gmail), METHOD on the part's Content-Type or only inside the calendar;
- the token of the reply address among the recipients or the To / Delivered-To headers;
- the ATTENDEEs (MAILTO: in any case, CN quoted or not), SEQUENCE, DTSTAMP and COMMENT of a VEVENT.
"""

import datetime as dt
import email.message
import logging
from dataclasses import dataclass
from email.utils import getaddresses
from typing import Any

from django.db.models import Max
from icalendar import Calendar, Event

from notifications import calendar
from notifications.models import MessageKind, OutboxMessage, OutboxStatus
from notifications.reply_address import token_of_address
from responses.models import CalendarReply, ReplyOutcome
from responses.services import NOTE_MAX

logger = logging.getLogger(__name__)

CALENDAR_TYPES = frozenset({"text/calendar", "application/ics", "text/x-vcalendar", "application/x-ics"})
REPLY_METHODS = frozenset({calendar.REPLY, calendar.COUNTER})
ADDRESS_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


@dataclass(frozen=True)
class Attendee:
    email: str  # lowercased, without MAILTO:
    name: str
    partstat: str
    delegated_to: str  # lowercased, without MAILTO:; empty unless DELEGATED


def calendars_in(message: email.message.Message) -> list[tuple[Calendar, str]]:
    """Each iCalendar object in the message, with its METHOD: the calendar's own, else the part's
    Content-Type parameter. Parts that do not parse are skipped."""
    found: list[tuple[Calendar, str]] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        filename = (part.get_filename() or "").lower()
        if content_type not in CALENDAR_TYPES and not filename.endswith(".ics"):
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data.strip():
            continue
        try:
            parsed = Calendar.from_ical(data)
        except (ValueError, IndexError, KeyError, TypeError, AttributeError):
            # Anyone can write to the reply address: a calendar that does not parse is no reply.
            logger.info("A calendar part that does not parse, skipped")
            continue
        for component in parsed if isinstance(parsed, list) else [parsed]:
            method = str(component.get("METHOD") or part.get_param("method") or "").strip().upper()
            found.append((component, method))
    return found


def token_in(message: email.message.Message, recipients: list[str]) -> str | None:
    """The token of the first reply address among the envelope's recipients, then the headers."""
    addresses = list(recipients)
    for header in ADDRESS_HEADERS:
        addresses += [address for _, address in getaddresses(message.get_all(header, []))]
    for address in addresses:
        token = token_of_address(address)
        if token:
            return token
    return None


def _address(value: Any) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.strip().lower()


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def attendees_of(event: Event) -> list[Attendee]:
    result = []
    for value in _listed(event.get("ATTENDEE")):
        params = getattr(value, "params", {})
        delegated = params.get("DELEGATED-TO", "")
        if isinstance(delegated, list):
            delegated = delegated[0] if delegated else ""
        result.append(
            Attendee(
                email=_address(value),
                name=str(params.get("CN", "")).strip().strip('"'),
                partstat=str(params.get("PARTSTAT", calendar.NEEDS_ACTION)).upper(),
                delegated_to=_address(delegated),
            )
        )
    return result


def moment(event: Event, name: str) -> dt.datetime | None:
    """An aware date-time property (DTSTAMP, DTSTART), or None."""
    found = getattr(event.get(name), "dt", None)
    if isinstance(found, dt.datetime) and found.tzinfo is not None:
        return found
    return None


def sequence_of(event: Event) -> int | None:
    value = event.get("SEQUENCE")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def comment_of(event: Event) -> str:
    comments = [str(c).strip() for c in _listed(event.get("COMMENT"))]
    return "\n".join(c for c in comments if c)[:NOTE_MAX]


def uid_events(component: Calendar, uid: str) -> list[Event]:
    """The VEVENTs of the calendar with this UID, the event itself before any one instance of a series (a
    REPLY about one instance carries RECURRENCE-ID; our sessions are single events)."""
    events = [
        e for e in component.walk("VEVENT") if isinstance(e, Event) and str(e.get("UID", "")).strip() == uid
    ]
    events.sort(key=lambda e: e.get("RECURRENCE-ID") is not None)
    return events


def delegate_name(event: Event, address: str) -> str:
    """The colleague's CN where the reply lists them as an ATTENDEE, else their address's local part."""
    for attendee in attendees_of(event):
        if attendee.email == address and attendee.name:
            return attendee.name
    return address.split("@")[0]


def last_sent_sequence(*, session_id: int, person_id: int, role: str) -> int | None:
    """The SEQUENCE of the last invitation (or reminder of it) sent to this person in this role for this
    session: a reply for an older one is stale. Their own messages, not the session's SEQUENCE, which rises
    when someone else is taken off without anyone else being invited again."""
    return OutboxMessage.objects.filter(
        kind__in=[MessageKind.INVITATION, MessageKind.REMINDER],
        role=role,
        session_id=session_id,
        person_id=person_id,
        status=OutboxStatus.SENT,
    ).aggregate(last=Max("sequence"))["last"]


def read_reply(reply: CalendarReply, event: Event | None) -> None:
    """What a reply's VEVENT says of itself, onto its row: UID, SEQUENCE, DTSTAMP and COMMENT."""
    if event is not None:
        reply.uid = str(event.get("UID", ""))[:255]
        reply.sequence = sequence_of(event)
        reply.dtstamp = moment(event, "DTSTAMP")
        reply.comment = comment_of(event)


def record(reply: CalendarReply, outcome: ReplyOutcome) -> str:
    """Save the reply with its outcome; returns the outcome's label for inbound."""
    reply.outcome = outcome
    reply.save()
    return outcome.value
