"""Writes of the directory. Keyword-only, typed and atomic."""

from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.forms import DelegationForm, MembershipForm, PersonForm
from scheduling.models import TravelTime
from visits.access import visits_for_user
from visits.models import Delegation, DelegationMember, Venue


class Refused(Exception):
    """A write the domain refuses; the message says why, in words a coordinator can act on."""


class SavesDelegation(Protocol):
    """A valid form or serializer of a delegation: DelegationForm, or the API's DelegationSerializer."""

    def save(self) -> Any: ...


@transaction.atomic
def delegation_register(*, form: SavesDelegation, actor: User) -> Delegation:
    """Save a new delegation from a valid form (or API serializer); whoever registers it coordinates it, so
    that it is theirs to fill in before any visit of it exists."""
    delegation: Delegation = form.save()
    delegation.coordinators.add(actor)
    return delegation


@transaction.atomic
def delegation_update(*, form: DelegationForm) -> Delegation:
    delegation: Delegation = form.save()
    return delegation


def delegation_removal_refusal(delegation: Delegation, *, user: User | AnonymousUser) -> str | None:
    """Why the delegation cannot be deleted (it has visits), or None if it can. Of its visits, only those the
    user coordinates are named; the others are counted."""
    count = delegation.visits.count()
    if not count:
        return None
    titles = list(
        delegation.visits.filter(pk__in=visits_for_user(user).values("pk"))
        .order_by("starts_on", "pk")
        .values_list("title", flat=True)[:3]
    )
    named = ", ".join(f"“{title}”" for title in titles) + (", …" if count > len(titles) else "")
    if not titles:
        return ngettext(
            "“%(delegation)s” cannot be deleted: it is the delegation of a visit that another coordinator "
            "coordinates.",
            "“%(delegation)s” cannot be deleted: it is the delegation of %(count)d visits that other "
            "coordinators coordinate.",
            count,
        ) % {"delegation": delegation.name, "count": count}
    return ngettext(
        "“%(delegation)s” cannot be deleted: it is the delegation of the visit %(titles)s. Delete "
        "that visit or give it another delegation first.",
        "“%(delegation)s” cannot be deleted: it is the delegation of %(count)d visits (%(titles)s). "
        "Delete those visits or give them another delegation first.",
        count,
    ) % {"delegation": delegation.name, "count": count, "titles": named}


@transaction.atomic
def delegation_remove(*, delegation: Delegation, user: User | AnonymousUser) -> None:
    """Delete a delegation and its memberships (the people stay in the directory), unless it has visits."""
    # Lock the row first: a visit being added to it meanwhile (which takes a key-share lock on it on
    # PostgreSQL) then waits for us, instead of slipping in between the check and the delete.
    list(Delegation.objects.select_for_update().filter(pk=delegation.pk).values_list("pk", flat=True))
    refusal = delegation_removal_refusal(delegation, user=user)
    if refusal is not None:
        raise Refused(refusal)
    delegation.delete()


@transaction.atomic
def member_save(
    *, delegation: Delegation, person_form: PersonForm, membership_form: MembershipForm
) -> DelegationMember:
    """Save a member from valid forms: the person (shared with other delegations) and the membership."""
    person = person_form.save()
    member: DelegationMember = membership_form.save(commit=False)
    member.delegation = delegation
    member.person = person
    member.save()
    return member


def member_is_on_record(member: DelegationMember) -> bool:
    """Whether the member's delegation has a published programme, which keeps its members as a record."""
    return DelegationMember.objects.filter(pk=member.pk).filter(DelegationMember.published_filter()).exists()


@transaction.atomic
def member_remove(*, member: DelegationMember) -> None:
    """Remove a member from a delegation; the person stays in the directory."""
    if member_is_on_record(member):
        raise Refused(DelegationMember.protected_deletion_message([member]))
    member.delete()


@transaction.atomic
def travel_time_set(*, venue: Venue, other: Venue, minutes: int) -> TravelTime:
    """Set the minutes between two venues, the same in both directions (stored once per pair)."""
    if venue.pk == other.pk:
        raise Refused(_("A venue needs no travel time to itself."))
    low, high = sorted((venue.pk, other.pk))
    travel_time, _created = TravelTime.objects.update_or_create(
        venue_a_id=low, venue_b_id=high, defaults={"minutes": minutes}
    )
    return travel_time


@transaction.atomic
def travel_time_remove(*, venue: Venue, other: Venue) -> None:
    low, high = sorted((venue.pk, other.pk))
    TravelTime.objects.filter(venue_a_id=low, venue_b_id=high).delete()
