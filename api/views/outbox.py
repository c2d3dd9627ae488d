"""The outgoing messages of the visits a coordinator coordinates, and "send again" for a failed one."""

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import OutboxMessageFilter
from api.serializers.results import ErrorSerializer, OutboxMessageSerializer
from api.views.base import GenericViewSet
from notifications.models import OutboxMessage
from notifications.outbox import outbox_send_again
from visits.access import actor_of, visible_visits


class OutboxMessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = OutboxMessageSerializer
    filterset_class = OutboxMessageFilter

    def get_queryset(self) -> QuerySet[OutboxMessage]:
        return OutboxMessage.objects.filter(visible_visits(self.request.user, "visit")).order_by("pk")

    @extend_schema(
        request=None,
        responses={
            200: OutboxMessageSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The message has not failed."),
        },
    )
    @action(detail=True, methods=["post"], url_path="send-again")
    def send_again(self, request: Request, pk: str) -> Response:
        """Queue a failed message again, now, with a fresh count of attempts."""
        message = self.get_object()
        if message.status != OutboxMessage.Status.FAILED:
            return Response(
                {
                    "detail": gettext("Only a failed message can be sent again; this one is %(status)s.")
                    % {"status": message.get_status_display().lower()}
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(
            OutboxMessageSerializer(outbox_send_again(message=message, actor=actor_of(request))).data
        )
