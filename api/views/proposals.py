"""The solver's proposals for the visits a coordinator coordinates: read one (with its progress), accept it
whole or in part, discard it. Asking for one is `POST visits/{id}/propose/` (api.views.programme)."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.proposals import AcceptSerializer, ProposalSerializer, ProposeSerializer
from api.serializers.results import ErrorSerializer
from api.views.base import GenericViewSet
from proposals.models import Proposal
from proposals.services import proposal_accept, proposal_discard, proposal_request
from visits.access import actor_of, visible_visits
from visits.models import Visit


class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Proposals of the visits you coordinate, newest first."""

    serializer_class = ProposalSerializer

    def get_queryset(self) -> QuerySet[Proposal]:
        return Proposal.objects.filter(visible_visits(self.request.user, "visit")).order_by("-pk")

    @extend_schema(
        request=AcceptSerializer,
        responses={200: ProposalSerializer, 409: OpenApiResponse(ErrorSerializer, description="Not open.")},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """Save the proposed sessions (all, or those in `keys`) as sessions of the visit."""
        proposal = self.get_object()
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal_accept(
            proposal=proposal, keys=serializer.validated_data.get("keys"), actor=actor_of(request)
        )
        proposal.refresh_from_db()
        return Response(ProposalSerializer(proposal).data)

    @extend_schema(
        request=None,
        responses={200: ProposalSerializer, 409: OpenApiResponse(ErrorSerializer, description="Finished.")},
    )
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str) -> Response:
        """Drop the draft; nothing of it was saved."""
        return Response(
            ProposalSerializer(proposal_discard(proposal=self.get_object(), actor=actor_of(request))).data
        )


def propose(visit: Visit, request: Request) -> Response:
    """What `POST visits/{id}/propose/` does: queue a proposal, answer 202 with where to read it."""
    serializer = ProposeSerializer(data=request.data, context={"visit": visit})
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    proposal = proposal_request(
        visit=visit,
        actor=actor_of(request),
        pinned=data.get("pinned", []),
        repair_of=data.get("repair_of"),
        repair=data.get("repair", False),
    )
    body = ProposalSerializer(proposal).data
    return Response(
        body, status=status.HTTP_202_ACCEPTED, headers={"Location": f"/api/v1/proposals/{proposal.pk}/"}
    )
