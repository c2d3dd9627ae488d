"""Requests for a visit: the agency's inbox, every coordinator's (visits.access.may_triage_requests, the API's
entry rule already). Read only; accepting, asking for more and declining are the planner's."""

from django.db.models import QuerySet
from rest_framework import mixins

from api.serializers.intake import IntakeRequestSerializer
from api.views.base import GenericViewSet
from intake.models import VisitRequest
from visits.access import may_triage_requests


class VisitRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = IntakeRequestSerializer

    def get_queryset(self) -> QuerySet[VisitRequest]:
        if not may_triage_requests(self.request.user):
            return VisitRequest.objects.none()
        return VisitRequest.objects.prefetch_related("themes", "notes").order_by("-created_at", "-pk")
