"""iCalendar objects (RFC 5545) for scheduling messages (RFC 5546) and feeds, as plain data in and bytes out.

Nothing here reads the database: `notifications.sessions` turns sessions into `CalendarEvent` values for
`notifications.compose` and `notifications.feeds`, and this module writes them. Times are always written in
UTC, so a file never names a time zone it does not define and no client has to guess a daylight-saving rule.
"""

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from icalendar import Calendar, Component, Event, vCalAddress, vDuration, vText, vUri
from icalendar.parser import Contentline, Parameters

PRODID: Final = "-//Visitplan//Visitplan//EN"

# iTIP methods (RFC 5546 section 1.4).
REQUEST: Final = "REQUEST"
CANCEL: Final = "CANCEL"
PUBLISH: Final = "PUBLISH"
METHODS: Final = frozenset({REQUEST, CANCEL, PUBLISH})
# What attendees send back (read by responses.calendar_replies), and the organizer's refusal of a COUNTER.
REPLY: Final = "REPLY"
COUNTER: Final = "COUNTER"
DECLINECOUNTER: Final = "DECLINECOUNTER"

# VEVENT STATUS values.
TENTATIVE: Final = "TENTATIVE"
CONFIRMED: Final = "CONFIRMED"
CANCELLED: Final = "CANCELLED"
STATUSES: Final = frozenset({TENTATIVE, CONFIRMED, CANCELLED})

# ATTENDEE PARTSTAT and ROLE values we use.
NEEDS_ACTION: Final = "NEEDS-ACTION"
ACCEPTED: Final = "ACCEPTED"
DECLINED: Final = "DECLINED"
TENTATIVE_ANSWER: Final = "TENTATIVE"
DELEGATED: Final = "DELEGATED"
REQ_PARTICIPANT: Final = "REQ-PARTICIPANT"

# RFC 5545 CONTROL characters (all of C0 and DEL except HTAB and LF, which TEXT can carry), and surrogates,
# which cannot be encoded as UTF-8 at all.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_ESCAPE_LOOKALIKE = re.compile(r"\\(?=[nN,;])")


@dataclass(frozen=True, slots=True)
class Attendee:
    email: str
    name: str
    partstat: str = NEEDS_ACTION
    rsvp: bool = True
    role: str = REQ_PARTICIPANT


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One VEVENT. `start` and `end` must be aware; they are written in UTC."""

    uid: str
    sequence: int
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = CONFIRMED
    organizer_email: str = ""
    organizer_name: str = ""
    attendees: tuple[Attendee, ...] = field(default=())
    last_modified: dt.datetime | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            moment: dt.datetime = getattr(self, name)
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError(f"CalendarEvent.{name} must be an aware datetime, got {moment!r}")
        if self.end <= self.start:
            raise ValueError("CalendarEvent.end must be after its start")
        if self.status not in STATUSES:
            raise ValueError(f"CalendarEvent.status must be one of {sorted(STATUSES)}, got {self.status!r}")
        if self.sequence < 0:
            raise ValueError("CalendarEvent.sequence cannot be negative")


def event_uid(kind: str, key: int | str, host: str) -> str:
    """A UID that stays the same for the object's whole life, e.g. session-42@visitplan.example.org."""
    return f"{kind}-{key}@{host}"


def clean_text(value: str) -> str:
    """Text as an iCalendar TEXT value can carry it: line ends as LF, control characters removed.

    Everything else (commas, semicolons, quotes, backslashes, any Unicode) is kept; icalendar escapes it. A
    backslash just before n, N, a comma or a semicolon ("C:\\New folder") gets an invisible word joiner
    (U+2060) after it: icalendar 7 reads such a pair as an escape on its way out or back in, and would turn
    the text into a line break.
    """
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return _ESCAPE_LOOKALIKE.sub("\\\\\u2060", text)


def clean_name(value: str) -> str:
    """A display name fit for a CN parameter or a mail header: one line, no quotes, no backslashes.

    A quote in a parameter becomes ^' (RFC 6868), which some clients show as is; a backslash is read as an
    escape by some parsers (icalendar's among them) and can swallow the address after it.
    """
    text = clean_text(value).replace('"', "").replace("\\", "")
    return _SPACES.sub(" ", text).strip()


