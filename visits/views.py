from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from visits.access import signed_in_required, visits_for_user


@signed_in_required
def home(request: HttpRequest) -> HttpResponse:
    visits = visits_for_user(request.user).select_related("delegation").order_by("starts_on")
    return render(request, "visits/home.html", {"visits": visits})
