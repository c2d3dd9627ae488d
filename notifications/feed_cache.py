"""Feeds that cost little to poll: a validator from one small query, and each event's lines kept.

Calendar programs poll every feed about hourly, and almost always nothing has changed. So:

- The validator (ETag and Last-Modified) comes from one aggregate query over the rows the feed is built from
  (`signature`): how many sessions and which (a count and two sums of their ids, so one leaving, being
  deleted or dropping out of the cancelled-keep window changes it), the sums of their `revision` (raised by
  every save) and SEQUENCE (raised by publishing), the newest `updated_at` of the sessions, their visits,
  venues, hosts and delegations, and the person's answers. Beside it, what the query does not read: the
  person's language, the token, the settings the text shows and this code's own version (`code_digest`).
  Nothing of the feed is built for it. A person's feed keeps its validator beside their feed stamp
  (notifications.feed_polls), so most polls cost neither: only the token's lookup, with the stamp.
- Last-Modified is the moment this server first saw the current signature, kept in the feeds cache beside it
  (`validator`): a signature that changes moves it forward, at least a second past the one before, whatever
  the change was (a row's stamp cannot say when a session left the feed; its absence has no time). When the
  cache has lost it, it is the present: a client then fetches the whole feed once more, never a stale one.
  It is part of the ETag too, since it is every event's DTSTAMP.
- Each VEVENT's serialised lines are kept, without their DTSTAMP line (which the feed puts in as it joins
  them: calendar.event_parts, calendar.assemble_calendar), by a key of everything they are made of: the
  session's row stamp (`row_stamps`: its id, revision, SEQUENCE and the change times of its row, visit,
  venue, host and delegation, read as text in one query), the reader's URL and language, the settings the
  text shows and this code's version (`event_key`). An event is serialised with icalendar once per change,
  not once per poll, and only the sessions whose lines are missing are read whole.

The cache is `CACHES["feeds"]` (settings.FEED_CACHE_URL: Redis shared by every process, or memory in each).
"""

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import icalendar
from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation

from visits.models import Person, Session, VisitStatus
from visits.models.programme import SessionQuerySet
from visits.models.session_people import ExpertResponse, SessionExpert
from visits.wording import reading_language

# Raise when the same rows would give other feed text (a new property, a changed description).
FORMAT: Final = "feeds-1"

EventParts = tuple[bytes, bytes]


@dataclass(frozen=True, slots=True)
class Validator:
    etag: str
    last_modified: dt.datetime


def feed_cache() -> BaseCache:
    return caches["feeds"]


@functools.cache
def code_digest() -> str:
    """This code's version of the feed text: FORMAT, icalendar's version and the compiled translations."""
    digest = hashlib.sha256(f"{FORMAT}|{icalendar.__version__}".encode())
    for folder in sorted(str(path) for path in settings.LOCALE_PATHS):
        for mo in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")):
            digest.update(mo.read_bytes())
    return digest.hexdigest()


def _answer_weight() -> Case:
    """The person's answer on each session as a number, so that a sum moves when one of them does."""
    return Case(
        *(When(response=value, then=Value(index + 1)) for index, value in enumerate(ExpertResponse)),
        default=Value(0),
        output_field=IntegerField(),
    )


def signature(sessions: SessionQuerySet, *, person: Person | None = None) -> dict[str, Any]:
    """One query: what the feed built from these sessions depends on, in the database (see the module)."""
    rows = sessions.order_by()
    totals: dict[str, Any] = {
        "n": Count("id"),
        "ids": Sum("id"),
        "ids2": Sum(F("id") * F("id")),
        "revisions": Sum("revision"),
        "sequences": Sum("sequence"),
        "sessions_at": Max("updated_at"),
        "visits_at": Max("visit__updated_at"),
        "venues_at": Max("venue__updated_at"),
        "hosts_at": Max("host_organisation__updated_at"),
        "delegations_at": Max("visit__delegation__updated_at"),
        # When the first cancelled session was cancelled: it drops out of the feed its keep window later
        # (notifications.feeds.in_feed), with no write to say so (notifications.feed_polls).
        "cancelled_at": Min(
            Case(
                When(status=Session.Status.CANCELLED, then=F("updated_at")),
                When(visit__status=VisitStatus.CANCELLED, then=F("visit__updated_at")),
            )
        ),
    }
    if person is not None:
        # The person's answers, over all their sessions (a change elsewhere only costs a 200): a subquery
        # that does not refer to the sessions, so the database reads it once, by the person's index.
        answers = (
            SessionExpert.objects.filter(person=person)
            .order_by()
            .values("person")
            .annotate(
                sig=Concat(
                    Cast(Count("id"), CharField()),
                    Value("|"),
                    Cast(Sum("answers"), CharField()),
                    Value("|"),
                    Cast(Sum(_answer_weight()), CharField()),
                    Value("|"),
                    Cast(Max("responded_at"), CharField()),
                    output_field=CharField(),
                )
            )
            .values("sig")
        )
        totals["answers"] = Max(Subquery(answers, output_field=CharField()))
    return rows.aggregate(**totals)


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def stamp_key(scope: str) -> str:
    """The cache key of a feed's kept signature and Last-Modified (the scope holds a token: hashed)."""
    return "feed-stamp:" + hashlib.sha256(scope.encode()).hexdigest()[:32]