# RFC 5545 3.1: content lines longer than 75 octets are folded; like icalendar, we keep each line's octets
# (before its CRLF, after the folding space) to 74, and never cut a UTF-8 character.
FOLD_OCTETS: Final = 74
FOLD: Final = b"\r\n "
CRLF: Final = b"\r\n"
_UTF8_CONTINUATION: Final = 0b1100_0000


def fold(line: str) -> bytes:
    """One content line, folded as icalendar's serialiser folds it, byte for byte.

    icalendar folds with a Python loop over every character, encoding each to count its octets: in a
    cProfile of a delivery batch it was the largest single function in composing an invitation (five folded
    lines each); composing and folding here, the worker's CPU per invitation fell by about a sixth together
    with _personal's change (bench/compose.py, bench/RESULTS.md).
    This cuts the encoded line instead, where icalendar would: after at most FOLD_OCTETS octets, never
    inside a character, and never just after a backslash or caret (an escape, TEXT or RFC 6868, stays
    whole on its next line, as icalendar issue #1501 has it). tests/notifications/test_calendar.py holds
    it to icalendar's own output.
    """
    data = line.encode("utf-8")
    end = len(data)
    if end <= FOLD_OCTETS:
        return data
    pieces = []
    start = 0
    while end - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        while data[cut] & _UTF8_CONTINUATION == 0b1000_0000:  # inside a character: cut before it
            cut -= 1
        if data[cut - 1] in b"\\^" and cut - 1 > start:
            cut -= 1
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return FOLD.join(pieces)


def to_ical(component: Component) -> bytes:
    """What `component.to_ical()` writes (its content lines, each folded and ended by CRLF), folded here."""
    return b"".join(fold(line) + CRLF for line in component.content_lines() if line)


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got {moment!r}")
    return moment.astimezone(dt.UTC)


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    cn = clean_name(name)
    if cn:
        address.params["CN"] = cn
    for key, value in params.items():
        address.params[key.upper()] = value
    return address


def _shared(event: CalendarEvent, *, method: str, stamp: dt.datetime) -> Event:
    """The properties every recipient's copy of the event has alike."""
    component = Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("dtstamp", stamp)
    component.add("dtstart", _utc(event.start))
    component.add("dtend", _utc(event.end))
    component.add("summary", clean_text(event.summary))
    if event.location:
        component.add("location", clean_text(event.location))
    # A cancellation cancels, whatever the event's status was before.
    component.add("status", CANCELLED if method == CANCEL else event.status)
    if event.last_modified is not None:
        component.add("last-modified", _utc(event.last_modified))
    if event.organizer_email:
        component.add("organizer", _address(event.organizer_email, event.organizer_name))
    return component


def _personal(event: CalendarEvent, *, method: str) -> bytes:
    """The properties that differ between recipients, as folded lines: the attendee, the description (with
    their links) and the URL of their programme page, in the order icalendar sorts them.

    Each line is icalendar's own (`Contentline.from_parts` over its value types, as `Event.add` and
    `to_ical` make them), without building an Event for every recipient of a batch: that was most of the
    cost of a recipient's calendar once the shared lines were cached. tests/notifications/test_calendar.py
    holds these bytes to an Event's."""
    lines = []
    # RFC 5546 3.2.1: a PUBLISH carries no attendees; it is a calendar to read, not a meeting to answer.
    if method != PUBLISH:
        for attendee in event.attendees:
            address = _address(
                attendee.email,
                attendee.name,
                cutype="INDIVIDUAL",
                role=attendee.role,
                partstat=attendee.partstat,
                rsvp="TRUE" if attendee.rsvp and method == REQUEST else "FALSE",
            )
            lines.append(Contentline.from_parts("ATTENDEE", address.params, address))
    if event.description:
        text = vText(clean_text(event.description))
        lines.append(Contentline.from_parts("DESCRIPTION", Parameters(), text))
    if event.url:
        lines.append(Contentline.from_parts("URL", Parameters(), vUri(event.url)))
    return b"".join(fold(line) + CRLF for line in lines)


BEGIN_EVENT: Final = b"BEGIN:VEVENT\r\n"
END_EVENT: Final = b"END:VEVENT\r\n"
END_CALENDAR: Final = b"END:VCALENDAR\r\n"

