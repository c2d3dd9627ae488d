"""Reads that are reused: which visits a person takes part in, whether a session is on, who a typed e-mail
address is. What a user may see is visits.access; who is on a session, visits.roster."""

from typing import Any

from django.db.models import OuterRef, Q, QuerySet

from visits.models import Person, Session, Visit, VisitStatus


def visits_taking_part(person: Person | OuterRef) -> QuerySet[Visit]:
    """The visits a person takes part in: as a member of the visiting delegation, or as an expert or
    interpreter on any of its sessions.

    Wider than the roster (visits.roster), on purpose: a member chosen for no session still takes part in
    their delegation's visit, and an expert who declined was still asked. Each visit once. `person` may be
    a reference to a query around it, two levels up (OuterRef(OuterRef("person_id"))).
    """
    who: Any = person  # the stubs know no OuterRef in a lookup
    return Visit.objects.filter(
        Q(pk__in=Visit.objects.filter(delegation__members__person=who).values("pk"))
        | Q(pk__in=Session.objects.filter(session_experts__person=who).values("visit_id"))
        | Q(pk__in=Session.objects.filter(session_interpreters__person=who).values("visit_id"))
    )


def person_with_email(email: str) -> Person | None:
    """The person an address names, as every form that takes an address finds them (a public registration,
    a request's contact, a colleague an expert names, a member a coordinator adds): the address as typed,
    spaces trimmed, compared without regard to case (person_email_unique_ci keeps them unique so). None for
    a blank address, which names nobody. Whether a found person may be changed from the form is the
    caller's rule."""
    email = email.strip()
    if not email:
        return None
    return Person.objects.filter(email__iexact=email).order_by("pk").first()


def session_cancelled(session: Session) -> bool:
    """Whether the session counts as cancelled: its own status says so, or its visit was cancelled.

    A cancelled visit keeps its sessions as a record, but to everyone on them they are off (as
    scheduling.publishing publishes them). Reads session.visit: select_related it over many sessions.
    """
    return session.status == Session.Status.CANCELLED or session.visit.status == VisitStatus.CANCELLED
