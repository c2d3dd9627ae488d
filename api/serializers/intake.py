"""Requests for a visit, as the coordinators' inbox shows them (read only: triage is in the planner)."""

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from intake.models import RequestNote, VisitRequest


class RequestNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestNote
        fields = ["id", "author", "step", "text", "created_at"]
        read_only_fields = fields


class IntakeRequestSerializer(serializers.ModelSerializer):
    """Not "VisitRequestSerializer": drf-spectacular would name it VisitRequest, the name it gives the body of
    a request that writes a visit (VisitSerializer's), and one would replace the other in the schema."""

    country = CountryField(read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    notes = RequestNoteSerializer(many=True, read_only=True)

    class Meta:
        model = VisitRequest
        fields = [
            "id",
            "status",
            "status_changed_at",
            "organisation",
            "country",
            "target_group",
            "themes",
            "themes_note",
            "starts_on",
            "ends_on",
            "dates_note",
            "group_size",
            "languages",
            "contact_name",
            "contact_title",
            "contact_email",
            "contact_phone",
            "language",
            "message",
            "consented_at",
            "retention_days",
            "delegation",
            "contact",
            "visit",
            "erased_at",
            "created_at",
            "notes",
        ]
        read_only_fields = fields