# Serialised shared parts, by (event without its personal fields, method, stamp). A batch of invitations to
# one session shares them; pass a dict to build_calendar to keep them for as long as the batch runs.
SharedCache = dict[tuple[CalendarEvent, str, dt.datetime], bytes]


def _event_bytes(
    event: CalendarEvent, *, method: str, stamp: dt.datetime, cache: SharedCache | None
) -> bytes:
    """BEGIN:VEVENT ... END:VEVENT, lines folded: the shared properties, then the personal ones."""
    shared = dataclasses.replace(event, description="", url="", attendees=())
    key = (shared, method, stamp)
    head = cache.get(key) if cache is not None else None
    if head is None:
        head = to_ical(_shared(shared, method=method, stamp=stamp)).removesuffix(END_EVENT)
        if cache is not None:
            cache[key] = head
    return head + _personal(event, method=method) + END_EVENT


def build_calendar(
    events: Iterable[CalendarEvent],
    *,
    method: str,
    stamp: dt.datetime,
    name: str | None = None,
    refresh: dt.timedelta | None = None,
    cache: SharedCache | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per event, as bytes (CRLF line ends, lines folded at 75 octets).

    `stamp` becomes every event's DTSTAMP: the time of sending for a message; for a feed, the time of its
    latest change, so that the same programme gives the same bytes (and ETag). `name` becomes X-WR-CALNAME,
    `refresh` the interval after which subscribers should fetch the feed again. `cache` keeps the serialised
    parts that recipients share (see SharedCache).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    stamp = _utc(stamp)
    head = _calendar_head(method, name, refresh)
    body = b"".join(_event_bytes(event, method=method, stamp=stamp, cache=cache) for event in events)
    return head + body + END_CALENDAR


# Any moment: event_parts takes its DTSTAMP line out again.
_ANY_STAMP: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def event_parts(event: CalendarEvent, *, method: str) -> tuple[bytes, bytes]:
    """The event's lines as build_calendar writes them, without its DTSTAMP line: what comes before it and
    what comes after. A feed keeps them (notifications.feed_cache) and joins them with assemble_calendar."""
    lines = _event_bytes(event, method=method, stamp=_ANY_STAMP, cache=None)
    start = lines.index(b"\r\nDTSTAMP:") + 2
    end = lines.index(b"\r\n", start) + 2
    return lines[:start], lines[end:]


def stamp_line(stamp: dt.datetime) -> bytes:
    """The DTSTAMP line, as icalendar writes it."""
    component = Event()
    component.add("dtstamp", _utc(stamp))
    return to_ical(component).removeprefix(BEGIN_EVENT).removesuffix(END_EVENT)


def assemble_calendar(
    parts: Iterable[tuple[bytes, bytes]],
    *,
    method: str,
    stamp: dt.datetime,
    name: str | None = None,
    refresh: dt.timedelta | None = None,
) -> bytes:
    """What build_calendar writes for the events whose event_parts these are, byte for byte, without
    serialising any of them again."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    line = stamp_line(stamp)
    body = b"".join(before + line + after for before, after in parts)
    return _calendar_head(method, name, refresh) + body + END_CALENDAR


@functools.lru_cache(maxsize=256)
def _calendar_head(method: str, name: str | None, refresh: dt.timedelta | None) -> bytes:
    """BEGIN:VCALENDAR and the calendar's own properties, folded."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", clean_name(name))
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))  # the same, for Outlook
    return to_ical(calendar).removesuffix(END_CALENDAR)


def build_declinecounter(
    *,
    uid: str,
    sequence: int,
    organizer_email: str,
    organizer_name: str,
    attendee: Attendee,
    stamp: dt.datetime,
    comment: str = "",
) -> bytes:
    """METHOD:DECLINECOUNTER (RFC 5546 3.2.8): the organizer refuses an attendee's COUNTER; the event stays
    as it was. One VEVENT with the UID and SEQUENCE of the invitation the COUNTER was about."""
    head = _calendar_head(DECLINECOUNTER, None, None)
    component = Event()
    component.add("uid", uid)
    component.add("sequence", sequence)
    component.add("dtstamp", _utc(stamp))
    component.add("organizer", _address(organizer_email, organizer_name))
    component.add("attendee", _address(attendee.email, attendee.name))
    if comment:
        component.add("comment", clean_text(comment))
    return head + to_ical(component) + END_CALENDAR
