"""What the conflict checker reads and remembers: experts' hours, availability exceptions, travel times, and
the warnings a coordinator has acknowledged.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from scheduling.models import (
    AvailabilityException,
    CityTravelTime,
    ConflictAcknowledgement,
    ExpertHours,
    TravelTime,
)
from scheduling.services import (
    AVAILABILITY_EXCEPTION_WRITES,
    CITY_TRAVEL_TIME_WRITES,
    EXPERT_HOURS_WRITES,
    travel_time_remove,
    travel_time_set,
)
from visits.access import actor_of
from visits.admin import DomainAdmin
from visits.admin.base import ServiceWritesAdmin, adopt

# Experts' hours and exceptions, and travel times, are written through scheduling.services, as the directory
# and the API write them.


@admin.register(ExpertHours)
class ExpertHoursAdmin(ServiceWritesAdmin, DomainAdmin):
    writes = EXPERT_HOURS_WRITES
    list_display = ["person", "weekday", "starts", "ends"]
    list_filter = ["weekday"]
    list_select_related = ["person"]
    search_fields = ["person__name", "person__email"]
    autocomplete_fields = ["person"]


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(ServiceWritesAdmin, DomainAdmin):
    writes = AVAILABILITY_EXCEPTION_WRITES
    list_display = ["__str__", "kind", "starts_on", "ends_on", "starts", "ends", "note"]
    list_filter = ["kind"]
    list_select_related = ["person", "venue"]
    search_fields = ["person__name", "venue__name", "note"]
    autocomplete_fields = ["person", "venue"]
    date_hierarchy = "starts_on"


@admin.register(TravelTime)
class TravelTimeAdmin(DomainAdmin):
    list_display = ["venue_a", "venue_b", "minutes"]
    list_select_related = ["venue_a", "venue_b"]
    search_fields = ["venue_a__name", "venue_b__name"]
    autocomplete_fields = ["venue_a", "venue_b"]

    def save_model(self, request: HttpRequest, obj: TravelTime, form: Any, change: bool) -> None:
        actor = actor_of(request)
        if change:
            was = TravelTime.objects.select_related("venue_a", "venue_b").get(pk=obj.pk)
            if {was.venue_a_id, was.venue_b_id} != {obj.venue_a_id, obj.venue_b_id}:
                # Moved to another pair of venues: the old pair has no travel time set any more.
                travel_time_remove(venue=was.venue_a, other=was.venue_b, actor=actor)
        adopt(obj, travel_time_set(venue=obj.venue_a, other=obj.venue_b, minutes=obj.minutes, actor=actor))

    def delete_model(self, request: HttpRequest, obj: TravelTime) -> None:
        travel_time_remove(venue=obj.venue_a, other=obj.venue_b, actor=actor_of(request))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for travel_time in queryset:
            self.delete_model(request, travel_time)


@admin.register(CityTravelTime)
class CityTravelTimeAdmin(ServiceWritesAdmin, DomainAdmin):
    writes = CITY_TRAVEL_TIME_WRITES
    list_display = ["city_a", "city_b", "minutes"]
    search_fields = ["city_a", "city_b"]


@admin.register(ConflictAcknowledgement)
class ConflictAcknowledgementAdmin(DomainAdmin):
    list_display = ["message", "visit", "acknowledged_by", "acknowledged_at"]
    list_select_related = ["visit", "acknowledged_by"]
    search_fields = ["message", "key", "visit__title"]
    autocomplete_fields = ["visit"]
    readonly_fields = ["acknowledged_at"]
