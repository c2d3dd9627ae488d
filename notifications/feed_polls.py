"""A poll of a person's feed answered from one indexed query and one cache read, however big the feed.

A person's feed is their feed stamp's to vouch for: PostgreSQL triggers give the person a new revision
whenever anything their feed shows, or their token's expiry reads, is written (notifications.models.FeedStamp,
the feed_stamps migration). So once a poll has worked out the feed's validator the slower way (its signature:
notifications.feed_cache), it keeps it in the feeds cache beside what it was worked out from: the revision it
read first, the person's language, the settings and code the text depends on, the person's last day (their
token's expiry) and the moment the next cancelled session drops out of the feed (time alone changes that).
A later poll reads the token with the person's revision (`tokens.poll_person_token`) and the kept entry; while
they agree, it is answered without the signature.

The revision is read before the signature, so a write that lands between the two leaves a kept entry that
is newer than its revision says, never older: the next poll works it out again. Without the triggers
(SQLite) nothing is kept and every poll is answered the slower way.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from notifications.feed_cache import Validator, feed_cache, shown_settings, stamp_key
from notifications.tokens import PolledToken, past_last_day, poll_person_token


@dataclass(frozen=True, slots=True)
class Poll:
    """What a poll read first: the token (None: unknown, revoked or not read) and, when it was kept, the
    feed's validator."""

    scope: str
    token: PolledToken | None
    validator: Validator | None = None


@dataclass(frozen=True, slots=True)
class _Kept:
    revision: int
    made_of: str  # the person's language, the settings the text shows, this code's version
    validator: Validator
    last_day: dt.date | None
    until: dt.datetime | None  # when the next cancelled session drops out of the feed


def kept_polls() -> bool:
    """Whether the database keeps feed stamps (PostgreSQL's triggers)."""
    return connection.vendor == "postgresql"


def _made_of(token: PolledToken) -> str:
    return hashlib.sha256(repr((token.language, shown_settings())).encode()).hexdigest()


def _key(scope: str) -> str:
    return stamp_key(f"poll:{scope}")


def poll_person_feed(key: str, *, kind: str, now: dt.datetime) -> Poll:
    """The poll of a person's feed (`kind` "feed") or programme file ("file") by token `key`: with the
    validator when what was kept still holds and the token has not expired."""
    scope = f"{kind}:{key}"
    if not kept_polls():
        return Poll(scope, None)
    token = poll_person_token(key)
    if token is None:
        return Poll(scope, None)
    kept = feed_cache().get(_key(scope))
    if (
        isinstance(kept, _Kept)
        and kept.revision == token.feed_revision
        and kept.made_of == _made_of(token)
        and (kept.until is None or now < kept.until)
        and not past_last_day(kept.last_day, timezone.localdate(now))
    ):
        return Poll(scope, token, kept.validator)
    return Poll(scope, token)


def keep_poll(
    poll: Poll, validator: Validator, *, last_day: dt.date | None, until: dt.datetime | None
) -> None:
    """Keep the validator worked out for this poll, under the revision the poll read before it."""
    if poll.token is None:
        return
    kept = _Kept(poll.token.feed_revision, _made_of(poll.token), validator, last_day, until)
    feed_cache().set(_key(poll.scope), kept, timeout=None)
