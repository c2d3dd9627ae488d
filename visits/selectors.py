"""Reads that are reused: which sessions a participant is on, whether a session is on. What a user may see is
visits.access."""

from django.db.models import Q

from visits.models import DelegationMember, Person, Session, SessionAttendee, VisitStatus


def participant_filter(person: Person) -> Q:
    """Sessions (by Session's own fields) that the person is on as a member of the visiting delegation.

    Every member when the whole delegation attends, the chosen members otherwise: the same people
    scheduling.publishing.programme_snapshot counts as on the session.
    """
    delegations = DelegationMember.objects.filter(person=person).values("delegation_id")
    chosen = SessionAttendee.objects.filter(member__person=person).values("session_id")
    return Q(attendance=Session.Attendance.CHOSEN, pk__in=chosen) | Q(
        attendance=Session.Attendance.DELEGATION, visit__delegation_id__in=delegations
    )


def session_cancelled(session: Session) -> bool:
    """Whether the session counts as cancelled: its own status says so, or its visit was cancelled.

    A cancelled visit keeps its sessions as a record, but to everyone on them they are off (as
    scheduling.publishing publishes them). Reads session.visit: select_related it over many sessions.
    """
    return session.status == Session.Status.CANCELLED or session.visit.status == VisitStatus.CANCELLED
