"""Visits and sessions of the visits a coordinator coordinates, and what is done with them: publishing,
cancelling, checking for conflicts. Anything outside that scope is a 404."""

from dataclasses import asdict
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from api.conflicts import conflict_json, report_json
from api.errors import StaleCopy
from api.filters import SessionFilter, VisitFilter
from api.serializers.programme import (
    SessionProposalSerializer,
    SessionSerializer,
    VisitSerializer,
)
from api.serializers.proposals import ProposalSerializer, ProposeSerializer
from api.serializers.results import (
    AcknowledgeSerializer,
    ConflictReportSerializer,
    ErrorSerializer,
    OutboxMessageSerializer,
    PreviewSerializer,
    ProposalConflictsSerializer,
    PublishResultSerializer,
)
from api.views.base import ModelViewSet
from notifications.models import OutboxMessage
from scheduling.change_words import summarise
from scheduling.checks import (
    CannotAcknowledge,
    proposal_conflicts,
    visit_conflict_report,
    warning_acknowledge,
)
from scheduling.preview import version_changes, visit_preview
from scheduling.publishing import nothing_published_message, programme_publish
from visits.access import actor_of, sessions_for_user, visits_for_user
from visits.models import Session, SessionExpert, SessionInterpreter, Visit
from visits.services import (
    session_change_status,
    session_create,
    session_delete,
    session_update,
    visit_create,
    visit_delete,
    visit_update,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag of the session as you read it, such as "3". A session changed since is a 409.',
)


