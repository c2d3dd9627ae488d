"""People and places, shared between coordinators; delegations and their members, seen by their visits'
coordinators."""

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from api.serializers.base import LanguageList, ModelValidatedSerializer, user_of
from api.serializers.fields import JsonModelSerializer, Text, strict
from participation.selectors import member_notes
from scheduling.models import AvailabilityException, ExpertHours, TravelTime
from visits.access import delegations_for_user, people_for_user
from visits.models import Delegation, DelegationMember, OpeningHours, Organisation, Person, Venue


class OrganisationSerializer(ModelValidatedSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "country", "kind", "side", "email", "phone", "website", "address"]


class PersonSerializer(ModelValidatedSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "email",
            "phone",
            "preferred_language",
            "home_time_zone",
            "organisation",
            "title",
            "gender",
        ]


class VenueSerializer(ModelValidatedSerializer):
    class Meta:
        model = Venue
        fields = [
            "id",
            "name",
            "address",
            "city",
            "country",
            "host_organisation",
            "time_zone",
            "capacity",
            "accessibility_notes",
        ]


class OpeningHoursSerializer(ModelValidatedSerializer):
    class Meta:
        model = OpeningHours
        fields = ["id", "venue", "weekday", "opens", "closes"]


class ExpertHoursSerializer(ModelValidatedSerializer):
    """A weekly interval in which an expert can usually lead sessions, in the expert's home time zone."""

    class Meta:
        model = ExpertHours
        fields = ["id", "person", "weekday", "starts", "ends"]


class AvailabilityExceptionSerializer(ModelValidatedSerializer):
    """A dated exception to an expert's hours (`person`) or a venue's opening hours (`venue`), not both."""

    class Meta:
        model = AvailabilityException
        fields = ["id", "person", "venue", "kind", "starts_on", "ends_on", "starts", "ends", "note"]


class TravelTimeSerializer(JsonModelSerializer):
    """Minutes between two venues, the same both ways. Setting a pair that exists changes its minutes."""

    class Meta:
        model = TravelTime
        fields = ["id", "venue_a", "venue_b", "minutes"]
        validators: list[Any] = []  # one row per pair, in either order: travel_time_set finds it

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance
        if (
            isinstance(instance, TravelTime)
            and {"venue_a", "venue_b"} & set(attrs)
            and (
                attrs.get("venue_a", instance.venue_a) != instance.venue_a
                or attrs.get("venue_b", instance.venue_b) != instance.venue_b
            )
        ):
            raise serializers.ValidationError(
                {"venue_b": [gettext("A travel time keeps its venues; set one for the other pair instead.")]}
            )
        return super().validate(attrs)

    def pair(self) -> tuple[Venue, Venue, int]:
        """The two venues and the minutes between them, as scheduling.services.travel_time_set takes them."""
        data, instance = self.validated_data, self.instance
        if isinstance(instance, TravelTime):
            return instance.venue_a, instance.venue_b, data.get("minutes", instance.minutes)
        return data["venue_a"], data["venue_b"], data["minutes"]


class DelegationSerializer(ModelValidatedSerializer):
    countries = serializers.ListField(child=strict(CountryField)(), required=False)
    languages = LanguageList()
    coordinators = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="username",
        help_text="Who coordinates the delegation itself: whoever registered it, and whom they added in the "
        "admin. The coordinators of its visits see it too.",
    )

    class Meta:
        model = Delegation
        fields = ["id", "name", "countries", "organisations", "languages", "notes", "coordinators"]
        # The model's clean() refuses a taken name in any case, with a message that says what to do.
        extra_kwargs: dict[str, dict[str, Any]] = {"name": {"validators": []}}


class MemberNote(Text):
    """One of the coordinators' notes on what a member needs, which participation keeps (not the membership):
    read through participation.selectors.member_notes, written by the view through its service."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=200, allow_blank=True, required=False, **kwargs)

    def get_attribute(self, instance: DelegationMember) -> str:
        return str(getattr(member_notes(instance), self.field_name))


class DelegationMemberSerializer(ModelValidatedSerializer):
    languages = LanguageList()
    dietary_needs = MemberNote(label=capfirst(_("dietary needs")))
    accessibility_needs = MemberNote(label=capfirst(_("accessibility needs")))

    NEEDS = ("dietary_needs", "accessibility_needs")

    class Meta:
        model = DelegationMember
        fields = [
            "id",
            "delegation",
            "person",
            "role",
            "languages",
            "dietary_needs",
            "accessibility_needs",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["delegation"]
        if isinstance(field, serializers.PrimaryKeyRelatedField):
            field.queryset = delegations_for_user(user_of(self.context))
        # Another coordinator's delegate is not found by id, as they are not found at people/<id>/.
        person = self.fields["person"]
        if isinstance(person, serializers.PrimaryKeyRelatedField):
            person.queryset = people_for_user(user_of(self.context))
