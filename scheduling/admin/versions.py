"""Published versions, their changes and the people each change concerns: read only.

They are a record of what was sent: the admin shows them and offers no way to add, change or delete them.
"""

from django.contrib import admin
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from scheduling.models import ChangeRecipient, ProgrammeChange, ProgrammeVersion
from visits.access import visible_visits
from visits.admin.base import ReadOnlyMixin
from visits.timefmt import format_moment


def describe_recipients(change: ProgrammeChange) -> str:
    """'Anna Berg (expert, invitation or update), ...', read from prefetched recipients."""
    return format_html_join(
        ", ",
        "{} ({}, {})",
        (
            (recipient.person.name, recipient.get_role_display(), recipient.get_action_display())
            for recipient in change.recipients.all()
        ),
    ) or str(_("nobody"))


RECIPIENTS = Prefetch("recipients", queryset=ChangeRecipient.objects.select_related("person").order_by("id"))


class ProgrammeChangeInline(ReadOnlyMixin, admin.TabularInline):
    model = ProgrammeChange
    fields = ["kind", "session_title", "sequence", "people_concerned"]
    readonly_fields = ["kind", "session_title", "sequence", "people_concerned"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgrammeChange]:
        return super().get_queryset(request).prefetch_related(RECIPIENTS)

    @admin.display(description=_("people concerned"))
    def people_concerned(self, change: ProgrammeChange) -> str:
        return describe_recipients(change)


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "visit", "number", "published", "published_by", "change_count"]
    list_select_related = ["visit", "published_by"]
    list_filter = [("visit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["visit__title"]
    fields = ["visit", "number", "published", "published_by", "programme"]
    readonly_fields = ["visit", "number", "published", "published_by", "programme"]
    inlines = [ProgrammeChangeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgrammeVersion]:
        queryset = super().get_queryset(request).annotate(change_count=Count("changes"))
        queryset = queryset.filter(visible_visits(request.user, "visit"))  # as their visits
        return queryset.order_by(*ProgrammeVersion._meta.ordering)

    @admin.display(description=_("published at"), ordering="published_at")
    def published(self, version: ProgrammeVersion) -> str:
        return format_moment(version.published_at, version.visit.zone)

    @admin.display(description=_("changes"), ordering="change_count")
    def change_count(self, version: ProgrammeVersion) -> int:
        return version.change_count  # type: ignore[attr-defined]

    @admin.display(description=_("programme"))
    def programme(self, version: ProgrammeVersion) -> str:
        """The frozen sessions, one line each, in programme order."""
        sessions = sorted(version.snapshot.values(), key=lambda s: (s["starts_at"], s["id"]))
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} – {} (UTC), {} [{}, SEQUENCE {}]</li>",
                (
                    (s["starts_at"], s["title"], s["venue_name"] or "–", s["status"], s["sequence"])
                    for s in sessions
                ),
            ),
        )


class ChangeRecipientInline(ReadOnlyMixin, admin.TabularInline):
    model = ChangeRecipient
    fields = ["person", "role", "action"]
    readonly_fields = ["person", "role", "action"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChangeRecipient]:
        return super().get_queryset(request).select_related("person")


@admin.register(ProgrammeChange)
class ProgrammeChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["session_title", "kind", "version", "sequence", "people_concerned"]
    list_filter = ["kind"]
    list_select_related = ["version__visit"]
    search_fields = ["session_title", "version__visit__title"]
    fields = ["version", "kind", "session", "session_key", "session_title", "sequence", "before", "after"]
    readonly_fields = [
        "version",
        "kind",
        "session",
        "session_key",
        "session_title",
        "sequence",
        "before",
        "after",
    ]
    inlines = [ChangeRecipientInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgrammeChange]:
        queryset = super().get_queryset(request).prefetch_related(RECIPIENTS)
        return queryset.filter(visible_visits(request.user, "version__visit"))  # as their visits

    @admin.display(description=_("people concerned"))
    def people_concerned(self, change: ProgrammeChange) -> str:
        return describe_recipients(change)
