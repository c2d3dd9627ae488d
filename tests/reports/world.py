"""A year of visits whose figures are known: what counts, what does not, and why."""

import datetime as dt
from dataclasses import dataclass

from tests.factories import (
    DelegationFactory,
    DelegationMemberFactory,
    OrganisationFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    ThemeFactory,
    VenueFactory,
    VisitFactory,
)
from visits.models import (
    ChosenMember,
    Gender,
    Organisation,
    Person,
    Session,
    SessionExpert,
    TargetGroup,
    Visit,
)

KATHMANDU = dt.timezone(dt.timedelta(hours=5, minutes=45))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


@dataclass
class World:
    study: Visit  # counted: LV and LT, police and NGO, justice system, two themes
    chosen: Visit  # counted: only its chosen members take part
    seminar: Visit  # counted: a seminar abroad in Nepal, no delegation
    participant: Person
    expert: Person


def build(year=2025):
    """Visits in `year`: three that count and three that do not (a draft, a cancelled one, one that begins
    the year before)."""
    police = OrganisationFactory(
        name="Valsts policija", country="LV", kind=Organisation.Kind.POLICE, side=Organisation.Side.VISITING
    )
    ngo = OrganisationFactory(
        name="Patvērums Drošā māja", country="LV", kind=Organisation.Kind.NGO, side=Organisation.Side.VISITING
    )
    delegation = DelegationFactory(name="Baltic delegation", countries=["LV", "LT"])
    delegation.organisations.set([police, ngo])
    trafficking = ThemeFactory(slug="trafficking", name_en="Trafficking", name_sv="Människohandel")
    prostitution = ThemeFactory(slug="prostitution", name_en="Prostitution", name_sv="Prostitution")
    spring = dt.date(year, 3, 10)
    study = VisitFactory(
        title="Baltic study visit",
        delegation=delegation,
        status=Visit.Status.COMPLETED,
        starts_on=spring,
        ends_on=spring + dt.timedelta(days=2),
        target_group=TargetGroup.JUSTICE,
    )
    study.themes.set([trafficking, prostitution])
    woman = DelegationMemberFactory(delegation=delegation, person=PersonFactory(gender=Gender.WOMAN))
    DelegationMemberFactory(delegation=delegation, person=PersonFactory(gender=Gender.MAN))
    DelegationMemberFactory(delegation=delegation, person=PersonFactory(gender=""))
    # The host: a session's own, or its venue's.
    police_hq = OrganisationFactory(name="Polismyndigheten", kind=Organisation.Kind.POLICE)
    prosecutors = OrganisationFactory(name="Åklagarmyndigheten", kind=Organisation.Kind.PROSECUTION)
    venue = VenueFactory(host_organisation=prosecutors)
    meeting = SessionFactory(
        visit=study, starts_at=at(spring, 8), ends_at=at(spring, 10), host_organisation=police_hq, venue=venue
    )
    site = SessionFactory(
        visit=study, starts_at=at(spring, 12), ends_at=at(spring, 13, 30), venue=venue, host_organisation=None
    )
    cancelled = SessionFactory(
        visit=study,
        starts_at=at(spring, 14),
        ends_at=at(spring, 17),
        venue=venue,
        status=Session.Status.CANCELLED,
    )
    expert_org = OrganisationFactory(name="Stockholms universitet", kind=Organisation.Kind.RESEARCH)
    expert = PersonFactory(name="Expert Lindqvist", organisation=expert_org, gender=Gender.WOMAN)
    SessionExpertFactory(session=meeting, person=expert, response=SessionExpert.Response.CONFIRMED)
    SessionExpertFactory(session=site, person=expert, response=SessionExpert.Response.CONFIRMED)
    SessionExpertFactory(session=cancelled, person=expert, response=SessionExpert.Response.CONFIRMED)
    SessionExpertFactory(
        session=site, person=PersonFactory(organisation=expert_org), response=SessionExpert.Response.DECLINED
    )
    SessionExpertFactory(
        session=meeting, person=PersonFactory(organisation=police_hq), response=SessionExpert.Response.INVITED
    )

    # Only its chosen members take part: two of three, one of them chosen twice.
    autumn = dt.date(year, 10, 6)
    small = DelegationFactory(name="Nepal ministry delegation", countries=["NP"])
    chosen = VisitFactory(
        title="Ministry visit",
        delegation=small,
        status=Visit.Status.PUBLISHED,
        starts_on=autumn,
        ends_on=autumn,
        target_group=TargetGroup.MINISTRIES,
    )
    members = [
        DelegationMemberFactory(delegation=small, person=PersonFactory(gender=g))
        for g in (Gender.WOMAN, Gender.WOMAN, Gender.MAN)
    ]
    for hour in (9, 11):
        session = SessionFactory(
            visit=chosen,
            starts_at=at(autumn, hour),
            ends_at=at(autumn, hour + 1),
            attendance=Session.Attendance.CHOSEN,
            venue=None,
        )
        ChosenMember.objects.create(session=session, member=members[0])
    later = SessionFactory(
        visit=chosen,
        starts_at=at(autumn, 14),
        ends_at=at(autumn, 15),
        attendance=Session.Attendance.CHOSEN,
        venue=None,
    )
    ChosenMember.objects.create(session=later, member=members[2])
    gone = SessionFactory(
        visit=chosen,
        starts_at=at(autumn, 16),
        ends_at=at(autumn, 17),
        attendance=Session.Attendance.CHOSEN,
        venue=None,
        status=Session.Status.CANCELLED,
    )
    ChosenMember.objects.create(session=gone, member=members[1])

    seminar = VisitFactory(
        kind=Visit.Kind.SEMINAR_ABROAD,
        title="Seminar in Kathmandu",
        delegation=None,
        country="NP",
        city="Kathmandu",
        time_zone="Asia/Kathmandu",
        status=Visit.Status.UNDER_WAY,
        starts_on=dt.date(year, 6, 1),
        ends_on=dt.date(year, 6, 1),
        target_group=TargetGroup.MEDIA,
    )
    seminar.themes.set([trafficking])

    # None of these count.
    for status, day in (
        (Visit.Status.DRAFT, spring),
        (Visit.Status.CANCELLED, spring),
        (Visit.Status.COMPLETED, dt.date(year - 1, 12, 30)),
    ):
        other = VisitFactory(
            delegation=delegation,
            status=status,
            starts_on=day,
            ends_on=day + dt.timedelta(days=3),
            target_group=TargetGroup.NGOS,
        )
        session = SessionFactory(visit=other, starts_at=at(day, 9), ends_at=at(day, 10), venue=venue)
        SessionExpertFactory(session=session, person=expert, response=SessionExpert.Response.CONFIRMED)
    return World(study=study, chosen=chosen, seminar=seminar, participant=woman.person, expert=expert)
