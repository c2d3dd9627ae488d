"""The agency's evaluation questions and settings, kept by agency admins in the admin."""

from django.contrib import admin
from django.http import HttpRequest

from evaluations.models import EvaluationSettings, Question
from visits.access import is_agency_admin


class AgencyAdminOnly(admin.ModelAdmin):
    """Only agency admins see and change these: they are the agency's, not a visit's."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_agency_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_agency_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_agency_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_agency_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_agency_admin(request.user)


@admin.register(Question)
class QuestionAdmin(AgencyAdminOnly):
    list_display = ("text_en", "text_sv", "kind", "required", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("kind", "active")
    fields = ("text_en", "text_sv", "translations", "kind", "required", "order", "active")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # A question that was asked keeps its answers (the figures): deactivate it instead.
        if isinstance(obj, Question) and obj.answers.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(EvaluationSettings)
class EvaluationSettingsAdmin(AgencyAdminOnly):
    list_display = ("__str__", "anonymous")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not EvaluationSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
