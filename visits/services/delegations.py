"""Writes of delegations and their members. A member is a person (shared with other delegations, found by
e-mail) in a membership; whoever registers a delegation coordinates it, so that it is theirs to fill in
before any visit of it exists. A delegation with visits, and a member on a published programme, stay.
A member of another coordinator's delegation is neither changed nor made a member of one's own
(visits.access.held_by_others), and their e-mail and name change only as `person_update` allows.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, ngettext

from visits.access import held_by_others, visits_for_user
from visits.models import Delegation, DelegationMember, Person
from visits.services.base import Refused, model_create, model_delete, model_update
from visits.services.directory import person_create, person_update


@transaction.atomic
def delegation_register(*, data: Mapping[str, Any], actor: User | None) -> Delegation:
    """A new delegation; whoever registers it coordinates it."""
    delegation = model_create(Delegation, data=data, actor=actor)
    if actor is not None:
        delegation.coordinators.add(actor)
    return delegation


@transaction.atomic
def delegation_update(*, delegation: Delegation, data: Mapping[str, Any], actor: User | None) -> Delegation:
    return model_update(delegation, data=data, actor=actor)


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
def delegation_remove(*, delegation: Delegation, actor: User | None) -> None:
    """Delete a delegation and its memberships (the people stay in the directory), unless it has visits.

    The refusal names the visits the actor coordinates and counts the others."""
    # Lock the row first: a visit being added to it meanwhile (which takes a key-share lock on it on
    # PostgreSQL) then waits for us, instead of slipping in between the check and the delete.
    list(Delegation.objects.select_for_update().filter(pk=delegation.pk).values_list("pk", flat=True))
    refusal = delegation_removal_refusal(delegation, user=actor if actor is not None else AnonymousUser())
    if refusal is not None:
        raise Refused(refusal)
    model_delete(delegation, actor=actor)


def membership_refusal(person: Person, *, actor: User | None) -> str | None:
    """Why the actor may not make this person a member of their delegation (they belong to another
    coordinator's delegation), or None. The other delegation is not named: it is not the actor's to see."""
    if person.pk is None or not Person.objects.filter(pk=person.pk).filter(held_by_others(actor)).exists():
        return None
    return gettext(
        "This person belongs to another coordinator's delegation: ask that delegation's coordinators, or an "
        "agency admin, to add them to yours."
    )


def _refuse_membership(person: Person, *, actor: User | None) -> None:
    refusal = membership_refusal(person, actor=actor)
    if refusal is not None:
        raise ValidationError({"person": ValidationError(refusal, code="not_yours")})


@transaction.atomic
def member_add(
    *,
    delegation: Delegation,
    person: Person | None,
    person_data: Mapping[str, Any],
    membership_data: Mapping[str, Any],
    actor: User | None,
) -> DelegationMember:
    """Make a person a member of the delegation: `person` (an existing one, with `person_data` changed), or
    a new person from `person_data`. A member of another coordinator's delegation is refused (a
    ValidationError on `person`)."""
    if person is not None:
        _refuse_membership(person, actor=actor)
    if person is None:
        person = person_create(data=person_data, actor=actor)
    elif person_data:
        person = person_update(person=person, data=person_data, actor=actor)
    return model_create(
        DelegationMember, data={**membership_data, "delegation": delegation, "person": person}, actor=actor
    )


@transaction.atomic
def member_update(
    *,
    member: DelegationMember,
    person_data: Mapping[str, Any],
    membership_data: Mapping[str, Any],
    actor: User | None,
) -> DelegationMember:
    """Change a member: the person (shared with other delegations) and the membership. A membership moved to
    a member of another coordinator's delegation is refused (a ValidationError on `person`)."""
    person = membership_data.get("person")
    if isinstance(person, Person) and person.pk != member.person_id:
        _refuse_membership(person, actor=actor)
    if person_data:
        person_update(person=member.person, data=person_data, actor=actor)
    return model_update(member, data=membership_data, actor=actor)


def member_is_on_record(member: DelegationMember) -> bool:
    """Whether the member's delegation has a published programme, which keeps its members as a record."""
    return DelegationMember.objects.filter(pk=member.pk).filter(DelegationMember.published_filter()).exists()


@transaction.atomic
def member_remove(*, member: DelegationMember, actor: User | None) -> None:
    """Remove a member from a delegation; the person stays in the directory."""
    if member_is_on_record(member):
        raise Refused(DelegationMember.protected_deletion_message([member]))
    model_delete(member, actor=actor)
