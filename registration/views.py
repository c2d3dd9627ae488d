"""The coordinators' pages of a seminar's registration: its settings with the registrants, and the check-in
list for the day, made for a phone. Every view finds its seminar through visits.access (access_seminar)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from booklets.qr import qr_data_uri
from notifications.tokens import absolute, person_tokens, programme_url_of
from registration.forms import RegistrationSettingsForm
from registration.models import ACTIVE, HOLDING, Registration, RegistrationSettings, RegistrationStatus
from registration.services import registration_cancel, registration_check_in, registration_settings_save
from visits.access import access_seminar, actor_of, signed_in_required
from visits.services.base import Refused


@signed_in_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings_view(request: HttpRequest, seminar_id: int) -> HttpResponse:
    visit = access_seminar(request.user, seminar_id)
    current = RegistrationSettings.objects.filter(visit=visit).first()
    initial = {} if current is not None else {"closes_at": visit.window_starts_at}
    with timezone.override(visit.zone):
        form = RegistrationSettingsForm(request.POST or None, instance=current, initial=initial)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    registration_settings_save(
                        visit=visit, data=dict(form.cleaned_data), actor=actor_of(request)
                    )
                except Refused as refused:
                    form.add_error(None, str(refused))
                else:
                    messages.success(request, gettext("The registration settings are saved."))
                    return HttpResponseRedirect(reverse("registration:settings", args=[visit.pk]))
            status = 400
        registrations = list(
            Registration.objects.filter(visit=visit).select_related("person").order_by("created_at", "pk")
        )
        counts = Registration.objects.filter(visit=visit).aggregate(
            holding=Count("pk", filter=Q(status__in=list(HOLDING))),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        )
        context = {
            "visit": visit,
            "page": "registration",
            "form": form,
            "current": current,
            "public_url": absolute(reverse("registration_public:register", args=[current.public_key]))
            if current
            else "",
            "registrations": registrations,
            "counts": counts,
            "zone": visit.time_zone,
            "active": sorted(ACTIVE),
        }
        return render(request, "registration/planner/settings.html", context, status=status)


@signed_in_required
@require_safe
def check_in_view(request: HttpRequest, seminar_id: int) -> HttpResponse:
    """Everyone with a place, to tick as they arrive, each with the QR code of their personal page."""
    visit = access_seminar(request.user, seminar_id)
    registrations = list(
        Registration.objects.filter(visit=visit, status=RegistrationStatus.CONFIRMED)
        .select_related("person")
        .order_by("person__name", "pk")
    )
    tokens = person_tokens(r.person for r in registrations)
    rows = [
        {
            "registration": r,
            "qr": qr_data_uri(programme_url_of(tokens[r.person_id])),
        }
        for r in registrations
    ]
    context = {
        "visit": visit,
        "page": "registration",
        "rows": rows,
        "present": sum(1 for r in registrations if r.checked_in_at),
    }
    return render(request, "registration/planner/check_in.html", context)


@signed_in_required
@require_POST
def check_in_tick(request: HttpRequest, seminar_id: int, registration_id: int) -> HttpResponse:
    visit = access_seminar(request.user, seminar_id)
    registration = Registration.objects.filter(
        visit=visit, pk=registration_id, status=RegistrationStatus.CONFIRMED
    ).first()
    if registration is None:
        raise Http404(gettext("No registrant with that number at this seminar."))
    present = request.POST.get("present")
    if present not in {"yes", "no"}:
        return HttpResponse(
            gettext("present: send “yes” or “no”."), status=400, content_type="text/plain; charset=utf-8"
        )
    registration_check_in(registration=registration, present=present == "yes", actor=actor_of(request))
    return HttpResponseRedirect(
        reverse("registration:check_in", args=[visit.pk]) + f"#registration-{registration.pk}"
    )


@signed_in_required
@require_POST
def registration_cancel_view(request: HttpRequest, seminar_id: int, registration_id: int) -> HttpResponse:
    """A coordinator cancels a registration (the registrant asked by phone, say): as from the registrant's own
    link, a place it held goes to the first waiting, and the registrant is told."""
    visit = access_seminar(request.user, seminar_id)
    registration = (
        Registration.objects.select_related("person", "visit")
        .filter(visit=visit, pk=registration_id, status__in=list(ACTIVE))
        .first()
    )
    if registration is None:
        raise Http404(gettext("No registrant with that number at this seminar."))
    registration_cancel(registration=registration, actor=actor_of(request))
    messages.success(
        request, gettext("The registration of %(name)s is cancelled.") % {"name": registration.person.name}
    )
    return HttpResponseRedirect(reverse("registration:settings", args=[visit.pk]))
