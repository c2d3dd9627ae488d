"""Conflicts kept per visit (scheduling.kept): counted as a fresh report counts them, marked stale by every
write they depend on, whatever door it comes through."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import override_settings

from scheduling.checks import conflict_acknowledge, visit_conflict_report, visits_conflict_reports
from scheduling.kept import checked, kept_conflicts, open_conflict_counts, rules_signature, store
from scheduling.models import AvailabilityException, CityTravelTime, ExpertHours, KeptConflicts, TravelTime
from tests.factories import (
    DelegationMemberFactory,
    OpeningHoursFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    UserFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import ChosenMember, Session, SessionExpert

pytestmark = pytest.mark.django_db


def session(visit, day, hour, minutes=90, **fields):
    start = stockholm(2027, 3, day, hour)
    end = start + dt.timedelta(minutes=minutes)
    return SessionFactory(visit=visit, starts_at=start, ends_at=end, **fields)


@pytest.fixture
def mixed(coordinator):
    """Three visits the same week: `a` and `b` coordinated by `coordinator`, `c` by someone else. Clashes
    within `a`, between `a` and `b`, and between `a` and two sessions of `c` at once; warnings, one of them
    acknowledged; a cancelled session that would clash; chosen members; an expert who declined."""
    a, b = VisitFactory(title="A"), VisitFactory(title="B")
    c = VisitFactory(title="C")
    for visit in (a, b):
        visit.coordinators.add(coordinator)
    c.coordinators.add(UserFactory())
    shared, busy, declined = PersonFactory(name="Shared"), PersonFactory(name="Busy"), PersonFactory()
    room = VenueFactory()
    a1 = session(a, 23, 9, venue=room)
    session(a, 23, 10, venue=room)  # the room twice (fatal), the delegation twice (fatal)
    SessionExpertFactory(session=a1, person=shared)
    b1 = session(b, 23, 10, language="sv")  # no interpreter for Swedish
    SessionExpertFactory(session=b1, person=shared)  # `shared` in a and b at once
    a3 = session(a, 24, 9, language="sv")  # no interpreter for Swedish
    SessionExpertFactory(session=a3, person=busy)
    for hour in (9, 10):
        SessionExpertFactory(session=session(c, 24, hour), person=busy)  # to a reader of a: busy, once
    SessionExpertFactory(session=session(a, 25, 9), person=declined, response=SessionExpert.Response.DECLINED)
    SessionExpertFactory(session=session(b, 25, 9), person=declined)  # not a clash: declined in a
    cancelled = session(a, 23, 9, status=Session.Status.CANCELLED)
    SessionExpertFactory(session=cancelled, person=shared)
    chosen = session(a, 26, 14, attendance=Session.Attendance.CHOSEN)
    ChosenMember.objects.create(session=chosen, member=DelegationMemberFactory(delegation=a.delegation))
    weekend = VisitFactory(title="Weekend", starts_on=dt.date(2027, 3, 26), ends_on=dt.date(2027, 3, 28))
    weekend.coordinators.add(coordinator)
    session(weekend, 27, 9)
    session(weekend, 28, 9)
    report = visit_conflict_report(weekend)
    conflict_acknowledge(visit=weekend, conflict=report.warnings[0], actor=coordinator)
    return SimpleNamespace(a=a, b=b, c=c, weekend=weekend, shared=shared, busy=busy, room=room, a1=a1, b1=b1)


def fresh_count(visit, reader):
    report = visit_conflict_report(visit, reader=reader)
    return len(report.fatal) + len(report.open_warnings)


def test_kept_counts_are_those_of_a_fresh_report_for_every_reader(mixed, coordinator, staff_user):
    visits = [mixed.a, mixed.b, mixed.c, mixed.weekend]
    ids = [visit.pk for visit in visits]
    for reader in (None, coordinator, staff_user):
        expected = {visit.pk: fresh_count(visit, reader) for visit in visits}
        assert {pk: open_conflict_counts(ids, reader=reader).get(pk, 0) for pk in ids} == expected
        # Kept now: counted again from the rows, the same.
        assert not KeptConflicts.objects.filter(visit_id__in=ids, stale=True).exists()
        assert {pk: open_conflict_counts(ids, reader=reader).get(pk, 0) for pk in ids} == expected
    # The fixture has what it says: a reader who may not see c counts its two clashes with a as one, and
    # the acknowledged weekend warning is not counted.
    assert fresh_count(mixed.a, coordinator) == fresh_count(mixed.a, staff_user) - 1
    assert fresh_count(mixed.weekend, None) == 1


def test_a_visits_report_is_the_same_asked_alone_or_with_others(mixed, coordinator):
    visits = [mixed.a, mixed.b, mixed.weekend]  # the reader's
    together = visits_conflict_reports([visit.pk for visit in visits], reader=coordinator)
    for visit in visits:
        alone = visit_conflict_report(visit, reader=coordinator)
        assert [c.key for c in together[visit.pk].conflicts] == [c.key for c in alone.conflicts]


def stale(*visits):
    return {
        visit.pk
        for visit in visits
        if KeptConflicts.objects.filter(visit=visit, stale=True).exists()
        or not KeptConflicts.objects.filter(visit=visit).exists()
    }


def far_away():
    """A visit in May, far in time from the fixture's week: no write in March may mark it."""
    visit = VisitFactory(starts_on=dt.date(2027, 5, 10), ends_on=dt.date(2027, 5, 14))
    SessionFactory(visit=visit, starts_at=stockholm(2027, 5, 11, 9), ends_at=stockholm(2027, 5, 11, 10))
    return visit


