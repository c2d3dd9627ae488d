"""Who may use the API: coordinators, as in the directory. What each may see is the querysets' business."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from directory.access import is_coordinator


class IsCoordinator(BasePermission):
    """Signed in (by token or session) and staff. Objects outside the user's scope are 404s, decided by the
    views' querysets, so that a guessed number says nothing of what exists."""

    message = "Only coordinators may use the API."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_coordinator(request.user)
