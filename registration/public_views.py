"""The public registration page and the registrant's links. No account: the seminar's key, or a signed token.

Opening a page (GET, HEAD) never changes anything: mail scanners open every link in a message. Registering,
cancelling and taking up a place are buttons that POST, with CSRF protection. Posting the form is limited per
client address (config.throttle); a form a robot filled in (the hidden field) is thanked and dropped.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from audit import log
from audit.models import ActorKind
from config.throttle import over_limit
from notifications.compose import message_language
from notifications.views import not_found, private, unlogged
from registration.forms import RegistrationForm
from registration.links import Checked, LinkState, check_cancel, check_offer, offer_deadline_text
from registration.messages import seminar_dates
from registration.models import RegistrationSettings, RegistrationStatus
from registration.services import (
    RegistrationRefused,
    closed_because,
    registration_cancel,
    registration_submit,
    registration_take_up,
)


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponseBase:
    context = {"organizer_email": settings.ORGANIZER_EMAIL, **context}
    response = render(request, template, context, status=status)
    response["Content-Language"] = translation.get_language()
    return private(unlogged(response) if status >= 400 else response, referrer_policy="same-origin")


def _seminar(key: str) -> RegistrationSettings | None:
    if len(key) > 32:
        return None
    return (
        RegistrationSettings.objects.select_related("visit")
        .filter(public_key=key, visit__kind="seminar_abroad")
        .first()
    )


@require_http_methods(["GET", "HEAD", "POST"])
def register_view(request: HttpRequest, key: str) -> HttpResponseBase:
    settings_row = _seminar(key)
    if settings_row is None:
        return not_found(request)
    visit = settings_row.visit
    context: dict[str, Any] = {
        "visit": visit,
        "dates": f"{visit.starts_on:%Y-%m-%d} – {visit.ends_on:%Y-%m-%d}",
    }
    closed = closed_because(settings_row)
    if closed:
        return _page(
            request,
            "registration/public/closed.html",
            {**context, "reason": closed},
            200 if request.method != "POST" else 400,
        )
    if request.method != "POST":
        return _page(request, "registration/public/form.html", {**context, "form": RegistrationForm()})
    if over_limit(
        request,
        "register",
        limit=settings.REGISTRATION_RATE_LIMIT,
        window_seconds=settings.REGISTRATION_RATE_WINDOW_SECONDS,
    ):
        return _page(request, "registration/public/too_many.html", context, 429)
    form = RegistrationForm(request.POST)
    if form.is_robot:
        return redirect("registration_public:sent", key=key)
    if not form.is_valid():
        return _page(request, "registration/public/form.html", {**context, "form": form}, 400)
    try:
        registration_submit(
            settings_row=settings_row, answers=form.answers(message_language(request.LANGUAGE_CODE))
        )
    except RegistrationRefused as refused:
        return _page(request, "registration/public/closed.html", {**context, "reason": str(refused)}, 400)
    return redirect("registration_public:sent", key=key)


@require_safe
def sent_view(request: HttpRequest, key: str) -> HttpResponseBase:
    """The same words whoever registered and however it went: the page confirms nothing about an address."""
    settings_row = _seminar(key)
    if settings_row is None:
        return not_found(request)
    return _page(request, "registration/public/sent.html", {"visit": settings_row.visit})


def _link_problem(request: HttpRequest, checked: Checked) -> HttpResponseBase:
    status = 400 if request.method == "POST" else 200
    registration = checked.registration
    context = {
        "state": checked.state.value,
        "registration": registration,
        "visit": registration.visit if registration else None,
    }
    return _page(request, "registration/public/link_problem.html", context, status)


@require_http_methods(["GET", "HEAD", "POST"])
def cancel_view(request: HttpRequest, token: str) -> HttpResponseBase:
    checked = check_cancel(token)
    registration = checked.registration
    if checked.state is LinkState.INVALID or registration is None:
        return not_found(request)
    with translation.override(message_language(registration.person.preferred_language)):
        if checked.state is not LinkState.VALID:
            if checked.state is LinkState.USED and registration.status == RegistrationStatus.CANCELLED:
                return _page(request, "registration/public/cancelled.html", {"visit": registration.visit})
            return _link_problem(request, checked)
        context = {
            "registration": registration,
            "visit": registration.visit,
            "dates": seminar_dates(registration),
        }
        if request.method != "POST":
            return _page(request, "registration/public/cancel.html", context)
        registration_cancel(
            registration=registration, actor=log.by_link(registration.person, kind=ActorKind.PARTICIPANT_LINK)
        )
        return redirect(request.path)


@require_http_methods(["GET", "HEAD", "POST"])
def offer_view(request: HttpRequest, token: str) -> HttpResponseBase:
    checked = check_offer(token)
    registration = checked.registration
    if checked.state is LinkState.INVALID or registration is None:
        return not_found(request)
    with translation.override(message_language(registration.person.preferred_language)):
        if checked.state is not LinkState.VALID:
            if registration.status == RegistrationStatus.CONFIRMED:
                return _page(request, "registration/public/taken_up.html", {"visit": registration.visit})
            if registration.status == RegistrationStatus.CANCELLED:
                return _page(request, "registration/public/cancelled.html", {"visit": registration.visit})
            return _link_problem(request, checked)
        context = {
            "registration": registration,
            "visit": registration.visit,
            "dates": seminar_dates(registration),
            "deadline": offer_deadline_text(registration),
        }
        if request.method != "POST":
            return _page(request, "registration/public/offer.html", context)
        action = request.POST.get("action")
        if action == "take":
            try:
                registration_take_up(registration=registration)
            except RegistrationRefused:
                return _link_problem(request, Checked(LinkState.EXPIRED, registration))
        elif action == "decline":
            registration_cancel(
                registration=registration,
                actor=log.by_link(registration.person, kind=ActorKind.PARTICIPANT_LINK),
            )
        else:
            context["error"] = gettext("action: choose “take” (take up the place) or “decline”.")
            return _page(request, "registration/public/offer.html", context, 400)
        return redirect(request.path)
