"""Writes of the shared directory: organisations, people, venues and their opening hours. They are shared
between coordinators on purpose (one expert serves many visits). Deleting one that a programme needs is
refused by the database's protection, which says why.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from visits.models import OpeningHours, Organisation, Person, Venue
from visits.services.base import Writes, model_create, model_delete, model_update


@transaction.atomic
def organisation_create(*, data: Mapping[str, Any], actor: User | None) -> Organisation:
    return model_create(Organisation, data=data, actor=actor)


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, data: Mapping[str, Any], actor: User | None
) -> Organisation:
    return model_update(organisation, data=data, actor=actor)


@transaction.atomic
def organisation_delete(*, organisation: Organisation, actor: User | None) -> None:
    model_delete(organisation, actor=actor)


@transaction.atomic
def person_create(*, data: Mapping[str, Any], actor: User | None) -> Person:
    return model_create(Person, data=data, actor=actor)


@transaction.atomic
def person_update(*, person: Person, data: Mapping[str, Any], actor: User | None) -> Person:
    return model_update(person, data=data, actor=actor)


@transaction.atomic
def person_delete(*, person: Person, actor: User | None) -> None:
    model_delete(person, actor=actor)


@transaction.atomic
def venue_create(*, data: Mapping[str, Any], actor: User | None) -> Venue:
    return model_create(Venue, data=data, actor=actor)


@transaction.atomic
def venue_update(*, venue: Venue, data: Mapping[str, Any], actor: User | None) -> Venue:
    return model_update(venue, data=data, actor=actor)


@transaction.atomic
def venue_delete(*, venue: Venue, actor: User | None) -> None:
    model_delete(venue, actor=actor)


@transaction.atomic
def opening_hours_create(*, data: Mapping[str, Any], actor: User | None) -> OpeningHours:
    return model_create(OpeningHours, data=data, actor=actor)


@transaction.atomic
def opening_hours_update(
    *, opening_hours: OpeningHours, data: Mapping[str, Any], actor: User | None
) -> OpeningHours:
    return model_update(opening_hours, data=data, actor=actor)


@transaction.atomic
def opening_hours_delete(*, opening_hours: OpeningHours, actor: User | None) -> None:
    model_delete(opening_hours, actor=actor)


# The services of each, for the front ends that write these rows generically (the API's viewsets, the admin).
ORGANISATION_WRITES = Writes("organisation", organisation_create, organisation_update, organisation_delete)
PERSON_WRITES = Writes("person", person_create, person_update, person_delete)
VENUE_WRITES = Writes("venue", venue_create, venue_update, venue_delete)
OPENING_HOURS_WRITES = Writes(
    "opening_hours", opening_hours_create, opening_hours_update, opening_hours_delete
)
