"""The experts' directory and each expert's availability: weekly hours and dated exceptions.

Times are wall-clock times in the expert's home time zone, and every one is labelled with it.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from directory.forms import AvailabilityExceptionForm, BaseExpertHoursFormSet, ExpertHoursFormSet
from scheduling.directory import experts
from scheduling.models import AvailabilityException
from scheduling.services import (
    availability_exception_create,
    availability_exception_delete,
    expert_weekly_hours_change,
)
from visits.access import access_person, coordinator_required, visible_people
from visits.forms import model_data
from visits.models import Person

EXPERTS_PER_PAGE = 25


def search_filter(query: str) -> Q:
    """Name or organisation contains the query, in any case. SQLite folds the case of ASCII letters only, so
    the query's usual capitalisations are asked for too: "åklagar" finds "Åklagarmyndigheten"."""
    condition = Q()
    for variant in {query, query.lower(), query.upper(), query.capitalize(), query.title()}:
        condition |= Q(name__icontains=variant) | Q(organisation__name__icontains=variant)
    return condition


@require_safe
@coordinator_required
def expert_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    # A member of another coordinator's delegation only is not listed, even at a host organisation.
    found = (
        experts().filter(visible_people(request.user)).select_related("organisation").order_by("name", "pk")
    )
    if query:
        found = found.filter(search_filter(query))
    page = Paginator(found, EXPERTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "directory/expert_list.html", {"page": page, "query": query})


def _availability_url(person: Person) -> str:
    return reverse("directory:expert_availability", args=[person.pk])


def _availability_page(
    request: HttpRequest, person: Person, *, hours: Any = None, exception_form: Any = None
) -> HttpResponse:
    zone = person.home_time_zone
    context = {
        "person": person,
        "zone": zone,
        "hours": hours if hours is not None else ExpertHoursFormSet(person=person),
        "exceptions": AvailabilityException.objects.filter(person=person).order_by("starts_on", "starts"),
        "exception_form": exception_form
        if exception_form is not None
        else AvailabilityExceptionForm(zone=zone, prefix="exception"),
    }
    return render(request, "directory/expert_availability.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def expert_availability(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_person(request.user, person_id)
    if request.method != "POST":
        return _availability_page(request, person)
    hours = ExpertHoursFormSet(request.POST, person=person)
    if not hours.is_valid():
        return _availability_page(request, person, hours=hours)
    assert isinstance(request.user, User)  # coordinator_required let the request in
    assert isinstance(hours, BaseExpertHoursFormSet)
    added, changed, removed = hours.changes()
    expert_weekly_hours_change(
        person=person, added=added, changed=changed, removed=removed, actor=request.user
    )
    messages.success(request, _("The weekly hours of %(person)s were saved.") % {"person": person.name})
    return HttpResponseRedirect(_availability_url(person))


@require_POST
@coordinator_required
def exception_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_person(request.user, person_id)
    form = AvailabilityExceptionForm(
        request.POST,
        zone=person.home_time_zone,
        prefix="exception",
        instance=AvailabilityException(person=person),
    )
    if not form.is_valid():
        return _availability_page(request, person, exception_form=form)
    assert isinstance(request.user, User)  # coordinator_required let the request in
    availability_exception_create(data={**model_data(form), "person": person}, actor=request.user)
    messages.success(request, _("The exception was added."))
    return HttpResponseRedirect(_availability_url(person))


@require_POST
@coordinator_required
def exception_remove(request: HttpRequest, person_id: int, exception_id: int) -> HttpResponse:
    person = access_person(request.user, person_id)
    exception = get_object_or_404(AvailabilityException, pk=exception_id, person=person)
    assert isinstance(request.user, User)  # coordinator_required let the request in
    availability_exception_delete(availability_exception=exception, actor=request.user)
    messages.success(request, _("The exception was removed."))
    return HttpResponseRedirect(_availability_url(person))
