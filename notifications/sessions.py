"""What a message, feed or page says about a session: its facts and its calendar event.

The facts come from a live session or, for a session whose row is gone, from the snapshot it was last
published with; times are shown in the zone of the session's venue, named; titles and descriptions in the
reading language (visits.wording: the reader's, else English). `notifications.compose` writes e-mail from
them, and `notifications.feeds` calendar feeds and programme pages.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext

from notifications import calendar
from notifications.calendar import Attendee, CalendarEvent
from visits.models import Session, Venue, Visit
from visits.models.programme import SessionQuerySet
from visits.selectors import session_cancelled
from visits.timefmt import MESSAGE, format_moment, format_span
from visits.wording import in_language, text_in

# --- Times and identity -------------------------------------------------------------------------------------


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "visitplan.invalid"


def session_uid(session_id: int) -> str:
    """The session's UID in every calendar, for its whole life."""
    return calendar.event_uid("session", session_id, site_host())


# --- What a message or page says about a session ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """A session as messages and pages show it, from a live row or from the snapshot of a deleted one."""

    id: int
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    zone: ZoneInfo
    venue_name: str
    location: str
    host: str
    status: str
    visit_title: str
    delegation: str

    @property
    def when(self) -> str:
        return format_span(self.starts_at, self.ends_at, self.zone, MESSAGE)

    @property
    def start_text(self) -> str:
        return format_moment(self.starts_at, self.zone, MESSAGE, name_zone=False)  # for subjects

    def when_in(self, zone_name: str) -> str | None:
        """The time in another zone, or None when that zone is the session's own."""
        if zone_name == self.zone.key:
            return None
        return format_span(self.starts_at, self.ends_at, ZoneInfo(zone_name), MESSAGE)


def venue_location(venue: Venue | None, fallback: str = "") -> str:
    """The venue's name and address on one line, as a calendar's LOCATION."""
    if venue is None:
        return fallback
    address = [line.strip(" ,") for line in venue.address.splitlines() if line.strip(" ,")]
    if venue.city and not any(venue.city.lower() in line.lower() for line in address):
        address.append(venue.city)
    return ", ".join([venue.name, *address])


def facts_of_session(session: Session) -> SessionFacts:
    """Facts from a live session; select_related('visit__delegation', 'venue', 'host_organisation')."""
    visit = session.visit
    venue = session.venue
    return SessionFacts(
        id=session.pk,
        title=in_language(session, "title"),
        description=in_language(session, "description"),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        zone=session.zone,
        venue_name=venue.name if venue is not None else "",
        location=venue_location(venue),
        host=session.host_organisation.name if session.host_organisation is not None else "",
        status=Session.Status.CANCELLED.value if session_cancelled(session) else str(session.status),
        visit_title=in_language(visit, "title"),
        delegation=visit.delegation.name if visit.delegation is not None else "",
    )


def facts_of_snapshot(snapshot: Mapping[str, Any], visit: Visit) -> SessionFacts:
    """Facts from a scheduling.domain.changes.SessionSnapshot, for a session whose row is gone."""
    venue_id = snapshot.get("venue_id")
    venue = Venue.objects.filter(pk=venue_id).first() if venue_id else None
    venue_name = str(snapshot.get("venue_name") or "")
    return SessionFacts(
        id=int(snapshot["id"]),
        title=text_in(str(snapshot.get("title") or ""), snapshot.get("title_translations")),
        description=text_in(str(snapshot.get("description") or ""), snapshot.get("description_translations")),
        starts_at=dt.datetime.fromisoformat(snapshot["starts_at"]),
        ends_at=dt.datetime.fromisoformat(snapshot["ends_at"]),
        zone=ZoneInfo(venue.time_zone if venue is not None else visit.time_zone),
        venue_name=venue.name if venue is not None else venue_name,
        location=venue_location(venue, fallback=venue_name),
        host="",
        status=str(snapshot.get("status") or Session.Status.CANCELLED),
        visit_title=in_language(visit, "title"),
        delegation=visit.delegation.name if visit.delegation is not None else "",
    )


def event_description(
    facts: SessionFacts, *, url: str = "", response_url: str | None = None, interpreting: str = ""
) -> str:
    """DESCRIPTION: the session's own text, then the programme around it, in the active language.
    `interpreting`: for an interpreter's invitation, the languages they interpret between, by name."""
    lines: list[str] = []
    if interpreting:
        lines += [gettext("You interpret between: %(languages)s") % {"languages": interpreting}, ""]
    if facts.description.strip():
        lines += [facts.description.strip(), ""]
    if facts.delegation:
        lines.append(
            gettext("Visit: %(visit)s (%(delegation)s)")
            % {"visit": facts.visit_title, "delegation": facts.delegation}
        )
    else:
        lines.append(gettext("Visit: %(visit)s") % {"visit": facts.visit_title})
    if facts.host:
        lines.append(gettext("Host: %(host)s") % {"host": facts.host})
    lines.append(gettext("Coordinators: %(email)s") % {"email": settings.ORGANIZER_EMAIL})
    if response_url:
        lines.append(gettext("Answer the invitation: %(url)s") % {"url": response_url})
    if url:
        lines.append(gettext("Your programme: %(url)s") % {"url": url})
    return "\n".join(lines)


def session_event(
    facts: SessionFacts,
    *,
    sequence: int,
    status: str,
    url: str = "",
    attendees: Iterable[Attendee] = (),
    response_url: str | None = None,
    last_modified: dt.datetime | None = None,
    interpreting: str = "",
) -> CalendarEvent:
    """The session as a calendar event. `response_url` is where an expert answers and `interpreting` the
    languages an interpreter interprets between; both go in DESCRIPTION, which is the recipient's own."""
    return CalendarEvent(
        uid=session_uid(facts.id),
        sequence=sequence,
        start=facts.starts_at,
        end=facts.ends_at,
        summary=facts.title,
        description=event_description(facts, url=url, response_url=response_url, interpreting=interpreting),
        location=facts.location,
        url=url,
        status=status,
        organizer_email=settings.ORGANIZER_EMAIL,
        organizer_name=settings.ORGANIZER_NAME,
        attendees=tuple(attendees),
        last_modified=last_modified,
    )


def event_status(facts: SessionFacts) -> str:
    """STATUS of a session in a feed or programme: cancelled, tentative or confirmed."""
    if facts.status == Session.Status.CANCELLED:
        return calendar.CANCELLED
    return calendar.TENTATIVE if facts.status == Session.Status.TENTATIVE else calendar.CONFIRMED


# --- Reading sessions for messages and pages ---------------------------------------------------------------


def with_facts(sessions: SessionQuerySet) -> SessionQuerySet:
    """The rows facts_of_session reads, in the same query."""
    return sessions.select_related("visit__delegation", "venue", "host_organisation").order_by(
        "starts_at", "id"
    )
