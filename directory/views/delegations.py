"""The directory's front page and the delegations a coordinator may see."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from directory.access import coordinator_required, delegations_for_user


@require_safe
@coordinator_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/index.html")


@require_safe
@coordinator_required
def delegation_list(request: HttpRequest) -> HttpResponse:
    delegations = (
        delegations_for_user(request.user).annotate(member_count=Count("members")).order_by("name", "pk")
    )
    return render(request, "directory/delegation_list.html", {"delegations": delegations})
