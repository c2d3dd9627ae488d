"""Calendar feeds: a person's private feed of their sessions, and a visit's feed for its coordinators.

A feed is built from the sessions as they are now (METHOD:PUBLISH, no attendees). Its DTSTAMP is the time of
its latest change, not the time of the request, so the same programme gives the same bytes and the ETag (a
hash of them) only moves when something did. A cancelled session stays in the feed, marked cancelled, for
FEED_KEEP_CANCELLED_DAYS after it was cancelled, so that subscribed calendars see it go; then it drops out.
"""

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q
from django.utils import translation
from django.utils.translation import gettext

from notifications import calendar
from notifications.compose import message_language
from notifications.sessions import (
    SessionFacts,
    event_status,
    facts_of_session,
    session_event,
    with_facts,
)
from scheduling.models import ProgrammeVersion
from visits.models import Person, Session, Visit, VisitStatus
from visits.models.programme import SessionQuerySet
from visits.selectors import session_cancelled


@dataclass(frozen=True, slots=True)
class Feed:
    body: bytes
    etag: str
    last_modified: dt.datetime


@dataclass(frozen=True, slots=True)
class ProgrammeItem:
    """One session on a person's programme page."""

    facts: SessionFacts
    when_home: str | None
    is_expert: bool
    is_interpreter: bool

    @property
    def cancelled(self) -> bool:
        return self.facts.status == Session.Status.CANCELLED


def keep_cancelled_since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.FEED_KEEP_CANCELLED_DAYS)


def in_feed(sessions: SessionQuerySet, *, now: dt.datetime) -> SessionQuerySet:
    """The sessions a feed shows: live ones, and cancelled ones until their keep window has passed.

    A session is cancelled when its own status says so (at its updated_at) or its visit was cancelled (at the
    visit's updated_at): visits.selectors.session_cancelled in SQL, with the time each happened.
    """
    since = keep_cancelled_since(now)
    cancelled = Session.Status.CANCELLED
    visit_cancelled = Q(visit__status=VisitStatus.CANCELLED)
    return sessions.filter(
        (~Q(status=cancelled) & ~visit_cancelled)
        | Q(status=cancelled, updated_at__gte=since)
        | (~Q(status=cancelled) & visit_cancelled & Q(visit__updated_at__gte=since))
    )


def person_sessions(person: Person, *, now: dt.datetime) -> SessionQuerySet:
    """The sessions on a person's feed and page: of visits published at least once, drafts never."""
    published = (
        Session.objects.with_person(person)
        .with_roles_of(person)
        .filter(visit__first_published_at__isnull=False)
    )
    return with_facts(in_feed(published, now=now))


def visit_sessions(visit: Visit, *, now: dt.datetime) -> SessionQuerySet:
    """Every session of the visit for its coordinators, drafts included."""
    return with_facts(in_feed(Session.objects.filter(visit=visit), now=now))


def last_modified_of(sessions: Sequence[Session], *, floor: dt.datetime) -> dt.datetime:
    """The latest change among the rows a feed is built from.

    Publishing raises SEQUENCE with an UPDATE that leaves updated_at alone, so the versions' published_at
    counts too. Changes to who is on a session (its through rows) have no timestamp of their own: a client
    that sends If-None-Match sees them at once, one that sends only If-Modified-Since at the next edit.
    """
    moments = [floor]
    for session in sessions:
        moments += [session.updated_at, session.visit.updated_at]
    visit_ids = {session.visit_id for session in sessions}
    if visit_ids:
        published = ProgrammeVersion.objects.filter(visit_id__in=visit_ids).aggregate(at=Max("published_at"))
        if published["at"] is not None:
            moments.append(published["at"])
    return max(moments)


def _feed(sessions: Sequence[Session], *, url: str, name: str, floor: dt.datetime) -> Feed:
    modified = last_modified_of(sessions, floor=floor).replace(microsecond=0)
    events = []
    for session in sessions:
        facts = facts_of_session(session)
        events.append(
            session_event(
                facts,
                sequence=session.sequence,
                status=event_status(facts),
                url=url,
                last_modified=session.updated_at,
            )
        )
    body = calendar.build_calendar(
        events,
        method=calendar.PUBLISH,
        stamp=modified,
        name=name,
        refresh=dt.timedelta(minutes=settings.FEED_REFRESH_MINUTES),
    )
    return Feed(body=body, etag=hashlib.sha256(body).hexdigest()[:40], last_modified=modified)


def person_feed(person: Person, *, url: str, now: dt.datetime, since: dt.datetime) -> Feed:
    """The person's feed in their language. `url` is their programme page; `since` the token's creation."""
    with translation.override(message_language(person.preferred_language)):
        sessions = list(person_sessions(person, now=now))
        return _feed(sessions, url=url, name=gettext("Visitplan: my programme"), floor=since)


def person_programme_file(person: Person, *, url: str, now: dt.datetime, since: dt.datetime) -> Feed:
    """The person's whole programme to download and import: the feed without its cancelled sessions."""
    with translation.override(message_language(person.preferred_language)):
        sessions = [s for s in person_sessions(person, now=now) if not session_cancelled(s)]
        return _feed(sessions, url=url, name=gettext("Visitplan: my programme"), floor=since)


def visit_feed(visit: Visit, *, now: dt.datetime, since: dt.datetime) -> Feed:
    """The visit's feed for its coordinators, in the site's language."""
    with translation.override(message_language(settings.LANGUAGE_CODE)):
        sessions = list(visit_sessions(visit, now=now))
        return _feed(sessions, url="", name=f"Visitplan: {visit.title}", floor=since)


def programme_items(person: Person, *, now: dt.datetime) -> list[ProgrammeItem]:
    """The person's sessions for their programme page, each with the time in their home zone beside it."""
    items = []
    for session in person_sessions(person, now=now):
        facts = facts_of_session(session)
        items.append(
            ProgrammeItem(
                facts=facts,
                when_home=facts.when_in(person.home_time_zone),
                is_expert=bool(getattr(session, "person_is_expert", False)),
                is_interpreter=bool(getattr(session, "person_is_interpreter", False)),
            )
        )
    return items
