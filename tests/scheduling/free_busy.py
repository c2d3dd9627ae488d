"""Two coordinators whose visits share an expert and a venue, for the free/busy tests of the checker, the API
and the planner.

Anna's visit (with "both", who coordinates both visits) has Eva Norrman at Rosenbad Hall 09:40–11:05 and in
Kiruna 11:55–12:50; Bertil's has her at Rosenbad Hall 09:00–10:30 (Eva and the hall are booked twice) and
13:10–14:10 (too little time to come from Kiruna). Every clock time of Anna's sessions has odd minutes, so
that none of them is an hour on the board.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User

from tests.factories import (
    DelegationFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session, Visit
from visits.roles import agency_admins_group

# What Bertil must never read: Anna's titles, her visit, its delegation, her other venue and her times.
ANNAS_SECRETS = (
    "Alpha secret briefing",
    "Alpha hidden lunch",
    "Alpha visit",
    "Alpha prosecutors",
    "Kiruna Bunker",
    "09:40",
    "11:05",
    "11:55",
    "12:50",
)
BUSY = "Eva Norrman is busy then (another visit)"
BOOKED = "the venue Rosenbad Hall is booked then (another visit)"
TRAVEL = "Eva Norrman is busy elsewhere before it, too close to travel from there in time (another visit)"


@dataclass
class World:
    anna: User
    bertil: User
    both: User
    agency: User
    annas: Visit
    bertils: Visit
    a1: Session  # 09:40–11:05 at Rosenbad Hall
    a2: Session  # 11:55–12:50 in Kiruna
    b1: Session  # 09:00–10:30 at Rosenbad Hall
    b2: Session  # 13:10–14:10 at Rosenbad Hall


def two_coordinators():
    eva = PersonFactory(name="Eva Norrman")
    hall = VenueFactory(name="Rosenbad Hall")
    kiruna = VenueFactory(name="Kiruna Bunker", city="Kiruna", address="Gruvvägen 1, 981 31 Kiruna")
    anna = UserFactory(username="anna", is_staff=True)
    bertil = UserFactory(username="bertil", is_staff=True)
    both = UserFactory(username="both", is_staff=True)
    agency = UserFactory(username="agency", is_staff=True)
    agency.groups.add(agency_admins_group())
    annas = VisitFactory(title="Alpha visit", delegation=DelegationFactory(name="Alpha prosecutors"))
    bertils = VisitFactory(title="Bravo visit", delegation=DelegationFactory(name="Bravo police"))
    annas.coordinators.add(anna, both)
    bertils.coordinators.add(bertil, both)

    def session(visit, title, venue, start, end):
        made = SessionFactory(
            visit=visit,
            title=title,
            venue=venue,
            starts_at=stockholm(2027, 3, 23, *start),
            ends_at=stockholm(2027, 3, 23, *end),
        )
        SessionExpertFactory(session=made, person=eva)
        return made

    return World(
        anna=anna,
        bertil=bertil,
        both=both,
        agency=agency,
        annas=annas,
        bertils=bertils,
        a1=session(annas, "Alpha secret briefing", hall, (9, 40), (11, 5)),
        a2=session(annas, "Alpha hidden lunch", kiruna, (11, 55), (12, 50)),
        b1=session(bertils, "Bravo hearing", hall, (9, 0), (10, 30)),
        b2=session(bertils, "Bravo walk", hall, (13, 10), (14, 10)),
    )


def leaks(text: str) -> list[str]:
    """What of Anna's sessions the text tells: nothing, for Bertil."""
    return [secret for secret in ANNAS_SECRETS if secret in text]


def names_no_session_of_annas(world: World, key: str) -> bool:
    """A conflict's key names its sessions after the last colon."""
    named = key.rsplit(":", 1)[1].split(",")
    return str(world.a1.pk) not in named and str(world.a2.pk) not in named
