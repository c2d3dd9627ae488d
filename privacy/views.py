"""The coordinators' pages for personal data, beside the directory: one person's (export, erase), and the
list of what is due for erasure and what is left of past visits. Who may see whom is visits.access."""

import json

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from privacy.models import Erasure
from privacy.selectors import erasures_ahead, past_visits, retention
from privacy.services import erasure_preview, erasure_refusal, person_erase, person_export, reach_refusal
from visits.access import (
    access_personal_data,
    coordinator_required,
    delegations_for_user,
    members_for_user,
    personal_data_for_user,
)
from visits.models import Visit
from visits.services import Refused


def person_url(person_id: int) -> str:
    return reverse("privacy:person", args=[person_id])


@require_safe
@coordinator_required
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    people = personal_data_for_user(request.user)
    visits = Visit.objects.filter(delegation__in=delegations_for_user(request.user))
    context = {
        "today": today,
        "retention_days": retention().days,
        "ahead": erasures_ahead(people, today),
        "past_visits": past_visits(visits, people, today),
        "erasures": Erasure.objects.filter(person__in=people).select_related("person", "erased_by")[:50],
    }
    return render(request, "privacy/overview.html", context)


@require_safe
@coordinator_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    subject = access_personal_data(request.user, person_id)
    memberships = (
        members_for_user(request.user).filter(person=subject).select_related("delegation").order_by("pk")
    )
    context = {
        "person": subject,
        "memberships": memberships,
        "erasure": Erasure.objects.filter(person=subject).select_related("erased_by").first(),
        "export_refusal": reach_refusal(subject, user=request.user),
        "refusal": erasure_refusal(subject, user=request.user),
    }
    return render(request, "privacy/person.html", context)


@require_safe
@coordinator_required
def export(request: HttpRequest, person_id: int) -> HttpResponse:
    subject = access_personal_data(request.user, person_id)
    refusal = reach_refusal(subject, user=request.user)
    if refusal is not None:
        messages.error(request, refusal)
        return HttpResponseRedirect(person_url(subject.pk))
    body = json.dumps(person_export(subject), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{subject.pk}.json"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def erase(request: HttpRequest, person_id: int) -> HttpResponse:
    subject = access_personal_data(request.user, person_id)
    if request.method != "POST":
        context = {
            "person": subject,
            "refusal": erasure_refusal(subject, user=request.user),
            "what_goes": erasure_preview(subject),
        }
        return render(request, "privacy/erase.html", context)
    assert isinstance(request.user, User)  # coordinator_required let the request in
    try:
        person_erase(person=subject, actor=request.user)
    except Refused as refusal:
        messages.error(request, str(refusal))
        return HttpResponseRedirect(reverse("privacy:erase", args=[subject.pk]))
    # Not named: the message is kept in the session until shown, and the name is what just went.
    messages.success(request, _("Their personal data was erased."))
    return HttpResponseRedirect(person_url(subject.pk))
