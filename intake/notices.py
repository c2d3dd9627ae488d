"""The requester's e-mails: received, asked for more (with the link to answer), accepted, declined. Composed
when sent, in the language the requester chose (notifications.compose sets it from the row). And the
coordinators' notice that a request waits for triage, to their mailbox."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from intake.models import RequestNote, RequestStatus, VisitRequest
from intake.services import NOTICE, WAITING
from intake.tokens import make_token
from notifications.models import OutboxMessage
from notifications.notices import Composed, ComposeError

__all__ = ["NOTICE", "WAITING", "compose_coordinators_notice", "compose_request_notice"]


def _subject(step: str, visit_request: VisitRequest) -> str:
    subjects = {
        "received": gettext("We have received your request for a study visit"),
        "more": gettext("Your request for a study visit: we need more information"),
        "accepted": gettext("Your request for a study visit is accepted"),
        "declined": gettext("Your request for a study visit"),
    }
    return f"{subjects[step]} ({visit_request.organisation})"


def answer_url(visit_request: VisitRequest) -> str:
    """Where the requester adds what was asked; a link that works while the question is open."""
    token = make_token(visit_request)
    return settings.SITE_URL + reverse("intake:more", args=[visit_request.pk, token])


def compose_request_notice(message: OutboxMessage) -> Composed:
    payload = message.payload or {}
    step, request_id, note_id = payload.get("step"), payload.get("request"), payload.get("note")
    visit_request = (
        VisitRequest.objects.filter(pk=request_id).prefetch_related("themes").first()
        if isinstance(request_id, int)
        else None
    )
    if visit_request is None or step not in {"received", "more", "accepted", "declined"}:
        raise ComposeError(f"Outbox message {message.pk}: no request {request_id!r} or step {step!r}")
    note = RequestNote.objects.filter(pk=note_id, request=visit_request).first() if note_id else None
    url = (
        answer_url(visit_request)
        if step == "more" and visit_request.status == RequestStatus.MORE_ASKED
        else ""
    )
    context = {
        "step": step,
        "request": visit_request,
        "note": note.text if note is not None else "",
        "answer_url": url,
        "link_days": settings.INTAKE_LINK_DAYS,
        "organizer_name": settings.ORGANIZER_NAME,
        "organizer_email": settings.ORGANIZER_EMAIL,
    }
    return Composed(
        subject=_subject(step, visit_request),
        text=render_to_string("intake/email/request.txt", context),
        html=render_to_string("intake/email/request.html", context),
    )


def compose_coordinators_notice(message: OutboxMessage) -> Composed:
    payload = message.payload or {}
    step, request_id = payload.get("step"), payload.get("request")
    visit_request = (
        VisitRequest.objects.filter(pk=request_id).first() if isinstance(request_id, int) else None
    )
    if visit_request is None or step not in {"new", "answered"}:
        raise ComposeError(f"Outbox message {message.pk}: no request {request_id!r} or step {step!r}")
    if step == "new":
        subject = gettext("New request for a study visit: %(organisation)s") % {
            "organisation": visit_request.organisation
        }
    else:
        subject = gettext("A requester has answered: %(organisation)s") % {
            "organisation": visit_request.organisation
        }
    context = {
        "step": step,
        "request": visit_request,
        "triage_url": settings.SITE_URL + reverse("intake_triage:detail", args=[visit_request.pk]),
    }
    return Composed(
        subject=subject,
        text=render_to_string("intake/email/coordinators.txt", context),
        html=render_to_string("intake/email/coordinators.html", context),
    )
