"""The admin for visits and their programmes: themes, visits, sessions and the experts on them.

A visit's status is moved by `visits.services.visit_change_status`, and a published programme is a record: its
visit and sessions are cancelled, never deleted.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from visits.access import people_to_choose, sessions_for_user, visible_visits, visits_for_user
from visits.admin.base import (
    DomainAdmin,
    ServiceWritesAdmin,
    SharedRecordAdmin,
    VisibleDelegationsOnly,
    actor_of,
    adopt,
    formset_write,
    kept_rows,
    session_when,
    status_apart,
)
from visits.forms import SessionForm, VisitForm
from visits.models import ChosenMember, Session, SessionExpert, SessionInterpreter, Theme, Visit
from visits.services import (
    THEME_WRITES,
    Writes,
    session_chosen_members_set,
    session_create,
    session_delete,
    session_expert_add,
    session_expert_remove,
    session_expert_update,
    session_interpreters_set,
    session_update,
    visit_coordinators_add,
    visit_create,
    visit_delete,
    visit_update,
)
from visits.timefmt import format_moment, format_span


@admin.register(Theme)
class ThemeAdmin(SharedRecordAdmin, ServiceWritesAdmin, DomainAdmin):
    writes = THEME_WRITES
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
    fields = ["title", "kind", "starts_at", "ends_at", "venue", "status", "seen_revision"]
    autocomplete_fields = ["venue"]
    extra = 0
    show_change_link = True


class CoordinatedOnly(VisibleDelegationsOnly):
    """Rows of visits the user may see (visits.access: their own; superusers all). Another coordinator's visit
    is simply absent (the admin answers as for a row that does not exist), never refused in a way that
    confirms it exists.

    `visit_path` leads from a row to its visit: "" for a visit, "visit__" for a session, and so on."""

    visit_path = "visit__"

    def coordinated(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(visible_visits(request.user, f"{self.visit_path}pk"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.coordinated(request, super().get_queryset(request))  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "visit":
            kwargs["queryset"] = visits_for_user(request.user)
        elif db_field.name == "session":
            kwargs["queryset"] = sessions_for_user(request.user)
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
        (
            None,
            {
                "fields": [
                    "title",
                    "title_translations",
                    "kind",
                    "status",
                    "delegation",
                    "audience",
                    "target_group",
                ]
            },
        ),
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
        return format_moment(visit.first_published_at, visit.zone)

    @admin.display(description=_("window checked by the database"))
    def window(self, visit: Visit) -> str:
        if visit.pk is None:
            return "–"
        return format_span(visit.window_starts_at, visit.window_ends_at, dt.UTC)

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

    # Every write goes through visits.services: the visit (with its themes and coordinators; whoever creates
    # a visit coordinates it) and the sessions of its inline.

    def save_model(self, request: HttpRequest, obj: Visit, form: Any, change: bool) -> None:
        data, target = status_apart(form)
        if change:
            adopt(obj, visit_update(visit=obj, data=data, status=target, actor=actor_of(request)))
        else:
            adopt(obj, visit_create(data=data, status=target, actor=actor_of(request)))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The visit's many-to-many fields were saved with it by its service.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        if not change and isinstance(request.user, User):  # whoever creates a visit coordinates it
            visit_coordinators_add(visit=form.instance, users=[request.user], actor=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # nothing saved: it sorts the rows into new, changed and deleted
        actor = actor_of(request)
        for session in formset.deleted_objects:
            session_delete(session=session, actor=actor)
        for row in formset.forms:
            if formset._should_delete_form(row) or not row.has_changed():
                continue
            data, target = status_apart(row)
            if row.instance.pk is None:
                saved = session_create(visit=form.instance, data=data, status=target, actor=actor)
            else:
                saved = session_update(session=row.instance, data=data, status=target, actor=actor)
            adopt(row.instance, saved)

    def delete_model(self, request: HttpRequest, obj: Visit) -> None:
        visit_delete(visit=obj, actor=actor_of(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Visit]) -> None:
        for visit in queryset:
            visit_delete(visit=visit, actor=actor_of(request))


def _expert_add(*, data: dict[str, Any], actor: User | None) -> SessionExpert:
    return session_expert_add(
        session=data["session"], person=data["person"], note=data.get("note", ""), actor=actor
    )


# An expert is put on a session and taken off it through visits.services; their answer is not written here.
EXPERT_WRITES = Writes("expert", _expert_add, session_expert_update, session_expert_remove)


class PeopleToChooseInline(admin.TabularInline):
    """A session's experts or interpreters: chosen from the people the user may see (and those already on the
    session), so that a posted id of another coordinator's delegate is refused as an invalid choice, not
    only left out of the autocomplete (visits.access.people_to_choose, as in the API; the planner's pickers
    narrow it to the experts' directory and the interpreters, scheduling.directory)."""

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people_to_choose(request.user, obj)
        return formset


class SessionExpertInline(PeopleToChooseInline):
    # The expert's answer is moved by responses.answers.answer_move: responses.admin saves it through there.
    model = SessionExpert
    extra = 0
    autocomplete_fields = ["person"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


class ChosenMemberInline(admin.TabularInline):
    model = ChosenMember
    extra = 0
    autocomplete_fields = ["member"]


class SessionInterpreterInline(PeopleToChooseInline):
    # The interpreter's answer is shown, not edited: it moves through responses.interpreters.
    model = SessionInterpreter
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "languages", "response"]
    readonly_fields = ["response"]


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
        (
            None,
            {
                "fields": [
                    "visit",
                    "title",
                    "title_translations",
                    "kind",
                    "status",
                    "description",
                    "description_translations",
                    "seen_revision",
                ]
            },
        ),
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

    # The session and its people are written through visits.services; its experts' answers are the answer's
    # owner's to move (responses.admin adds that to this admin).

    def save_model(self, request: HttpRequest, obj: Session, form: Any, change: bool) -> None:
        data, target = status_apart(form)
        if change:
            adopt(obj, session_update(session=obj, data=data, status=target, actor=actor_of(request)))
        else:
            visit = data.pop("visit")
            adopt(obj, session_create(visit=visit, data=data, status=target, actor=actor_of(request)))

    def delete_model(self, request: HttpRequest, obj: Session) -> None:
        session_delete(session=obj, actor=actor_of(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        for session in queryset:
            session_delete(session=session, actor=actor_of(request))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is ChosenMember:
            members = [row["member"].pk for row in kept_rows(formset)]
            session_chosen_members_set(session=form.instance, members=members, actor=actor_of(request))
            return
        if formset.model is SessionInterpreter:
            bookings = {row["person"].pk: row["languages"] for row in kept_rows(formset)}
            session_interpreters_set(session=form.instance, bookings=bookings, actor=actor_of(request))
            return
        if formset.model is SessionExpert:
            formset_write(formset, EXPERT_WRITES, parent=form.instance, actor=actor_of(request))
            return
        super().save_formset(request, form, formset, change)


@admin.register(SessionExpert)
class SessionExpertAdmin(CoordinatedOnly, ServiceWritesAdmin, DomainAdmin):
    """The experts on sessions. responses.admin registers it again, moving the answer through responses."""

    visit_path = "session__visit__"
    writes = EXPERT_WRITES

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

    @admin.display(description=_("when"), ordering="session__starts_at")
    def session_time(self, row: SessionExpert) -> str:
        return session_when(row.session)

    @admin.display(description=_("responded at"), ordering="responded_at")
    def responded(self, row: SessionExpert) -> str:
        return format_moment(row.responded_at, timezone.get_current_timezone())
