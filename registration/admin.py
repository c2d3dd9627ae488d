"""Registration in the admin: each seminar's settings (saved through the service, which gives the seminar its
audience when registration opens), and the registrations, read only (they move through their links and the
planner)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from registration.models import Registration, RegistrationSettings
from registration.services import registration_settings_save
from visits.access import actor_of, visits_for_user
from visits.admin import DomainAdmin
from visits.admin.base import ReadOnlyMixin
from visits.admin.programme import CoordinatedOnly
from visits.models import Visit


@admin.register(RegistrationSettings)
class RegistrationSettingsAdmin(CoordinatedOnly, DomainAdmin):
    list_display = ["visit", "is_open", "capacity", "closes_at", "confirm_within_hours"]
    list_select_related = ["visit"]
    fields = ["visit", "is_open", "capacity", "closes_at", "confirm_within_hours"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["visit"] if obj is not None else []

    def form_zone(self, obj: Any) -> Any:
        return obj.visit.zone if obj is not None else None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "visit":
            kwargs["queryset"] = visits_for_user(request.user).filter(kind=Visit.Kind.SEMINAR_ABROAD)
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: RegistrationSettings, form: Any, change: bool) -> None:
        data = {
            name: form.cleaned_data[name]
            for name in ["is_open", "capacity", "closes_at", "confirm_within_hours"]
        }
        saved = registration_settings_save(visit=obj.visit, data=data, actor=actor_of(request))
        obj.pk = saved.pk


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyMixin, CoordinatedOnly, DomainAdmin):
    list_display = ["person", "visit", "organisation", "sector", "status", "created_at", "checked_in_at"]
    list_filter = ["status", "sector", ("visit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "visit"]
    search_fields = ["person__name", "email", "organisation", "visit__title"]
