"""The coordinator's outbox page: what went out for a visit, what failed and why, a preview, send again."""

from typing import Any
from zoneinfo import ZoneInfo

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from notifications.models import MessageKind, OutboxMessage, OutboxStatus, PersonalToken
from notifications.outbox import outbox_send_again
from notifications.tokens import token_revoke
from visits.access import actor_of, visible_person_tokens, visible_visits
from visits.timefmt import format_moment

# One colour for every status (a test checks that none is missing: a missing one crashed the list).
STATUS_COLOURS: dict[OutboxStatus, str] = {
    OutboxStatus.QUEUED: "#8a6d00",
    OutboxStatus.SENDING: "#0b5cad",
    OutboxStatus.SENT: "#1b7f3b",
    OutboxStatus.FAILED: "#a40000",
    OutboxStatus.WITHDRAWN: "#666666",
}


class OutboxQuerySetMixin:
    def scoped(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> QuerySet[OutboxMessage]:
        """The mail of the visits the user may see (visits.access: their own; superusers every visit's)."""
        return queryset.filter(visible_visits(request.user, "visit"))


def status_summary(queryset: QuerySet[OutboxMessage]) -> list[tuple[str, int, str]]:
    """(label, count, status) per status. Queued rows due later (reminders, days ahead) are counted apart
    from those waiting to go now, so that a queue that is moving is not mistaken for one that is stuck."""
    rows = queryset.values("status").annotate(
        n=Count("id"), later=Count("id", filter=Q(send_at__gt=timezone.now()))
    )
    counts = {row["status"]: (row["n"], row["later"]) for row in rows}
    summary: list[tuple[str, int, str]] = []
    for value, label in OutboxStatus.choices:
        count, later = counts.get(value, (0, 0))
        if value == OutboxStatus.QUEUED:
            summary.append((str(label), count - later, value))
            summary.append((gettext("Scheduled for later"), later, value))
        else:
            summary.append((str(label), count, value))
    return summary


def message_zone(message: OutboxMessage) -> ZoneInfo:
    """A message's times in its visit's zone (the zone its sessions are planned in), else the site's."""
    if message.visit is not None:
        return ZoneInfo(str(message.visit.time_zone))
    return ZoneInfo(settings.TIME_ZONE)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(OutboxQuerySetMixin, admin.ModelAdmin):
    list_display = [
        "to_email",
        "kind",
        "session_title",
        "sequence",
        "status_badge",
        "attempts",
        "error",
        "sent",
    ]
    list_filter = ["status", "kind", ("visit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["visit", "person", "session"]
    search_fields = ["to_email", "person__name", "session__title", "visit__title"]
    # What a coordinator reads: times with their zone named; no internal keys (the idempotency key, the
    # session key, the snapshot, the claim time of a worker), which say nothing to a person.
    readonly_fields = SHOWN = [
        "kind",
        "status",
        "visit",
        "person",
        "session",
        "sequence",
        "role",
        "to_email",
        "language",
        "attempts",
        "last_error",
        "due",
        "sent",
        "created",
        "message_id",
        "preview_links",
    ]
    fields = list(SHOWN)
    actions = ["send_again"]
    change_list_template = "admin/notifications/outboxmessage/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboxMessage]:
        return self.scoped(request, super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False  # the outbox is a record; "send again" is the only thing to do with it

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    @admin.display(description=_("session"))
    def session_title(self, message: OutboxMessage) -> str:
        if message.session is not None:
            return message.session.title
        if message.kind == MessageKind.PROGRAMME:
            return gettext("Programme")
        return (message.snapshot or {}).get("title", "")

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, message: OutboxMessage) -> str:
        return format_html(
            '<strong style="color:{}">{}</strong>',
            STATUS_COLOURS[OutboxStatus(message.status)],
            message.get_status_display(),
        )

    @admin.display(description=_("sent"), ordering="sent_at")
    def sent(self, message: OutboxMessage) -> str:
        return format_moment(message.sent_at, message_zone(message))

    @admin.display(description=_("due"), ordering="send_at")
    def due(self, message: OutboxMessage) -> str:
        return format_moment(message.send_at, message_zone(message))

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, message: OutboxMessage) -> str:
        return format_moment(message.created_at, message_zone(message))

    @admin.display(description=_("last error"))
    def error(self, message: OutboxMessage) -> str:
        return message.last_error[:120]

    @admin.display(description=_("preview"))
    def preview_links(self, message: OutboxMessage) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:notifications_outboxmessage_preview", args=[message.pk]),
            gettext("e-mail"),
            reverse("admin:notifications_outboxmessage_ics", args=[message.pk]),
            gettext("calendar (.ics)"),
        )

    @admin.action(description=_("Send again"), permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        requeued = 0
        for message in queryset.filter(status=OutboxStatus.FAILED):
            if outbox_send_again(message=message, actor=actor_of(request)).status == OutboxStatus.QUEUED:
                requeued += 1
        skipped = queryset.exclude(status=OutboxStatus.FAILED).count()
        if requeued:
            messages.success(
                request,
                ngettext("%d message queued again.", "%d messages queued again.", requeued) % requeued,
            )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%d message was not failed; only failed messages are sent again.",
                    "%d messages were not failed; only failed messages are sent again.",
                    skipped,
                )
                % skipped,
            )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        queryset = self.get_queryset(request)
        visit_id = request.GET.get("visit__id__exact")
        if visit_id:
            queryset = queryset.filter(visit_id=visit_id)
        return super().changelist_view(
            request, {**(extra_context or {}), "status_summary": status_summary(queryset)}
        )

    def get_urls(self) -> list[Any]:
        # The e-mail's HTML is shown in a sandboxed frame (no scripts), which inherits this page's policy: its
        # style attributes, which e-mail needs, are allowed here, and only here.
        preview_policy = csp_replace({"style-src": [SELF, UNSAFE_INLINE]})
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/",
                view(preview_policy(self.preview_view)),  # type: ignore[arg-type]  # typed as (request) only
                name="notifications_outboxmessage_preview",
            ),
            path("<int:pk>/invite.ics", view(self.ics_view), name="notifications_outboxmessage_ics"),
            *super().get_urls(),
        ]

    def composed(self, request: HttpRequest, pk: int) -> Any:
        from django.shortcuts import get_object_or_404

        from notifications.compose import compose_message

        message = get_object_or_404(self.get_queryset(request), pk=pk)
        return message, compose_message(message)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        message, email = self.composed(request, pk)
        html = next((content for content, mimetype in email.alternatives if mimetype == "text/html"), "")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Preview: %(subject)s") % {"subject": email.subject},
            "message": message,
            "email": email,
            "html": html,
        }
        return TemplateResponse(request, "admin/notifications/outboxmessage/preview.html", context)

    def ics_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        _message, email = self.composed(request, pk)
        calendar = next(
            (
                content
                for content, mimetype in email.alternatives
                if str(mimetype).startswith("text/calendar")
            ),
            "",
        )
        body = calendar.encode() if isinstance(calendar, str) else calendar
        return HttpResponse(body, content_type="text/plain; charset=utf-8")


@admin.register(PersonalToken)
class PersonalTokenAdmin(admin.ModelAdmin):
    list_display = ["purpose", "person", "visit", "created_at", "revoked_at"]
    list_filter = ["purpose"]
    search_fields = ["person__name", "person__email", "visit__title"]
    fields = ["purpose", "person", "visit", "created_at", "revoked_at"]
    readonly_fields = ["purpose", "person", "visit", "created_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[PersonalToken]:
        # Only the tokens of the visits and people the user coordinates: revoking one breaks someone's feed.
        return super().get_queryset(request).filter(visible_person_tokens(request.user))

    @admin.action(description=_("Revoke: the feed and page stop working"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[PersonalToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, actor=actor_of(request))
        messages.success(request, gettext("Revoked."))
