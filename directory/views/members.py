"""A delegation's members: list, add, edit, remove."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from directory.forms import MembershipForm, PersonForm
from participation.services import member_needs_set
from visits import services
from visits.access import access_delegation, access_member, coordinator_required
from visits.fields import language_name
from visits.forms import model_data
from visits.models import Delegation, DelegationMember
from visits.selectors import person_with_email
from visits.services import Refused, member_is_on_record, member_remove, member_update, membership_refusal


def members_url(delegation: Delegation) -> str:
    return reverse("directory:members", args=[delegation.pk])


@require_safe
@coordinator_required
def member_list(request: HttpRequest, delegation_id: int) -> HttpResponse:
    delegation = access_delegation(request.user, delegation_id)
    # The needs are participation's, read in the same query (the template reads them as the member's).
    members = (
        delegation.members.select_related("person", "person__organisation")
        .annotate(dietary_needs=F("needs__dietary_note"), accessibility_needs=F("needs__accessibility_note"))
        .order_by("role", "person__name", "pk")
    )
    rows = [(member, ", ".join(language_name(code) for code in member.languages)) for member in members]
    return render(request, "directory/member_list.html", {"delegation": delegation, "rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def member_add(request: HttpRequest, delegation_id: int) -> HttpResponse:
    delegation = access_delegation(request.user, delegation_id)
    if request.method != "POST":
        return _form_page(request, delegation, PersonForm(reader=request.user), MembershipForm())
    # People are shared: an address already in the directory adds that person, with the details given here.
    existing = person_with_email(request.POST.get("email", ""))
    person_form = PersonForm(request.POST, instance=existing, reader=request.user)
    membership_form = MembershipForm(request.POST)
    valid = person_form.is_valid() & membership_form.is_valid()
    if existing is not None and delegation.members.filter(person=existing).exists():
        person_form.add_error(
            "email",
            _("%(person)s is already a member of this delegation; edit their membership instead.")
            % {"person": existing.name},
        )
        valid = False
    assert isinstance(request.user, User)  # coordinator_required let the request in
    refusal = membership_refusal(existing, actor=request.user) if existing is not None else None
    if refusal is not None:
        person_form.add_error("email", refusal)
        valid = False
    if not valid:
        return _form_page(request, delegation, person_form, membership_form)
    try:
        with transaction.atomic():
            member = services.member_add(  # this view has the service's name
                delegation=delegation,
                person=existing,
                person_data=model_data(person_form),
                membership_data=model_data(membership_form),
                actor=request.user,
            )
            member_needs_set(member=member, notes=membership_form.needs_data(), actor=request.user)
    except ValidationError as refused:
        person_form.add_error(None, _on_person_form(refused))
        return _form_page(request, delegation, person_form, membership_form)
    if existing is not None:
        messages.success(
            request,
            _("%(person)s was already in the directory (matched by e-mail) and is now a member.")
            % {"person": member.person.name},
        )
    else:
        messages.success(request, _("%(person)s was added.") % {"person": member.person.name})
    return HttpResponseRedirect(members_url(delegation))


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def member_edit(request: HttpRequest, delegation_id: int, member_id: int) -> HttpResponse:
    delegation = access_delegation(request.user, delegation_id)
    member = access_member(request.user, delegation, member_id)
    if request.method != "POST":
        person_form = PersonForm(instance=member.person, reader=request.user)
        return _form_page(request, delegation, person_form, MembershipForm(instance=member), member)
    person_form = PersonForm(request.POST, instance=member.person, reader=request.user)
    membership_form = MembershipForm(request.POST, instance=member)
    if not (person_form.is_valid() & membership_form.is_valid()):
        return _form_page(request, delegation, person_form, membership_form, member)
    assert isinstance(request.user, User)  # coordinator_required let the request in
    try:
        with transaction.atomic():
            member_update(
                member=member,
                person_data=model_data(person_form),
                membership_data=model_data(membership_form),
                actor=request.user,
            )
            member_needs_set(member=member, notes=membership_form.needs_data(), actor=request.user)
    except ValidationError as refused:
        # Another coordinator's person: their e-mail and name stay (visits.access.may_redirect_mail).
        member.person.refresh_from_db()
        person_form.add_error(None, _on_person_form(refused))
        return _form_page(request, delegation, person_form, membership_form, member)
    messages.success(request, _("%(person)s was saved.") % {"person": member.person.name})
    return HttpResponseRedirect(members_url(delegation))


def _on_person_form(refused: ValidationError) -> ValidationError:
    """A service's refusal as errors of the person form, which names the person by their e-mail."""
    return ValidationError(
        {("email" if name == "person" else name): errors for name, errors in refused.error_dict.items()}
    )


def _form_page(
    request: HttpRequest,
    delegation: Delegation,
    person_form: PersonForm,
    membership_form: MembershipForm,
    member: DelegationMember | None = None,
) -> HttpResponse:
    context = {
        "delegation": delegation,
        "member": member,
        "person_form": person_form,
        "membership_form": membership_form,
    }
    return render(request, "directory/member_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def member_remove_view(request: HttpRequest, delegation_id: int, member_id: int) -> HttpResponse:
    delegation = access_delegation(request.user, delegation_id)
    member = access_member(request.user, delegation, member_id)
    if request.method != "POST":
        context = {"delegation": delegation, "member": member, "on_record": member_is_on_record(member)}
        return render(request, "directory/member_remove.html", context)
    assert isinstance(request.user, User)  # coordinator_required let the request in
    try:
        member_remove(member=member, actor=request.user)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("%(person)s is no longer a member of %(delegation)s.")
            % {"person": member.person.name, "delegation": delegation.name},
        )
    return HttpResponseRedirect(members_url(delegation))
