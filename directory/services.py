"""Writes of the directory. Keyword-only, typed and atomic."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.forms import MembershipForm, PersonForm
from scheduling.models import TravelTime
from visits.models import Delegation, DelegationMember, Venue


class Refused(Exception):
    """A write the domain refuses; the message says why, in words a coordinator can act on."""


@transaction.atomic
def delegation_remove(*, delegation: Delegation) -> None:
    """Delete a delegation and its memberships (the people stay in the directory), unless it has visits."""
    titles = list(delegation.visits.order_by("starts_on", "pk").values_list("title", flat=True)[:4])
    if titles:
        count = delegation.visits.count()
        raise Refused(
            ngettext(
                "“%(delegation)s” cannot be deleted: it is the delegation of the visit %(titles)s. Delete "
                "that visit or give it another delegation first.",
                "“%(delegation)s” cannot be deleted: it is the delegation of %(count)d visits (%(titles)s). "
                "Delete those visits or give them another delegation first.",
                count,
            )
            % {
                "delegation": delegation.name,
                "count": count,
                "titles": ", ".join(f"“{title}”" for title in titles[:3]) + (", …" if count > 3 else ""),
            }
        )
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
