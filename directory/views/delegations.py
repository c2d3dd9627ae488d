"""The directory's front page and the delegations a coordinator may see: list, register, edit, delete."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from directory.forms import DelegationForm
from directory.views.members import members_url
from visits.access import access_delegation, coordinator_required, delegations_for_user
from visits.forms import model_data
from visits.models import Delegation
from visits.services import (
    Refused,
    delegation_register,
    delegation_removal_refusal,
    delegation_remove,
    delegation_update,
)


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


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def delegation_new(request: HttpRequest) -> HttpResponse:
    """Register a delegation; whoever registers it coordinates it, and lands on its (empty) members page."""
    if not request.user.has_perm("visits.add_delegation"):
        raise Http404  # as planner's visit_new: a page one may not use is not there
    form = DelegationForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, form)
    assert isinstance(request.user, User)  # coordinator_required let the request in
    delegation = delegation_register(data=model_data(form), actor=request.user)
    messages.success(request, _("“%(name)s” is registered. Add its members.") % {"name": delegation.name})
    return HttpResponseRedirect(members_url(delegation))


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def delegation_edit(request: HttpRequest, delegation_id: int) -> HttpResponse:
    delegation = access_delegation(request.user, delegation_id)
    form = DelegationForm(request.POST or None, instance=delegation)
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, form, delegation)
    assert isinstance(request.user, User)  # coordinator_required let the request in
    delegation = delegation_update(delegation=delegation, data=model_data(form), actor=request.user)
    messages.success(request, _("“%(name)s” was saved.") % {"name": delegation.name})
    return HttpResponseRedirect(members_url(delegation))


def _form_page(
    request: HttpRequest, form: DelegationForm, delegation: Delegation | None = None
) -> HttpResponse:
    return render(request, "directory/delegation_form.html", {"form": form, "delegation": delegation})


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def delegation_delete(request: HttpRequest, delegation_id: int) -> HttpResponse:
    """Confirm, then delete. A delegation with visits is refused, and the page names them."""
    delegation = access_delegation(request.user, delegation_id)
    if not request.user.has_perm("visits.delete_delegation"):
        raise Http404
    if request.method != "POST":
        context = {
            "delegation": delegation,
            "refusal": delegation_removal_refusal(delegation, user=request.user),
        }
        return render(request, "directory/delegation_delete.html", context)
    assert isinstance(request.user, User)  # coordinator_required let the request in
    try:
        delegation_remove(delegation=delegation, actor=request.user)
    except Refused as refusal:
        messages.error(request, str(refusal))
        return HttpResponseRedirect(members_url(delegation))
    messages.success(
        request,
        _("“%(name)s” was deleted. Its members stay in the directory as people.") % {"name": delegation.name},
    )
    return HttpResponseRedirect(reverse("directory:delegations"))
