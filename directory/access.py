"""Who may use the directory, and which delegations they may see.

People, organisations and venues are shared between coordinators on purpose: one expert serves many visits.
A delegation is seen by its own coordinators (whoever registered it, and whom they add) and by the
coordinators of its visits (superusers: all). What someone may not see is a 404,
never a 403, so that a guessed address says nothing of what exists.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from visits.models import Delegation
from visits.selectors import delegations_for_user

View = Callable[..., HttpResponse]


def is_coordinator(user: User | AnonymousUser) -> bool:
    # Coordinators are staff: the admin is part of their toolbox (see visits.selectors.visits_for_user).
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def coordinator_required(view: View) -> View:
    """Sign-in first; then a signed-in person who is not a coordinator finds nothing here (404)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_coordinator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def access_delegation(user: User | AnonymousUser, delegation_id: int) -> Delegation:
    return get_object_or_404(delegations_for_user(user), pk=delegation_id)
