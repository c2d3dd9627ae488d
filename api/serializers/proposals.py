"""The solver's proposals as the API shows them, and what a request for one or an acceptance sends."""

from typing import Any

from django.utils.translation import gettext
from rest_framework import serializers

from proposals.models import Proposal
from proposals.reasons import reason_text


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    stage = serializers.CharField(
        read_only=True, help_text="queued, solving, first_feasible, improving, optimal…"
    )
    optimal = serializers.SerializerMethodField(help_text="Whether the programme is proven best.")
    explanation = serializers.SerializerMethodField(
        help_text="When no programme exists: the smallest set of rules that cannot hold together, in words."
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "visit",
            "status",
            "stage",
            "optimal",
            "is_repair",
            "repair_of",
            "pinned",
            "progress",
            "placements",
            "score",
            "objective",
            "bound",
            "seconds",
            "warnings",
            "reasons",
            "explanation",
            "moved",
            "accepted",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_optimal(self, proposal: Proposal) -> bool:
        return proposal.status == Proposal.Status.OPTIMAL

    def get_explanation(self, proposal: Proposal) -> list[str]:
        return [reason_text(r["code"], r["params"]) for r in proposal.reasons]


class ProposeSerializer(serializers.Serializer[Any]):
    repair_of = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The proposal to start from (to pin some of its sessions, or to repair it).",
    )
    pinned = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Keys of `repair_of` to keep."
    )
    repair = serializers.BooleanField(
        required=False, default=False, help_text="Move as few of `repair_of`'s sessions as possible."
    )

    def validate_repair_of(self, value: int) -> Proposal:
        visit = self.context["visit"]
        found = Proposal.objects.filter(visit=visit, pk=value).first()
        if found is None:
            raise serializers.ValidationError(
                gettext("No proposal %(id)s of this visit: give one of its proposals' ids.") % {"id": value}
            )
        return found


class AcceptSerializer(serializers.Serializer[Any]):
    keys = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="The proposed sessions to save (their keys, such as w12); leave out to accept the whole.",
    )
