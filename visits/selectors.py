"""Reads that are reused: what a user may see, which sessions a participant is on, whether a session is on."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from visits.models import Delegation, DelegationMember, Person, Session, SessionAttendee, Visit, VisitStatus


def visits_for_user(user: User | AnonymousUser) -> QuerySet[Visit]:
    """Superusers see every visit; a coordinator sees the visits they coordinate; anyone else, none.

    Coordinators are staff (the admin is part of their toolbox), so being staff is no reason to see more."""
    if not user.is_authenticated:
        return Visit.objects.none()
    if user.is_superuser:
        return Visit.objects.all()
    return Visit.objects.filter(coordinators=user.pk)


def sessions_for_user(user: User | AnonymousUser) -> QuerySet[Session]:
    """The sessions of the visits the user may see (visits_for_user)."""
    return Session.objects.filter(visit__in=visits_for_user(user).values("pk"))


def delegations_for_user(user: User | AnonymousUser) -> QuerySet[Delegation]:
    """Superusers see every delegation; anyone else those they coordinate themselves (whoever registered one
    coordinates it) or through one of its visits. A delegation's members are personal data: being staff is
    no reason to see them."""
    if not user.is_authenticated:
        return Delegation.objects.none()
    if user.is_superuser:
        return Delegation.objects.all()
    return Delegation.objects.filter(
        Q(pk__in=visits_for_user(user).values("delegation"))
        | Q(pk__in=Delegation.coordinators.through.objects.filter(user=user.pk).values("delegation"))
    )


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
