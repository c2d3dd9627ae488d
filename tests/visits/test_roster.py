"""The roster: who is on a session, in which role, read for one person or for many sessions at once."""

from types import SimpleNamespace

import pytest

from tests.factories import (
    DelegationMemberFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    VisitFactory,
)
from visits.models import ChosenMember, Session, SessionExpert
from visits.roster import Roster, on_roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    visit = VisitFactory()
    chosen, other = (DelegationMemberFactory(delegation=visit.delegation) for _ in range(2))
    everyone = SessionFactory(visit=visit, title="Everyone")
    picked = SessionFactory(visit=visit, title="Picked", attendance=Session.Attendance.CHOSEN)
    ChosenMember.objects.create(session=picked, member=chosen)
    expert = SessionExpertFactory(session=picked, response=SessionExpert.Response.DECLINED).person
    interpreter = SessionInterpreterFactory(session=everyone).person
    # Chosen rows left over from before the session went back to the whole delegation do not count.
    ChosenMember.objects.create(session=everyone, member=chosen)
    elsewhere = SessionFactory(title="Another delegation's visit")
    return SimpleNamespace(
        visit=visit,
        chosen=chosen.person,
        other=other.person,
        everyone=everyone,
        picked=picked,
        expert=expert,
        interpreter=interpreter,
        elsewhere=elsewhere,
    )


def titles(sessions):
    return set(sessions.values_list("title", flat=True))


def test_a_persons_sessions_by_role(programme):
    p = programme
    assert titles(Session.objects.with_participant(p.chosen)) == {"Everyone", "Picked"}
    assert titles(Session.objects.with_participant(p.other)) == {"Everyone"}
    assert titles(Session.objects.with_participant(p.expert)) == set()
    assert titles(Session.objects.with_person(p.expert)) == {"Picked"}
    assert titles(Session.objects.with_person(p.interpreter)) == {"Everyone"}
    assert titles(Session.objects.with_person(PersonFactory())) == set()
    sessions = Session.objects.with_roles_of(p.expert)
    roles = {s.title: (s.person_is_expert, s.person_is_interpreter) for s in sessions}
    assert roles["Picked"] == (True, False)
    assert roles["Everyone"] == (False, False)


def test_many_people_as_a_filter(programme):
    p = programme
    found = Session.objects.filter(on_roster([p.other.pk, p.expert.pk])).values("pk").distinct()
    assert set(Session.objects.filter(pk__in=found).values_list("title", flat=True)) == {"Everyone", "Picked"}


def test_the_rosters_of_many_sessions_in_one_query(programme, django_assert_num_queries):
    p = programme
    with django_assert_num_queries(1):
        rosters = Session.objects.rosters([p.everyone, p.picked, p.elsewhere])
    assert rosters[p.everyone.pk] == Roster(
        interpreters=frozenset({p.interpreter.pk}),
        participants=frozenset({p.chosen.pk, p.other.pk}),
        interpreter_responses={p.interpreter.pk: "invited"},
    )
    assert rosters[p.picked.pk] == Roster(
        experts=frozenset({p.expert.pk}),
        participants=frozenset({p.chosen.pk}),
        responses={p.expert.pk: SessionExpert.Response.DECLINED},
    )
    assert rosters[p.elsewhere.pk] == Roster()


def test_a_session_is_read_with_the_attendance_it_has_in_hand(programme, django_assert_num_queries):
    p = programme
    p.picked.attendance = Session.Attendance.DELEGATION  # being edited, not saved
    assert Session.objects.roster_of(p.picked).participants == {p.chosen.pk, p.other.pk}
    proposed = Session(visit=p.visit, title="New", attendance=Session.Attendance.DELEGATION)
    assert Session.objects.roster_of(proposed) == Roster(participants=frozenset({p.chosen.pk, p.other.pk}))
    proposed.attendance = Session.Attendance.CHOSEN
    assert Session.objects.roster_of(proposed) == Roster()
    with django_assert_num_queries(0):
        assert Session.objects.rosters([]) == {}
