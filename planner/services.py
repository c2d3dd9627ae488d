"""Writes from the planner's pages. Status moves go through visits.services; publishing through scheduling."""

from django.db import transaction

from planner.forms import PlannerSessionForm
from visits.models import Session
from visits.services import session_experts_set


@transaction.atomic
def session_save(*, form: PlannerSessionForm) -> Session:
    """Save a valid session form and its experts. Raises StaleEdit if someone saved the session meanwhile."""
    session = form.save()
    session_experts_set(session=session, people=form.chosen_experts())
    return session
