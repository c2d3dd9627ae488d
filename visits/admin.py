"""The Django admin for the visits domain: good enough for a coordinator on day one.

What differs from a plain ModelAdmin:
- every time shown names its zone, and a visit's or session's change form shows and reads times in that
  visit's or session's own zone, so a seminar in Kathmandu is not typed in Stockholm time by mistake;
- a status offers only the allowed transitions, and a visit's status is moved by
  `visits.services.visit_change_status`. "Published" is never offered: a programme is published by
  `scheduling.publishing.programme_publish`, which also records the version that invitations are sent from;
- a session form remembers the version it was opened at, and is refused if someone saved the session since;
- a refused deletion says why, in the words of the model that refused it.
"""

import datetime as dt
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, unquote
from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Count, QuerySet
from django.db.models.deletion import ProtectedError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import dateformat, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from visits.fields import language_name
from visits.models import (
    SESSION_TRANSITIONS,
    VISIT_TRANSITIONS,
    Delegation,
    DelegationMember,
    OpeningHours,
    Organisation,
    Person,
    Session,
    SessionAttendee,
    SessionExpert,
    SessionInterpreter,
    StaleEdit,
    Theme,
    Venue,
    Visit,
)
from visits.models.deletion import PROTECT_IF_PUBLISHED, explain_protection
from visits.services import visit_change_status

DAY_AND_TIME = "D j M Y H:i"


def format_in_zone(moment: dt.datetime | None, zone: dt.tzinfo) -> str:
    """'Tue 23 Mar 2027 09:00 (Europe/Stockholm)'."""
    if moment is None:
        return "–"
    return f"{dateformat.format(moment.astimezone(zone), DAY_AND_TIME)} ({zone})"


def format_span_in_zone(starts_at: dt.datetime, ends_at: dt.datetime, zone: dt.tzinfo) -> str:
    """'Tue 23 Mar 2027 09:00–10:30 (Europe/Stockholm)'; the end's date is repeated only if it differs."""
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    end_format = "H:i" if end.date() == start.date() else DAY_AND_TIME
    return f"{dateformat.format(start, DAY_AND_TIME)}–{dateformat.format(end, end_format)} ({zone})"


def session_when(session: Session) -> str:
    if not session.visit_id or session.starts_at is None or session.ends_at is None:
        return "–"
    return format_span_in_zone(session.starts_at, session.ends_at, session.zone)


def deletion_refusals(objs: Any, using: str) -> list[str]:
    """The models' own explanations of why deleting `objs` is refused, if a published programme refuses it.

    Only rows protected by PROTECT_IF_PUBLISHED on a foreign key to something being deleted are explained:
    a session is also protected by its venue (plain PROTECT), and its message is about its visit.
    """
    collector = NestedObjects(using=using)
    collector.collect(list(objs))
    deleted_models: set[Any] = set(collector.model_objs)
    explained = {
        row
        for row in collector.protected
        if any(
            field.remote_field.on_delete is PROTECT_IF_PUBLISHED and field.related_model in deleted_models
            for field in row._meta.concrete_fields
            if isinstance(field, models.ForeignKey)
        )
    }
    if not explained:
        return []
    return [str(explain_protection(ProtectedError("", explained)).args[0])]


class DomainAdmin(admin.ModelAdmin):
    """What every admin here shares: zone-aware change forms, and deletions that say why they are refused."""

    # Django 6 makes https the default scheme of a typed-in address; take it now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def form_zone(self, obj: Any) -> ZoneInfo | None:
        """The zone the change form of `obj` shows and reads times in; None for the site's zone."""
        return None

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateTimeField) and formfield is not None:
            # Called while the form class is built, so inside the zone override of changeform_view.
            zone_note = gettext("Time in %(zone)s.") % {"zone": timezone.get_current_timezone_name()}
            formfield.help_text = f"{formfield.help_text} {zone_note}".strip()
        return formfield

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        zone = self.form_zone(obj) if obj is not None else None
        try:
            if zone is None:
                return super().changeform_view(request, object_id, form_url, extra_context)
            with timezone.override(zone):
                response = super().changeform_view(request, object_id, form_url, extra_context)
                # Widgets localise their values when rendered, so render while the zone is still active.
                if isinstance(response, TemplateResponse):
                    response.render()
            return response
        except StaleEdit as error:
            # Someone saved a session between this form's check and its save; the transaction is rolled back.
            messages.error(request, str(error))
            return HttpResponseRedirect(request.get_full_path())

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            for reason in deletion_refusals(objs, router.db_for_write(self.model)):
                messages.error(request, reason)
        return to_delete, model_count, perms_needed, protected


