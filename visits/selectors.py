"""Reads that are reused: what a user may see, which visits a person takes part in, whether a session is on.

Who is on a session is the roster's to say (visits.roster).
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from visits.models import Delegation, Person, Session, Visit, VisitStatus


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