def shown_settings() -> tuple[object, ...]:
    """The settings a feed's text shows or its rows depend on, and this code's version."""
    return (
        settings.ORGANIZER_EMAIL,
        settings.ORGANIZER_NAME,
        settings.SITE_URL,
        settings.FEED_REFRESH_MINUTES,
        settings.FEED_KEEP_CANCELLED_DAYS,
        code_digest(),
    )


def validator(*, scope: str, signature: Mapping[str, Any], extra: Sequence[object]) -> Validator:
    """The feed's ETag and Last-Modified. `scope` names the feed (its token and kind), `extra` is what the
    text depends on besides `signature`'s rows (language, token, settings)."""
    content = _digest(sorted(signature.items()), tuple(extra), shown_settings())
    key = stamp_key(scope)
    cache = feed_cache()
    kept = cache.get(key)
    if kept is not None and kept[0] == content:
        at: dt.datetime = kept[1]
    else:
        at = timezone.now().replace(microsecond=0)
        if kept is not None:
            at = max(at, kept[1] + dt.timedelta(seconds=1))
        cache.set(key, (content, at), timeout=None)
    return Validator(etag=_digest(content, at.isoformat())[:40], last_modified=at)


@dataclass(frozen=True, slots=True)
class RowStamp:
    """A session of a feed, in its order, by what its event's lines are made of: `stamp` joins the
    session's id, revision, SEQUENCE and the times its row and its visit, venue, host and delegation
    changed."""

    pk: int
    stamp: str
    cancelled: bool


def row_stamps(sessions: SessionQuerySet) -> list[RowStamp]:
    """One query: the feed's sessions in order, each with its row stamp, as text (no model is built)."""
    names = (
        ("id", "created_at", "revision"),
        ("sequence", "updated_at", "visit__updated_at"),
        ("venue__updated_at", "host_organisation__updated_at", "visit__delegation__updated_at"),
    )
    # Three texts of three fields each, joined here: one Concat of all nine nests too deep for SQLite's
    # parser ("parser stack overflow").
    stamps: dict[str, Any] = {}
    for number, group in enumerate(names):
        parts: list[Any] = []
        for name in group:
            parts += [Cast(name, CharField()), Value("|")]
        stamps[f"feed_stamp_{number}"] = Concat(*parts[:-1], output_field=CharField())
    cancelled = Q(status=Session.Status.CANCELLED) | Q(visit__status=VisitStatus.CANCELLED)
    rows = (
        sessions.order_by("starts_at", "id")
        .annotate(**stamps)
        .annotate(feed_cancelled=ExpressionWrapper(cancelled, output_field=BooleanField()))
        .values_list("pk", *stamps, "feed_cancelled")
    )
    return [RowStamp(pk, f"{a}|{b}|{c}", bool(off)) for pk, a, b, c, off in rows]


def event_key(stamp: str, *, method: str, url: str) -> str:
    """The cache key of an event's lines: its row stamp, and what else its text is made of (the method, the
    reader's URL and language, the settings it shows, this code's version)."""
    made_of = (
        stamp,
        method,
        url,
        translation.get_language(),
        reading_language(),  # titles and descriptions are in the reader's own language (visits.wording)
        settings.ORGANIZER_EMAIL,
        settings.ORGANIZER_NAME,
        settings.SITE_URL,
        code_digest(),
    )
    return "feed-event:" + _digest(made_of)


def kept_parts(keys: Sequence[str]) -> dict[str, EventParts]:
    """The kept lines (calendar.event_parts) of these events, by key; missing keys are left out."""
    return feed_cache().get_many(keys)


def keep_parts(parts: Mapping[str, EventParts]) -> None:
    if parts:
        feed_cache().set_many(dict(parts))
