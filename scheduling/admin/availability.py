"""What the conflict checker reads and remembers: experts' hours, availability exceptions, travel times, and
the warnings a coordinator has acknowledged.
"""

from django.contrib import admin

from scheduling.models import (
    AvailabilityException,
    CityTravelTime,
    ConflictAcknowledgement,
    ExpertHours,
    TravelTime,
)
from visits.admin import DomainAdmin


@admin.register(ExpertHours)
class ExpertHoursAdmin(DomainAdmin):
    list_display = ["person", "weekday", "starts", "ends"]
    list_filter = ["weekday"]
    list_select_related = ["person"]
    search_fields = ["person__name", "person__email"]
    autocomplete_fields = ["person"]


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(DomainAdmin):
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


@admin.register(CityTravelTime)
class CityTravelTimeAdmin(DomainAdmin):
    list_display = ["city_a", "city_b", "minutes"]
    search_fields = ["city_a", "city_b"]


@admin.register(ConflictAcknowledgement)
class ConflictAcknowledgementAdmin(DomainAdmin):
    list_display = ["message", "visit", "acknowledged_by", "acknowledged_at"]
    list_select_related = ["visit", "acknowledged_by"]
    search_fields = ["message", "key", "visit__title"]
    autocomplete_fields = ["visit"]
    readonly_fields = ["acknowledged_at"]
