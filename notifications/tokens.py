"""Secret, revocable personal tokens, and the links built from them."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import PersonalToken
from visits.models import Person, Visit


def person_token(person: Person) -> PersonalToken:
    """The person's live token, created on first use."""
    live = PersonalToken.objects.filter(
        person=person, purpose=PersonalToken.Purpose.PERSON_FEED, revoked_at__isnull=True
    ).first()
    if live is not None:
        return live
    try:
        with transaction.atomic():
            return PersonalToken.objects.create(person=person, purpose=PersonalToken.Purpose.PERSON_FEED)
    except IntegrityError:  # created by someone else at the same moment
        return PersonalToken.objects.get(
            person=person, purpose=PersonalToken.Purpose.PERSON_FEED, revoked_at__isnull=True
        )


def visit_token(visit: Visit) -> PersonalToken:
    live = PersonalToken.objects.filter(
        visit=visit, purpose=PersonalToken.Purpose.VISIT_FEED, revoked_at__isnull=True
    ).first()
    if live is not None:
        return live
    try:
        with transaction.atomic():
            return PersonalToken.objects.create(visit=visit, purpose=PersonalToken.Purpose.VISIT_FEED)
    except IntegrityError:
        return PersonalToken.objects.get(
            visit=visit, purpose=PersonalToken.Purpose.VISIT_FEED, revoked_at__isnull=True
        )


def token_revoke(*, token: PersonalToken) -> PersonalToken:
    """Revoke a token: its feed and page answer 404 from now on; person_token then makes a new one."""
    PersonalToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def programme_page_url(person: Person) -> str:
    return absolute(reverse("notifications:programme", args=[person_token(person).token]))


def person_feed_url(person: Person) -> str:
    return absolute(reverse("notifications:person_feed", args=[person_token(person).token]))


def visit_feed_url(visit: Visit) -> str:
    return absolute(reverse("notifications:visit_feed", args=[visit_token(visit).token]))
