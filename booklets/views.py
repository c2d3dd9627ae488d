"""The coordinators' pages of a visit's printed matter: the booklets (one per person, or the delegation's),
the booklet settings, and (booklets.export_views) the exports and host sheets. Every view finds its visit
through visits.access; what the reader may not see is a 404."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from booklets.content import NotPublished, people_with_booklets, settings_of
from booklets.documents import booklet_filename, delegation_booklet, person_booklet
from booklets.models import BookletSettings
from booklets.pdf import BookletUnavailable, Rendered, unavailable_reason
from booklets.services import booklet_settings_save
from notifications.compose import LANGUAGES
from planner.views import language
from scheduling.models import ProgrammeVersion
from visits.access import access_visit, actor_of, signed_in_required
from visits.models import Visit


class BookletSettingsForm(forms.ModelForm):
    class Meta:
        model = BookletSettings
        fields = ["coordinators_phone", "emergency_phone", "attach_to_programme_email", "send_host_sheets"]


def pdf_response(rendered: Rendered, filename: str) -> HttpResponse:
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def refused(request: HttpRequest, visit: Visit, text: str, status: int) -> HttpResponse:
    return render(request, "booklets/refused.html", {"visit": visit, "text": text}, status=status)


def latest(visit: Visit) -> ProgrammeVersion | None:
    return ProgrammeVersion.objects.filter(visit=visit).defer("snapshot").order_by("-number").first()


@signed_in_required
@require_http_methods(["GET", "HEAD", "POST"])
def index(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Who has a booklet, the links to each, and the visit's booklet settings."""
    visit = access_visit(request.user, visit_id)
    current = settings_of(visit)
    form = BookletSettingsForm(request.POST or None, instance=current)
    if request.method == "POST":
        if form.is_valid():
            booklet_settings_save(visit=visit, actor=actor_of(request), **form.cleaned_data)
            messages.success(request, gettext("The booklet settings are saved."))
            return HttpResponseRedirect(reverse("booklets:index", args=[visit.pk]))
        status = 400
    else:
        status = 200
    version = latest(visit)
    full = ProgrammeVersion.objects.get(pk=version.pk) if version is not None else None
    context = {
        "visit": visit,
        "page": "booklets",
        "form": form,
        "version": version,
        "people": people_with_booklets(visit, full),
        "languages": LANGUAGES,
        "unavailable": unavailable_reason(),
    }
    return render(request, "booklets/index.html", context, status=status)


@signed_in_required
@require_safe
def delegation_pdf(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The whole delegation's booklet, in `?lang=` (en or sv; the reader's interface language without it)."""
    visit = access_visit(request.user, visit_id)
    wanted = request.GET.get("lang", language().split("-")[0])
    if wanted not in LANGUAGES:
        text = gettext("lang: “%(value)s” is not a booklet language. Choose one of: %(choices)s.") % {
            "value": wanted,
            "choices": ", ".join(LANGUAGES),
        }
        return refused(request, visit, text, 400)
    try:
        rendered = delegation_booklet(visit, language=wanted)
    except NotPublished as error:
        return refused(request, visit, str(error), 409)
    except BookletUnavailable as error:
        return refused(request, visit, str(error), 503)
    name = visit.delegation.name if visit.delegation is not None else gettext("delegation")
    return pdf_response(rendered, booklet_filename(visit, f"{name}-{wanted}"))


@signed_in_required
@require_safe
def person_pdf(request: HttpRequest, visit_id: int, person_id: int) -> HttpResponse:
    """One person's booklet, in their language, as their page gives it."""
    visit = access_visit(request.user, visit_id)
    version = latest(visit)
    full = ProgrammeVersion.objects.get(pk=version.pk) if version is not None else None
    person = next((p for p in people_with_booklets(visit, full) if p.pk == person_id), None)
    if person is None:
        raise Http404(gettext("No one with that number takes part in this visit."))
    try:
        rendered = person_booklet(visit, person, version=full)
    except NotPublished as error:
        return refused(request, visit, str(error), 409)
    except BookletUnavailable as error:
        return refused(request, visit, str(error), 503)
    return pdf_response(rendered, booklet_filename(visit, person.name))


LANGUAGE_LABELS = {"en": _("English"), "sv": _("Swedish")}
