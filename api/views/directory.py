"""People and places (shared between coordinators on purpose: one expert serves many visits), and the
delegations of the visits a coordinator coordinates, with their members."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

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
from api.serializers.results import (
    ErrorSerializer,
    ImportRowSerializer,
    MemberImportResultSerializer,
    MemberImportSerializer,
)
from api.views.base import ModelViewSet, ServiceWrites
from directory.member_import import members_import, outcome_of, plan_import
from directory.tabular import MAX_FILE_BYTES, TableError, read_table
from participation.services import member_needs_set
from privacy.services import person_export, reach_refusal
from scheduling.models import AvailabilityException, ExpertHours, TravelTime
from scheduling.services import (
    AVAILABILITY_EXCEPTION_WRITES,
    EXPERT_HOURS_WRITES,
    travel_time_remove,
    travel_time_set,
)
from visits.access import (
    access_personal_data,
    actor_of,
    delegations_for_user,
    members_for_user,
    people_for_user,
)
from visits.models import Delegation, DelegationMember, OpeningHours, Organisation, Person, Venue
from visits.services import (
    OPENING_HOURS_WRITES,
    ORGANISATION_WRITES,
    PERSON_WRITES,
    VENUE_WRITES,
    Refused,
    delegation_register,
    delegation_remove,
    delegation_update,
    member_add,
    member_remove,
    member_update,
)


class OrganisationViewSet(ServiceWrites, ModelViewSet):
    queryset = Organisation.objects.order_by("name", "pk")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    writes = ORGANISATION_WRITES


class PersonViewSet(ServiceWrites, ModelViewSet):
    """Experts, delegation members and interpreters: one row per person, whatever their roles."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    writes = PERSON_WRITES

    def get_queryset(self) -> QuerySet[Person]:
        return people_for_user(self.request.user).order_by("name", "pk")

    @extend_schema(
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Everything held about the person, by section."
            ),
            409: OpenApiResponse(
                ErrorSerializer, description="The person is also in another coordinator's records."
            ),
        },
    )
    @action(detail=True, methods=["get"], url_path="personal-data", filter_backends=[], pagination_class=None)
    def personal_data(self, request: Request, pk: str) -> Response:
        """The person's personal data as the directory's "Export data" gives it: a member of a delegation you
        may see (an agency admin: anyone); anyone else is a 404."""
        person = access_personal_data(request.user, int(pk))
        refusal = reach_refusal(person, user=request.user)
        if refusal is not None:
            return Response({"detail": refusal}, status=status.HTTP_409_CONFLICT)
        return Response(person_export(person))


class VenueViewSet(ServiceWrites, ModelViewSet):
    queryset = Venue.objects.order_by("city", "name", "pk")
    serializer_class = VenueSerializer
    filterset_class = VenueFilter
    writes = VENUE_WRITES


class OpeningHoursViewSet(ServiceWrites, ModelViewSet):
    """A venue's weekly opening hours, in the venue's time zone."""

    queryset = OpeningHours.objects.order_by("venue", "weekday", "opens", "pk")
    serializer_class = OpeningHoursSerializer
    filterset_class = OpeningHoursFilter
    writes = OPENING_HOURS_WRITES


class ExpertHoursViewSet(ServiceWrites, ModelViewSet):
    """Experts' weekly hours. An expert with none is taken to be available at any time, save exceptions."""

    queryset = ExpertHours.objects.order_by("person", "weekday", "starts", "pk")
    serializer_class = ExpertHoursSerializer
    filterset_class = ExpertHoursFilter
    writes = EXPERT_HOURS_WRITES


class AvailabilityExceptionViewSet(ServiceWrites, ModelViewSet):
    queryset = AvailabilityException.objects.order_by("starts_on", "pk")
    serializer_class = AvailabilityExceptionSerializer
    filterset_class = AvailabilityExceptionFilter
    writes = AVAILABILITY_EXCEPTION_WRITES


class TravelTimeViewSet(ModelViewSet):
    queryset = TravelTime.objects.order_by("venue_a", "venue_b")
    serializer_class = TravelTimeSerializer
    filterset_class = TravelTimeFilter

    def perform_create(self, serializer: BaseSerializer) -> None:
        self.perform_update(serializer)

    def perform_update(self, serializer: BaseSerializer) -> None:
        assert isinstance(serializer, TravelTimeSerializer)
        venue, other, minutes = serializer.pair()
        try:
            serializer.instance = travel_time_set(
                venue=venue, other=other, minutes=minutes, actor=actor_of(self.request)
            )
        except Refused as refusal:
            raise ValidationError({"venue_b": [str(refusal)]}) from None

    def perform_destroy(self, instance: TravelTime) -> None:
        travel_time_remove(venue=instance.venue_a, other=instance.venue_b, actor=actor_of(self.request))


