from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from visits.selectors import visits_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    visits = visits_for_user(request.user).select_related("delegation").order_by("starts_on")
    return render(request, "visits/home.html", {"visits": visits})
