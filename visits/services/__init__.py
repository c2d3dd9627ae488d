"""Every write of the visits domain, each a keyword-only, typed and atomic service that names its `actor`
(who makes the change; None for the system): the audit log hangs there. Front ends validate with their forms
and serializers, then call these; they do not save models themselves.

`status` (the allowed status moves), `sessions`, `visits`, `directory` (organisations, people, venues,
delegations and their members); `base` holds what they share.
"""

from visits.services.sessions import (
    session_attendees_set,
    session_create,
    session_delete,
    session_experts_set,
    session_interpreters_set,
    session_update,
)
from visits.services.status import (
    InvalidTransition,
    check_transition,
    session_change_status,
    visit_change_status,
)
from visits.services.visits import visit_coordinators_add, visit_create, visit_delete, visit_update

__all__ = [
    "InvalidTransition",
    "check_transition",
    "session_attendees_set",
    "session_change_status",
    "session_create",
    "session_delete",
    "session_experts_set",
    "session_interpreters_set",
    "session_update",
    "visit_change_status",
    "visit_coordinators_add",
    "visit_create",
    "visit_delete",
    "visit_update",
]
