"""A participant's answers on their programme page (notifications:programme), behind their personal token.

The page shows the forms through the section this app registers (programme_section, registered in
ParticipationConfig.ready): an answer for each session and the needs for each visit. Reading the page never
writes: the forms POST to their own addresses, which answer with a redirect back to the page
(POST/redirect/GET) and a confirmation, or with a 400 that says what was refused.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications.compose import written_for
from notifications.feeds import ProgrammeItem, programme_items
from notifications.models import PersonalToken
from notifications.tokens import find_person_token
from notifications.views import not_found, private, programme_page, unlogged
from participation.forms import AnswerForm, NeedsForm
from participation.selectors import needs_visits, participant_answers
from participation.services import CannotAnswer, needs_save, participant_answer_record
from visits.models import Person, Session
from visits.wording import in_language


@dataclass(frozen=True)
class ProgrammeRow:
    """A session on the programme page, with the person's answer and whether they may give one now."""

    item: ProgrammeItem
    answer: str | None
    may_answer: bool


def programme_section(
    request: HttpRequest, found: PersonalToken, person: Person, bound: Form | None
) -> dict[str, Any]:
    """The answer and needs forms on the programme page; a bound NeedsForm replaces its visit's own, so that
    its errors show."""
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
        if isinstance(bound, NeedsForm) and bound.needs_visit.pk == entry.visit.pk
        else NeedsForm(visit=entry.visit, initial=NeedsForm.initial_from(entry.needs))
        for entry in said.visits
    ]
    return {
        "rows": rows,
        "needs_forms": needs_forms,
        "answer_url": reverse("participation:programme_answer", args=[found.token]),
        "needs_url": reverse("participation:programme_needs", args=[found.token]),
        "session_template": "participation/programme_session.html",
        "sections_template": "participation/programme_sections.html",
    }


PersonView = Callable[[HttpRequest, PersonalToken, Person], HttpResponseBase]


def _post_by_person(view: PersonView) -> Callable[[HttpRequest, str], HttpResponseBase]:
    """POST only, behind a live person token, in the person's language."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponseBase:
        if request.method != "POST":
            # Not require_POST: it would log the path, token and all.
            response = HttpResponse(status=405)
            response["Allow"] = "POST"
            return private(unlogged(response))
        found = find_person_token(token)
        if found is None or found.person is None:
            return not_found(request)
        with written_for(found.person.preferred_language):
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
    return private(unlogged(response))


def _back_to_page(found: PersonalToken, anchor: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(reverse("notifications:programme", args=[found.token]) + f"#{anchor}")
    private(response)
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
        participant_answer_record(person=person, session=session, attending=form.cleaned_data["attending"])
    except CannotAnswer as refused:
        return _refused(request, found, [str(refused)])
    if form.cleaned_data["attending"]:
        said = gettext("Saved: you will attend “%(session)s”.")
    else:
        said = gettext("Saved: you will not attend “%(session)s”.")
    messages.success(request, said % {"session": in_language(session, "title")})
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
        return programme_page(request, found, person, bound=form, status=400)
    messages.success(
        request,
        gettext("Saved: the coordinators now know your needs for “%(visit)s”.")
        % {"visit": in_language(entry.visit, "title")},
    )
    return _back_to_page(found, f"needs-{entry.visit.pk}")