class StatusTransitionForm(forms.ModelForm):
    """Offers only the statuses the current one may move to, so a wrong move is a form error, not a 500."""

    statuses: ClassVar[type[models.TextChoices]]
    transitions: ClassVar[dict[str, set[str]]]
    # Statuses reached only through a service outside this form; offered only to show the current one.
    not_offered: ClassVar[set[str]] = set()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("status")
        if isinstance(field, forms.ChoiceField):
            current = self.instance.status
            allowed = {current, *(self.transitions.get(current, set()) - self.not_offered)}
            field.choices = [(value, label) for value, label in self.statuses.choices if value in allowed]


class VisitForm(StatusTransitionForm):
    statuses = Visit.Status
    transitions = VISIT_TRANSITIONS
    not_offered = {Visit.Status.PUBLISHED}


class SessionForm(StatusTransitionForm):
    statuses = Session.Status
    transitions = SESSION_TRANSITIONS

    # The version the coordinator opened; Session.save() moves it on every save.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any] | None:
        seen = self.cleaned_data.get("seen_version")
        if self.instance.pk is not None and seen is not None and seen != self.instance.version:
            raise ValidationError(str(StaleEdit(self.instance)), code="stale")
        return super().clean()


# Organisations, people and places


@admin.register(Organisation)
class OrganisationAdmin(DomainAdmin):
    list_display = ["name", "kind", "side", "country", "email", "phone"]
    list_filter = ["side", "kind", ("country", CountryFilter)]
    search_fields = ["name", "email"]


@admin.register(Person)
class PersonAdmin(DomainAdmin):
    list_display = ["name", "email", "organisation", "title", "preferred_language", "home_time_zone"]
    list_filter = [
        "organisation__side",
        "organisation__kind",
        ("organisation__country", CountryFilter),
        "preferred_language",
    ]
    list_select_related = ["organisation"]
    search_fields = ["name", "email", "title", "organisation__name"]
    autocomplete_fields = ["organisation"]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Venue)
class VenueAdmin(DomainAdmin):
    list_display = ["name", "city", "country", "host_organisation", "time_zone", "capacity"]
    list_filter = [("country", CountryFilter), ("city", admin.AllValuesFieldListFilter)]
    list_select_related = ["host_organisation"]
    search_fields = ["name", "city", "address", "host_organisation__name"]
    autocomplete_fields = ["host_organisation"]
    inlines = [OpeningHoursInline]


# Delegations


class DelegationMemberInline(admin.TabularInline):
    model = DelegationMember
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Delegation)
class DelegationAdmin(DomainAdmin):
    list_display = ["name", "country_names", "language_names", "member_count"]
    list_filter = [("countries", CountryFilter)]
    search_fields = ["name", "organisations__name", "members__person__name", "members__person__email"]
    autocomplete_fields = ["organisations"]
    inlines = [DelegationMemberInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Delegation]:
        # An aggregate drops Meta.ordering; restore it for the autocomplete's paginator.
        queryset = super().get_queryset(request).annotate(member_count=Count("members"))
        return queryset.order_by(*Delegation._meta.ordering)

    @admin.display(description=_("countries"))
    def country_names(self, delegation: Delegation) -> str:
        return ", ".join(country.name for country in delegation.countries)

    @admin.display(description=_("languages"))
    def language_names(self, delegation: Delegation) -> str:
        return ", ".join(language_name(code) for code in delegation.languages)

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, delegation: Delegation) -> int:
        return delegation.member_count  # type: ignore[attr-defined]


@admin.register(DelegationMember)
class DelegationMemberAdmin(DomainAdmin):
    list_display = ["person", "delegation", "role", "language_names", "dietary_needs", "accessibility_needs"]
    list_filter = ["role", ("delegation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "delegation"]
    search_fields = ["person__name", "person__email", "person__organisation__name", "delegation__name"]
    autocomplete_fields = ["delegation", "person"]

    @admin.display(description=_("languages"))
    def language_names(self, member: DelegationMember) -> str:
        return ", ".join(language_name(code) for code in member.languages)


# Visits and their programmes


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


@admin.register(Visit)
class VisitAdmin(DomainAdmin):
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


class SessionAttendeeInline(admin.TabularInline):
    model = SessionAttendee
    extra = 0
    autocomplete_fields = ["member"]


class SessionInterpreterInline(admin.TabularInline):
    model = SessionInterpreter
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Session)
class SessionAdmin(DomainAdmin):
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
    inlines = [SessionExpertInline, SessionAttendeeInline, SessionInterpreterInline]

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


@admin.register(SessionExpert)
class SessionExpertAdmin(DomainAdmin):
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
        return format_in_zone(row.responded_at, timezone.get_current_timezone())