class DelegationViewSet(ModelViewSet):
    """The delegations you coordinate, yourself or through one of their visits (a superuser: all). Whoever
    registers a delegation coordinates it. A delegation that has visits cannot be deleted (409)."""

    serializer_class = DelegationSerializer

    def get_queryset(self) -> QuerySet[Delegation]:
        return (
            delegations_for_user(self.request.user)
            .prefetch_related("organisations", "coordinators")
            .order_by("name", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.has_perm("visits.add_delegation"):
            raise exceptions.PermissionDenied(gettext("You may not add delegations."))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer) -> None:
        assert isinstance(self.request.user, User)  # IsCoordinator let the request in
        serializer.instance = delegation_register(data=serializer.validated_data, actor=self.request.user)

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = delegation_update(
            delegation=serializer.instance, data=serializer.validated_data, actor=actor_of(self.request)
        )

    @extend_schema(
        request={"multipart/form-data": MemberImportSerializer},
        responses={200: MemberImportResultSerializer},
    )
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_members(self, request: Request, pk: str) -> Response:
        """Add and update the delegation's members from a CSV or XLSX file, as the directory's import does.
        Valid rows are imported in one transaction; rows in error are skipped and say why."""
        delegation = self.get_object()
        serializer = MemberImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            table = read_table(upload.read(MAX_FILE_BYTES + 1), upload.name or "")
        except TableError as error:
            raise ValidationError({"file": [str(error)]}) from None
        dry_run = serializer.validated_data["dry_run"]
        planned = plan_import(delegation=delegation, rows=table.rows, actor=actor_of(request))
        outcome = (
            outcome_of(planned)
            if dry_run
            # it plans again, in its transaction
            else members_import(delegation=delegation, rows=table.rows, actor=actor_of(request))
        )
        rows = ImportRowSerializer(planned, many=True).data
        return Response(
            {
                "imported": not dry_run,
                "added": outcome.added,
                "updated": outcome.updated,
                "skipped": outcome.skipped,
                "conflicts": outcome.conflicts,
                "ignored_headers": table.ignored_headers,
                "rows": rows,
            }
        )

    def perform_destroy(self, instance: Delegation) -> None:
        if not self.request.user.has_perm("visits.delete_delegation"):
            raise exceptions.PermissionDenied(gettext("You may not delete delegations."))
        delegation_remove(delegation=instance, actor=actor_of(self.request))


class DelegationMemberViewSet(ModelViewSet):
    """Members of the delegations of the visits you coordinate. A member of a delegation whose programme
    has been published stays on record (409 on delete)."""

    serializer_class = DelegationMemberSerializer
    filterset_class = DelegationMemberFilter

    def get_queryset(self) -> QuerySet[DelegationMember]:
        # Their needs are participation's, read in the same query.
        return (
            members_for_user(self.request.user)
            .select_related("needs")
            .order_by("delegation", "role", "person__name", "pk")
        )

    @transaction.atomic
    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        notes = {name: data.pop(name) for name in DelegationMemberSerializer.NEEDS if name in data}
        member = member_add(
            delegation=data.pop("delegation"),
            person=data.pop("person"),
            person_data={},
            membership_data=data,
            actor=actor_of(self.request),
        )
        member_needs_set(member=member, notes=notes, actor=actor_of(self.request))
        serializer.instance = self.get_queryset().get(pk=member.pk)

    @transaction.atomic
    def perform_update(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        notes = {name: data.pop(name) for name in DelegationMemberSerializer.NEEDS if name in data}
        member = member_update(
            member=serializer.instance,
            person_data={},
            membership_data=data,
            actor=actor_of(self.request),
        )
        member_needs_set(member=member, notes=notes, actor=actor_of(self.request))
        serializer.instance = self.get_queryset().get(pk=member.pk)  # with its needs as they are now

    def perform_destroy(self, instance: DelegationMember) -> None:
        member_remove(member=instance, actor=actor_of(self.request))
