"""Participants' stays of the visits you coordinate, written through booklets.services (audited)."""

from django.db.models import QuerySet
from rest_framework import serializers

from api.serializers.stays import ParticipantStaySerializer
from api.views.base import ModelViewSet
from booklets.models import ParticipantStay
from booklets.services import participant_stay_delete, participant_stay_save
from visits.access import actor_of, visible_visits


class ParticipantStayViewSet(ModelViewSet):
    """When the participants of the visits you coordinate arrive and leave, and their hotels. One stay per
    participant and visit; the visit and the person of a stay do not change."""

    serializer_class = ParticipantStaySerializer

    def get_queryset(self) -> QuerySet[ParticipantStay]:
        return (
            ParticipantStay.objects.filter(visible_visits(self.request.user, "visit"))
            .select_related("visit", "person")
            .order_by("visit", "person__name", "pk")
        )

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = participant_stay_save(
            visit=data["visit"],
            person=data["person"],
            actor=actor_of(self.request),
            arrives_at=data.get("arrives_at"),
            departs_at=data.get("departs_at"),
            hotel=data.get("hotel", ""),
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        stay = serializer.instance
        assert isinstance(stay, ParticipantStay)
        data = serializer.validated_data
        serializer.instance = participant_stay_save(
            visit=stay.visit,
            person=stay.person,
            actor=actor_of(self.request),
            arrives_at=data.get("arrives_at", stay.arrives_at),
            departs_at=data.get("departs_at", stay.departs_at),
            hotel=data.get("hotel", stay.hotel),
        )

    def perform_destroy(self, instance: ParticipantStay) -> None:
        participant_stay_delete(stay=instance, actor=actor_of(self.request))
