"""The admin for visits and their programmes: themes, visits, sessions and the experts on them.

A visit's status is moved by `visits.services.visit_change_status`, and a published programme is a record: its
visit and sessions are cancelled, never deleted.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from visits.admin.base import (
    DomainAdmin,
    VisibleDelegationsOnly,
    format_in_zone,
    format_span_in_zone,
    session_when,
)
from visits.admin.forms import SessionForm, VisitForm
from visits.models import ChosenMember, Session, SessionExpert, SessionInterpreter, Theme, Visit
from visits.services import visit_change_status
from visits.signals import expert_row_edited


@admin.register(Theme)
class ThemeAdmin(DomainAdmin):
    list_display = ["name_en", "name_sv", "slug"]
    search_fields = ["name_en", "name_sv", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class PublishedFilter(admin.SimpleListFilter):
    title = _("published")
    parameter_name = "published"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Published")), ("no", _("Never published"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(first_published_at__isnull=self.value() == "no")
        return queryset


class SessionInline(admin.TabularInline):
    model = Session
    form = SessionForm
    fields = ["title", "kind", "starts_at", "ends_at", "venue", "status", "seen_version"]
    autocomplete_fields = ["venue"]
    extra = 0
    show_change_link = True


class CoordinatedOnly(VisibleDelegationsOnly):
    """Rows of visits the user coordinates; superusers see all. Another coordinator's visit is simply absent
    (the admin answers as for a row that does not exist), never refused in a way that confirms it exists.

    `visit_path` leads from a row to its visit: "" for a visit, "visit__" for a session, and so on."""

    visit_path = "visit"

    def coordinated(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.visit_path}coordinators": request.user.pk}).distinct()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.coordinated(request, super().get_queryset(request))  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "visit" and not request.user.is_superuser:
            kwargs["queryset"] = Visit.objects.filter(coordinators=request.user.pk)
        elif db_field.name == "session" and not request.user.is_superuser:
            kwargs["queryset"] = Session.objects.filter(visit__coordinators=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Visit)
class VisitAdmin(CoordinatedOnly, DomainAdmin):
    visit_path = ""

    form = VisitForm
    list_display = [
        "title",
        "kind",
        "delegation",
        "starts_on",
        "ends_on",
        "city",
        "country",
        "status",
        "published",
    ]
    list_filter = [
        "status",
        "kind",
        PublishedFilter,
        ("country", CountryFilter),
        "themes",
        ("coordinators", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["delegation"]
    search_fields = ["title", "city", "audience", "delegation__name"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["delegation"]
    filter_horizontal = ["coordinators", "themes"]
    readonly_fields = ["first_published", "window"]
    fieldsets = [
        (None, {"fields": ["title", "kind", "status", "delegation", "audience"]}),
        (_("Dates and place"), {"fields": ["starts_on", "ends_on", "time_zone", "city", "country"]}),
        (_("Programme"), {"fields": ["programme_languages", "themes", "coordinators"]}),
        (_("Record"), {"fields": ["first_published", "window"], "classes": ["collapse"]}),
    ]
    inlines = [SessionInline]

    def form_zone(self, obj: Visit) -> ZoneInfo | None:
        return obj.zone

    @admin.display(description=_("published"), boolean=True, ordering="first_published_at")
    def published(self, visit: Visit) -> bool:
        return visit.is_published

    @admin.display(description=_("first published"))
    def first_published(self, visit: Visit) -> str:
        return format_in_zone(visit.first_published_at, visit.zone)

    @admin.display(description=_("window checked by the database"))
    def window(self, visit: Visit) -> str:
        if visit.pk is None:
            return "–"
        return format_span_in_zone(visit.window_starts_at, visit.window_ends_at, dt.UTC)

    def has_delete_permission(self, request: HttpRequest, obj: Visit | None = None) -> bool:
        # A published programme is a record; cancel the visit instead.
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        published = [visit for visit in objs if visit.is_published]
        if published:
            # has_delete_permission() refused them, which Django reports as a missing permission: say why.
            # Their sessions are refused the same way (SessionAdmin.has_delete_permission).
            perms_needed.discard(Visit._meta.verbose_name)  # type: ignore[arg-type]
            perms_needed.discard(Session._meta.verbose_name)  # type: ignore[arg-type]
        if published and not protected:
            # Sessions protect a published visit and explain why; one without sessions is explained here.
            protected = [f"{capfirst(Visit._meta.verbose_name)}: {visit}" for visit in published]
            for visit in published:
                messages.error(
                    request,
                    gettext(
                        "The visit “%(visit)s” cannot be deleted: it has been published and is kept as a "
                        "record. Cancel the visit instead."
                    )
                    % {"visit": visit.title},
                )
        return to_delete, model_count, perms_needed, protected

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change:
            form.instance.coordinators.add(request.user)  # whoever creates a visit coordinates it

    def save_model(self, request: HttpRequest, obj: Visit, form: Any, change: bool) -> None:
        # Save everything but the status, then move the status through the one function that does so.
        target = obj.status
        obj.status = form.initial.get("status", target)
        super().save_model(request, obj, form, change)
        if target != obj.status:
            moved = visit_change_status(visit=obj, status=target)
            obj.status, obj.first_published_at = moved.status, moved.first_published_at


class SessionExpertInline(admin.TabularInline):
    model = SessionExpert
    extra = 0
    autocomplete_fields = ["person"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


class ChosenMemberInline(admin.TabularInline):
    model = ChosenMember
    extra = 0
    autocomplete_fields = ["member"]


class SessionInterpreterInline(admin.TabularInline):
    model = SessionInterpreter
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Session)
class SessionAdmin(CoordinatedOnly, DomainAdmin):
    visit_path = "visit__"

    form = SessionForm
    list_display = ["title", "when", "visit", "kind", "venue", "status", "attendance", "interpreter_needed"]
    list_filter = [
        "status",
        "kind",
        "attendance",
        "interpreter_needed",
        "visit__status",
        ("visit", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["visit", "venue"]
    search_fields = [
        "title",
        "visit__title",
        "venue__name",
        "host_organisation__name",
        "experts__name",
        "experts__email",
    ]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["visit", "venue", "host_organisation"]
    readonly_fields = ["when", "sequence"]
    fieldsets = [
        (None, {"fields": ["visit", "title", "kind", "status", "description", "seen_version"]}),
        (
            _("Time and place"),
            {"fields": ["starts_at", "ends_at", "when", "outside_visit_dates", "venue", "host_organisation"]},
        ),
        (
            _("Audience and language"),
            {"fields": ["attendance", "language", "interpreter_needed", "interpretation_language"]},
        ),
        (_("Record"), {"fields": ["sequence"], "classes": ["collapse"]}),
    ]
    inlines = [SessionExpertInline, ChosenMemberInline, SessionInterpreterInline]

    def form_zone(self, obj: Session) -> ZoneInfo | None:
        return obj.zone

    def has_delete_permission(self, request: HttpRequest, obj: Session | None = None) -> bool:
        # A session of a published programme is on record and in people's calendars: cancel it instead,
        # so that publishing sends the cancellations.
        if obj is not None and obj.visit.is_published:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("when"), ordering="starts_at")
    def when(self, session: Session) -> str:
        return session_when(session)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is SessionExpert:
            for inline_form in formset.forms:
                if inline_form.instance.pk and inline_form.has_changed():
                    expert_row_edited.send(
                        SessionExpert,
                        expert=inline_form.instance,
                        changed=inline_form.changed_data,
                        by=request.user,
                    )


@admin.register(SessionExpert)
class SessionExpertAdmin(CoordinatedOnly, DomainAdmin):
    visit_path = "session__visit__"

    list_display = ["person", "session", "session__visit", "session_time", "response", "responded"]
    list_filter = ["response", "session__visit__status", ("session__visit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "session__visit", "session__venue"]
    search_fields = [
        "person__name",
        "person__email",
        "person__organisation__name",
        "session__title",
        "session__visit__title",
    ]
    autocomplete_fields = ["session", "person"]

    def save_model(self, request: HttpRequest, obj: SessionExpert, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            expert_row_edited.send(SessionExpert, expert=obj, changed=form.changed_data, by=request.user)

    @admin.display(description=_("when"), ordering="session__starts_at")
    def session_time(self, row: SessionExpert) -> str:
        return session_when(row.session)

    @admin.display(description=_("responded at"), ordering="responded_at")
    def responded(self, row: SessionExpert) -> str:
        return format_in_zone(row.responded_at, timezone.get_current_timezone())
