from visits.models.delegations import Delegation, DelegationMember
from visits.models.people import Gender, Organisation, Person
from visits.models.places import OpeningHours, Venue
from visits.models.programme import (
    SESSION_TRANSITIONS,
    VISIT_TRANSITIONS,
    Session,
    StaleEdit,
    TargetGroup,
    Theme,
    Visit,
    VisitStatus,
)
from visits.models.session_people import (
    ANSWERS,
    AWAITING_ANSWER,
    EXPERT_ANSWER_TRANSITIONS,
    INTERPRETER_ANSWER_TRANSITIONS,
    INTERPRETER_ANSWERS,
    NOT_INTERPRETING,
    ChosenMember,
    SessionExpert,
    SessionInterpreter,
)

__all__ = [
    "ANSWERS",
    "AWAITING_ANSWER",
    "EXPERT_ANSWER_TRANSITIONS",
    "INTERPRETER_ANSWERS",
    "INTERPRETER_ANSWER_TRANSITIONS",
    "NOT_INTERPRETING",
    "SESSION_TRANSITIONS",
    "VISIT_TRANSITIONS",
    "ChosenMember",
    "Delegation",
    "DelegationMember",
    "Gender",
    "OpeningHours",
    "Organisation",
    "Person",
    "Session",
    "SessionExpert",
    "SessionInterpreter",
    "StaleEdit",
    "TargetGroup",
    "Theme",
    "Venue",
    "Visit",
    "VisitStatus",
]
