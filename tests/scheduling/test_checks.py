"""Conflict checks against the database: one edited session, a whole programme, acknowledgements."""

import datetime as dt

import pytest

from scheduling.checks import (
    CannotAcknowledge,
    conflict_acknowledge,
    session_conflicts,
    visit_conflict_report,
)
from scheduling.conflicts import ConflictKind
from scheduling.models import AvailabilityException, ExpertHours, TravelTime
from tests.factories import (
    DelegationMemberFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session, SessionExpert

pytestmark = pytest.mark.django_db


def kinds(conflicts):
    return sorted(c.kind for c in conflicts)


def test_an_expert_booked_in_another_visit_at_the_same_time_is_found_for_the_edited_session(staff_user):
    expert = PersonFactory(name="Karin Holm")
    ours = SessionFactory(title="Ours")
    theirs = SessionFactory(
        title="Theirs",
        visit=VisitFactory(),
        starts_at=stockholm(2027, 3, 23, 9, 30),
        ends_at=stockholm(2027, 3, 23, 11),
    )
    SessionExpertFactory(session=ours, person=expert)
    SessionExpertFactory(session=theirs, person=expert)
    [found] = session_conflicts(ours, reader=staff_user)  # who sees every visit
    assert found.kind is ConflictKind.PERSON_DOUBLE_BOOKED
    assert found.sessions == tuple(sorted((ours.pk, theirs.pk)))
    assert "Karin Holm" in found.message() and "Theirs" in found.message()


def test_a_declined_expert_is_not_double_booked():
    expert = PersonFactory()
    ours = SessionFactory()
    theirs = SessionFactory(visit=VisitFactory())
    SessionExpertFactory(session=ours, person=expert)
    SessionExpertFactory(session=theirs, person=expert, response=SessionExpert.Response.DECLINED)
    assert session_conflicts(ours) == []


def test_a_delegation_member_is_a_participant_of_every_whole_delegation_session():
    member = DelegationMemberFactory()
    visit = VisitFactory(delegation=member.delegation)
    ours = SessionFactory(visit=visit)
    # The same person leads a session elsewhere at the same time.
    elsewhere = SessionFactory(visit=VisitFactory())
    SessionExpertFactory(session=elsewhere, person=member.person)
    assert kinds(session_conflicts(ours)) == [ConflictKind.PERSON_DOUBLE_BOOKED]
    ours.attendance = Session.Attendance.CHOSEN
    ours.save()
    assert session_conflicts(ours) == []


def test_a_cancelled_session_clashes_with_nothing():
    venue = VenueFactory()
    ours = SessionFactory(venue=venue)
    SessionFactory(venue=venue, visit=VisitFactory(), status=Session.Status.CANCELLED)
    assert session_conflicts(ours) == []


def test_a_proposed_session_is_checked_without_saving_it():
    venue = VenueFactory()
    SessionFactory(venue=venue)
    proposal = Session(
        visit=VisitFactory(),
        title="Proposal",
        starts_at=stockholm(2027, 3, 23, 10),
        ends_at=stockholm(2027, 3, 23, 11),
        venue=venue,
    )
    assert kinds(session_conflicts(proposal, experts=[], interpreters=[])) == [
        ConflictKind.VENUE_DOUBLE_BOOKED
    ]
    assert Session.objects.count() == 1


def test_travel_time_is_checked_against_the_previous_session_of_the_expert():
    expert = PersonFactory()
    first_venue, second_venue = VenueFactory(), VenueFactory()
    TravelTime.objects.create(venue_a=first_venue, venue_b=second_venue, minutes=45)
    before = SessionFactory(
        venue=first_venue, starts_at=stockholm(2027, 3, 23, 8), ends_at=stockholm(2027, 3, 23, 9)
    )
    edited = SessionFactory(
        venue=second_venue, starts_at=stockholm(2027, 3, 23, 9, 30), ends_at=stockholm(2027, 3, 23, 10)
    )
    SessionExpertFactory(session=before, person=expert)
    SessionExpertFactory(session=edited, person=expert)
    assert ConflictKind.TRAVEL_TIME in kinds(session_conflicts(edited))
    edited.starts_at, edited.ends_at = stockholm(2027, 3, 23, 10), stockholm(2027, 3, 23, 11)
    edited.save()
    assert ConflictKind.TRAVEL_TIME not in kinds(session_conflicts(edited))


def test_expert_availability_and_exceptions_come_from_the_database():
    expert = PersonFactory(home_time_zone="Europe/Stockholm")
    session = SessionFactory()  # Tuesday 23 March 2027, 09:00-10:30
    SessionExpertFactory(session=session, person=expert)
    assert session_conflicts(session) == []
    ExpertHours.objects.create(person=expert, weekday=1, starts=dt.time(13), ends=dt.time(17))
    assert kinds(session_conflicts(session)) == [ConflictKind.OUTSIDE_EXPERT_AVAILABILITY]
    AvailabilityException.objects.create(
        person=expert,
        kind="only",
        starts_on=dt.date(2027, 3, 23),
        ends_on=dt.date(2027, 3, 23),
        starts=dt.time(8),
        ends=dt.time(12),
    )
    assert session_conflicts(session) == []


def test_swedish_public_holidays_come_from_the_holidays_package():
    visit = VisitFactory(starts_on=dt.date(2027, 3, 24), ends_on=dt.date(2027, 3, 29))
    good_friday = SessionFactory(
        visit=visit, starts_at=stockholm(2027, 3, 26, 9), ends_at=stockholm(2027, 3, 26, 10)
    )
    [found] = session_conflicts(good_friday)
    assert found.kind is ConflictKind.HOLIDAY
    assert "Långfredagen" in found.message("sv") or "Good Friday" in found.message("en")


def test_an_interpreter_booked_makes_the_language_warning_go_away():
    visit = VisitFactory(delegation__languages=["lv"])
    session = SessionFactory(visit=visit, language="sv")
    assert kinds(session_conflicts(session)) == [ConflictKind.LANGUAGE_WITHOUT_INTERPRETER]
    SessionInterpreterFactory(session=session)
    assert session_conflicts(session) == []


def test_the_programme_report_covers_clashes_with_other_visits_and_nothing_unrelated(staff_user):
    venue = VenueFactory(capacity=1)
    visit = VisitFactory()
    ours = SessionFactory(visit=visit, venue=venue)
    theirs = SessionFactory(visit=VisitFactory(), venue=venue)
    # Two sessions of two other visits clash with each other, not with ours: not in our report.
    other_venue = VenueFactory()
    SessionFactory(visit=VisitFactory(), venue=other_venue)
    SessionFactory(visit=VisitFactory(), venue=other_venue)
    report = visit_conflict_report(visit, reader=staff_user)  # who sees every visit
    assert [(c.kind, c.sessions) for c in report.fatal] == [
        (ConflictKind.VENUE_DOUBLE_BOOKED, tuple(sorted((ours.pk, theirs.pk))))
    ]
    assert report.by_session()[ours.pk] == report.fatal


def test_the_programme_report_takes_the_same_queries_for_5_and_50_sessions(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count):
        visit = VisitFactory()
        member = DelegationMemberFactory(delegation=visit.delegation)
        for index in range(count):
            session = SessionFactory(
                visit=visit,
                starts_at=stockholm(2027, 3, 22 + index % 5, 8 + index // 5 % 10),
                ends_at=stockholm(2027, 3, 22 + index % 5, 8 + index // 5 % 10, 50),
            )
            SessionExpertFactory(session=session)
        with CaptureQueriesContext(connection) as captured:
            visit_conflict_report(visit)
        assert member
        return len(captured)

    assert queries_for(5) == queries_for(50)


def test_a_warning_can_be_acknowledged_once_and_a_fatal_conflict_cannot(coordinator):
    visit = VisitFactory()
    weekend = SessionFactory(
        visit=visit,
        starts_at=stockholm(2027, 3, 27, 9),
        ends_at=stockholm(2027, 3, 27, 10),
        outside_visit_dates=True,
    )
    report = visit_conflict_report(visit)
    kinds_found = kinds(report.conflicts)
    assert ConflictKind.WEEKEND in kinds_found
    warning = next(c for c in report.conflicts if c.kind is ConflictKind.WEEKEND)
    first = conflict_acknowledge(visit=visit, conflict=warning, actor=coordinator)
    again = conflict_acknowledge(visit=visit, conflict=warning, actor=coordinator)
    assert first.pk == again.pk and first.acknowledged_by == coordinator
    assert warning.key in visit_conflict_report(visit).acknowledged
    assert visit_conflict_report(visit).open_warnings == []
    SessionFactory(
        visit=visit,
        venue=weekend.venue,
        starts_at=weekend.starts_at,
        ends_at=weekend.ends_at,
        outside_visit_dates=True,
    )
    fatal = visit_conflict_report(visit).fatal[0]
    with pytest.raises(CannotAcknowledge):
        conflict_acknowledge(visit=visit, conflict=fatal, actor=coordinator)