def move_a1(m):
    later = {"starts_at": stockholm(2027, 3, 23, 13), "ends_at": stockholm(2027, 3, 23, 14)}
    Session.objects.filter(pk=m.a1.pk).update(**later)  # no signal, no save(): the triggers see it


def move_b1(m):  # another visit's session with an expert in common
    m.b1.starts_at, m.b1.ends_at = stockholm(2027, 3, 23, 14), stockholm(2027, 3, 23, 15)
    m.b1.save()


def cancel_b1(m):
    Session.objects.filter(pk=m.b1.pk).update(status=Session.Status.CANCELLED)


def decline_in_b(m):
    SessionExpert.objects.filter(session=m.b1).update(response=SessionExpert.Response.DECLINED)


def add_expert_in_b(m):
    SessionExpert.objects.bulk_create([SessionExpert(session=m.b1, person=PersonFactory())])


def add_interpreter_in_b(m):
    SessionInterpreterFactory(session=m.b1)


def add_member_to_bs_delegation(m):
    DelegationMemberFactory(delegation=m.b.delegation)


def change_bs_languages(m):
    m.b.delegation.languages = ["sv"]
    m.b.delegation.save()


def experts_exception(m):
    AvailabilityException.objects.create(
        person=m.shared, starts_on=dt.date(2027, 3, 23), ends_on=dt.date(2027, 3, 23)
    )


def experts_hours(m):
    ExpertHours.objects.create(person=m.shared, weekday=1, starts=dt.time(8), ends=dt.time(12))


def rooms_opening_hours(m):
    OpeningHoursFactory(venue=m.room, weekday=1)


def rooms_capacity(m):
    m.room.capacity = 1
    m.room.save()


def travel_time(m):
    TravelTime.objects.create(venue_a=m.room, venue_b=VenueFactory(), minutes=45)


def city_travel_time(m):
    CityTravelTime.objects.create(city_a="Stockholm", city_b="Uppsala", minutes=60)


def acknowledge_in_b(m):
    warning = next(c for c in visit_conflict_report(m.b).conflicts if not c.is_fatal)
    conflict_acknowledge(visit=m.b, conflict=warning, actor=UserFactory())


def bs_dates(m):
    m.b.starts_on = dt.date(2027, 3, 24)
    m.b.save()


@pytest.mark.parametrize(
    ("write", "marked"),
    [
        # Near in time: b (it shares `shared` with a) and c; not the weekend three days on, nor May.
        (move_a1, {"a", "b", "c"}),
        (move_b1, {"a", "b", "c"}),
        (cancel_b1, {"a", "b", "c"}),
        (decline_in_b, {"a", "b", "c"}),
        (add_expert_in_b, {"a", "b", "c"}),
        (add_interpreter_in_b, {"a", "b", "c"}),
        (add_member_to_bs_delegation, {"a", "b", "c", "weekend"}),
        (change_bs_languages, {"a", "b", "c", "weekend"}),  # around b's days, more than needed
        (experts_exception, {"a", "b"}),
        (experts_hours, {"a", "b"}),
        (rooms_opening_hours, {"a", "b", "c", "weekend"}),
        (rooms_capacity, {"a", "b", "c", "weekend"}),
        (travel_time, {"a", "b", "c", "weekend", "far"}),
        (city_travel_time, {"a", "b", "c", "weekend", "far"}),
        (acknowledge_in_b, {"b"}),
        (bs_dates, {"a", "b", "c", "weekend"}),
    ],
)
def test_every_write_a_count_depends_on_marks_the_visits_it_may_change(mixed, write, marked):
    far = far_away()
    visits = {"a": mixed.a, "b": mixed.b, "c": mixed.c, "weekend": mixed.weekend, "far": far}
    kept_conflicts([visit.pk for visit in visits.values()])
    assert stale(*visits.values()) == set()
    write(mixed)
    names = {visit.pk: name for name, visit in visits.items()}
    assert {names[pk] for pk in stale(*visits.values())} == marked


def test_a_check_that_read_before_a_write_is_not_kept_as_fresh(mixed):
    kept_conflicts([mixed.b.pk])
    KeptConflicts.objects.filter(visit=mixed.b).update(stale=True)
    generation = KeptConflicts.objects.get(visit=mixed.b).generation
    before = checked([mixed.b.pk])  # read now …
    move_b1(mixed)  # … written meanwhile
    store(before, {mixed.b.pk: generation}, rules_signature())
    assert stale(mixed.b) == {mixed.b.pk}
    assert KeptConflicts.objects.get(visit=mixed.b).generation > generation


def test_conflicts_kept_under_other_rules_are_checked_again(mixed):
    kept_conflicts([mixed.a.pk])
    before = open_conflict_counts([mixed.a.pk])[mixed.a.pk]
    with override_settings(SCHEDULING_MAX_SESSIONS_PER_DAY=1):
        assert open_conflict_counts([mixed.a.pk])[mixed.a.pk] == fresh_count(mixed.a, None) > before
