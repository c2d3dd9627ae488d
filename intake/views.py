"""The public pages (no account): asking for a study visit, and answering a coordinator's question through
the link of their e-mail. Both are rate-limited per address, size-limited, and save before any e-mail."""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from config import throttle
from config.signin import client_address
from intake.forms import HONEYPOT, AnswerForm, RequestForm
from intake.models import RequestStatus, VisitRequest
from intake.services import InvalidRequestMove, request_answer, request_submit
from intake.tokens import check_token

log = logging.getLogger(__name__)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """The answer to a post that is too large or one too many from its address, or None to go on. Counted
    before the body is read, so a flood costs a cache increment each."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.INTAKE_MAX_BODY_BYTES:
        message = gettext(
            "What you sent is too large (at most %(kb)d KB). Shorten the longest texts and send it again."
        ) % {"kb": settings.INTAKE_MAX_BODY_BYTES // 1024}
        return render(request, "intake/refused.html", {"message": message}, status=413)
    if not throttle.hit(
        "intake",
        client_address(request),
        limit=settings.INTAKE_RATE_LIMIT,
        window_seconds=settings.INTAKE_RATE_WINDOW_SECONDS,
    ):
        minutes = max(1, settings.INTAKE_RATE_WINDOW_SECONDS // 60)
        message = gettext(
            "Too many requests have been sent from your address. Please try again in %(minutes)d minutes, "
            "or write to %(email)s."
        ) % {"minutes": minutes, "email": settings.ORGANIZER_EMAIL}
        response = render(request, "intake/refused.html", {"message": message}, status=429)
        response["Retry-After"] = str(settings.INTAKE_RATE_WINDOW_SECONDS)
        return response
    return None


@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        refused = _refusal(request)
        if refused is not None:
            return refused
        form = RequestForm(request.POST)
        if request.POST.get(HONEYPOT):
            # A bot filled the field people do not see: it is told what a person is told, and nothing is kept.
            log.info("A request for a visit was dropped: its honeypot field was filled")
            return redirect("intake:thanks")
        if form.is_valid():
            request_submit(
                data=form.request_data(),
                themes=form.cleaned_data["themes"],
                submission=form.cleaned_data["submission"],
            )
            return redirect("intake:thanks")
        status = 400
    else:
        form = RequestForm()
        status = 200
    context = {"form": form, "retention_days": settings.INTAKE_RETENTION_DAYS}
    return render(request, "intake/request_form.html", context, status=status)


@require_http_methods(["GET"])
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/thanks.html", {})


@require_http_methods(["GET", "POST"])
def more(request: HttpRequest, request_id: int, token: str) -> HttpResponse:
    """The requester's answer to "tell us more". GET shows the form and changes nothing (a mail scanner
    that follows the link does no harm); only the POST saves, and moves the request back to triage."""
    if request.method == "POST":
        refused = _refusal(request)
        if refused is not None:
            return refused
    visit_request = VisitRequest.objects.filter(pk=request_id, erased_at__isnull=True).first()
    if visit_request is None or not check_token(visit_request, token):
        return render(
            request,
            "intake/link_dead.html",
            {"organizer_email": settings.ORGANIZER_EMAIL},
            status=404,
        )
    question = (
        visit_request.notes.filter(step=RequestStatus.MORE_ASKED).order_by("-created_at", "-pk").first()
    )
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                request_answer(visit_request=visit_request, text=form.cleaned_data["text"])
            except InvalidRequestMove:  # decided meanwhile: the link has done its job
                return render(
                    request,
                    "intake/link_dead.html",
                    {"organizer_email": settings.ORGANIZER_EMAIL},
                    status=404,
                )
            return render(request, "intake/thanks.html", {"answered": True})
        status = 400
    else:
        form = AnswerForm()
        status = 200
    context = {
        "form": form,
        "question": question.text if question else "",
        "organisation": visit_request.organisation,
    }
    return render(request, "intake/more.html", context, status=status)
