"""Received mail in the admin, for superusers only (it holds anyone's mail, not one visit's): what came in,
what became of it, the error if any, and "process again" for a failed message once its cause is fixed."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inbound.models import ReceivedMessage, ReceivedStatus
from inbound.processing import received_move
from inbound.receiving import queue_processing


@admin.register(ReceivedMessage)
class ReceivedMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "channel", "mail_from", "message_id", "status", "outcome", "attempts"]
    list_filter = ["status", "channel"]
    search_fields = ["message_id", "mail_from", "outcome"]
    date_hierarchy = "received_at"
    fields = SHOWN = (
        "channel",
        "mail_from",
        "recipients",
        "message_id",
        "status",
        "outcome",
        "error",
        "attempts",
        "received_at",
        "processed_at",
        "raw_erased_at",
    )
    readonly_fields = SHOWN
    actions = ["process_again"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Process the failed messages again"))
    def process_again(self, request: HttpRequest, queryset: QuerySet[ReceivedMessage]) -> None:
        moved = [
            pk
            for pk in queryset.filter(status=ReceivedStatus.FAILED).values_list("pk", flat=True)
            if received_move(pk=pk, from_status=ReceivedStatus.FAILED, to_status=ReceivedStatus.RECEIVED)
        ]
        for pk in moved:
            queue_processing(pk)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", len(moved))
            % {"count": len(moved)},
            messages.SUCCESS,
        )
