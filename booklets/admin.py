from django.contrib import admin

from booklets.models import VenueDirections
from visits.admin.base import DomainAdmin


@admin.register(VenueDirections)
class VenueDirectionsAdmin(DomainAdmin):
    """Directions are about venues, which every coordinator shares."""

    list_display = ["venue", "text"]
    list_select_related = ["venue"]
    search_fields = ["venue__name", "venue__city"]
    autocomplete_fields = ["venue"]
    fields = ["venue", "text", "text_translations"]
