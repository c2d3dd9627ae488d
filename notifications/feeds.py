"""Calendar feeds: a person's private feed of their sessions, and a visit's feed for its coordinators.

A feed is built from the sessions as they are now (METHOD:PUBLISH, no attendees). Its DTSTAMP is the time of
its latest change (its Last-Modified), not the time of the request, so the same programme gives the same
bytes. A poll is answered from one small query, and a feed is joined from each event's kept lines, not
serialised again: notifications.feed_cache. A cancelled session stays in the feed, marked cancelled, for
FEED_KEEP_CANCELLED_DAYS after it was cancelled, so that subscribed calendars see it go; then it drops out.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext

from notifications import calendar
from notifications.calendar import CalendarEvent
from notifications.compose import written_for
from notifications.feed_cache import (
    Validator,
    event_key,
    keep_parts,
    kept_parts,
    row_stamps,
    signature,
    validator,
)
from notifications.feed_polls import Poll, keep_poll
from notifications.models import PersonalToken
from notifications.sessions import (
    SessionFacts,
    event_status,
    facts_of_session,
    session_event,
    with_facts,
)
from notifications.tokens import last_day_of
from visits.models import Person, Session, Visit, VisitStatus
from visits.models.programme import SessionQuerySet
from visits.wording import in_language, language_of


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


def _person_rows(person: Person, *, now: dt.datetime) -> SessionQuerySet:
    published = Session.objects.with_person(person).filter(visit__first_published_at__isnull=False)
    return in_feed(published, now=now)


def person_sessions(person: Person, *, now: dt.datetime) -> SessionQuerySet:
    """The sessions on a person's feed and page: of visits published at least once, drafts never."""
    return with_facts(_person_rows(person, now=now).with_roles_of(person))


def _visit_rows(visit: Visit, *, now: dt.datetime) -> SessionQuerySet:
    return in_feed(Session.objects.filter(visit=visit), now=now)


def visit_sessions(visit: Visit, *, now: dt.datetime) -> SessionQuerySet:
    """Every session of the visit for its coordinators, drafts included."""
    return with_facts(_visit_rows(visit, now=now))


# --- Validators: answering a poll without building the feed (notifications.feed_cache) -------------------


def person_feed_validator(
    token: PersonalToken, *, now: dt.datetime, kind: str = "feed", poll: Poll | None = None
) -> Validator:
    """ETag and Last-Modified of the person's feed (`kind` "feed") or programme file ("file"): one query.
    Kept for the next `poll` (notifications.feed_polls), with the token's last day (tokens._usable read it)
    and when the first cancelled session in the feed drops out."""
    person = token.person
    assert person is not None
    rows = signature(_person_rows(person, now=now), person=person)
    found = validator(
        scope=f"{kind}:{token.token}",
        signature=rows,
        # The person's own language, not only the one the feed's sentences are in: titles are in it.
        extra=(kind, token.token, token.created_at, language_of(person.preferred_language)),
    )
    if poll is not None:
        cancelled_at = rows["cancelled_at"]
        until = None if cancelled_at is None else cancelled_at + (now - keep_cancelled_since(now))
        last_day = token.last_day if hasattr(token, "last_day") else last_day_of(person)
        keep_poll(poll, found, last_day=last_day, until=until)
    return found


def visit_feed_validator(token: PersonalToken, *, now: dt.datetime) -> Validator:
    """ETag and Last-Modified of the visit's feed, from one query."""
    visit = token.visit
    assert visit is not None
    return validator(
        scope=f"visit:{token.token}",
        signature=signature(_visit_rows(visit, now=now)),
        extra=(
            "visit",
            token.token,
            token.created_at,
            visit.title,
            visit.title_translations,
            visit.updated_at,
            settings.LANGUAGE_CODE,
        ),
    )


def _events(sessions: Sequence[Session], *, url: str) -> list[CalendarEvent]:
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
    return events


def _feed(rows: SessionQuerySet, *, url: str, name: str, stamp: dt.datetime, cancelled: bool = True) -> bytes:
    """The calendar, joined from each event's kept lines (notifications.feed_cache): one query for the
    sessions' ids and row stamps, and the whole rows only of sessions whose lines are not kept. Without
    `cancelled`, cancelled sessions are left out."""
    method = calendar.PUBLISH
    stamps = row_stamps(rows)
    if not cancelled:
        stamps = [row for row in stamps if not row.cancelled]
    keys = {row.pk: event_key(row.stamp, method=method, url=url) for row in stamps}
    parts = kept_parts(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in parts]
    if missing:
        made = {
            keys[event.pk]: calendar.event_parts(event.event, method=method)
            for event in _missing_events(missing, url=url)
        }
        keep_parts(made)
        parts |= made
    return calendar.assemble_calendar(
        (parts[keys[row.pk]] for row in stamps),
        method=method,
        stamp=stamp,
        name=name,
        refresh=dt.timedelta(minutes=settings.FEED_REFRESH_MINUTES),
    )


@dataclass(frozen=True, slots=True)
class _Made:
    pk: int
    event: CalendarEvent


def _missing_events(ids: Sequence[int], *, url: str) -> list[_Made]:
    sessions = list(with_facts(Session.objects.filter(pk__in=ids)))
    return [_Made(s.pk, e) for s, e in zip(sessions, _events(sessions, url=url), strict=True)]


def person_feed(person: Person, *, url: str, now: dt.datetime, stamp: dt.datetime) -> bytes:
    """The person's feed in their language. `url` is their programme page; `stamp` every event's DTSTAMP
    (the validator's Last-Modified)."""
    with written_for(person.preferred_language):
        rows = _person_rows(person, now=now)
        return _feed(rows, url=url, name=gettext("Visitplan: my programme"), stamp=stamp)


def person_programme_file(person: Person, *, url: str, now: dt.datetime, stamp: dt.datetime) -> bytes:
    """The person's whole programme to download and import: the feed without its cancelled sessions."""
    with written_for(person.preferred_language):
        rows = _person_rows(person, now=now)
        return _feed(rows, url=url, name=gettext("Visitplan: my programme"), stamp=stamp, cancelled=False)


def visit_feed(visit: Visit, *, now: dt.datetime, stamp: dt.datetime) -> bytes:
    """The visit's feed for its coordinators, in the site's language."""
    with written_for(settings.LANGUAGE_CODE):
        rows = _visit_rows(visit, now=now)
        return _feed(rows, url="", name=f"Visitplan: {in_language(visit, 'title')}", stamp=stamp)


def feed_events(rows: SessionQuerySet, *, url: str) -> list[CalendarEvent]:
    """The events a feed of these rows shows, built afresh (tests compare the joined feed with them)."""
    return _events(list(with_facts(rows)), url=url)


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
