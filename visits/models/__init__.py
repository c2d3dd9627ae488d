from visits.models.delegations import Delegation, DelegationMember
from visits.models.people import Organisation, Person
from visits.models.places import OpeningHours, Venue
from visits.models.programme import (
    ANSWERS,
    AWAITING_ANSWER,
    EXPERT_ANSWER_TRANSITIONS,
    SESSION_TRANSITIONS,
    VISIT_TRANSITIONS,
    ChosenMember,
    Session,
    SessionExpert,
    SessionInterpreter,
    StaleEdit,
    Theme,
    Visit,
    VisitStatus,
)

__all__ = [
    "ANSWERS",
    "AWAITING_ANSWER",
    "EXPERT_ANSWER_TRANSITIONS",
    "SESSION_TRANSITIONS",
    "VISIT_TRANSITIONS",
    "ChosenMember",
    "Delegation",
    "DelegationMember",
    "OpeningHours",
    "Organisation",
    "Person",
    "Session",
    "SessionExpert",
    "SessionInterpreter",
    "StaleEdit",
    "Theme",
    "Venue",
    "Visit",
    "VisitStatus",
]
