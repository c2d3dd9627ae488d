"""Template filters for the answers that need the coordinator (planner.needs_you)."""

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def of_session(by_session: Mapping[int, Any] | None, session_id: int) -> Any:
    """What a mapping by session id holds for one session: `proposed|of_session:session.pk`."""
    return (by_session or {}).get(session_id, [])
