"""Writes from the planner's pages. Status moves go through visits.services; publishing through scheduling."""

from collections.abc import Iterable

from django.db import transaction

from planner.forms import PlannerSessionForm
from visits.models import Session, SessionExpert


def session_experts_set(*, session: Session, people: Iterable[int]) -> None:
    """Make the session's experts these people: new ones are added (not asked yet), the others removed.

    An expert who stays keeps their answer; one removed from a published session gets a cancellation when the
    programme is published next.
    """
    wanted = set(people)
    current = set(session.session_experts.values_list("person_id", flat=True))
    session.session_experts.filter(person_id__in=current - wanted).delete()
    SessionExpert.objects.bulk_create(
        SessionExpert(session=session, person_id=person_id) for person_id in sorted(wanted - current)
    )


@transaction.atomic
def session_save(*, form: PlannerSessionForm) -> Session:
    """Save a valid session form and its experts. Raises StaleEdit if someone saved the session meanwhile."""
    session = form.save()
    session_experts_set(session=session, people=form.chosen_experts())
    return session
