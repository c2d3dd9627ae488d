"""Writes of scheduling's own rows: experts' weekly hours and dated exceptions, travel times between venues
and the default ones between cities.
Each service is keyword-only, typed and atomic, and names its `actor` (None: the system)."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from scheduling.models import AvailabilityException, CityTravelTime, ExpertHours, TravelTime
from visits.models import Person, Venue
from visits.services.base import Refused, Writes, model_create, model_delete, model_update


@transaction.atomic
def expert_hours_create(*, data: Mapping[str, Any], actor: User | None) -> ExpertHours:
    return model_create(ExpertHours, data=data, actor=actor)


@transaction.atomic
def expert_hours_update(
    *, expert_hours: ExpertHours, data: Mapping[str, Any], actor: User | None
) -> ExpertHours:
    return model_update(expert_hours, data=data, actor=actor)


@transaction.atomic
def expert_hours_delete(*, expert_hours: ExpertHours, actor: User | None) -> None:
    model_delete(expert_hours, actor=actor)


@transaction.atomic
def expert_weekly_hours_change(
    *,
    person: Person,
    added: Iterable[Mapping[str, Any]],
    changed: Iterable[tuple[ExpertHours, Mapping[str, Any]]],
    removed: Iterable[ExpertHours],
    actor: User | None,
) -> None:
    """Change an expert's weekly hours at once, as their availability page does: all of it, or none."""
    for hours in removed:
        expert_hours_delete(expert_hours=hours, actor=actor)
    for hours, data in changed:
        expert_hours_update(expert_hours=hours, data=data, actor=actor)
    for data in added:
        expert_hours_create(data={**data, "person": person}, actor=actor)


@transaction.atomic
def availability_exception_create(*, data: Mapping[str, Any], actor: User | None) -> AvailabilityException:
    return model_create(AvailabilityException, data=data, actor=actor)


@transaction.atomic
def availability_exception_update(
    *, availability_exception: AvailabilityException, data: Mapping[str, Any], actor: User | None
) -> AvailabilityException:
    return model_update(availability_exception, data=data, actor=actor)


@transaction.atomic
def availability_exception_delete(
    *, availability_exception: AvailabilityException, actor: User | None
) -> None:
    model_delete(availability_exception, actor=actor)


# The services of each, for the front ends that write these rows generically (the API's viewsets, the admin).
EXPERT_HOURS_WRITES = Writes("expert_hours", expert_hours_create, expert_hours_update, expert_hours_delete)
AVAILABILITY_EXCEPTION_WRITES = Writes(
    "availability_exception",
    availability_exception_create,
    availability_exception_update,
    availability_exception_delete,
)


@transaction.atomic
def travel_time_set(*, venue: Venue, other: Venue, minutes: int, actor: User | None) -> TravelTime:
    """Set the minutes between two venues, the same in both directions (stored once per pair)."""
    if venue.pk == other.pk:
        raise Refused(_("A venue needs no travel time to itself."))
    low, high = sorted((venue.pk, other.pk))
    travel_time, _created = TravelTime.objects.update_or_create(
        venue_a_id=low, venue_b_id=high, defaults={"minutes": minutes}
    )
    return travel_time


@transaction.atomic
def travel_time_remove(*, venue: Venue, other: Venue, actor: User | None) -> None:
    low, high = sorted((venue.pk, other.pk))
    TravelTime.objects.filter(venue_a_id=low, venue_b_id=high).delete()


@transaction.atomic
def city_travel_time_create(*, data: Mapping[str, Any], actor: User | None) -> CityTravelTime:
    return model_create(CityTravelTime, data=data, actor=actor)


@transaction.atomic
def city_travel_time_update(
    *, city_travel_time: CityTravelTime, data: Mapping[str, Any], actor: User | None
) -> CityTravelTime:
    return model_update(city_travel_time, data=data, actor=actor)


@transaction.atomic
def city_travel_time_delete(*, city_travel_time: CityTravelTime, actor: User | None) -> None:
    model_delete(city_travel_time, actor=actor)


CITY_TRAVEL_TIME_WRITES = Writes(
    "city_travel_time", city_travel_time_create, city_travel_time_update, city_travel_time_delete
)
