"""Writes from the planner's pages. Status moves go through visits.services; publishing through scheduling."""

from django.db import transaction

from planner.forms import PlannerSessionForm
from visits.models import Session
from visits.services import session_chosen_members_set, session_experts_set, session_interpreters_set


@transaction.atomic
def session_save(*, form: PlannerSessionForm) -> Session:
    """Save a valid session form with its people: experts, interpreters and chosen members, all or nothing.

    Raises StaleEdit if someone saved the session meanwhile.
    """
    session = form.save()
    session_experts_set(session=session, people=form.chosen_experts())
    session_interpreters_set(session=session, bookings=form.chosen_interpreters())
    session_chosen_members_set(session=session, members=form.chosen_members())
    return session
