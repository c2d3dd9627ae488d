"""Coordinators' second factors in the admin, for the agency admin alone: who has set one up and when it was
last used, and deleting one (a lost phone: the coordinator then signs in with the password and sets up a new
app). Never the secret, nor a recovery code: those would let the reader sign in as the coordinator."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from visits.access import is_agency_admin


class DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = ["user", "name", "confirmed", "created_at", "last_used_at"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_agency_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_agency_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_agency_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# django-otp's own admins show the app's secret and the recovery codes to anyone with the model permission.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, DeviceAdmin)
