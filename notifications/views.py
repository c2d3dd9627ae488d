"""Pages and feeds behind personal tokens. There is no login: the token is the key.

An unknown or revoked token gets the same plain 404 page, which says nothing of which it was. Every answer is
private to its reader (Cache-Control: private) and kept out of search engines (X-Robots-Tag: noindex). The
token is in the path, so nothing here logs the path, and the 404 is kept out of Django's request log.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from notifications.compose import message_language
from notifications.feeds import Feed, person_feed, person_programme_file, programme_items, visit_feed
from notifications.models import PersonalToken
from notifications.tokens import absolute, has_expired, programme_url_of


def _live_token(token: str, purpose: str) -> PersonalToken | None:
    found = (
        PersonalToken.objects.select_related("person", "visit")
        .filter(token=token, purpose=purpose, revoked_at__isnull=True)
        .first()
    )
    return None if found is None or has_expired(found) else found


def _person_token(token: str) -> PersonalToken | None:
    found = _live_token(token, PersonalToken.Purpose.PERSON_FEED)
    return found if found is not None and found.person is not None else None


def _private(response: HttpResponseBase) -> HttpResponseBase:
    # no-cache: kept by the browser, but checked (ETag) before it is shown again; a moved session must show.
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    # Links followed from the page must not carry its address (and token) to other sites.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _not_found(request: HttpRequest) -> HttpResponseBase:
    response = render(
        request, "notifications/not_found.html", {"organizer_email": settings.ORGANIZER_EMAIL}, status=404
    )
    # Django logs each 404 with its path, which holds the token; this one is expected and says nothing new.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return _private(response)


def _calendar(request: HttpRequest, feed: Feed, *, filename: str, download: bool) -> HttpResponseBase:
    etag = quote_etag(feed.etag)
    modified = int(feed.last_modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = HttpResponse(feed.body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    return _private(response)


@require_safe
def person_feed_view(request: HttpRequest, token: str) -> HttpResponseBase:
    found = _person_token(token)
    if found is None or found.person is None:
        return _not_found(request)
    feed = person_feed(found.person, url=programme_url_of(found), now=timezone.now(), since=found.created_at)
    return _calendar(request, feed, filename="visitplan.ics", download=False)


@require_safe
def visit_feed_view(request: HttpRequest, token: str) -> HttpResponseBase:
    found = _live_token(token, PersonalToken.Purpose.VISIT_FEED)
    if found is None or found.visit is None:
        return _not_found(request)
    feed = visit_feed(found.visit, now=timezone.now(), since=found.created_at)
    return _calendar(request, feed, filename="visit.ics", download=False)


@require_safe
def programme_ics_view(request: HttpRequest, token: str) -> HttpResponseBase:
    found = _person_token(token)
    if found is None or found.person is None:
        return _not_found(request)
    feed = person_programme_file(
        found.person, url=programme_url_of(found), now=timezone.now(), since=found.created_at
    )
    return _calendar(request, feed, filename="programme.ics", download=True)


@require_safe
def programme_view(request: HttpRequest, token: str) -> HttpResponseBase:
    """The person's programme page: every session of theirs, in the venue's zone with their own beside it."""
    found = _person_token(token)
    if found is None or found.person is None:
        return _not_found(request)
    person = found.person
    language = message_language(person.preferred_language)
    feed_url = absolute(reverse("notifications:person_feed", args=[found.token]))
    with translation.override(language):
        response = render(
            request,
            "notifications/programme.html",
            {
                "person": person,
                "items": programme_items(person, now=timezone.now()),
                "feed_url": feed_url,
                "subscribe_url": "webcal://" + feed_url.split("://", 1)[-1],
                "ics_url": reverse("notifications:programme_ics", args=[found.token]),
                "organizer_email": settings.ORGANIZER_EMAIL,
            },
        )
    response["Content-Language"] = language
    return _private(response)
