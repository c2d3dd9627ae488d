"""A person's history: what happened to their record, memberships, answers, messages and links."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from visits.access import access_person, coordinator_required
from visits.history import person_history as person_history_lines


@coordinator_required
@require_safe
def person_history(request: HttpRequest, person_id: int) -> HttpResponse:
    """Only what belongs to visits and delegations the reader may see (visits.history)."""
    person = access_person(request.user, person_id)
    lines = person_history_lines(request.user, person)
    return render(request, "directory/person_history.html", {"person": person, "lines": lines})
