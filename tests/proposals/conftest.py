"""A visit with wanted sessions, experts with hours, venues with opening hours and another visit that keeps
an expert busy: the database side of the solver."""

import datetime as dt
from dataclasses import dataclass

import pytest

from proposals.models import WantedSession
from scheduling.models import ExpertHours, TravelTime
from tests.factories import (
    DelegationMemberFactory,
    OpeningHoursFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from tests.inbound.conftest import broker_url  # noqa: F401
from visits.models import Person, Session, Venue, Visit
from visits.roles import coordinators_group


@dataclass
class Week:
    visit: Visit
    coordinator: object
    eva: Person
    ola: Person
    police: Venue
    prosecution: Venue
    welcome: WantedSession
    briefing: WantedSession
    dinner: Session
    elsewhere: Session


@pytest.fixture
def week(db):
    coordinator = UserFactory(username="anna", is_staff=True)
    coordinator.groups.add(coordinators_group())
    visit = VisitFactory(title="Latvian police, spring")
    visit.coordinators.add(coordinator)
    for _ in range(3):
        DelegationMemberFactory(delegation=visit.delegation)
    eva = PersonFactory(name="Eva Norrman")
    ola = PersonFactory(name="Ola Berg")
    ExpertHours.objects.create(person=eva, weekday=1, starts=dt.time(8), ends=dt.time(12))
    police = VenueFactory(name="Police Headquarters")
    prosecution = VenueFactory(name="Prosecution Authority")
    for venue in (police, prosecution):
        for weekday in range(5):
            OpeningHoursFactory(venue=venue, weekday=weekday)
    TravelTime.objects.create(venue_a=police, venue_b=prosecution, minutes=40)
    welcome = WantedSession.objects.create(visit=visit, title="Welcome", minutes=60)
    welcome.experts.set([eva])
    welcome.venues.set([police])
    briefing = WantedSession.objects.create(visit=visit, title="Police briefing", minutes=90)
    briefing.experts.set([eva, ola])
    briefing.venues.set([police, prosecution])
    briefing.after.set([welcome])
    dinner = SessionFactory(
        visit=visit,
        title="Arrival dinner",
        kind=Session.Kind.MEAL,
        starts_at=stockholm(2027, 3, 22, 18),
        ends_at=stockholm(2027, 3, 22, 20),
        venue=None,
        status=Session.Status.CONFIRMED,
    )
    # Another visit has Ola all of Wednesday to Friday.
    elsewhere = SessionFactory(title="Other visit's day", starts_at=stockholm(2027, 3, 24, 7), venue=None)
    elsewhere.ends_at = stockholm(2027, 3, 26, 22)
    elsewhere.save()
    SessionExpertFactory(session=elsewhere, person=ola)
    return Week(visit, coordinator, eva, ola, police, prosecution, welcome, briefing, dinner, elsewhere)
