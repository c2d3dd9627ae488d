"""Who may use the API: coordinators, as in the directory (visits.access.is_coordinator). What each may see is
the querysets' business, and they take it from visits.access too."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from visits.access import is_coordinator


class IsCoordinator(BasePermission):
    """Signed in (by token or session) and a coordinator. Objects outside the user's scope are 404s, decided
    by the views' querysets (visits.access), so that a guessed number says nothing of what exists."""

    message = "Only coordinators may use the API."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_coordinator(request.user)
