"""Query filters of the list endpoints. Ids are plain numbers: a filter never says whether a row exists."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from notifications.models import OutboxMessage
from scheduling.models import AvailabilityException, ExpertHours, TravelTime
from visits.models import DelegationMember, OpeningHours, Organisation, Person, Session, Venue, Visit

BIGGEST_ID = 2**63 - 1


class FilterSet(filters.FilterSet):
    """A filter is given once, with a value: django-filter would read `date_to=` as no filter and
    `visit=1&visit=2` as the last one, which the schema (a date, a number) does not allow, so each is a 400
    naming the parameter. An empty text search is a search for "", which is allowed; a status may be given
    several times."""

    def get_form_class(self) -> type[forms.Form]:
        filterset = self

        class Form(super().get_form_class()):  # type: ignore[misc]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                for name, each in filterset.filters.items():
                    if name not in self.data or isinstance(each, filters.MultipleChoiceFilter):
                        continue
                    values = self.data.getlist(name)
                    if len(values) > 1:
                        self.add_error(name, gettext("Give this parameter once."))
                    elif values == [""] and not isinstance(each, filters.CharFilter):
                        self.add_error(name, gettext("Give a value, or leave the parameter out."))
                return cleaned

        return Form


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGGEST_ID})
class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGGEST_ID)
        super().__init__(*args, **kwargs)


def search(fields: tuple[str, ...]) -> filters.CharFilter:
    def method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    return filters.CharFilter(method=method, label="Contained in " + " or ".join(fields))


class OrganisationFilter(FilterSet):
    q = search(("name",))

    class Meta:
        model = Organisation
        fields = ["country", "kind", "side"]


class PersonFilter(FilterSet):
    q = search(("name", "email"))
    organisation = IdFilter(field_name="organisation_id")
    email = filters.CharFilter(field_name="email", lookup_expr="iexact")

    class Meta:
        model = Person
        fields = ["organisation", "email", "preferred_language"]


class VenueFilter(FilterSet):
    q = search(("name", "address"))
    city = filters.CharFilter(field_name="city", lookup_expr="iexact")

    class Meta:
        model = Venue
        fields = ["city", "country"]


class OpeningHoursFilter(FilterSet):
    venue = IdFilter(field_name="venue_id")

    class Meta:
        model = OpeningHours
        fields = ["venue", "weekday"]


class ExpertHoursFilter(FilterSet):
    person = IdFilter(field_name="person_id")

    class Meta:
        model = ExpertHours
        fields = ["person", "weekday"]


class AvailabilityExceptionFilter(FilterSet):
    person = IdFilter(field_name="person_id")
    venue = IdFilter(field_name="venue_id")
    date_from = filters.DateFilter(field_name="ends_on", lookup_expr="gte", label="Ends on or after this day")
    date_to = filters.DateFilter(
        field_name="starts_on", lookup_expr="lte", label="Starts on or before this day"
    )

    class Meta:
        model = AvailabilityException
        fields = ["person", "venue", "kind"]


class TravelTimeFilter(FilterSet):
    venue = IdFilter(method="either_venue", label="Either venue of the pair")

    class Meta:
        model = TravelTime
        fields = ["venue"]

    def either_venue(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(Q(venue_a_id=value) | Q(venue_b_id=value))


class DelegationMemberFilter(FilterSet):
    delegation = IdFilter(field_name="delegation_id")
    person = IdFilter(field_name="person_id")

    class Meta:
        model = DelegationMember
        fields = ["delegation", "person", "role"]


class VisitFilter(FilterSet):
    status = filters.MultipleChoiceFilter(choices=Visit.Status.choices)
    delegation = IdFilter(field_name="delegation_id")
    date_from = filters.DateFilter(field_name="ends_on", lookup_expr="gte", label="Ends on or after this day")
    date_to = filters.DateFilter(
        field_name="starts_on", lookup_expr="lte", label="Starts on or before this day"
    )

    class Meta:
        model = Visit
        fields = ["status", "kind", "delegation"]


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, taken in UTC: PostgreSQL refuses offsets past ±15:59, which Python accepts."""

    def to_python(self, value: Any) -> dt.datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class SessionFilter(FilterSet):
    visit = IdFilter(field_name="visit_id")
    venue = IdFilter(field_name="venue_id")
    expert = IdFilter(field_name="session_experts__person_id", distinct=True)
    status = filters.MultipleChoiceFilter(choices=Session.Status.choices)
    # Together: the sessions that share some time with [after, before).
    after = UtcDateTimeFilter(field_name="ends_at", lookup_expr="gt", label="Ends after this time")
    before = UtcDateTimeFilter(field_name="starts_at", lookup_expr="lt", label="Starts before this time")

    class Meta:
        model = Session
        fields = ["visit", "venue", "expert", "status", "kind"]


class OutboxMessageFilter(FilterSet):
    visit = IdFilter(field_name="visit_id")
    session = IdFilter(field_name="session_id")
    status = filters.MultipleChoiceFilter(choices=OutboxMessage.Status.choices)

    class Meta:
        model = OutboxMessage
        fields = ["visit", "session", "status", "kind"]
