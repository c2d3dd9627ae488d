"""The admin for scheduling: availability and travel times to edit, published versions to read, and a page
per programme to see its conflicts, acknowledge warnings, preview what publishing would change, and publish.

A published version, its changes and the people each change concerns are a record of what was sent: the admin
shows them and offers no way to add, change or delete them.

Where it lives: `availability` (hours, exceptions, travel times, acknowledged warnings), `versions` (the
published record) and `programme` (the programme page and its buttons, over `scheduling.preview`). Importing
the package registers every ModelAdmin.
"""

from scheduling.admin.availability import (
    AvailabilityExceptionAdmin,
    CityTravelTimeAdmin,
    ConflictAcknowledgementAdmin,
    ExpertHoursAdmin,
    TravelTimeAdmin,
)
from scheduling.admin.programme import ProgrammeAdmin
from scheduling.admin.versions import ProgrammeChangeAdmin, ProgrammeVersionAdmin

__all__ = [
    "AvailabilityExceptionAdmin",
    "CityTravelTimeAdmin",
    "ConflictAcknowledgementAdmin",
    "ExpertHoursAdmin",
    "ProgrammeAdmin",
    "ProgrammeChangeAdmin",
    "ProgrammeVersionAdmin",
    "TravelTimeAdmin",
]
