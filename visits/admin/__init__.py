"""The Django admin for the visits domain: good enough for a coordinator on day one.

What differs from a plain ModelAdmin:
- every time shown names its zone, and a visit's or session's change form shows and reads times in that
  visit's or session's own zone, so a seminar in Kathmandu is not typed in Stockholm time by mistake;
- a status offers only the allowed transitions, and a visit's status is moved by
  `visits.services.visit_change_status`. "Published" is never offered: a programme is published by
  `scheduling.publishing.programme_publish`, which also records the version that invitations are sent from;
- a session form remembers the version it was opened at, and is refused if someone saved the session since;
- a refused deletion says why, in the words of the model that refused it.

Where it lives: `base` (DomainAdmin, which every admin here uses, the scheduling admin too), `people`
(organisations, people, venues, delegations), `programme` (themes, visits, sessions) and `accounts` (the
coordinators' accounts, managed by the agency admin). The status and
version guards are `visits.forms`, shared with the planner; times are written by `visits.timefmt`. Importing
the package registers every ModelAdmin.
"""

from visits.admin import accounts  # noqa: F401  (registers the accounts' admin)
from visits.admin.base import DomainAdmin, session_when
from visits.admin.people import (
    DelegationAdmin,
    DelegationMemberAdmin,
    OrganisationAdmin,
    PersonAdmin,
    VenueAdmin,
)
from visits.admin.programme import SessionAdmin, SessionExpertAdmin, ThemeAdmin, VisitAdmin

__all__ = [
    "DelegationAdmin",
    "DelegationMemberAdmin",
    "DomainAdmin",
    "OrganisationAdmin",
    "PersonAdmin",
    "SessionAdmin",
    "SessionExpertAdmin",
    "ThemeAdmin",
    "VenueAdmin",
    "VisitAdmin",
    "session_when",
]
