"""Participants' stays (booklets.ParticipantStay): when each arrives and leaves, and their hotel, for the
caterers' and hotels' exports."""

from typing import Any

from rest_framework import serializers

from api.serializers.base import ModelValidatedSerializer, user_of
from booklets.models import ParticipantStay
from visits.access import people_for_user, visits_for_user


class ParticipantStaySerializer(ModelValidatedSerializer):
    class Meta:
        model = ParticipantStay
        fields = ["id", "visit", "person", "arrives_at", "departs_at", "hotel"]
        # A stay is its participant's on its visit: another person or visit is another stay.
        extra_kwargs = {
            "visit": {"help_text": "A visit you coordinate."},
            "person": {"help_text": "A member of the visit's delegation."},
            "arrives_at": {"help_text": "When the participant arrives, with its offset or in UTC."},
            "departs_at": {"help_text": "When the participant leaves; after the arrival."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = user_of(self.context)
        for name, rows in (("visit", visits_for_user(user)), ("person", people_for_user(user))):
            field = self.fields[name]
            if isinstance(field, serializers.PrimaryKeyRelatedField):
                field.queryset = rows
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["visit"].read_only = True
            self.fields["person"].read_only = True
