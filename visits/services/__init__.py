"""Every write of the visits domain, each a keyword-only, typed and atomic service that names its `actor`
(who makes the change; None for the system): the audit log hangs there. Front ends validate with their forms
and serializers, then call these; they do not save models themselves.

`status` (the allowed status moves), `sessions`, `visits`, `directory` (organisations, people, venues and
opening hours), `delegations` (and their members); `base` holds what they share. Scheduling's own rows
(experts' hours and exceptions, travel times) are written by `scheduling.services`.
"""

from visits.services.base import Refused, Writes
from visits.services.delegations import (
    delegation_register,
    delegation_removal_refusal,
    delegation_remove,
    delegation_update,
    member_add,
    member_is_on_record,
    member_remove,
    member_update,
)
from visits.services.directory import (
    OPENING_HOURS_WRITES,
    ORGANISATION_WRITES,
    PERSON_WRITES,
    VENUE_WRITES,
    opening_hours_create,
    opening_hours_delete,
    opening_hours_update,
    organisation_create,
    organisation_delete,
    organisation_update,
    person_create,
    person_delete,
    person_update,
    venue_create,
    venue_delete,
    venue_update,
)
from visits.services.sessions import (
    session_chosen_members_set,
    session_create,
    session_delete,
    session_expert_add,
    session_expert_remove,
    session_expert_update,
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
    "OPENING_HOURS_WRITES",
    "ORGANISATION_WRITES",
    "PERSON_WRITES",
    "VENUE_WRITES",
    "InvalidTransition",
    "Refused",
    "Writes",
    "check_transition",
    "delegation_register",
    "delegation_removal_refusal",
    "delegation_remove",
    "delegation_update",
    "member_add",
    "member_is_on_record",
    "member_remove",
    "member_update",
    "opening_hours_create",
    "opening_hours_delete",
    "opening_hours_update",
    "organisation_create",
    "organisation_delete",
    "organisation_update",
    "person_create",
    "person_delete",
    "person_update",
    "session_change_status",
    "session_chosen_members_set",
    "session_create",
    "session_delete",
    "session_expert_add",
    "session_expert_remove",
    "session_expert_update",
    "session_experts_set",
    "session_interpreters_set",
    "session_update",
    "venue_create",
    "venue_delete",
    "venue_update",
    "visit_change_status",
    "visit_coordinators_add",
    "visit_create",
    "visit_delete",
    "visit_update",
]
