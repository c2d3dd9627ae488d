"""Secret, revocable personal tokens, and the links built from them."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from audit import log
from audit.models import Action
from notifications.models import PersonalToken
from visits.models import Person, Visit
from visits.selectors import visits_taking_part


def live_token(purpose: str, **owner: Person | Visit) -> PersonalToken:
    """The owner's live token for the purpose, created on first use (once, even when two ask at once)."""
    live = PersonalToken.objects.filter(purpose=purpose, revoked_at__isnull=True, **owner).first()
    if live is not None:
        return live
    try:
        with transaction.atomic():
            token = PersonalToken.objects.create(purpose=purpose, **owner)
            _audit_created([token])
            return token
    except IntegrityError:  # created by someone else at the same moment
        return PersonalToken.objects.get(purpose=purpose, revoked_at__isnull=True, **owner)


def person_token(person: Person) -> PersonalToken:
    return live_token(PersonalToken.Purpose.PERSON_FEED, person=person)


def person_tokens(people: Iterable[Person]) -> dict[int, PersonalToken]:
    """Live tokens for many people at once (a delivery batch): two or three queries, not one per person."""
    return tokens_of(person.pk for person in people)


def tokens_of(person_ids: Iterable[int]) -> dict[int, PersonalToken]:
    """person_tokens, by the people's ids (a publish, which has their ids only)."""
    ids = set(person_ids)
    live = {
        t.person_id: t
        for t in PersonalToken.objects.filter(
            person_id__in=ids, purpose=PersonalToken.Purpose.PERSON_FEED, revoked_at__isnull=True
        )
        if t.person_id is not None
    }
    missing = ids - set(live)
    if missing:
        wanted = [PersonalToken(person_id=pk, purpose=PersonalToken.Purpose.PERSON_FEED) for pk in missing]
        PersonalToken.objects.bulk_create(wanted, ignore_conflicts=True)  # made by someone else: read below
        made = []
        for token in PersonalToken.objects.filter(
            person_id__in=missing, purpose=PersonalToken.Purpose.PERSON_FEED, revoked_at__isnull=True
        ):
            if token.person_id is not None:
                live[token.person_id] = token
                made.append(token)
        # Ours are those holding the secrets made here; the others were made by someone else, who logged them.
        ours = {token.token for token in wanted}
        _audit_created([token for token in made if token.token in ours])
    return live


def visit_token(visit: Visit) -> PersonalToken:
    return live_token(PersonalToken.Purpose.VISIT_FEED, visit=visit)


def last_day_of(person: Person) -> dt.date | None:
    """The last day of the last visit the person takes part in (visits.selectors.visits_taking_part): as
    expert, interpreter or member of the delegation, whether or not they are on any of its sessions."""
    return visits_taking_part(person).aggregate(last=Max("ends_on"))["last"]


def has_expired(token: PersonalToken, today: dt.date | None = None) -> bool:
    """A person's links stop working some days after their last visit, so old links do not show personal
    data for ever. A visit feed lives as long as its visit is kept. A token read by _usable has its person's
    last day with it (`last_day`); any other is asked."""
    if token.person is None:
        return False
    last = token.last_day if hasattr(token, "last_day") else last_day_of(token.person)
    return past_last_day(last, today)


def past_last_day(last: dt.date | None, today: dt.date | None = None) -> bool:
    """Whether links whose person's last day is `last` have expired (has_expired's rule, for a poll that kept
    the last day: notifications.feed_polls)."""
    if last is None:
        return False
    today = today or timezone.localdate()
    return today > last + dt.timedelta(days=settings.PERSONAL_LINK_DAYS_AFTER_VISIT)


def _usable(key: str, purpose: str) -> PersonalToken | None:
    # The person's last day in the same query (a feed's poll is answered in as few as can be).
    last_day = visits_taking_part(OuterRef(OuterRef("person_id"))).order_by("-ends_on").values("ends_on")[:1]
    found = (
        PersonalToken.objects.select_related("person", "visit")
        .filter(token=key, purpose=purpose, revoked_at__isnull=True)
        .annotate(last_day=Subquery(last_day))
        .first()
    )
    return None if found is None or has_expired(found) else found


def find_person_token(key: str) -> PersonalToken | None:
    """The token pages' access step for a person's page and feeds: the live token `key` names, with its
    person, or None (the page answers 404): unknown, revoked, expired or not a person's."""
    found = _usable(key, PersonalToken.Purpose.PERSON_FEED)
    return found if found is not None and found.person is not None else None


@dataclass(frozen=True, slots=True)
class PolledToken:
    """A live person's token as a poll of their feed reads it: no model built, no expiry (the poll checks
    the last day it kept beside the person's feed stamp with past_last_day)."""

    person_id: int
    created_at: dt.datetime
    language: str
    feed_revision: int  # the person's FeedStamp, 0 before their first


# Written out, not built with the ORM: building this query took most of a poll's time (12 ms against 3 ms
# for the SQL alone, measured under the load of bench/feeds.py's machine), and a poll is nearly all there is
# to a 304. The rule is the ORM's in _usable: a live token (not revoked) of the purpose, with its person.
_POLL_SQL = """
SELECT t.person_id, t.created_at, p.preferred_language, s.revision
FROM notifications_personaltoken t
JOIN visits_person p ON p.id = t.person_id
LEFT JOIN notifications_feedstamp s ON s.person_id = t.person_id
WHERE t.token = %s AND t.purpose = %s AND t.revoked_at IS NULL
"""


def poll_person_token(key: str) -> PolledToken | None:
    """The first half of a feed poll's access step, in one query: the person's live token `key` names, with
    their language and feed stamp, or None (unknown, revoked, not a person's). Expiry is the second half."""
    with connection.cursor() as cursor:
        cursor.execute(_POLL_SQL, [key, PersonalToken.Purpose.PERSON_FEED.value])
        row = cursor.fetchone()
    if row is None:
        return None
    person_id, created_at, language, revision = row
    return PolledToken(person_id, created_at, language, revision or 0)


def find_visit_token(key: str) -> PersonalToken | None:
    """The access step for a visit's feed: the live token `key` names, with its visit, or None (404)."""
    found = _usable(key, PersonalToken.Purpose.VISIT_FEED)
    return found if found is not None and found.visit is not None else None


def token_revoke(*, token: PersonalToken, actor: User | None = None) -> PersonalToken:
    """Revoke a token: its feed and page answer 404 from now on; person_token then makes a new one. `actor`
    is who revokes it (None: the system)."""
    now = timezone.now()
    with transaction.atomic():
        if PersonalToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
            log.record(
                action=Action.CHANGE,
                actor=actor,
                obj=token,
                object_repr=token.get_purpose_display(),
                changes=log.diff({"revoked_at": None}, {"revoked_at": now}),
                visit_id=token.visit_id,
                person_id=token.person_id,
            )
    token.refresh_from_db()
    return token


def _audit_created(tokens: list[PersonalToken]) -> None:
    """Made by the system when a link is first needed; the log names the token's purpose, never its secret."""
    log.record_many(
        log.entry(
            action=Action.CREATE,
            actor=None,
            obj=token,
            object_repr=token.get_purpose_display(),
            changes=log.diff({}, {"purpose": token.purpose}),
            visit_id=token.visit_id,
            person_id=token.person_id,
        )
        for token in tokens
    )


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def programme_url_of(token: PersonalToken) -> str:
    return absolute(reverse("notifications:programme", args=[token.token]))
