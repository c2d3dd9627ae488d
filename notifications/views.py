"""Pages and feeds behind personal tokens. There is no login: the token is the key.

An unknown or revoked token gets the same plain 404 page, which says nothing of which it was. Every answer is
private to its reader (Cache-Control: private) and kept out of search engines (X-Robots-Tag: noindex). The
token is in the path, so nothing here logs the path, and the 404 is kept out of Django's request log.

The programme page shows what other apps register for it (notifications.programme_sections): participation
adds the forms on which a participant answers each session and gives their needs. Reading the page never
writes.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from notifications.compose import written_for
from notifications.feed_cache import Validator
from notifications.feed_polls import poll_person_feed
from notifications.feeds import (
    person_feed,
    person_feed_validator,
    person_programme_file,
    programme_items,
    visit_feed,
    visit_feed_validator,
)
from notifications.models import PersonalToken
from notifications.programme_sections import programme_sections
from notifications.tokens import absolute, find_person_token, find_visit_token, programme_url_of
from visits.models import Person


def private(response: HttpResponseBase, *, referrer_policy: str = "no-referrer") -> HttpResponseBase:
    # no-cache: kept by the browser, but checked (ETag) before it is shown again; a moved session must show.
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    # Links followed from the page must not carry its address (and token) to other sites. A page with forms
    # says "same-origin": under "no-referrer" browsers send its POSTs with "Origin: null", which Django's CSRF
    # check refuses; "same-origin" still sends nothing to other sites.
    response["Referrer-Policy"] = referrer_policy
    return response


def unlogged(response: HttpResponseBase) -> HttpResponseBase:
    # Django logs each 4xx with its path, which holds the token; these are expected and say nothing new.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def not_found(request: HttpRequest) -> HttpResponseBase:
    response = render(
        request, "notifications/not_found.html", {"organizer_email": settings.ORGANIZER_EMAIL}, status=404
    )
    return private(unlogged(response))


def _validated(validator: Validator) -> tuple[str, int]:
    return quote_etag(validator.etag), int(validator.last_modified.timestamp())


def _not_modified(request: HttpRequest, validator: Validator) -> HttpResponseBase | None:
    """The 304 when the client has the feed `validator` describes already, else None."""
    etag, modified = _validated(validator)
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    return None if response is None else _headed(response, validator)


def _headed(response: HttpResponseBase, validator: Validator) -> HttpResponseBase:
    etag, modified = _validated(validator)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    return private(response)


def _calendar(
    request: HttpRequest,
    validator: Validator,
    build: Callable[[dt.datetime], bytes],
    *,
    filename: str,
    download: bool,
) -> HttpResponseBase:
    """A 304 from the validator alone when the client has the feed already; else the feed `build` makes,
    whose DTSTAMPs are the validator's Last-Modified."""
    not_modified = _not_modified(request, validator)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(build(validator.last_modified), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    return _headed(response, validator)


def _person_calendar(
    request: HttpRequest,
    key: str,
    build: Callable[[Person, str, dt.datetime, dt.datetime], bytes],
    *,
    kind: str,
    filename: str,
) -> HttpResponseBase:
    """A person's feed or programme file. A poll is answered from the token and the person's feed stamp
    when what was kept beside the stamp still holds (notifications.feed_polls); anything else takes the
    whole access step (find_person_token) first, and works the validator out again if it was not kept."""
    now = timezone.now()
    poll = poll_person_feed(key, kind=kind, now=now)
    if poll.validator is not None:
        not_modified = _not_modified(request, poll.validator)
        if not_modified is not None:
            return not_modified
    found = find_person_token(key)
    if found is None or found.person is None:
        return not_found(request)
    person, url = found.person, programme_url_of(found)
    return _calendar(
        request,
        poll.validator or person_feed_validator(found, now=now, kind=kind, poll=poll),
        lambda stamp: build(person, url, now, stamp),
        filename=filename,
        download=kind == "file",
    )


@require_safe
def person_feed_view(request: HttpRequest, token: str) -> HttpResponseBase:
    return _person_calendar(
        request,
        token,
        lambda person, url, now, stamp: person_feed(person, url=url, now=now, stamp=stamp),
        kind="feed",
        filename="visitplan.ics",
    )


@require_safe
def visit_feed_view(request: HttpRequest, token: str) -> HttpResponseBase:
    found = find_visit_token(token)
    if found is None or found.visit is None:
        return not_found(request)
    visit, now = found.visit, timezone.now()
    return _calendar(
        request,
        visit_feed_validator(found, now=now),
        lambda stamp: visit_feed(visit, now=now, stamp=stamp),
        filename="visit.ics",
        download=False,
    )


@require_safe
def programme_ics_view(request: HttpRequest, token: str) -> HttpResponseBase:
    return _person_calendar(
        request,
        token,
        lambda person, url, now, stamp: person_programme_file(person, url=url, now=now, stamp=stamp),
        kind="file",
        filename="programme.ics",
    )


def programme_page(
    request: HttpRequest,
    found: PersonalToken,
    person: Person,
    *,
    bound: Form | None = None,
    status: int = 200,
) -> HttpResponseBase:
    """The programme page in the active language, with the sections other apps add to it
    (notifications.programme_sections); `bound` is a submitted form for them to show with its errors."""
    feed_url = absolute(reverse("notifications:person_feed", args=[found.token]))
    context: dict[str, Any] = {
        "person": person,
        "feed_url": feed_url,
        "subscribe_url": "webcal://" + feed_url.split("://", 1)[-1],
        "ics_url": reverse("notifications:programme_ics", args=[found.token]),
        "organizer_email": settings.ORGANIZER_EMAIL,
    }
    for section in programme_sections():
        context.update(section(request, found, person, bound))
    if "rows" not in context:
        context["rows"] = [{"item": item} for item in programme_items(person, now=timezone.now())]
    response = render(request, "notifications/programme.html", context, status=status)
    response["Content-Language"] = translation.get_language()
    return private(unlogged(response) if status >= 400 else response, referrer_policy="same-origin")


@require_safe
def programme_view(request: HttpRequest, token: str) -> HttpResponseBase:
    """The person's programme page: every session of theirs, in the venue's zone with their own beside it."""
    found = find_person_token(token)
    if found is None or found.person is None:
        return not_found(request)
    with written_for(found.person.preferred_language):
        return programme_page(request, found, found.person)
