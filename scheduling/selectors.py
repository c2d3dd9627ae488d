"""Reads of a visit's published versions, for the coordinators' pages (the planner, the API and the admin)."""

from django.db.models import Count, Prefetch, QuerySet

from scheduling.models import ChangeRecipient, ProgrammeChange, ProgrammeVersion
from visits.models import Visit


def versions_for_visit(visit: Visit) -> QuerySet[ProgrammeVersion]:
    """The visit's versions, newest first, with how many changes each made; the snapshots are left unread."""
    return (
        ProgrammeVersion.objects.filter(visit=visit)
        .select_related("published_by")
        .defer("snapshot")
        .annotate(change_count=Count("changes"))
        .order_by("-number")
    )


def changes_of_version(version: ProgrammeVersion) -> QuerySet[ProgrammeChange]:
    """The version's changes in programme order, each with the people it concerns."""
    return (
        ProgrammeChange.objects.filter(version=version)
        .select_related("session")
        .prefetch_related(
            Prefetch(
                "recipients",
                queryset=ChangeRecipient.objects.select_related("person").order_by("person__name"),
            )
        )
        .order_by("id")
    )
