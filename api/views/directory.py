"""People and places (shared between coordinators on purpose: one expert serves many visits), and the
delegations of the visits a coordinator coordinates, with their members."""

from django.db.models import QuerySet
from rest_framework import mixins

from api.filters import (
    AvailabilityExceptionFilter,
    DelegationMemberFilter,
    ExpertHoursFilter,
    OpeningHoursFilter,
    OrganisationFilter,
    PersonFilter,
    TravelTimeFilter,
    VenueFilter,
)
from api.serializers.directory import (
    AvailabilityExceptionSerializer,
    DelegationMemberSerializer,
    DelegationSerializer,
    ExpertHoursSerializer,
    OpeningHoursSerializer,
    OrganisationSerializer,
    PersonSerializer,
    TravelTimeSerializer,
    VenueSerializer,
)
from api.views.base import GenericViewSet, ModelViewSet
from directory.access import delegations_for_user
from directory.services import member_remove, travel_time_remove
from scheduling.models import AvailabilityException, ExpertHours, TravelTime
from visits.models import Delegation, DelegationMember, OpeningHours, Organisation, Person, Venue


class OrganisationViewSet(ModelViewSet):
    queryset = Organisation.objects.order_by("name", "pk")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter


class PersonViewSet(ModelViewSet):
    """Experts, delegation members and interpreters: one row per person, whatever their roles."""

    queryset = Person.objects.order_by("name", "pk")
    serializer_class = PersonSerializer
    filterset_class = PersonFilter


class VenueViewSet(ModelViewSet):
    queryset = Venue.objects.order_by("city", "name", "pk")
    serializer_class = VenueSerializer
    filterset_class = VenueFilter


class OpeningHoursViewSet(ModelViewSet):
    """A venue's weekly opening hours, in the venue's time zone."""

    queryset = OpeningHours.objects.order_by("venue", "weekday", "opens", "pk")
    serializer_class = OpeningHoursSerializer
    filterset_class = OpeningHoursFilter


class ExpertHoursViewSet(ModelViewSet):
    """Experts' weekly hours. An expert with none is taken to be available at any time, save exceptions."""

    queryset = ExpertHours.objects.order_by("person", "weekday", "starts", "pk")
    serializer_class = ExpertHoursSerializer
    filterset_class = ExpertHoursFilter


class AvailabilityExceptionViewSet(ModelViewSet):
    queryset = AvailabilityException.objects.order_by("starts_on", "pk")
    serializer_class = AvailabilityExceptionSerializer
    filterset_class = AvailabilityExceptionFilter


class TravelTimeViewSet(ModelViewSet):
    queryset = TravelTime.objects.order_by("venue_a", "venue_b")
    serializer_class = TravelTimeSerializer
    filterset_class = TravelTimeFilter

    def perform_destroy(self, instance: TravelTime) -> None:
        travel_time_remove(venue=instance.venue_a, other=instance.venue_b)


class DelegationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, GenericViewSet
):
    """The delegations of the visits you coordinate. Delegations are created in the admin."""

    serializer_class = DelegationSerializer

    def get_queryset(self) -> QuerySet[Delegation]:
        return (
            delegations_for_user(self.request.user).prefetch_related("organisations").order_by("name", "pk")
        )


class DelegationMemberViewSet(ModelViewSet):
    """Members of the delegations of the visits you coordinate. A member of a delegation whose programme
    has been published stays on record (409 on delete)."""

    serializer_class = DelegationMemberSerializer
    filterset_class = DelegationMemberFilter

    def get_queryset(self) -> QuerySet[DelegationMember]:
        return DelegationMember.objects.filter(
            delegation__in=delegations_for_user(self.request.user).values("pk")
        ).order_by("delegation", "role", "person__name", "pk")

    def perform_destroy(self, instance: DelegationMember) -> None:
        member_remove(member=instance)
