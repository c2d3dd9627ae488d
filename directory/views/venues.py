"""Venues: the list, and one venue with its opening hours and its travel times to other venues."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from directory.forms import TravelTimeForm
from scheduling.models import TravelTime
from scheduling.services import travel_time_remove, travel_time_set
from visits.access import coordinator_required
from visits.models import Venue
from visits.services import Refused


@require_safe
@coordinator_required
def venue_list(request: HttpRequest) -> HttpResponse:
    venues = Venue.objects.select_related("host_organisation").order_by("city", "name", "pk")
    return render(request, "directory/venue_list.html", {"venues": venues})


def _venue_page(request: HttpRequest, venue: Venue, form: TravelTimeForm | None = None) -> HttpResponse:
    pairs = TravelTime.objects.filter(Q(venue_a=venue) | Q(venue_b=venue)).select_related(
        "venue_a", "venue_b"
    )
    # Stored once per pair; shown from this venue's side, whichever of the two it was stored as.
    travel = sorted(
        ((pair.venue_b if pair.venue_a_id == venue.pk else pair.venue_a, pair.minutes) for pair in pairs),
        key=lambda item: (item[0].city, item[0].name),
    )
    context = {
        "venue": venue,
        "opening_hours": venue.opening_hours.order_by("weekday", "opens"),
        "travel": travel,
        "form": form or TravelTimeForm(venue=venue),
    }
    return render(request, "directory/venue_detail.html", context)


def _venue(venue_id: int) -> Venue:
    return get_object_or_404(Venue.objects.select_related("host_organisation"), pk=venue_id)


@require_safe
@coordinator_required
def venue_detail(request: HttpRequest, venue_id: int) -> HttpResponse:
    return _venue_page(request, _venue(venue_id))


@require_POST
@coordinator_required
def travel_time_save(request: HttpRequest, venue_id: int) -> HttpResponse:
    venue = _venue(venue_id)
    form = TravelTimeForm(request.POST, venue=venue)
    if not form.is_valid():
        return _venue_page(request, venue, form)
    other, minutes = form.cleaned_data["other"], form.cleaned_data["minutes"]
    assert isinstance(request.user, User)  # coordinator_required let the request in
    try:
        travel_time_set(venue=venue, other=other, minutes=minutes, actor=request.user)
    except Refused as refusal:
        form.add_error("other", str(refusal))
        return _venue_page(request, venue, form)
    messages.success(
        request,
        _("Travel time between %(venue)s and %(other)s: %(minutes)s minutes, either way.")
        % {"venue": venue, "other": other, "minutes": minutes},
    )
    return HttpResponseRedirect(reverse("directory:venue", args=[venue.pk]))


@require_POST
@coordinator_required
def travel_time_delete(request: HttpRequest, venue_id: int, other_id: int) -> HttpResponse:
    venue = _venue(venue_id)
    other = get_object_or_404(Venue, pk=other_id)
    assert isinstance(request.user, User)  # coordinator_required let the request in
    travel_time_remove(venue=venue, other=other, actor=request.user)
    messages.success(
        request,
        _("The travel time between %(venue)s and %(other)s was removed.") % {"venue": venue, "other": other},
    )
    return HttpResponseRedirect(reverse("directory:venue", args=[venue.pk]))
