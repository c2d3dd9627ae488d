"""Pages and feeds behind personal tokens. There is no login: the token is the key.

An unknown or revoked token gets the same plain 404 page, which says nothing of which it was. Every answer is
private to its reader (Cache-Control: private) and kept out of search engines (X-Robots-Tag: noindex). The
token is in the path, so nothing here logs the path, and the 404 is kept out of Django's request log.

On the programme page a participant answers each session and gives their needs (participation). Reading the
page never writes: the forms POST to their own addresses, which answer with a redirect back to the page
(POST/redirect/GET) and a confirmation, or with a 400 that says what was refused.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from notifications.compose import message_language
from notifications.feeds import (
    Feed,
    ProgrammeItem,
    person_feed,
    person_programme_file,
    programme_items,
    visit_feed,
)
from notifications.models import PersonalToken
from notifications.tokens import absolute, has_expired, programme_url_of
from participation.forms import AnswerForm, NeedsForm
from participation.selectors import needs_visits, participant_answers
from participation.services import CannotAnswer, attendance_answer, needs_save
from visits.models import Person, Session


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


def _private(response: HttpResponseBase, *, referrer_policy: str = "no-referrer") -> HttpResponseBase:
    # no-cache: kept by the browser, but checked (ETag) before it is shown again; a moved session must show.
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    # Links followed from the page must not carry its address (and token) to other sites. A page with forms
    # says "same-origin": under "no-referrer" browsers send its POSTs with "Origin: null", which Django's CSRF
    # check refuses; "same-origin" still sends nothing to other sites.
    response["Referrer-Policy"] = referrer_policy
    return response


def _unlogged(response: HttpResponseBase) -> HttpResponseBase:
    # Django logs each 4xx with its path, which holds the token; these are expected and say nothing new.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _not_found(request: HttpRequest) -> HttpResponseBase:
    response = render(
        request, "notifications/not_found.html", {"organizer_email": settings.ORGANIZER_EMAIL}, status=404
    )
    return _private(_unlogged(response))


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


@dataclass(frozen=True)
class ProgrammeRow:
    """A session on the programme page, with the person's answer and whether they may give one now."""

    item: ProgrammeItem
    answer: str | None
    may_answer: bool


def _programme_page(
    request: HttpRequest, found: PersonalToken, person: Person, *, bound: NeedsForm | None = None
) -> HttpResponseBase:
    """The programme page in the active language; `bound` replaces its visit's needs form (with errors)."""
    now = timezone.now()
    said = participant_answers(person, now=now)
    rows = [
        ProgrammeRow(
            item=item,
            answer=said.answers.get(item.facts.id),
            may_answer=item.facts.id in said.open_sessions and not item.cancelled,
        )
        for item in programme_items(person, now=now)
    ]
    needs_forms = [
        bound
        if bound is not None and bound.needs_visit.pk == entry.visit.pk
        else NeedsForm(visit=entry.visit, initial=NeedsForm.initial_from(entry.needs))
        for entry in said.visits
    ]
    feed_url = absolute(reverse("notifications:person_feed", args=[found.token]))
    response = render(
        request,
        "notifications/programme.html",
        {
            "person": person,
            "rows": rows,
            "needs_forms": needs_forms,
            "answer_url": reverse("notifications:programme_answer", args=[found.token]),
            "needs_url": reverse("notifications:programme_needs", args=[found.token]),
            "feed_url": feed_url,
            "subscribe_url": "webcal://" + feed_url.split("://", 1)[-1],
            "ics_url": reverse("notifications:programme_ics", args=[found.token]),
            "organizer_email": settings.ORGANIZER_EMAIL,
        },
        status=400 if bound is not None else 200,
    )
    response["Content-Language"] = translation.get_language()
    return _private(_unlogged(response) if bound is not None else response, referrer_policy="same-origin")


@require_safe
def programme_view(request: HttpRequest, token: str) -> HttpResponseBase:
    """The person's programme page: every session of theirs, in the venue's zone with their own beside it."""
    found = _person_token(token)
    if found is None or found.person is None:
        return _not_found(request)
    with translation.override(message_language(found.person.preferred_language)):
        return _programme_page(request, found, found.person)


PersonView = Callable[[HttpRequest, PersonalToken, Person], HttpResponseBase]


def _post_by_person(view: PersonView) -> Callable[[HttpRequest, str], HttpResponseBase]:
    """POST only, behind a live person token, in the person's language."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponseBase:
        if request.method != "POST":
            # Not require_POST: it would log the path, token and all.
            response = HttpResponse(status=405)
            response["Allow"] = "POST"
            return _private(_unlogged(response))
        found = _person_token(token)
        if found is None or found.person is None:
            return _not_found(request)
        with translation.override(message_language(found.person.preferred_language)):
            return view(request, found, found.person)

    return wrapper


def _refused(request: HttpRequest, found: PersonalToken, reasons: list[str]) -> HttpResponseBase:
    response = render(
        request,
        "participation/refused.html",
        {
            "reasons": reasons,
            "programme_url": reverse("notifications:programme", args=[found.token]),
            "organizer_email": settings.ORGANIZER_EMAIL,
        },
        status=400,
    )
    response["Content-Language"] = translation.get_language()
    return _private(_unlogged(response))


def _back_to_page(found: PersonalToken, anchor: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(reverse("notifications:programme", args=[found.token]) + f"#{anchor}")
    _private(response)
    return response


@_post_by_person
def programme_answer_view(request: HttpRequest, found: PersonalToken, person: Person) -> HttpResponseBase:
    """One session's answer: attending or not. Refused (400) for a session that is not theirs to answer."""
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            found,
            [f"{name}: {error}" for name, errors in form.errors.items() for error in errors],
        )
    session = Session.objects.filter(pk=form.cleaned_data["session"]).first()
    if session is None:
        return _refused(request, found, [gettext("session: this is not a session on your programme.")])
    try:
        attendance_answer(person=person, session=session, attending=form.cleaned_data["attending"])
    except CannotAnswer as refused:
        return _refused(request, found, [str(refused)])
    if form.cleaned_data["attending"]:
        said = gettext("Saved: you will attend “%(session)s”.")
    else:
        said = gettext("Saved: you will not attend “%(session)s”.")
    messages.success(request, said % {"session": session.title})
    return _back_to_page(found, f"session-{session.pk}")


@_post_by_person
def programme_needs_view(request: HttpRequest, found: PersonalToken, person: Person) -> HttpResponseBase:
    """The person's needs for one visit. Errors are shown on the page, on the fields they concern."""
    visit_id = request.POST.get("visit", "")
    entry = next(
        (e for e in needs_visits(person, today=timezone.localdate()) if str(e.visit.pk) == visit_id),
        None,
    )
    if entry is None:
        return _refused(
            request, found, [gettext("visit: this is not a visit whose needs you can give at the moment.")]
        )
    form = NeedsForm(request.POST, visit=entry.visit)
    if form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if name != "visit"}
        try:
            needs_save(person=person, visit=entry.visit, **values)
        except CannotAnswer as refused:
            return _refused(request, found, [str(refused)])
        except ValidationError as invalid:
            form.add_error(None, invalid)
    if not form.is_valid():
        return _programme_page(request, found, person, bound=form)
    messages.success(
        request,
        gettext("Saved: the coordinators now know your needs for “%(visit)s”.")
        % {"visit": entry.visit.title},
    )
    return _back_to_page(found, f"needs-{entry.visit.pk}")
