"""The audit log in the admin: read only, for agency admins (audit.view_auditentry, given by their group).
Nobody adds, changes or deletes an entry here, superusers included."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "actor_kind", "door", "action", "object_type", "object_repr")
    list_filter = ("door", "actor_kind", "action", "object_type")
    search_fields = ("object_repr", "actor_label")
    date_hierarchy = "at"
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
