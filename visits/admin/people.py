"""The admin for organisations, people, venues and delegations."""

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from visits.access import visible_delegations, visible_people
from visits.admin.base import (
    DomainAdmin,
    MailCheckedAdmin,
    ServiceWritesAdmin,
    SharedRecordAdmin,
    VisibleDelegationsOnly,
    VisiblePeopleOnly,
    actor_of,
    adopt,
    formset_write,
)
from visits.fields import language_name
from visits.forms import model_data
from visits.models import Delegation, DelegationMember, OpeningHours, Organisation, Person, Venue
from visits.services import (
    OPENING_HOURS_WRITES,
    ORGANISATION_WRITES,
    PERSON_WRITES,
    VENUE_WRITES,
    delegation_register,
    delegation_update,
)

# Organisations, people and places: written through visits.services, as the directory and the API write them.


@admin.register(Organisation)
class OrganisationAdmin(SharedRecordAdmin, ServiceWritesAdmin, DomainAdmin):
    writes = ORGANISATION_WRITES
    list_display = ["name", "kind", "side", "country", "email", "phone"]
    list_filter = ["side", "kind", ("country", CountryFilter)]
    search_fields = ["name", "email"]


@admin.register(Person)
class PersonAdmin(MailCheckedAdmin, SharedRecordAdmin, ServiceWritesAdmin, DomainAdmin):
    """People the user may see (visits.access.visible_people), here and in every autocomplete that picks
    one; another coordinator's delegate is not found."""

    writes = PERSON_WRITES
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        return super().get_queryset(request).filter(visible_people(request.user))


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Venue)
class VenueAdmin(SharedRecordAdmin, ServiceWritesAdmin, DomainAdmin):
    writes = VENUE_WRITES
    list_display = ["name", "city", "country", "host_organisation", "time_zone", "capacity"]
    list_filter = [("country", CountryFilter), ("city", admin.AllValuesFieldListFilter)]
    list_select_related = ["host_organisation"]
    search_fields = ["name", "city", "address", "host_organisation__name"]
    autocomplete_fields = ["host_organisation"]
    inlines = [OpeningHoursInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not OpeningHours:
            return super().save_formset(request, form, formset, change)
        formset_write(formset, OPENING_HOURS_WRITES, parent=form.instance, actor=actor_of(request))


# Delegations


class DelegationMemberInline(VisiblePeopleOnly, admin.TabularInline):
    model = DelegationMember
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Delegation)
class DelegationAdmin(DomainAdmin):
    list_display = ["name", "country_names", "language_names", "member_count"]
    list_filter = [("countries", CountryFilter)]
    search_fields = ["name", "organisations__name", "members__person__name", "members__person__email"]
    autocomplete_fields = ["organisations"]
    filter_horizontal = ["coordinators"]
    inlines = [DelegationMemberInline]

    # The delegation is written through visits.services, with its organisations and coordinators (whoever
    # registers a delegation coordinates it); its members' inline rows as the admin saves them.

    def save_model(self, request: HttpRequest, obj: Delegation, form: Any, change: bool) -> None:
        data = model_data(form)
        if change:
            adopt(obj, delegation_update(delegation=obj, data=data, actor=actor_of(request)))
        else:
            adopt(obj, delegation_register(data=data, actor=actor_of(request)))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The delegation's many-to-many fields were saved with it by its service.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Delegation]:
        # Only the delegations the user coordinates, here and in every autocomplete that picks one.
        queryset = super().get_queryset(request).filter(visible_delegations(request.user))
        # An aggregate drops Meta.ordering; restore it for the autocomplete's paginator.
        queryset = queryset.annotate(member_count=Count("members"))
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
class DelegationMemberAdmin(VisiblePeopleOnly, VisibleDelegationsOnly, DomainAdmin):
    # What the member needs is added by participation.admin, which keeps it.
    list_display = ["person", "delegation", "role", "language_names"]
    list_filter = ["role", ("delegation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "delegation"]
    search_fields = ["person__name", "person__email", "person__organisation__name", "delegation__name"]
    autocomplete_fields = ["delegation", "person"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DelegationMember]:
        return super().get_queryset(request).filter(visible_delegations(request.user, "delegation"))

    @admin.display(description=_("languages"))
    def language_names(self, member: DelegationMember) -> str:
        return ", ".join(language_name(code) for code in member.languages)
