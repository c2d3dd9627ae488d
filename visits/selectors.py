"""Reads that are reused: which visits a person takes part in, whether a session is on. What a user may see is
visits.access; who is on a session, visits.roster."""

from django.db.models import Q, QuerySet

from visits.models import Person, Session, Visit, VisitStatus


def visits_taking_part(person: Person) -> QuerySet[Visit]:
    """The visits a person takes part in: as a member of the visiting delegation, or as an expert or
    interpreter on any of its sessions.

    Wider than the roster (visits.roster), on purpose: a member chosen for no session still takes part in
    their delegation's visit, and an expert who declined was still asked. Each visit once.
    """
    return Visit.objects.filter(
        Q(pk__in=Visit.objects.filter(delegation__members__person=person).values("pk"))
        | Q(pk__in=Session.objects.filter(session_experts__person=person).values("visit_id"))
        | Q(pk__in=Session.objects.filter(session_interpreters__person=person).values("visit_id"))
    )


def session_cancelled(session: Session) -> bool:
    """Whether the session counts as cancelled: its own status says so, or its visit was cancelled.

    A cancelled visit keeps its sessions as a record, but to everyone on them they are off (as
    scheduling.publishing publishes them). Reads session.visit: select_related it over many sessions.
    """
    return session.status == Session.Status.CANCELLED or session.visit.status == VisitStatus.CANCELLED
