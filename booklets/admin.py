from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from booklets.models import ParticipantStay, VenueDirections
from booklets.services import participant_stay_delete, participant_stay_save
from visits.access import actor_of
from visits.admin.base import DomainAdmin, VisiblePeopleOnly, adopt
from visits.admin.programme import CoordinatedOnly


@admin.register(VenueDirections)
class VenueDirectionsAdmin(DomainAdmin):
    """Directions are about venues, which every coordinator shares."""

    list_display = ["venue", "text"]
    list_select_related = ["venue"]
    search_fields = ["venue__name", "venue__city"]
    autocomplete_fields = ["venue"]
    fields = ["venue", "text", "text_translations"]


@admin.register(ParticipantStay)
class ParticipantStayAdmin(CoordinatedOnly, VisiblePeopleOnly, DomainAdmin):
    """When each participant arrives and leaves, and their hotel, for the caterers' and hotels' exports: of
    the visits the user coordinates (visits.access), written through booklets.services."""

    list_display = ["person", "visit", "arrives_at", "departs_at", "hotel"]
    list_select_related = ["person", "visit"]
    list_filter = ["visit"]
    search_fields = ["person__name", "hotel", "visit__title"]
    autocomplete_fields = ["visit", "person"]
    fields = ["visit", "person", "arrives_at", "departs_at", "hotel"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A stay is its participant's on its visit: another person or visit is another stay.
        return ["visit", "person"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: ParticipantStay, form: Any, change: bool) -> None:
        saved = participant_stay_save(
            visit=obj.visit,
            person=obj.person,
            actor=actor_of(request),
            arrives_at=obj.arrives_at,
            departs_at=obj.departs_at,
            hotel=obj.hotel,
        )
        adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: ParticipantStay) -> None:
        participant_stay_delete(stay=obj, actor=actor_of(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ParticipantStay]) -> None:
        for obj in queryset.select_related("visit"):
            self.delete_model(request, obj)