class VisitViewSet(ModelViewSet):
    """The visits you coordinate (a superuser: all). Whoever creates a visit coordinates it."""

    serializer_class = VisitSerializer
    filterset_class = VisitFilter

    def get_queryset(self) -> QuerySet[Visit]:
        return (
            visits_for_user(self.request.user)
            .select_related("delegation")
            .prefetch_related("coordinators")
            .order_by("starts_on", "title", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # As the planner's "new visit": only those who may add visits, and they coordinate what they add.
        if not request.user.has_perm("visits.add_visit"):
            raise exceptions.PermissionDenied(gettext("You may not add visits."))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        assert isinstance(serializer, VisitSerializer)
        serializer.instance = visit_create(**serializer.service_arguments(), actor=actor_of(self.request))

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        assert isinstance(serializer, VisitSerializer)
        serializer.instance = visit_update(
            visit=serializer.instance, **serializer.service_arguments(), actor=actor_of(self.request)
        )

    def perform_destroy(self, instance: Visit) -> None:
        if not self.request.user.has_perm("visits.delete_visit"):
            raise exceptions.PermissionDenied(gettext("You may not delete visits."))
        visit_delete(visit=instance, actor=actor_of(self.request))

    @extend_schema(responses={200: ConflictReportSerializer})
    @action(detail=True, methods=["get"])
    def conflicts(self, request: Request, pk: str) -> Response:
        """Every conflict of the programme, including clashes with other visits' sessions."""
        return Response(report_json(visit_conflict_report(self.get_object(), reader=request.user)))

    @extend_schema(request=AcknowledgeSerializer, responses={200: ConflictReportSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """Accept a warning (by its `key` from the conflicts), so that it no longer counts as open. Fatal
        conflicts cannot be accepted: they must be resolved. Answers with the visit's conflicts."""
        visit = self.get_object()
        serializer = AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = serializer.validated_data["key"]
        assert isinstance(request.user, User)  # IsCoordinator let the request in
        try:
            conflict = warning_acknowledge(visit=visit, key=key, actor=request.user)
        except CannotAcknowledge as refused:
            raise serializers.ValidationError({"key": [str(refused)]}) from None
        if conflict is None:
            raise serializers.ValidationError(
                {"key": [gettext("No conflict of this visit has that key now: read its conflicts again.")]}
            )
        return Response(report_json(visit_conflict_report(visit, reader=request.user)))

    @extend_schema(
        request=ProposeSerializer,
        responses={202: ProposalSerializer, 400: OpenApiResponse(ErrorSerializer, description="Bad fields.")},
    )
    @action(detail=True, methods=["post"])
    def propose(self, request: Request, pk: str) -> Response:
        """Ask the solver to lay out the visit's wanted sessions around its fixed ones. Answers 202 with the
        proposal, which a worker solves: read it at /proposals/{id}/ for its progress and result."""
        from api.views.proposals import propose

        return propose(self.get_object(), request)

    @extend_schema(responses={200: PreviewSerializer})
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str) -> Response:
        """What publishing now would change, in words; nothing is saved."""
        return Response(asdict(visit_preview(self.get_object())))

    @extend_schema(
        request=None,
        responses={
            200: PublishResultSerializer,
            409: OpenApiResponse(ErrorSerializer, description="Fatal conflicts, in `conflicts`."),
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Publish the programme as its next version and queue the messages its change set calls for."""
        visit = self.get_object()
        # PublishBlocked: 409 with the conflicts
        version = programme_publish(visit=visit, actor=actor_of(request))
        if version is None:
            latest = visit.versions.order_by("-number").values_list("number", flat=True).first()
            summary = nothing_published_message(visit)
            return Response({"published": False, "version": latest, "summary": summary, "changes": []})
        specs = version_changes(version)
        return Response(
            {
                "published": True,
                "version": version.number,
                "summary": summarise(specs),
                "changes": [
                    {
                        "kind": spec.kind.value,
                        "session": spec.session_id,
                        "session_title": spec.session_title,
                        "sequence": spec.sequence,
                        "before": spec.before,
                        "after": spec.after,
                        "recipients": [
                            {"person": r.person_id, "role": r.role, "action": r.action}
                            for r in spec.recipients
                        ],
                    }
                    for spec in specs
                ],
            }
        )

    @extend_schema(responses={200: OutboxMessageSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def outbox(self, request: Request, pk: str) -> Response:
        """The visit's outgoing messages, oldest first. /outbox/?visit= filters them by status and kind."""
        visit = self.get_object()
        page = self.paginate_queryset(OutboxMessage.objects.filter(visit=visit).order_by("pk"))
        return self.get_paginated_response(OutboxMessageSerializer(page, many=True).data)


def with_etag(response: Response, session: Session) -> Response:
    response["ETag"] = f'"{session.revision}"'
    return response


def check_if_match(request: Request, session: Session) -> None:
    """An If-Match header that names another revision than the stored one refuses the change."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    if str(session.revision) not in tags:
        raise StaleCopy(stale_message(session, header), session.revision)


def stale_message(session: Session, sent: object) -> str:
    return gettext(
        "“%(title)s” was changed after the copy you sent was read (you sent %(sent)s; it is now at version "
        "%(current)d). Nothing was saved: read the session again, then make your change again."
    ) % {"title": session.title, "sent": sent, "current": session.revision}


@extend_schema_view(
    update=extend_schema(parameters=[IF_MATCH]),
    partial_update=extend_schema(parameters=[IF_MATCH]),
    destroy=extend_schema(parameters=[IF_MATCH]),
)
class SessionViewSet(ModelViewSet):
    """Sessions of the visits you coordinate. Each carries its revision as its ETag: send it back in If-Match
    (or as `version`) and a change made meanwhile by someone else is a 409 instead of being overwritten."""

    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self) -> QuerySet[Session]:
        sessions = sessions_for_user(self.request.user)
        if self.request.method not in SAFE_METHODS and self.action != "check":  # a check changes nothing
            # A change holds the row from the If-Match check to its save (AtomicWrites: one transaction), so
            # that a change made in between by someone else is not overwritten.
            sessions = sessions.select_for_update(of=("self",))
        return (
            sessions.select_related("visit")
            .prefetch_related(
                Prefetch("session_experts", queryset=SessionExpert.objects.order_by("person_id")),
                "experts",
                "chosen_members",
                Prefetch("session_interpreters", queryset=SessionInterpreter.objects.order_by("person_id")),
            )
            .order_by("starts_at", "title", "pk")
        )

    def fresh(self, session: Session) -> Session:
        return self.get_queryset().get(pk=session.pk)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        return with_etag(Response(self.get_serializer(session).data), session)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assert isinstance(serializer, SessionSerializer)
        arguments = serializer.service_arguments()
        visit = arguments["data"].pop("visit")
        session = self.fresh(session_create(visit=visit, **arguments, actor=actor_of(request)))
        return with_etag(Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED), session)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        check_if_match(request, session)
        serializer = self.get_serializer(session, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        assert isinstance(serializer, SessionSerializer)
        sent = serializer.sent_revision  # as validated: a whole number (api.serializers.fields.Integer)
        if sent is not None and sent != session.revision:
            raise StaleCopy(stale_message(session, sent), session.revision)
        # StaleEdit if someone saved it since it was read
        session = self.fresh(
            session_update(session=session, **serializer.service_arguments(), actor=actor_of(request))
        )
        return with_etag(Response(self.get_serializer(session).data), session)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        check_if_match(request, session)
        session_delete(session=session, actor=actor_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Cancel the session. Its people are told when the programme is published next."""
        session = self.get_object()
        check_if_match(request, session)
        cancelled = session_change_status(
            session=session, status=Session.Status.CANCELLED, actor=actor_of(request)
        )
        session = self.fresh(cancelled)
        return with_etag(Response(self.get_serializer(session).data), session)

    @extend_schema(
        request=SessionProposalSerializer,
        responses={200: ProposalConflictsSerializer},
    )
    @action(detail=False, methods=["post"])
    def check(self, request: Request) -> Response:
        """The conflicts a session would have, nothing saved: a new one, or (with `session`) a changed one."""
        data = request.data if isinstance(request.data, dict) else {}
        stored: Session | None = None
        if data.get("session") is not None:
            number = serializers.IntegerField(min_value=1)
            try:
                stored = self.get_queryset().filter(pk=number.run_validation(data["session"])).first()
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"session": error.detail}) from None
            if stored is None:
                raise serializers.ValidationError(
                    {"session": [gettext("No session with that number in a visit you coordinate.")]}
                )
        serializer = SessionProposalSerializer(
            stored, data=request.data, partial=stored is not None, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        proposal = serializer.proposal()
        experts = serializer.validated_data.get("experts")
        expert_ids = (
            [person.pk for person in experts]
            if experts is not None
            else ([e.person_id for e in stored.session_experts.all()] if stored is not None else [])
        )
        attendees = serializer.validated_data.get("chosen_members")
        participants = [member.person_id for member in attendees] if attendees is not None else None
        bookings = serializer.validated_data.get("session_interpreters")
        interpreters = [booking["person"].pk for booking in bookings] if bookings is not None else None
        found = proposal_conflicts(
            proposal,
            experts=expert_ids,
            participants=participants,
            interpreters=interpreters,
            reader=request.user,
        )
        return Response({"conflicts": [conflict_json(conflict) for conflict in found]})
